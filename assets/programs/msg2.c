/* msg2: the sender of the seed's section 6.3. It finds (or creates) the queue of key 1234 and
 * sends each line it reads as a message of type 1, MAX_TEXT bytes long, until "end". As the
 * seed's, with EXIT_SUCCESS at the end and an end of input taken as "end". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/msg.h>

#define MAX_TEXT 512

struct my_msg_st {
    long int my_msg_type;
    char some_text[BUFSIZ];
};

int main(void)
{
    int running = 1;
    int msgid;
    struct my_msg_st some_data;
    char buffer[BUFSIZ];

    msgid = msgget((key_t)1234, 0666 | IPC_CREAT);
    if (msgid == -1) {
        fprintf(stderr, "msgget failed with error: %d\n", errno);
        exit(EXIT_FAILURE);
    }

    while (running) {
        printf("Enter some text: ");
        fflush(stdout);
        if (fgets(buffer, BUFSIZ, stdin) == NULL)
            strcpy(buffer, "end\n");
        some_data.my_msg_type = 1;
        strcpy(some_data.some_text, buffer);  /* both BUFSIZ; the message carries the first MAX_TEXT bytes */

        if (msgsnd(msgid, (void *)&some_data, MAX_TEXT, 0) == -1) {
            fprintf(stderr, "msgsnd failed\n");
            exit(EXIT_FAILURE);
        }

        if (strncmp(some_data.some_text, "end", 3) == 0)
            running = 0;
    }

    exit(EXIT_SUCCESS);
}
