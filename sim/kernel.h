// The model kernel: every structure the System V calls touch, held as one value. Copying a Kernel
// is a snapshot; objects refer to each other by integer ids (pid, shmid, pfn), never by pointer.
#pragma once

#include <array>
#include <csignal>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/event.h"
#include "sim/ipc_util.h"
#include "sim/mm.h"
#include "sim/backend.h"
#include "sim/observation.h"
#include "sim/scenario/ast.h"
#include "sim/sem.h"

namespace sim {

// One shared-memory segment (struct shmid_kernel in ipc/shm.c). IPC_STAT shows it as shmid_ds.
struct shmid_kernel {
    kern_ipc_perm shm_perm;
    std::uint64_t shm_segsz = 0;     // size in bytes, as asked for
    std::uint64_t shm_atim = 0;      // model time of the last attach
    std::uint64_t shm_dtim = 0;      // ... of the last detach
    std::uint64_t shm_ctim = 0;      // ... of the last change
    int shm_cprid = 0;               // creator pid
    int shm_lprid = 0;               // pid of the last shmat/shmdt (fork and exit count too)
    std::uint64_t shm_nattch = 0;    // number of vm_area_structs mapping it
    // The segment's pages (shmem's page cache, an xarray; the seed's shm_pages): page index -> frame.
    // Sparse: an untouched page has no entry, and 64 slots a node reach any page of the largest segment.
    radix_tree<std::uint64_t, 6, 9> pages;
    // The vm_area_structs mapping it, in attach order: (pid, vm_start). Linux 2.0 chained them
    // through vm_next_shared; today they hang off the shmem file's address_space (i_mmap).
    std::vector<std::pair<int, std::uint64_t>> attaches;
    // Whose locked-memory count SHM_LOCK charged (shp->mlock_ucounts), while the segment is locked.
    std::optional<std::uint32_t> mlock_uid;

    kern_ipc_perm& perm() { return shm_perm; }
    const kern_ipc_perm& perm() const { return shm_perm; }
    std::uint64_t npages() const { return page_align_up(shm_segsz) / PAGE_SIZE; }
    bool operator==(const shmid_kernel&) const = default;
};

// A physical page frame (struct page). Only the written prefix of its contents is kept, so that a
// checkpoint of a mostly empty page costs little: bytes past data.size() are zero.
struct page {
    std::string data;      // the frame's first data.size() bytes; the rest of the page is zero
    int owner_shmid = -1;  // the segment whose page cache holds it
    bool operator==(const page&) const = default;
};

// Allocated frames by pfn: the kernel's mem_map, kept sparse in nodes of 64 so that a snapshot of a
// few frames stays small.
using frame_table = radix_tree<page, 6, 6>;

// One message (struct msg_msg): its type and its text; m_ts, the size, is m_text.size().
struct msg_msg {
    std::int64_t m_type = 0;
    std::string m_text;
    std::uint64_t serial = 0;  // which message this is, for events and the window
    std::uint64_t m_ts() const { return m_text.size(); }
    bool operator==(const msg_msg&) const = default;
};

// How msgrcv matches a type (convert_mode in ipc/msg.c).
enum class SearchMode { any, equal, notequal, lessequal, number };

// One sleeping receiver (struct msg_receiver), on q_receivers in the order they went to sleep.
struct msg_receiver {
    int r_tsk = 0;                  // pid
    std::int64_t r_msgtype = 0;     // after convert_mode: |msgtyp| for lessequal
    SearchMode r_mode = SearchMode::any;
    std::uint64_t r_maxsize = 0;    // bufsz, or "any" with MSG_NOERROR
    bool operator==(const msg_receiver&) const = default;
};

// One sleeping sender (struct msg_sender), on q_senders.
struct msg_sender {
    int tsk = 0;
    std::uint64_t msgsz = 0;
    bool operator==(const msg_sender&) const = default;
};

// One message queue (struct msg_queue). IPC_STAT shows it as msqid_ds.
struct msg_queue {
    kern_ipc_perm q_perm;
    std::uint64_t q_stime = 0, q_rtime = 0, q_ctime = 0;  // model time
    std::uint64_t q_cbytes = 0;   // bytes of all queued messages
    std::uint64_t q_qnum = 0;     // number of queued messages
    std::uint64_t q_qbytes = 0;   // the most bytes (and messages) the queue holds
    int q_lspid = 0;              // pid of the last msgsnd
    int q_lrpid = 0;              // pid of the last receive
    std::vector<msg_msg> q_messages;
    std::vector<msg_receiver> q_receivers;
    std::vector<msg_sender> q_senders;

    kern_ipc_perm& perm() { return q_perm; }
    const kern_ipc_perm& perm() const { return q_perm; }
    bool operator==(const msg_queue&) const = default;
};

// A call asleep in the kernel, and what it needs to resume: the message a sender holds, the
// buffer a receiver offers, and what a waker left for it (the msg_receiver's r_msg).
struct pending_ipc {
    scenario::CallKind call = scenario::CallKind::Msgsnd;
    int msqid = -1;
    msg_msg msg;                     // msgsnd: the message
    std::int64_t bufsz = 0;          // msgrcv
    std::int64_t msgtyp = 0;         // msgrcv, after convert_mode
    SearchMode mode = SearchMode::any;
    std::int64_t msgflg = 0;
    std::optional<msg_msg> r_msg;    // a message handed over by pipelined_send
    int r_err = EAGAIN;              // else why it was woken: EAGAIN = look again, E2BIG, EIDRM
    int semid = -1;                  // semop: the set it sleeps on; r_err is its q->status once woken
    bool operator==(const pending_ipc&) const = default;
};

// What a process saw from its last finished call: the return value and errno in its registers,
// and the bytes a load or msgrcv gave it. Not kernel state, but what PROC.ret and friends observe.
struct user_regs {
    std::int64_t ret = 0;
    int err = 0;
    std::string data;
    std::int64_t mtype = 0;
    // PROC.buf: the structure the last successful shmctl/msgctl filled. Only a call that fills one
    // changes it; it is the process's memory, so a fork copies it.
    CtlBuf buf;
    bool operator==(const user_regs&) const = default;
};

// What a process does with each signal: struct sighand_struct's k_sigaction, reduced to its
// handler. docs/scenario-language.md: SIGUSR1 starts with a do-nothing handler, every other signal with SIG_DFL.
struct sighand_struct {
    std::array<scenario::SigDisposition, 65> action{};  // by signal number (1 to _NSIG); 0 is SIG_DFL
    sighand_struct() { action[SIGUSR1] = scenario::SigDisposition::handler; }
    scenario::SigDisposition of(int sig) const {
        return sig > 0 && sig < static_cast<int>(action.size()) ? action[static_cast<std::size_t>(sig)] : scenario::SigDisposition::dfl;
    }
    bool operator==(const sighand_struct&) const = default;
};

// A process (struct task_struct), reduced to what System V IPC needs.
struct task_struct {
    int pid = 0;
    std::string comm;          // the scenario's name for it
    int ppid = 0;              // 0 for processes that exist at the start
    struct cred cred;
    TaskState state = TaskState::ready;
    int exit_code = 0;
    int term_signal = 0;       // the signal that killed it
    std::uint64_t min_flt = 0; // minor faults taken inside store/load (ru_minflt)
    // RLIMIT_MEMLOCK in bytes; fork copies it. The soft and the hard limit are always equal here
    // (both start at 8 MiB, and setrlimit sets both), so one number stands for the two.
    std::uint64_t rlim_memlock = MLOCK_LIMIT;
    sighand_struct sighand;    // fork copies it (copy_sighand)
    mm_struct mm;
    user_regs regs;
    std::optional<pending_ipc> pending;  // set while blocked in msgsnd/msgrcv/semop
    std::vector<int> sem_undo_list;      // semids of its sem_undo records, newest first (sysvsem.undo_list)
    bool operator==(const task_struct&) const = default;
};

// The namespace's limits (the sysctls) and its objects (struct ipc_namespace).
struct ipc_namespace {
    std::uint64_t shm_ctlmax = SHMMAX_DEFAULT;
    std::uint64_t shm_ctlall = SHMALL_DEFAULT;  // in pages
    std::int64_t shm_ctlmni = SHMMNI_DEFAULT;
    std::uint64_t shm_tot = 0;                  // pages of all segments
    std::int64_t msg_ctlmax = MSGMAX_DEFAULT;
    std::int64_t msg_ctlmnb = MSGMNB_DEFAULT;
    std::int64_t msg_ctlmni = MSGMNI_DEFAULT;
    ipc_ids<shmid_kernel> shm_ids;
    ipc_ids<msg_queue> msg_ids;
    std::uint64_t msg_serial = 0;               // numbers messages for the window
    std::int64_t sc_semmsl = SEMMSL_DEFAULT;    // the four numbers of /proc/sys/kernel/sem
    std::int64_t sc_semmns = SEMMNS_DEFAULT;
    std::int64_t sc_semopm = SEMOPM_DEFAULT;
    std::int64_t sc_semmni = SEMMNI_DEFAULT;
    std::int64_t used_sems = 0;                 // semaphores in all sets
    ipc_ids<sem_array> sem_ids;
    bool operator==(const ipc_namespace&) const = default;
};

// A call's result for its caller and its kernel path: the same record the runner gets. The calls
// return the Kernel's own record, which the next call reuses: keep a copy to keep it.
using SyscallResult = StepOutcome;

// shmctl's and msgctl's IPC_SET fields; absent ones keep their values (read by IPC_STAT first).
struct IpcSetFields {
    std::optional<std::uint32_t> mode, uid, gid;
    std::optional<std::uint64_t> qbytes;
    // ipc_update_perm: (uid_t) -1 maps to no user (uid_valid fails), and the call is EINVAL.
    bool ids_valid() const { return uid != 0xffffffffu && gid != 0xffffffffu; }
};

// semctl's argument: val= (SETVAL), array= (SETALL), and IPC_SET's fields.
struct SemctlArgs {
    std::int64_t val = 0;
    std::vector<std::int64_t> array;
    IpcSetFields set;
};

// Records a kernel-path event: its kind, function, touched structures, sentence key and typed
// arguments (sim/event.h). Arguments are evaluated only when events are being recorded: a replay
// towards an earlier step (Stepper::seek) needs the state, not the path.
//   EVENT(EventKind::lookup, "msq_obtain_object_check", {q_ref(id)}, N_("finds msg_queue {msqid}"), ev::num<"msqid">(id));
#define EVENT(kind, function, touched, ...)                      \
    do {                                                         \
        if (m_record_events) emit(kind, function, touched, __VA_ARGS__); \
    } while (0)
// The call in progress fails with an errno; the event adds {errno} and {who} to the reason's arguments.
#define FAILS(err, function, ...) (m_record_events ? emit_error(err, function, __VA_ARGS__) : void(), fail(err))
// A sleeper is woken: its task joins the wake queue.
#define WAKE(pid, function, ...) \
    (m_record_events ? emit(EventKind::wake, function, {{ObjKind::task_struct, pid}}, __VA_ARGS__) : void(), wake_up(pid))
// A call's first event: who enters the kernel, and with what (after begin()). {who} is the caller.
#define ENTER(msgid, ...)                                                 \
    do {                                                                  \
        if (m_record_events) emit_entry(msgid __VA_OPT__(, ) __VA_ARGS__); \
    } while (0)


class Kernel {
public:
    Kernel() = default;
    bool operator==(const Kernel&) const = default;

    // Setup, before the first step.
    bool set_sysctl(const std::string& name, std::int64_t value);
    int spawn(const std::string& comm, std::uint32_t uid, std::uint32_t gid);

    // The calls. `pid` is the caller; it must be ready (the stepper checks).
    const SyscallResult& shmget(int pid, std::int64_t key, std::int64_t size, std::int64_t shmflg);
    const SyscallResult& shmat(int pid, std::int64_t shmid, std::uint64_t addr, std::int64_t shmflg);
    const SyscallResult& shmdt(int pid, std::uint64_t addr);
    const SyscallResult& munmap(int pid, std::uint64_t addr, std::uint64_t len);
    const SyscallResult& mprotect(int pid, std::uint64_t addr, std::uint64_t len, std::int64_t prot);
    // `into_buf` false: the structure goes to a buffer of the scenario's own, not PROC.buf (the
    // IPC_STAT an IPC_SET makes first).
    const SyscallResult& shmctl(int pid, std::int64_t shmid, std::int64_t cmd, const IpcSetFields& set, bool into_buf = true);
    const SyscallResult& store(int pid, std::uint64_t addr, const std::string& bytes);
    const SyscallResult& load(int pid, std::uint64_t addr, std::int64_t n);
    const SyscallResult& fork(int pid, const std::string& child_comm);
    const SyscallResult& exit(int pid, int status);
    const SyscallResult& kill(int pid, int target_pid, int sig);
    const SyscallResult& signal(int pid, int sig, scenario::SigDisposition how);
    // setuid, setgid, seteuid and setegid as the C library makes them (seteuid is setresuid(-1, N, -1)).
    enum class SetId { setuid, setgid, seteuid, setegid };
    const SyscallResult& set_id(int pid, SetId which, std::int64_t id);
    const SyscallResult& setrlimit(int pid, std::int64_t resource, std::uint64_t limit);
    const SyscallResult& msgget(int pid, std::int64_t key, std::int64_t msgflg);
    const SyscallResult& msgsnd(int pid, std::int64_t msqid, std::int64_t mtype, const std::string& text, std::int64_t msgflg,
                         std::optional<std::int64_t> msgsz = std::nullopt);
    const SyscallResult& msgrcv(int pid, std::int64_t msqid, std::int64_t msgsz, std::int64_t msgtyp, std::int64_t msgflg);
    const SyscallResult& msgctl(int pid, std::int64_t msqid, std::int64_t cmd, const IpcSetFields& set, bool into_buf = true);
    const SyscallResult& semget(int pid, std::int64_t key, std::int64_t nsems, std::int64_t semflg);
    const SyscallResult& semop(int pid, std::int64_t semid, const std::vector<sembuf>& sops);
    const SyscallResult& semctl(int pid, std::int64_t semid, std::int64_t semnum, std::int64_t cmd, const SemctlArgs& arg, bool into_buf = true);

    // Reading the model (for observations, the window and the tests).
    const ipc_namespace& ns() const { return m_ns; }
    const std::map<int, task_struct>& tasks() const { return m_tasks; }
    const task_struct* task(int pid) const;
    const task_struct* task_by_name(const std::string& comm) const;
    const frame_table& frames() const { return m_frames; }
    std::uint64_t now() const { return m_now; }
    void tick() { ++m_now; }
    // Off: calls keep their effects and results but record no kernel-path events (fast replay).
    void record_events(bool on) { m_record_events = on; }
    // Tasks woken together race; the kernel lets the scheduler pick who runs first, and the model
    // runs them in wake order (as SCHED_FIFO on one CPU does). `reversed` asks what the opposite
    // order would give, so that a kernel run that cannot pin the order knows what it cannot show.
    enum class WakeOrder { as_woken, reversed };
    void set_wake_order(WakeOrder o) { m_wake_order = o; }
    // Steps so far in which several woken tasks raced.
    std::uint64_t races() const { return m_races; }

private:
    // Event recording for the call in progress.
    template <typename... As>
    void emit(EventKind kind, std::string_view function, ObjRefs touched, const char* msgid, As... args) {
        KernelEvent& e = m_result.events.emplace_back();
        e.kind = kind;
        e.function = function;
        e.msgid = msgid;
        e.touched = touched;
        set_args(e, args...);
    }
    // Keeps bytes for an event's text argument; the index it returns is the argument.
    std::size_t keep(std::string_view bytes) {
        m_result.texts.emplace_back(bytes);
        return m_result.texts.size() - 1;
    }
    template <typename... As>
    void emit_error(int err, std::string_view function, const char* msgid, As... args) {
        emit(EventKind::error, function, {{ObjKind::task_struct, m_current}}, msgid, args..., ev::err<"errno">(err),
             ev::task<"who">(m_current));
    }
    // A call starts: a system call, or a plain memory access by the CPU (store, load).
    enum class Entry { syscall, memory_access };
    void begin(int pid, Entry how = Entry::syscall);
    template <typename... As>
    void emit_entry(const char* msgid, As... args) {
        emit(EventKind::syscall, m_entry == Entry::syscall ? "entry_SYSCALL_64" : "user space", {{ObjKind::task_struct, m_caller}},
             msgid, ev::task<"who">(m_caller), args...);
    }
    SyscallResult& finish(std::int64_t ret, std::string data = {}, std::int64_t mtype = 0);
    SyscallResult& fail(int err);
    const SyscallResult& take();  // lets the system settle; the result stays valid until the next call

    task_struct& current() { return *m_cur.task; }
    // Whose kernel code runs now. The task is looked up once per switch, not at every use.
    void set_current(int pid) {
        if (m_cur.task && m_current == pid) return;  // tasks are never erased, so the pointer holds
        m_current = pid;
        m_cur.task = &m_tasks.at(pid);
    }

    // ipc/util.c ipcget: find by key or create, with the errno order shmget and msgget share.
    struct IpcGetOps {
        ObjRef ids;
        ObjKind kind;
        std::function<kern_ipc_perm*(std::int64_t key)> find_key;
        std::function<SyscallResult&()> create;
        std::function<bool(kern_ipc_perm&)> more_checks;  // true when it failed the call
    };
    SyscallResult& ipcget(const IpcGetOps& ops, std::int64_t key, std::int64_t flg);

    // ipc/msg.c
    SyscallResult& newque(std::int64_t key, std::int64_t msgflg);
    SyscallResult& msgsnd_try(msg_queue& msq, pending_ipc& p);
    SyscallResult& msgrcv_try(msg_queue& msq, pending_ipc& p);
    SyscallResult& msgrcv_take(msg_queue& msq, std::size_t at, std::int64_t bufsz);
    bool pipelined_send(msg_queue& msq, msg_msg& msg);  // moves msg to the receiver it finds
    void ss_wakeup(msg_queue& msq, bool kill);
    void expunge_all(msg_queue& msq, int err);
    void freeque(msg_queue& msq);
    void sleep_on(msg_queue& msq, pending_ipc& call, bool sender);
    void dispatch_msgctl(std::int64_t msqid, std::int64_t cmd, const IpcSetFields& set);
    SyscallResult& msgctl_stat(std::int64_t id, std::int64_t cmd);
    SyscallResult& msgctl_down(std::int64_t id, std::int64_t cmd, const IpcSetFields& set);
    CtlBuf msginfo_buf(std::int64_t cmd) const;
    // ipc/sem.c
    SyscallResult& newary(std::int64_t key, std::int64_t nsems, std::int64_t semflg);
    sem_undo* find_alloc_undo(int semid);
    int perform_atomic_semop(sem_array& sma, sem_queue& q);
    bool update_queue(sem_array& sma, int semnum);
    bool wake_const_ops(sem_array& sma, int semnum);
    bool do_smart_wakeup_zero(sem_array& sma, const std::vector<sembuf>* sops);
    void do_smart_update(sem_array& sma, const std::vector<sembuf>* sops, bool otime);
    void sem_sleep(sem_array& sma, sem_queue q);
    sem_queue unlink_queue(sem_array& sma, int pid);
    void merge_queues(sem_array& sma);
    void unmerge_queues(sem_array& sma);
    void wake_up_sem_queue(const sem_queue& q, int error, const char* function);
    void freeary(sem_array& sma);
    void exit_sem(task_struct& t);
    void dispatch_semctl(std::int64_t semid, std::int64_t semnum, std::int64_t cmd, const SemctlArgs& arg);
    SyscallResult& semctl_stat(std::int64_t id, std::int64_t cmd);
    SyscallResult& semctl_main(std::int64_t id, std::int64_t semnum, std::int64_t cmd, const SemctlArgs& arg);
    SyscallResult& semctl_setval(std::int64_t id, std::int64_t semnum, std::int64_t val);
    SyscallResult& semctl_down(std::int64_t id, std::int64_t cmd, const IpcSetFields& set);
    CtlBuf seminfo_buf(std::int64_t cmd) const;
    // Waking and settling: woken tasks run in wake order until each returns or sleeps again.
    void wake_up(int pid);  // WAKE records why
    void settle();
    void resume(task_struct& t);
    void interrupt_sleep(task_struct& t, int sig);
    void leave_wait_queues(task_struct& t);

    // ipc/shm.c
    SyscallResult& do_shmat(std::int64_t shmid, std::uint64_t addr, std::int64_t shmflg);
    SyscallResult& do_shmdt(std::uint64_t addr);
    SyscallResult& newseg(std::int64_t key, std::int64_t size, std::int64_t shmflg);
    void shm_open(shmid_kernel& shp, int pid, std::uint64_t vm_start, const char* why);
    void shm_close(int shmid, int pid, std::uint64_t vm_start, const char* why);
    void unmap_range(std::uint64_t start, std::uint64_t end, const char* why);
    void cut_vma(vm_area_struct vma, std::uint64_t start, std::uint64_t end, const char* why);
    // mm/mprotect.c
    SyscallResult& do_mprotect(std::uint64_t start, std::uint64_t end, std::int64_t prot);
    SyscallResult* mprotect_vma(const vm_area_struct& vma, std::uint64_t start, std::uint64_t end, std::int64_t prot);
    void split_vma(std::uint64_t vm_start, std::uint64_t at, const char* why);
    void change_protection(const vm_area_struct& vma, std::uint64_t start, std::uint64_t end);
    void shm_destroy(shmid_kernel& shp);
    void dispatch_shmctl(std::int64_t shmid, std::int64_t cmd, const IpcSetFields& set);
    SyscallResult& shmctl_stat(std::int64_t id, std::int64_t cmd);
    SyscallResult& shmctl_down(std::int64_t id, std::int64_t cmd, const IpcSetFields& set);
    SyscallResult& shmctl_lock(std::int64_t id, std::int64_t cmd);
    CtlBuf shminfo_buf(std::int64_t cmd) const;
    // The call in progress copies `b` to the caller's buffer (copy_to_user), unless into_buf said no.
    void copy_to_buf(CtlBuf b);
    bool stat_permitted(const kern_ipc_perm& p, ObjRef ref, bool any, std::string_view function);
    // Records why ipcperms passes or fails. The ref is made here, not passed: a 24-byte ref built by
    // the caller and read back whole stalls store forwarding on every call.
    void ipcperms_event(ObjKind kind, std::int64_t id, const kern_ipc_perm& p, int flag);
    static CtlBuf perm_buf(const kern_ipc_perm& p, BufKind kind, std::int64_t cmd);
    void user_shm_unlock(shmid_kernel& shp);

    // mm/: faults and memory access
    template <typename Fn>
    bool walk_pages(std::uint64_t addr, std::uint64_t n, bool write, Fn fn);
    // While a long access goes quiet: how many pages, and the counts before them.
    struct page_summary {
        std::uint64_t pages = 0, faults_before = 0, frames_before = 0;
        bool operator==(const page_summary&) const = default;
    };
    void begin_summary();
    void end_summary();
    // The frame the page now maps to; null when the access killed the process.
    page* touch_page(std::uint64_t vaddr, bool write);
    static void mark_accessed(pte_t& pte, bool write);
    void explain_present_fault(std::uint64_t vpage, const pte_t& pte, bool write);
    page* handle_mm_fault(vm_area_struct& vma, std::uint64_t vaddr, bool write);
    std::uint64_t shmem_get_page(shmid_kernel& shp, std::uint64_t pgoff, page*& frame);
    page& alloc_frame(int shmid, std::uint64_t& pfn);  // a zeroed frame for the segment, and its number
    void free_frame(std::uint64_t pfn);
    void force_sigsegv(std::uint64_t vaddr, const char* why);  // why: a N_ phrase, which may use {vaddr}
    void alloc_page_tables(task_struct& t, std::uint64_t vaddr);
    void free_pgtables(task_struct& t, std::uint64_t start, std::uint64_t end, std::uint64_t floor, std::uint64_t ceiling);
    void deliver_signal(task_struct& target, int sig);  // kill's signal reaches its target

    // kernel/sys.c: the credential changes
    SyscallResult& sys_setid(bool group, std::uint32_t id);
    SyscallResult& sys_setresid_effective(bool group, std::uint32_t id);
    void commit_creds(const cred& next);
    void exit_mm(task_struct& t);
    void do_exit(task_struct& t, TaskState how, int code, int sig);

    ipc_namespace m_ns;
    std::map<int, task_struct> m_tasks;
    frame_table m_frames;                     // allocated frames by pfn
    std::vector<std::uint64_t> m_free_frames; // freed pfns, reused last-freed first
    std::uint64_t m_next_pfn = 0x1a000;
    int m_next_pid = 1000;
    int m_spawned = 0;  // processes started (not forked): each gets its own mmap_base
    std::uint64_t m_now = 0;

    int m_caller = 0;        // who made the call in progress
    int m_current = 0;       // whose kernel code runs now: the caller, or a task it woke
    // m_tasks[m_current] during a call. Copies and comparisons of the Kernel leave it out: it is
    // set anew whenever a call begins (std::map nodes stay put when other tasks are added).
    struct task_cache {
        task_struct* task = nullptr;
        task_cache() = default;
        task_cache(const task_cache&) {}
        task_cache& operator=(const task_cache&) { task = nullptr; return *this; }
        bool operator==(const task_cache&) const { return true; }
    } m_cur;
    SyscallResult m_result;  // the call in progress
    std::vector<int> m_wake_q;  // tasks woken and not yet run (wake_q), in wake order
    WakeOrder m_wake_order = WakeOrder::as_woken;
    // Pages each user has locked with SHM_LOCK (the ucounts' UCOUNT_RLIMIT_MEMLOCK). Kept per user
    // by the kernel, not per IPC namespace: here every user is the model's own.
    std::map<std::uint32_t, std::uint64_t> m_locked_pages;
    std::uint64_t m_races = 0;
    Entry m_entry = Entry::syscall;  // how the caller's call began, so it ends the same way
    bool m_ret_address = false;      // the caller's call returns an address (shmat): shown in hex
    bool m_record_events = true;
    bool m_into_buf = true;  // the shmctl/msgctl in progress fills PROC.buf
    std::optional<page_summary> m_summary;  // set only inside a long store or load
};

}  // namespace sim
