/* Signals end sleeps: a receiver with a SIGUSR1 handler leaves msgrcv with EINTR, one without is
 * killed by the same signal, and SIGKILL ends a sender asleep on a semaphore. */
#include <signal.h>
#include <stdio.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

struct text { long mtype; char mtext[16]; };

static void on_usr1(int sig) { (void)sig; }

static pid_t receiver(int q, int handled)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct text m;
        if (handled) signal(SIGUSR1, on_usr1);
        if (msgrcv(q, &m, sizeof m.mtext, 0, 0) == -1) perror("msgrcv");
        _exit(0);
    }
    return pid;
}

int main(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    int s = semget(IPC_PRIVATE, 1, 0600);
    pid_t handled = receiver(q, 1);
    pid_t unhandled = receiver(q, 0);
    pid_t waiter = fork();
    if (waiter == 0) {
        struct sembuf down = {0, -1, 0};
        semop(s, &down, 1);
        _exit(0);
    }
    usleep(300 * 1000); /* all three asleep */
    kill(handled, SIGUSR1);
    kill(unhandled, SIGUSR1);
    kill(waiter, SIGKILL);
    while (wait(NULL) > 0) {
    }
    msgctl(q, IPC_RMID, NULL);
    semctl(s, 0, IPC_RMID);
    return 0;
}
