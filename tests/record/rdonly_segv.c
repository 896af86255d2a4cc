/* A store through a SHM_RDONLY attachment: the kernel kills the process with SIGSEGV. */
#include <stdio.h>
#include <string.h>
#include <sys/shm.h>

int main(void)
{
    int shmid = shmget(IPC_PRIVATE, 4096, 0600);
    char *rw = shmat(shmid, NULL, 0);
    char *ro = shmat(shmid, NULL, SHM_RDONLY);
    if (shmid == -1 || rw == (void *)-1 || ro == (void *)-1) return 1;
    shmctl(shmid, IPC_RMID, NULL); /* gone with the last detach, whatever happens next */
    strcpy(rw, "read me");
    printf("through the read-only attachment: %s\n", ro);
    fflush(stdout);
    ro[0] = 'X'; /* SIGSEGV */
    return 0;
}
