/* A parent attaches a segment and writes to it, then forks: the child inherits the attachment
 * (nattch goes to 2) but not the parent's page-table entry, so its first read faults. */
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int shmid = shmget(IPC_PRIVATE, 2 * 4096, 0600);
    char *p = shmat(shmid, NULL, 0);
    if (shmid == -1 || p == (void *)-1) return 1;
    strcpy(p, "from parent");
    pid_t child = fork();
    if (child == 0) {
        printf("child reads: %s\n", p);
        strcpy(p + 4096, "from child");
        _exit(0);
    }
    waitpid(child, NULL, 0);
    printf("parent reads: %s\n", p + 4096);
    shmdt(p);
    shmctl(shmid, IPC_RMID, NULL);
    return 0;
}
