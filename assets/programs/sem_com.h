/* The two semaphores shm1_sem and shm2_sem use instead of the seed's written_by_you flag (the
 * seed's section 5.4 points to System V semaphores for this). One set of key 1235, two semaphores:
 *   SEM_WRITTEN: 1 while a text waits for shm1 to read it (starts at 0);
 *   SEM_READ:    1 while the buffer is free for shm2 to write (starts at 1).
 * Each program sleeps in semop() until its turn, instead of looping on a flag. */
#ifndef SEM_COM_H
#define SEM_COM_H

#include <sys/sem.h>

#define SEM_KEY 1235
#define SEM_WRITTEN 0
#define SEM_READ 1

/* Adds `op` to semaphore `num` of set `semid`: -1 waits until it can take one, +1 gives one back. */
static inline int sem_add(int semid, unsigned short num, short op)
{
    struct sembuf b = {num, op, 0};
    return semop(semid, &b, 1);
}

#endif
