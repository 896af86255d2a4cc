#include "real/coordinator.h"
#include "real/errno_text.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include "real/pidfd.h"
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>

#include "real/child.h"
#include "real/procfs.h"
#include "real/protocol.h"
#include "real/real_backend.h"

namespace real {

using sim::scenario::CallKind;
using Clock = std::chrono::steady_clock;

namespace {

// The one CPU every scenario process runs on: the first this process may use.
int first_cpu() {
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) return c;
    return -1;
}

}  // namespace

Coordinator::Coordinator(const RunSetup& setup) : m_timeout(setup.settle_timeout_ms), m_max_resident_bytes(setup.max_resident_bytes) {
    if (auto why = enter_run_namespaces()) throw RunError(*why);
    std::string why;
    m_init = start_namespace_init(why);
    if (m_init.pid <= 0 || m_init.pidfd < 0) throw RunError(why);
    if (auto err = write_ipc_sysctls(setup.sysctls)) throw RunError(*err);
    m_msgmax = read_ipc_sysctl("msgmax").value_or(m_msgmax);
    m_frames_visible = pagemap_shows_frames();
    m_cpu = first_cpu();
    m_step_start = ::time(nullptr);
    make_channels(setup);
    for (const auto& p : setup.procs)
        if (p.exists_at_start) spawn(proc(p.name), p.uid, p.gid);
    refresh();
}

// A socket for every process the scenario will ever have, made now, so that a process created by
// fork finds its end already open at the same number in its parent. The coordinator's ends pass
// credentials, so that a forked process's first byte says who it is.
void Coordinator::make_channels(const RunSetup& setup) {
    for (const auto& p : setup.procs) {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw RunError(because("socketpair"));
        int on = 1;
        ::setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
        m_index[p.name] = m_procs.size();
        Proc q;
        q.name = p.name;
        q.channel = sv[0];
        q.child_end = sv[1];
        m_procs.push_back(std::move(q));
    }
}

Coordinator::~Coordinator() {
    // The init's death kills every process in the namespace; they are the coordinator's
    // children (fork's are too, by CLONE_PARENT), so it reaps them all before it goes.
    if (m_init.pidfd >= 0) signal_pidfd(m_init.pidfd, SIGKILL);
    if (m_init.lifeline >= 0) ::close(m_init.lifeline);
    while (::waitpid(-1, nullptr, __WALL) > 0 || errno == EINTR) {
    }
    remove_ipc_objects();
    for (auto& p : m_procs) {
        for (int fd : {p.pidfd, p.channel, p.child_end})
            if (fd >= 0) ::close(fd);
    }
    if (m_init.pidfd >= 0) ::close(m_init.pidfd);
}

// With every process gone, removes what the run left, now: the kernel frees a dead namespace's
// objects later, from a work queue, and until then a segment the run locked still counts against
// its user's RLIMIT_MEMLOCK for the whole machine (the next run of the same file would see it).
void Coordinator::remove_ipc_objects() {
    for (const auto& r : read_sysvipc_shm(read_file("/proc/sysvipc/shm").value_or(""))) ::shmctl(r.shmid, IPC_RMID, nullptr);
    for (const auto& r : read_sysvipc_msg(read_file("/proc/sysvipc/msg").value_or(""))) ::msgctl(r.msqid, IPC_RMID, nullptr);
    for (const auto& r : read_sysvipc_sem(read_file("/proc/sysvipc/sem").value_or(""))) ::semctl(r.semid, 0, IPC_RMID);
}

Coordinator::Proc& Coordinator::proc(const std::string& name) {
    auto it = m_index.find(name);
    if (it == m_index.end()) throw RunError("no process named '" + name + "' in this run");
    return m_procs[it->second];
}

Coordinator::Proc* Coordinator::proc_by_pid(int pid) {
    for (auto& p : m_procs)
        if (p.pid == pid) return &p;
    return nullptr;
}

// What a new process keeps open: its own end, and every process's end, for the forks to come.
std::vector<int> Coordinator::fds_a_child_keeps(const Proc& p) const {
    std::vector<int> keep{p.child_end};
    for (const auto& other : m_procs) keep.push_back(other.child_end);
    return keep;
}

void Coordinator::spawn(Proc& p, std::uint32_t uid, std::uint32_t gid) {
    auto keep = fds_a_child_keeps(p);
    pid_t pid = ::fork();
    if (pid < 0) throw RunError(because("fork"));
    if (pid == 0) {
        close_all_fds_but(keep);
        child_main(ChildSetup{p.child_end, uid, gid, m_cpu});
    }
    p.pid = pid;
    p.pidfd = open_pidfd(pid);  // not yet reaped, so the pid is still this process
    if (p.pidfd < 0) throw RunError(because("pidfd_open"));
    p.inner_pid = inner_pid(pid).value_or(0);
}

namespace {

sim::StepOutcome outcome_of(const auto& caller) {
    sim::StepOutcome out;
    out.ret = caller.ret;
    out.err = caller.err;
    out.data = caller.data;
    out.mtype = caller.mtype;
    switch (caller.state) {
    case sim::TaskState::ready:
        out.fate = caller.caught ? sim::Fate::abandoned : sim::Fate::returned;
        out.signo = caller.caught;
        break;
    case sim::TaskState::blocked: out.fate = sim::Fate::blocked; break;
    case sim::TaskState::exited: out.fate = sim::Fate::exited; break;
    case sim::TaskState::killed:
        out.fate = sim::Fate::killed;
        out.signo = caller.term_signal;
        break;
    }
    return out;
}

// What follows a request's text: semop's sembufs (its arguments after the semid), SETALL's values.
std::vector<std::int64_t> request_array(const sim::Invocation& call) {
    if (call.kind == CallKind::Semop && call.args.size() > 1) return {call.args.begin() + 1, call.args.end()};
    if (call.kind == CallKind::Semctl) return call.array;
    return {};
}

Request request_for(const sim::Invocation& call) {
    Request rq;
    rq.kind = static_cast<std::int32_t>(call.kind);
    for (std::size_t i = 0; i < call.args.size() && i < 4; ++i) rq.a[i] = call.args[i];
    if (call.kind == CallKind::Semctl) rq.a[3] = 0;  // SETVAL's val= goes here
    // msgsnd's msgsz: the one asked for (msgsz=), else the text's length.
    if (call.kind == CallKind::Msgsnd) rq.a[3] = static_cast<std::int64_t>(call.text.size());
    static const char* const fields[] = {"mode", "uid", "gid", "qbytes"};
    for (const auto& [name, value] : call.fields) {
        if (call.kind == CallKind::Msgsnd && name == "msgsz") rq.a[3] = value;
        if (call.kind == CallKind::Semctl && name == "val") rq.a[3] = value;
        for (int i = 0; i < 4; ++i)
            if (name == fields[i]) {
                rq.set_mask |= 1u << i;
                rq.set[i] = value;
            }
    }
    return rq;
}

}  // namespace

sim::StepOutcome Coordinator::execute(const sim::Invocation& call) {
    Proc& caller = proc(call.proc);
    if (!caller.alive()) throw RunError("process '" + caller.name + "' does not exist in the kernel run");
    if (auto err = write_ipc_sysctls(call.sysctls)) throw RunError(*err);  // msg_next_id, shm_next_id, sem_next_id: between steps
    caller.caught = 0;
    Request rq = request_for(call);
    rq.recv_limit = m_msgmax;
    // docs/scenario-language.md, "Times": the step's `now` is the coarse clock's seconds from just before the step
    // to just after it has settled (time() reads what ktime_get_real_seconds gives the kernel).
    m_step_start = ::time(nullptr);
    Proc* child = call.kind == CallKind::Fork ? &proc(call.target) : nullptr;
    Proc* doomed = nullptr;  // the process a kill will end, which the step waits to see dead
    if (child) rq.new_channel = child->child_end;
    if (call.kind == CallKind::Kill) {
        Proc& target = proc(call.target);
        // A target that never came to be (its fork failed) or is gone has no process: nothing is
        // signalled, and kill answers as the kernel does for a pid that names no process.
        if (!target.alive()) {
            caller.ret = -1;
            caller.err = ESRCH;
            caller.data.clear();
            caller.mtype = 0;
            refresh();
            return outcome_of(caller);
        }
        rq.a[0] = 0;
        rq.a[1] = call.args.empty() ? 0 : call.args[0];
        if (kill_ends(target, static_cast<int>(rq.a[1]))) doomed = &target;
        if (!send_request(caller.channel, rq, "") || !send_fd(caller.channel, target.pidfd))
            throw RunError("lost the connection to process '" + caller.name + "'");
    } else {
        auto array = request_array(call);
        if (array.size() > kMaxRequestArray)
            throw RunError("a kernel run sends at most " + std::to_string(kMaxRequestArray) + " numbers with one call, and this " +
                           caller.name + "'s has " + std::to_string(array.size()));
        if (!send_request(caller.channel, rq, call.text, array)) throw RunError("lost the connection to process '" + caller.name + "'");
    }
    caller.waiting = true;
    auto deadline = Clock::now() + m_timeout;
    settle(caller, doomed);
    if (child && caller.state == sim::TaskState::ready && caller.ret > 0) {
        caller.ret = adopt_forked_child(*child, deadline);
        child->buf = caller.buf;  // the child's memory, its buffer with it, is a copy
    }
    // semctl(GETPID) answered with a pid of the run's PID namespace; observations speak of the coordinator's.
    if (call.kind == CallKind::Semctl && call.args.size() > 2 && call.args[2] == GETPID && caller.state == sim::TaskState::ready && caller.ret > 0)
        caller.ret = outer_pid(static_cast<int>(caller.ret));
    refresh();
    return outcome_of(caller);
}

// fork's caller returned the child's pid in the run's PID namespace; the child's first byte on
// its channel carries its pid as this process sees it, which is what /proc and pidfds take.
// Returns that pid, which fork's outcome then shows.
int Coordinator::adopt_forked_child(Proc& child, Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    pollfd pfd{child.channel, POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(std::max<long long>(left, 100))) <= 0)
        throw RunError("process '" + child.name + "' was forked but never spoke");
    int pid = receive_hello_pid(child.channel);
    if (pid <= 0) throw RunError("process '" + child.name + "' was forked but did not say who it is");
    child.pid = pid;
    child.pidfd = open_pidfd(pid);  // the coordinator's child (CLONE_PARENT), not yet reaped
    if (child.pidfd < 0) throw RunError(because("pidfd_open"));
    child.inner_pid = inner_pid(pid).value_or(0);
    child.state = sim::TaskState::ready;
    return pid;
}

bool Coordinator::read_reply(Proc& p) {
    Reply r;
    std::string data;
    if (!real::read_reply(p.channel, r, data)) return false;
    p.minflt = r.minflt;
    p.waiting = false;
    p.state = sim::TaskState::ready;
    p.caught = r.caught;
    if (r.caught) return true;  // an abandoned access returned nothing: ret, errno and data stay
    p.ret = r.ret;
    p.err = r.err;
    p.data = r.err ? std::string() : std::move(data);
    p.mtype = r.err ? 0 : r.mtype;
    if (r.buf.kind != sim::BufKind::none) {
        p.buf = r.buf;
        outer_pids(p.buf);
    }
    return true;
}

// IPC_STAT gave the pids as the run's processes see them; the rest of the run speaks of the
// coordinator's, which name processes in observations.
void Coordinator::outer_pids(sim::CtlBuf& b) const {
    for (std::int32_t* pid : {&b.cpid, &b.lpid, &b.lspid, &b.lrpid}) *pid = outer_pid(*pid);
}

int Coordinator::outer_pid(int inner) const {
    for (const auto& p : m_procs)
        if (inner != 0 && p.inner_pid == inner) return p.pid;
    return inner;
}

void Coordinator::mark_gone(Proc& p, int status) {
    p.waiting = false;
    p.state = WIFSIGNALED(status) ? sim::TaskState::killed : sim::TaskState::exited;
    p.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    if (p.pidfd >= 0) ::close(p.pidfd);  // reaped: its pid may name another process from now on
    p.pidfd = -1;
}

void Coordinator::reap() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (Proc* p = proc_by_pid(pid)) mark_gone(*p, status);
    }
}

// Whether signal `sig` ends `target`: SIGKILL always; any other only when the target left it at its
// default action (it has no handler and does not ignore it, as its /proc status says) and that
// action is to end the process.
bool Coordinator::kill_ends(const Proc& target, int sig) const {
    if (sig == SIGKILL) return true;
    if (sig == 0 || sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH) return false;
    return proc_signal_action(target.pid, sig) == SignalAction::deflt;
}

// Asleep in msgsnd, msgrcv or semop: state S, in system call 69, 70, 65 or 220 (x86-64; glibc's
// semop is semtimedop with no timeout, but a program may make semop itself).
bool Coordinator::asleep_in_ipc(const Proc& p) const {
    auto state = proc_state(p.pid);
    if (!state || *state != 'S') return false;
    auto nr = proc_syscall(p.pid);
    return nr && (*nr == SYS_msgsnd || *nr == SYS_msgrcv || *nr == SYS_semop || *nr == SYS_semtimedop);
}

// Waits until the step has settled (docs/scenario-language.md): every process with a call out has answered,
// died, or sleeps in msgsnd/msgrcv; a process the step kills is dead. Polls with a short backoff,
// never longer than the timeout in all.
void Coordinator::settle(Proc& caller, Proc* doomed) {
    auto deadline = Clock::now() + m_timeout;
    int backoff_ms = 0;
    int quiet = 0;  // consecutive polls that found everything settled
    for (;;) {
        for (auto& p : m_procs) {
            pollfd pfd{p.channel, POLLIN, 0};
            if (p.waiting && ::poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) read_reply(p);
        }
        reap();
        bool settled = !caller.waiting || asleep_in_ipc(caller);
        // A kill that succeeded is over only when its target is dead.
        bool kill_worked = !caller.waiting && caller.state == sim::TaskState::ready && caller.ret == 0;
        if (doomed && kill_worked && doomed->alive()) settled = false;
        for (auto& p : m_procs)
            if (p.waiting && !asleep_in_ipc(p)) settled = false;
        // Twice in a row, a poll apart: a task just woken shows R until it has run.
        if (settled && ++quiet >= 2) break;
        if (!settled) quiet = 0;
        if (Clock::now() > deadline)
            throw RunError("the step did not settle within " + std::to_string(m_timeout.count()) + " ms: '" + caller.name + "' neither returned nor slept");
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
        backoff_ms = backoff_ms == 0 ? 1 : std::min(backoff_ms * 2, 20);
    }
    for (auto& p : m_procs)
        if (p.waiting) p.state = sim::TaskState::blocked;
}

// Reads everything observable off the kernel: /proc/sysvipc, IPC_STAT, maps and pagemap.
void Coordinator::refresh() {
    sim::Observation o;
    for (const auto& p : m_procs) {
        if (p.pid == 0) continue;  // a fork target not yet forked
        sim::ProcView v{p.name, p.pid, p.state, p.term_signal, p.ret, p.err, p.data, p.mtype, p.minflt, {}, p.buf};
        if (p.alive())
            for (const auto& m : sysv_mappings(p.pid))
                v.maps.push_back({m.shmid, m.start, m.end, !m.writable, present_pages(p.pid, m.start, m.end), m.pgoff, m.perms});
        o.procs.push_back(std::move(v));
    }
    std::uint64_t resident = 0;
    for (const auto& r : read_sysvipc_shm(read_file("/proc/sysvipc/shm").value_or(""))) {
        o.shms.push_back({r.shmid, r.key, r.perms, r.size, r.nattch, r.cpid, r.lpid, r.uid, r.gid, r.cuid, r.cgid, r.rss_bytes / 4096,
                          r.atime, r.dtime, r.ctime});
        resident += r.rss_bytes;
    }
    if (resident > static_cast<std::uint64_t>(m_max_resident_bytes))
        throw RunError("the run's segments hold " + std::to_string(resident >> 20) + " MiB of memory, more than the " +
                       std::to_string(m_max_resident_bytes >> 20) + " MiB a kernel run may");
    for (const auto& r : read_sysvipc_msg(read_file("/proc/sysvipc/msg").value_or(""))) {
        msqid_ds ds{};
        std::uint64_t qbytes = ::msgctl(r.msqid, IPC_STAT, &ds) == 0 ? ds.msg_qbytes : 0;
        o.msqs.push_back({r.msqid, r.key, r.perms, r.qnum, r.cbytes, qbytes, r.lspid, r.lrpid, r.uid, r.gid, r.cuid, r.cgid,
                          r.stime, r.rtime, r.ctime, std::nullopt, std::nullopt, std::nullopt});
    }
    auto sem_rows = read_sysvipc_sem(read_file("/proc/sysvipc/sem").value_or(""));
    // Each semaphore is four semctl calls after every step: a bound keeps a step's observation
    // within a fraction of a second (the default semmsl makes 8 full sets of it).
    std::uint64_t semaphores_held = 0;
    for (const auto& r : sem_rows) semaphores_held += r.nsems;
    if (semaphores_held > kMaxObservedSemaphores)
        throw RunError("the run's semaphore sets hold " + std::to_string(semaphores_held) + " semaphores, more than the " +
                       std::to_string(kMaxObservedSemaphores) + " a kernel run observes after each step");
    for (const auto& r : sem_rows)
        o.sems.push_back({r.semid, r.key, r.perms, r.nsems, r.uid, r.gid, r.cuid, r.cgid, r.otime, r.ctime, semaphores(r.semid, r.nsems), std::nullopt});
    // /proc lists sets by index; an id also holds a sequence number (sem_next_id, reuse).
    std::sort(o.sems.begin(), o.sems.end(), [](const sim::SemView& a, const sim::SemView& b) { return a.semid < b.semid; });
    o.now = {m_step_start, static_cast<std::int64_t>(::time(nullptr))};
    m_obs = std::move(o);
}

// Each semaphore of a set, as semctl shows it to the coordinator (it may: it owns the IPC
// namespace). GETPID answers in the coordinator's PID namespace, whose pids the observation uses.
std::vector<sim::SemValue> Coordinator::semaphores(int semid, std::uint64_t nsems) const {
    std::vector<sim::SemValue> out(nsems);
    std::vector<unsigned short> vals(nsems + 1);
    union {
        int val;
        unsigned short* array;
    } arg{};  // semctl's union semun, which its caller defines
    arg.array = vals.data();
    bool all = ::semctl(semid, 0, GETALL, arg) == 0;
    for (std::uint64_t i = 0; i < nsems; ++i) {
        int n = static_cast<int>(i);
        out[i].val = all ? vals[i] : std::max(::semctl(semid, n, GETVAL), 0);
        out[i].pid = std::max(::semctl(semid, n, GETPID), 0);
        out[i].ncnt = std::max(::semctl(semid, n, GETNCNT), 0);
        out[i].zcnt = std::max(::semctl(semid, n, GETZCNT), 0);
    }
    return out;
}

// ---- the coordinator process ----

namespace {

// What the front sends: a RunSetup, then calls whose texts are at most what one step may move.
constexpr std::uint64_t kMaxSetupBytes = std::uint64_t{16} << 20;
constexpr std::uint64_t kMaxCallBytes = std::uint64_t{80} << 20;

bool answer(int channel, const RunReply& r) {
    WireWriter w;
    encode(w, r);
    return send_frame(channel, w.bytes());
}

RunReply failure(const std::string& why) {
    RunReply r;
    r.error = why;
    return r;
}

// Its own session, so that nothing the terminal sends the front's process group reaches the
// run, and nothing to read or print: it answers on its socket alone.
void detach() {
    ::setsid();
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::close(null);
    }
}

}  // namespace

int coordinator_main(int channel) {
    detach();
    auto frame = receive_frame(channel, -1, kMaxSetupBytes);
    auto setup = frame ? decode_setup(*frame) : std::nullopt;
    if (!setup) return 2;
    std::unique_ptr<Coordinator> run;
    try {
        run = std::make_unique<Coordinator>(*setup);
    } catch (const std::exception& e) {
        answer(channel, failure(e.what()));
        return 1;
    }
    RunReply ready;
    ready.sees_frames = run->sees_frames();
    ready.observation = run->observation();
    if (!answer(channel, ready)) return 1;
    for (;;) {
        frame = receive_frame(channel, -1, kMaxCallBytes);
        if (!frame) return 0;  // the front is done, or gone
        auto call = decode_invocation(*frame);
        if (!call) return 2;
        RunReply reply;
        try {
            reply.outcome = run->execute(*call);
            reply.sees_frames = run->sees_frames();
            reply.observation = run->observation();
        } catch (const std::exception& e) {
            answer(channel, failure(e.what()));
            return 1;
        }
        if (!answer(channel, reply)) return 1;
    }
}

int coordinator_probe(int channel) {
    auto why = enter_run_namespaces();
    if (why) write_all(channel, why->data(), why->size());
    return why ? 3 : 0;
}

}  // namespace real
