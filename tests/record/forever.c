/* Never ends: a segment written in a busy loop, for the recorder's --timeout. */
#include <stddef.h>
#include <sys/shm.h>

int main(void)
{
    int shmid = shmget(IPC_PRIVATE, 4096, 0600);
    volatile int *p = shmat(shmid, NULL, 0);
    for (;;) ++*p;
}
