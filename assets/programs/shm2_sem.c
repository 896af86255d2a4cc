/* shm2_sem: the seed's shm2 (section 5.3) with two semaphores instead of the loop that sleeps a
 * second at a time while written_by_you is 1. It waits in semop() until the buffer is free
 * (SEM_READ), copies a line into it and says so (SEM_WRITTEN), which wakes shm1_sem. Run shm1_sem
 * first: it creates the set and gives the semaphores their first values. */
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
    char buffer[BUFSIZ];
    int shmid, semid;

    shmid = shmget((key_t)1234, sizeof(struct shared_use_st), 0666 | IPC_CREAT);
    semid = semget((key_t)SEM_KEY, 2, 0666 | IPC_CREAT);
    if (shmid == -1 || semid == -1) {
        fprintf(stderr, "shmget or semget failed\n");
        exit(EXIT_FAILURE);
    }
    shared_memory = shmat(shmid, (void *)0, 0);
    if (shared_memory == (void *)-1) {
        fprintf(stderr, "shmat failed\n");
        exit(EXIT_FAILURE);
    }
    printf("Memory attached at %p\n", shared_memory);
    shared_stuff = (struct shared_use_st *)shared_memory;

    while (running) {
        if (sem_add(semid, SEM_READ, -1) == -1) { /* sleeps until shm1_sem has read the last text */
            fprintf(stderr, "semop failed\n");
            exit(EXIT_FAILURE);
        }
        printf("Enter some text: ");
        fflush(stdout);
        if (fgets(buffer, BUFSIZ, stdin) == NULL)
            strcpy(buffer, "end\n");
        strncpy(shared_stuff->some_text, buffer, TEXT_SZ - 1);
        shared_stuff->some_text[TEXT_SZ - 1] = '\0';
        if (strncmp(buffer, "end", 3) == 0)
            running = 0;
        if (sem_add(semid, SEM_WRITTEN, +1) == -1) { /* wakes shm1_sem */
            fprintf(stderr, "semop failed\n");
            exit(EXIT_FAILURE);
        }
    }

    if (shmdt(shared_memory) == -1) {
        fprintf(stderr, "shmdt failed\n");
        exit(EXIT_FAILURE);
    }
    exit(EXIT_SUCCESS);
}
