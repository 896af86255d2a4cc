// What can be seen of the system after a step has settled: the same type whether the model
// produced it or real/ read it off the kernel, so the two compare field by field.
// Includes no kernel constants: real/ includes this next to <sys/ipc.h>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sim {

enum class TaskState { ready, blocked, exited, killed };
std::string_view to_string(TaskState s);

// One attachment of a process: where it is and which of its pages this process's page table maps.
struct MappingView {
    int shmid = -1;
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    bool rdonly = false;
    std::map<std::uint64_t, std::uint64_t> present;  // page index in the mapping -> frame (pfn)
    std::uint64_t pgoff = 0;  // the segment's page at start: not 0 for a piece a split cut off
    std::string perms;        // as /proc/PID/maps prints them: "rw-s", "r--s", "---s" after mprotect
    bool operator==(const MappingView&) const = default;
};

// The structure a process's last successful shmctl/msgctl/semctl filled (PROC.buf): shmid_ds,
// msqid_ds or semid_ds after a *_STAT*, shminfo, msginfo or seminfo after IPC_INFO, shm_info after
// SHM_INFO, msginfo and seminfo again after MSG_INFO and SEM_INFO (the kernel reuses them for
// totals), and the values of GETALL (semall). The kernel run's processes send it field by field.
// `kind` says which fields hold something; see sim/ctl_buf.h for their names.
enum class BufKind : std::int32_t { none, shmid_ds, shminfo, shm_info, msqid_ds, msginfo, semid_ds, seminfo, semall };
// GETALL's values kept in a CtlBuf: a larger set keeps its first ones (PROC.buf[N] says so).
inline constexpr std::size_t kSemallMax = 512;
// The fixed fields, plain bytes that a kernel-run process can send as they are.
struct CtlFields {
    BufKind kind = BufKind::none;
    std::int32_t cmd = 0;  // the command that filled it, for messages
    // shmid_ds and msqid_ds
    std::int64_t key = 0;
    std::uint32_t mode = 0, uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::uint64_t segsz = 0, nattch = 0;
    std::int32_t cpid = 0, lpid = 0;
    std::uint64_t qnum = 0, cbytes = 0, qbytes = 0;
    std::int32_t lspid = 0, lrpid = 0;
    std::int64_t atime = 0, dtime = 0, ctime = 0;  // shmid_ds; msqid_ds uses stime, rtime and ctime
    std::int64_t stime = 0, rtime = 0;
    // shminfo
    std::uint64_t shmmax = 0, shmmin = 0, shmmni = 0, shmseg = 0, shmall = 0;
    // shm_info
    std::uint64_t used_ids = 0, shm_tot = 0, shm_rss = 0, shm_swp = 0;
    // msginfo (ints in the C structure)
    std::int64_t msgpool = 0, msgmap = 0, msgmax = 0, msgmnb = 0, msgmni = 0, msgssz = 0, msgtql = 0, msgseg = 0;
    // semid_ds: key, mode, uid ... cgid and ctime above, and these
    std::uint64_t sem_nsems = 0;
    std::int64_t sem_otime = 0;
    // seminfo (ints in the C structure)
    std::int64_t semmap = 0, semmni = 0, semmns = 0, semmnu = 0, semmsl = 0, semopm = 0, semume = 0, semusz = 0, semvmx = 0, semaem = 0;
    std::uint32_t semall_count = 0;  // GETALL: the set's nsems
    bool operator==(const CtlFields&) const = default;
};
struct CtlBuf : CtlFields {
    // GETALL's values, the first kSemallMax of them. A vector, empty but after GETALL: every
    // process of every step the window keeps has a CtlBuf.
    std::vector<std::int32_t> semall;
    bool operator==(const CtlBuf&) const = default;
};

struct ProcView {
    std::string name;
    int pid = 0;
    TaskState state = TaskState::ready;
    int term_signal = 0;
    std::int64_t ret = 0;       // the last finished call's return value
    int err = 0;                // ... and errno, 0 when it succeeded
    std::string data;           // bytes the last load/msgrcv produced
    std::int64_t mtype = 0;
    std::uint64_t minflt = 0;   // minor faults inside store/load since the start
    std::vector<MappingView> maps;
    CtlBuf buf;                 // what the last successful shmctl/msgctl filled
    bool operator==(const ProcView&) const = default;
};

// shmid_ds as IPC_STAT and /proc/sysvipc/shm show it.
struct ShmView {
    int shmid = -1;
    std::int64_t key = 0;
    std::uint32_t mode = 0;     // with SHM_DEST (01000) and SHM_LOCKED (02000)
    std::uint64_t segsz = 0;
    std::uint64_t nattch = 0;
    int cpid = 0;
    int lpid = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::uint64_t rss = 0;      // resident pages
    // Times: the model's step number, or the kernel's seconds; 0 when never set.
    std::int64_t atime = 0, dtime = 0, ctime = 0;
    bool operator==(const ShmView&) const = default;
};

// A queued message, for the model-only msq(ID).messages.
struct MessageView {
    std::int64_t mtype = 0;
    std::string text;
    bool operator==(const MessageView&) const = default;
};

// msqid_ds as IPC_STAT and /proc/sysvipc/msg show it, plus the model's wait lists.
struct MsqView {
    int msqid = -1;
    std::int64_t key = 0;
    std::uint32_t mode = 0;
    std::uint64_t qnum = 0;
    std::uint64_t cbytes = 0;
    std::uint64_t qbytes = 0;
    int lspid = 0;
    int lrpid = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::int64_t stime = 0, rtime = 0, ctime = 0;  // as ShmView's times
    // Model only: the kernel run cannot see inside the queue.
    std::optional<std::vector<std::string>> receivers, senders;
    std::optional<std::vector<MessageView>> messages;
    bool operator==(const MsqView&) const = default;
};

// One semaphore of a set (struct sem in ipc/sem.c), as GETVAL, GETPID, GETNCNT and GETZCNT show it.
struct SemValue {
    int val = 0;   // semval
    int pid = 0;   // sempid: the last process to change it (or wait for zero)
    int ncnt = 0;  // semncnt: sleepers waiting for it to grow
    int zcnt = 0;  // semzcnt: sleepers waiting for it to reach zero
    bool operator==(const SemValue&) const = default;
};

// A semaphore set (semid_ds as IPC_STAT and /proc/sysvipc/sem show it), plus the model's sleepers.
struct SemView {
    int semid = -1;
    std::int64_t key = 0;
    std::uint32_t mode = 0;  // the permission bits
    std::uint64_t nsems = 0;
    std::uint32_t uid = 0, gid = 0, cuid = 0, cgid = 0;
    std::int64_t otime = 0, ctime = 0;  // as ShmView's times
    std::vector<SemValue> sems;
    // Model only: the sleeping semops (sem_queue), in the order they went to sleep, by process name.
    std::optional<std::vector<std::string>> pending;
    bool operator==(const SemView&) const = default;
};

struct StepTime {
    std::int64_t earliest = 0, latest = 0;
    bool operator==(const StepTime&) const = default;
};

// Questions an expectation asks about the current state. The model answers them straight from its
// structures (cheap with thousands of processes); an Observation answers them from its lists.
class ObservationQuery {
public:
    virtual ~ObservationQuery() = default;
    virtual std::optional<ProcView> proc(const std::string& name) const = 0;
    // Just the state, which every step asks for (a ProcView copies the page tables).
    virtual std::optional<TaskState> state_of(const std::string& name) const {
        auto p = proc(name);
        return p ? std::optional<TaskState>(p->state) : std::nullopt;
    }
    virtual std::optional<ShmView> shm(int shmid) const = 0;
    virtual std::optional<MsqView> msq(int msqid) const = 0;
    virtual std::size_t shm_count() const = 0;
    virtual std::size_t msq_count() const = 0;
    virtual std::optional<SemView> sem(int semid) const {
        (void)semid;
        return std::nullopt;
    }
    virtual std::size_t sem_count() const { return 0; }
    // The scenario's name for a pid ("" for 0, "pid N" when no process has it).
    virtual std::string pid_name(int pid) const = 0;
    // Page-table pages under the process's System V mappings: only the model can count them (a
    // real process's libraries and stack share its tables). Nothing when unknown.
    virtual std::optional<std::uint64_t> ptpages(const std::string& name) const {
        (void)name;
        return std::nullopt;
    }
    // The time of the step just made, as [earliest, latest]: the model's step number twice, or the
    // kernel's seconds read just before and just after the step. 0 before any step.
    virtual StepTime now() const { return {}; }
};

struct Observation {
    std::vector<ProcView> procs;  // in the order the processes came to be
    std::vector<ShmView> shms;    // by id
    std::vector<MsqView> msqs;
    std::vector<SemView> sems;    // by id (issue 15)
    StepTime now;                 // when the step just made ran
    bool operator==(const Observation&) const = default;

    const ProcView* proc(const std::string& name) const;
    const ProcView* proc_by_pid(int pid) const;
    const ShmView* shm(int shmid) const;
    const MsqView* msq(int msqid) const;
    const SemView* sem(int semid) const;
    std::string pid_name(int pid) const;
    // Forgets the wait lists and queued messages, which only the model can see: what is left is
    // what the kernel run could see too.
    void forget_queue_insides();
};

// An Observation answering the questions of ObservationQuery.
class ObservationAnswers final : public ObservationQuery {
public:
    explicit ObservationAnswers(const Observation& o) : m_o(o) {}
    std::optional<ProcView> proc(const std::string& name) const override;
    std::optional<ShmView> shm(int shmid) const override;
    std::optional<MsqView> msq(int msqid) const override;
    std::size_t shm_count() const override { return m_o.shms.size(); }
    std::size_t msq_count() const override { return m_o.msqs.size(); }
    std::optional<SemView> sem(int semid) const override;
    std::size_t sem_count() const override { return m_o.sems.size(); }
    std::string pid_name(int pid) const override { return m_o.pid_name(pid); }
    StepTime now() const override { return m_o.now; }

private:
    const Observation& m_o;
};

}  // namespace sim
