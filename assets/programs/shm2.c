/* shm2: the producer of the seed's section 5.3. It attaches the segment of key 1234 and copies
 * each line it reads into it, waiting while shm1 has not taken the last one; "end" ends both.
 * As the seed's, with %p for the address, EXIT_SUCCESS at the end, and an end of input taken
 * as "end". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/shm.h>

#include "shm_com.h"

int main(void)
{
    int running = 1;
    void *shared_memory = (void *)0;
    struct shared_use_st *shared_stuff;
    char buffer[BUFSIZ];
    int shmid;

    shmid = shmget((key_t)1234, sizeof(struct shared_use_st), 0666 | IPC_CREAT);
    if (shmid == -1) {
        fprintf(stderr, "shmget failed\n");
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
        while (shared_stuff->written_by_you == 1) {
            sleep(1);
            printf("Waiting for client...\n");
        }

        printf("Enter some text: ");
        fflush(stdout);
        if (fgets(buffer, BUFSIZ, stdin) == NULL)
            strcpy(buffer, "end\n");

        strncpy(shared_stuff->some_text, buffer, TEXT_SZ - 1);
        shared_stuff->some_text[TEXT_SZ - 1] = '\0';
        shared_stuff->written_by_you = 1;

        if (strncmp(buffer, "end", 3) == 0)
            running = 0;
    }

    if (shmdt(shared_memory) == -1) {
        fprintf(stderr, "shmdt failed\n");
        exit(EXIT_FAILURE);
    }

    exit(EXIT_SUCCESS);
}
