/* The structure shm1 and shm2 share (the seed, section 5.3): a flag and a text. 2052 bytes, the size
 * lesson 1's shmget asks for. The flag is volatile: each program loops on it while the other one
 * writes it, and without volatile a compiler may read it once and loop for ever. */
#ifndef SHM_COM_H
#define SHM_COM_H

#define TEXT_SZ 2048

struct shared_use_st {
    volatile int written_by_you;
    char some_text[TEXT_SZ];
};

#endif
