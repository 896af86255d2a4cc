// System V semaphores (ipc/sem.c): a set of semaphores, the semops asleep on it, and the undo
// adjustments SEM_UNDO keeps per process. Included by sim/kernel.h.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ipc_util.h"

namespace sim {

// Limits of a fresh IPC namespace (include/uapi/linux/sem.h, sem_init_ns).
inline constexpr std::int64_t SEMMSL_DEFAULT = 32000;
inline constexpr std::int64_t SEMMNS_DEFAULT = 1024000000;
inline constexpr std::int64_t SEMOPM_DEFAULT = 500;
inline constexpr std::int64_t SEMMNI_DEFAULT = 32000;
inline constexpr int SEMVMX = 32767;        // the largest semval
inline constexpr int SEMAEM = SEMVMX;       // the largest undo adjustment
inline constexpr int SEMUSZ = 20;           // seminfo's semusz for IPC_INFO
// The largest set sem_alloc makes: (INT_MAX - sizeof(struct sem_array)) / sizeof(struct sem), with
// a 64-byte struct sem; one more is ENOMEM (measured here: 33,554,427 is made, 33,554,428 is not).
inline constexpr std::int64_t kMaxSemsPerSet = 33554427;

// One operation of a semop (struct sembuf), with the C types' widths.
struct sembuf {
    std::uint16_t sem_num = 0;
    std::int16_t sem_op = 0;
    std::int16_t sem_flg = 0;
    bool operator==(const sembuf&) const = default;
};

// One semaphore (struct sem). Its per-semaphore wait lists hold the simple (one-sembuf) sleepers,
// by pid, in arrival order.
struct sem {
    int semval = 0;
    int sempid = 0;
    std::vector<int> pending_alter;  // simple sleepers that change the value (decrements)
    std::vector<int> pending_const;  // simple sleepers waiting for zero
    bool operator==(const sem&) const = default;
};

// A sleeping semop (struct sem_queue): who, what it asks, and where its last try stopped.
struct sem_queue {
    int pid = 0;
    std::vector<sembuf> sops;
    bool alter = false;          // some sem_op is not 0
    bool dupsop = false;         // a semaphore is changed twice (perform_atomic_semop_slow)
    bool undo = false;           // some sembuf has SEM_UNDO
    std::size_t blocking = 0;    // the sembuf its last try stopped at (q->blocking)
    bool operator==(const sem_queue&) const = default;
};

// SEM_UNDO's record for one process and one set (struct sem_undo): what to add at exit.
struct sem_undo {
    int pid = 0;
    std::vector<int> semadj;
    bool operator==(const sem_undo&) const = default;
};

// One semaphore set (struct sem_array). IPC_STAT shows it as semid_ds.
struct sem_array {
    kern_ipc_perm sem_perm;
    std::uint64_t sem_otime = 0;  // model time of the last semop (get_semotime: the latest of all)
    std::uint64_t sem_ctime = 0;
    std::vector<sem> sems;
    std::vector<sem_queue> queues;   // every sleeper, in the order it went to sleep
    std::vector<int> pending_alter;  // complex sleepers (and, once merged, all the simple ones)
    std::vector<int> pending_const;  // complex wait-for-zero sleepers
    int complex_count = 0;           // sleepers with more than one sembuf
    std::vector<sem_undo> list_id;   // undo records, newest first

    kern_ipc_perm& perm() { return sem_perm; }
    const kern_ipc_perm& perm() const { return sem_perm; }
    std::size_t nsems() const { return sems.size(); }
    const sem_queue* queue_of(int pid) const {
        for (const auto& q : queues)
            if (q.pid == pid) return &q;
        return nullptr;
    }
    bool operator==(const sem_array&) const = default;
};

// count_semcnt: GETNCNT (zero false) and GETZCNT (zero true): a sleeper counts on the semaphore of
// the sembuf its last try blocked on, and only there.
int count_semcnt(const sem_array& sma, int semnum, bool zero);

}  // namespace sim
