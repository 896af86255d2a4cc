/* Two senders sleep on a full queue (msg_qbytes = 16) until a receive makes room for each. */
#include <stdio.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <unistd.h>

struct text { long mtype; char mtext[16]; };

static void sender(int q, const char *text)
{
    struct text m = {1, {0}};
    snprintf(m.mtext, sizeof m.mtext, "%s", text);
    msgsnd(q, &m, 10, 0);
    _exit(0);
}

int main(void)
{
    int q = msgget(IPC_PRIVATE, 0600);
    struct msqid_ds ds;
    msgctl(q, IPC_STAT, &ds);
    ds.msg_qbytes = 16;
    msgctl(q, IPC_SET, &ds);
    struct text m = {1, "first....."};
    msgsnd(q, &m, 10, 0);
    if (fork() == 0) sender(q, "second....");
    if (fork() == 0) sender(q, "third.....");
    usleep(300 * 1000); /* both senders are asleep on q_senders by now */
    for (int i = 0; i < 3; i++) {
        msgrcv(q, &m, sizeof m.mtext, 0, 0);
        printf("received %.10s\n", m.mtext);
    }
    while (wait(NULL) > 0) {
    }
    msgctl(q, IPC_RMID, NULL);
    return 0;
}
