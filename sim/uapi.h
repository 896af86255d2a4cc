// The user-visible constants of System V IPC on Linux x86-64 (include/uapi/linux/ipc.h, shm.h, msg.h),
// spelled as the kernel spells them so a learner can look them up. Internal to sim/: a file that
// includes <sys/ipc.h> (real/) must not include this one, since those names are macros there.
#pragma once

#include <cerrno>
#include <csignal>
#include <cstdint>

namespace sim {

inline constexpr std::int64_t IPC_PRIVATE = 0;
inline constexpr int IPC_CREAT = 001000;
inline constexpr int IPC_EXCL = 002000;
inline constexpr int IPC_NOWAIT = 004000;

inline constexpr int IPC_RMID = 0;
inline constexpr int IPC_SET = 1;
inline constexpr int IPC_STAT = 2;
inline constexpr int IPC_INFO = 3;

inline constexpr int SHM_RDONLY = 010000;
inline constexpr int SHM_RND = 020000;
inline constexpr int SHM_REMAP = 040000;
inline constexpr int SHM_HUGETLB = 04000;  // shmget: back the segment with huge pages
inline constexpr int SHM_EXEC = 0100000;
inline constexpr int SHM_LOCK = 11;
inline constexpr int SHM_UNLOCK = 12;
inline constexpr int SHM_STAT = 13;
inline constexpr int SHM_INFO = 14;
inline constexpr int SHM_STAT_ANY = 15;  // SHM_STAT without the read-permission check
inline constexpr int SHM_DEST = 001000;    // in shm_perm.mode: marked for destruction
inline constexpr int SHM_LOCKED = 002000;  // in shm_perm.mode: SHM_LOCK'ed

inline constexpr int MSG_NOERROR = 010000;
inline constexpr int MSG_EXCEPT = 020000;
inline constexpr int MSG_COPY = 040000;
inline constexpr int MSG_STAT = 11;
inline constexpr int MSG_INFO = 12;
inline constexpr int MSG_STAT_ANY = 13;  // MSG_STAT without the read-permission check

// Semaphores (include/uapi/linux/sem.h): semop's flag and semctl's commands.
inline constexpr int SEM_UNDO = 0x1000;
inline constexpr int GETPID = 11;
inline constexpr int GETVAL = 12;
inline constexpr int GETALL = 13;
inline constexpr int GETNCNT = 14;
inline constexpr int GETZCNT = 15;
inline constexpr int SETVAL = 16;
inline constexpr int SETALL = 17;
inline constexpr int SEM_STAT = 18;
inline constexpr int SEM_INFO = 19;
inline constexpr int SEM_STAT_ANY = 20;  // SEM_STAT without the read-permission check

// mprotect's protections (include/uapi/asm-generic/mman-common.h). PROT_SEM is accepted and ignored on
// x86; PROT_GROWSDOWN/PROT_GROWSUP ask to extend the change to a stack's whole vm_area_struct.
inline constexpr int PROT_NONE = 0;
inline constexpr int PROT_READ = 1;
inline constexpr int PROT_WRITE = 2;
inline constexpr int PROT_EXEC = 4;
inline constexpr int PROT_SEM = 8;
inline constexpr int PROT_GROWSDOWN = 0x01000000;
inline constexpr int PROT_GROWSUP = 0x02000000;

inline constexpr int PAGE_SHIFT = 12;
inline constexpr std::uint64_t PAGE_SIZE = std::uint64_t{1} << PAGE_SHIFT;
inline constexpr std::uint64_t SHMLBA = PAGE_SIZE;
inline constexpr std::uint64_t SHMMIN = 1;

// Defaults of a fresh IPC namespace (ipc/shm.c shm_init_ns, ipc/msg.c msg_init_ns).
inline constexpr std::uint64_t SHMMAX_DEFAULT = 0xFFFFFFFFFFFFFFFFull - (1ull << 24);
inline constexpr std::uint64_t SHMALL_DEFAULT = 0xFFFFFFFFFFFFFFFFull - (1ull << 24);
inline constexpr std::int64_t SHMMNI_DEFAULT = 4096;
inline constexpr std::int64_t MSGMAX_DEFAULT = 8192;
inline constexpr std::int64_t MSGMNB_DEFAULT = 16384;
inline constexpr std::int64_t MSGMNI_DEFAULT = 32000;
inline constexpr int IPCMNI = 32768;  // ids are seq * IPCMNI + idx (ipc_buildid)
inline constexpr int IPC_MIN_CYCLE = 64;  // RADIX_TREE_MAP_SIZE: idr_alloc_cyclic never wraps below this
inline constexpr int RLIMIT_MEMLOCK = 8;  // setrlimit's resource number on Linux
inline constexpr std::uint64_t MLOCK_LIMIT = 8u << 20;  // RLIMIT_MEMLOCK's default since Linux 5.16 (8 MiB)

// errno and signal numbers come from <cerrno> and <csignal>: standard headers whose values on
// Linux are the kernel's own, and whose macros would collide with any names of ours.

}  // namespace sim
