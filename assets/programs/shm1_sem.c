/* shm1_sem: the seed's shm1 (section 5.3) with two semaphores instead of the busy loop on
 * written_by_you. It creates the segment of key 1234 and the semaphore set of key 1235, sets
 * SEM_WRITTEN to 0 and SEM_READ to 1, and then sleeps in semop() until shm2_sem has written a
 * text: no CPU is spent waiting. "end" ends both; shm1_sem removes the segment and the set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/sem.h>
#include <sys/shm.h>

#include "sem_com.h"
#include "shm_com.h"

int main(void)
{
    int running = 1;
    void *shared_memory;
    struct shared_use_st *shared_stuff;
    unsigned short start[2] = {0, 1}; /* SEM_WRITTEN = 0, SEM_READ = 1 */
    int shmid, semid;

    shmid = shmget((key_t)1234, sizeof(struct shared_use_st), 0666 | IPC_CREAT);
    if (shmid == -1) {
        fprintf(stderr, "shmget failed\n");
        exit(EXIT_FAILURE);
    }
    semid = semget((key_t)SEM_KEY, 2, 0666 | IPC_CREAT);
    if (semid == -1) {
        fprintf(stderr, "semget failed\n");
        exit(EXIT_FAILURE);
    }
    /* Linux wants the caller to define union semun; SETALL reads only its array member. */
    union semun { int val; struct semid_ds *buf; unsigned short *array; } arg;
    arg.array = start;
    if (semctl(semid, 0, SETALL, arg) == -1) {
        fprintf(stderr, "semctl(SETALL) failed\n");
        exit(EXIT_FAILURE);
    }

    shared_memory = shmat(shmid, (void *)0, 0);
    if (shared_memory == (void *)-1) {
        fprintf(stderr, "shmat failed\n");
        exit(EXIT_FAILURE);
    }
    printf("Memory attached at %p\n", shared_memory);
    fflush(stdout);
    shared_stuff = (struct shared_use_st *)shared_memory;

    while (running) {
        if (sem_add(semid, SEM_WRITTEN, -1) == -1) { /* sleeps until shm2_sem has written */
            fprintf(stderr, "semop failed\n");
            exit(EXIT_FAILURE);
        }
        printf("You wrote: %s", shared_stuff->some_text);
        fflush(stdout);
        if (strncmp(shared_stuff->some_text, "end", 3) == 0)
            running = 0;
        if (sem_add(semid, SEM_READ, +1) == -1) { /* the buffer is free again */
            fprintf(stderr, "semop failed\n");
            exit(EXIT_FAILURE);
        }
    }

    if (shmdt(shared_memory) == -1 || shmctl(shmid, IPC_RMID, 0) == -1 || semctl(semid, 0, IPC_RMID) == -1) {
        fprintf(stderr, "cleanup failed\n");
        exit(EXIT_FAILURE);
    }
    exit(EXIT_SUCCESS);
}
