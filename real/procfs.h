// Reading the kernel's own account of processes and IPC objects from /proc.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace real {

// Field 3 of /proc/PID/stat: R, S, D, Z, T...; empty when the process is gone.
std::optional<char> proc_state(int pid);
// The syscall number a sleeping process is blocked in (first field of /proc/PID/syscall);
// -1 while it runs in user space, empty when unreadable.
std::optional<long> proc_syscall(int pid);

// What the process does with signal `sig`, from the SigIgn and SigCgt masks of /proc/PID/status;
// empty when the process is gone.
enum class SignalAction { deflt, ignored, caught };
std::optional<SignalAction> proc_signal_action(int pid, int sig);
// The same from the text of a status file.
std::optional<SignalAction> signal_action_in_status(const std::string& status, int sig);

// A SysV shared-memory mapping from /proc/PID/maps: "/SYSV<key> (deleted)", with the shmid as inode.
struct SysvMapping {
    std::uint64_t start = 0, end = 0;
    bool writable = false;
    int shmid = -1;
    std::uint64_t pgoff = 0;  // the offset column, in pages
    std::string perms;        // "rw-s", "r--s", "---s" ...
};
std::vector<SysvMapping> sysv_mappings(int pid);
// Parses one /proc/PID/maps line; empty when it is not a SysV segment.
std::optional<SysvMapping> parse_maps_line(const std::string& line);

// /proc/PID/pagemap for [start, end): page index -> frame number, for the pages present in this
// process's page table (bit 63). Frame numbers read as 0 without CAP_SYS_ADMIN.
// Cost follows the pages present, not the size of the range: a 1 TiB SHM_NORESERVE attachment with two
// pages touched is a few system calls and a few KiB, never the 2 GiB a whole-range read would take.
// The result holds at most one entry per page of the range; the caller's run budget bounds how many
// pages a scenario can touch, so the map stays small.
std::map<std::uint64_t, std::uint64_t> present_pages(int pid, std::uint64_t start, std::uint64_t end);
// The two ways present_pages works, exposed for tests. The first asks the kernel which pages are present
// (PAGEMAP_SCAN, Linux 6.7+), then reads pagemap for those pages only; empty when the kernel has no
// such ioctl. The second reads pagemap in bounded chunks, stopping once it has found as many pages as
// /proc/PID/smaps says are resident (Rss) in the mapping that starts at start.
std::optional<std::map<std::uint64_t, std::uint64_t>> present_pages_scan(int pid, std::uint64_t start, std::uint64_t end);
std::map<std::uint64_t, std::uint64_t> present_pages_read(int pid, std::uint64_t start, std::uint64_t end);
// The Rss, in pages, of the mapping of /proc/PID/smaps that spans exactly [start, end); empty when none does.
std::optional<std::uint64_t> smaps_rss_pages(int pid, std::uint64_t start, std::uint64_t end);
// Decodes one pagemap entry: the frame when present.
std::optional<std::uint64_t> pagemap_frame(std::uint64_t entry);

// One row of /proc/sysvipc/shm.
struct ShmRow {
    std::int64_t key = 0;
    int shmid = -1;
    std::uint32_t perms = 0;
    std::uint64_t size = 0;
    int cpid = 0, lpid = 0;
    std::uint64_t nattch = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::uint64_t rss_bytes = 0;
    std::int64_t atime = 0, dtime = 0, ctime = 0;  // seconds; 0 when never set
};
std::vector<ShmRow> read_sysvipc_shm(const std::string& text);

// One row of /proc/sysvipc/msg.
struct MsgRow {
    std::int64_t key = 0;
    int msqid = -1;
    std::uint32_t perms = 0;
    std::uint64_t cbytes = 0, qnum = 0;
    int lspid = 0, lrpid = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::int64_t stime = 0, rtime = 0, ctime = 0;
};
std::vector<MsgRow> read_sysvipc_msg(const std::string& text);

// One row of /proc/sysvipc/sem: the set alone; its semaphores are read with semctl.
struct SemRow {
    std::int64_t key = 0;
    int semid = -1;
    std::uint32_t perms = 0;
    std::uint64_t nsems = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::int64_t otime = 0, ctime = 0;
};
std::vector<SemRow> read_sysvipc_sem(const std::string& text);

// The pid a process has in the innermost PID namespace it belongs to (the last NSpid of
// /proc/PID/status): what the run's own processes see, in IPC_STAT's pids. Empty when unreadable.
std::optional<int> inner_pid(int pid);

// A whole small file (procfs reports size 0, so it is read until EOF); empty when unreadable.
std::optional<std::string> read_file(const std::string& path);

}  // namespace real
