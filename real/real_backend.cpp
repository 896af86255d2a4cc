#include "real/real_backend.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "real/child.h"
#include "real/ipc_namespace.h"
#include "real/procfs.h"
#include "real/protocol.h"

namespace real {

using sim::scenario::CallKind;
using Clock = std::chrono::steady_clock;

std::optional<std::string> RealBackend::cannot_run(const sim::scenario::Scenario& s) {
    if (::geteuid() != 0) {
        for (const auto& p : s.procs)
            if (p.uid != 0 || p.gid != 0)
                return "process '" + p.name + "' asks for uid=/gid=: dropping to another user for real needs root";
    }
    return probe_private_ipc_namespace();
}

RealBackend::RealBackend(std::chrono::milliseconds settle_timeout) : m_timeout(settle_timeout), m_root(::geteuid() == 0) {}

RealBackend::~RealBackend() {
    for (auto& p : m_procs) {
        if (p.pid > 0 && (p.state == sim::TaskState::ready || p.state == sim::TaskState::blocked)) ::kill(p.pid, SIGKILL);
    }
    for (auto& p : m_procs) {
        if (p.pid > 0 && (p.state == sim::TaskState::ready || p.state == sim::TaskState::blocked)) ::waitpid(p.pid, nullptr, 0);
        if (p.channel >= 0) ::close(p.channel);
        if (p.child_end >= 0) ::close(p.child_end);
    }
}

RealBackend::Proc& RealBackend::proc(const std::string& name) { return m_procs.at(m_index.at(name)); }

RealBackend::Proc* RealBackend::proc_by_pid(int pid) {
    for (auto& p : m_procs)
        if (p.pid == pid) return &p;
    return nullptr;
}

// The one CPU every scenario process runs on: the first this process may use.
static int first_cpu() {
    cpu_set_t set;
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) return c;
    return -1;
}

void RealBackend::setup(const sim::scenario::Scenario& s) {
    if (auto why = enter_private_ipc_namespace()) throw RunError(*why);
    for (const auto& sc : s.sysctls)
        if (auto why = write_ipc_sysctl(sc.name, sc.value)) throw RunError(*why);
    m_cpu = first_cpu();
    // A socket for every process the scenario will ever have, made now, so that a process created
    // by fork finds its end already open at the same number in its parent.
    std::vector<std::string> names;
    for (const auto& p : s.procs) names.push_back(p.name);
    for (const auto& st : s.steps)
        if (st.call.kind == CallKind::Fork && !st.call.args.empty()) names.push_back(st.call.args[0].text);
    for (const auto& n : names) {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw RunError(std::string("socketpair: ") + std::strerror(errno));
        m_index[n] = m_procs.size();
        Proc p;
        p.name = n;
        p.channel = sv[0];
        p.child_end = sv[1];
        m_procs.push_back(std::move(p));
    }
    for (const auto& p : s.procs) spawn(proc(p.name), p.uid, p.gid);
    refresh();
}

void RealBackend::spawn(Proc& p, std::uint32_t uid, std::uint32_t gid) {
    int coordinator = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw RunError(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        for (const auto& other : m_procs) ::close(other.channel);
        child_main(ChildSetup{p.child_end, uid, gid, m_cpu, coordinator});
    }
    p.pid = pid;
}

static void fill_request(Request& rq, const sim::Invocation& call) {
    rq.kind = static_cast<std::int32_t>(call.kind);
    for (std::size_t i = 0; i < call.args.size() && i < 4; ++i) rq.a[i] = call.args[i];
    static const char* const fields[] = {"mode", "uid", "gid", "qbytes"};
    for (const auto& [name, value] : call.fields)
        for (int i = 0; i < 4; ++i)
            if (name == fields[i]) {
                rq.set_mask |= 1u << i;
                rq.set[i] = value;
            }
}

sim::StepOutcome RealBackend::execute(const sim::Invocation& call) {
    Proc& caller = proc(call.proc);
    Request rq;
    fill_request(rq, call);
    if (call.kind == CallKind::Kill) {
        rq.a[0] = proc(call.target).pid;  // a reaped target's pid is gone: ESRCH, as in the model
        rq.a[1] = call.args.empty() ? 0 : call.args[0];
    }
    if (call.kind == CallKind::Fork) rq.new_channel = proc(call.target).child_end;
    if (!send_request(caller.channel, rq, call.text)) throw RunError("lost the connection to process '" + caller.name + "'");
    caller.waiting = true;
    settle(call, caller);

    sim::StepOutcome out;
    out.ret = caller.ret;
    out.err = caller.err;
    out.data = caller.data;
    out.mtype = caller.mtype;
    switch (caller.state) {
    case sim::TaskState::ready: out.fate = sim::Fate::returned; break;
    case sim::TaskState::blocked: out.fate = sim::Fate::blocked; break;
    case sim::TaskState::exited: out.fate = sim::Fate::exited; break;
    case sim::TaskState::killed:
        out.fate = sim::Fate::killed;
        out.signo = caller.term_signal;
        break;
    }
    if (call.kind == CallKind::Fork && out.fate == sim::Fate::returned && out.ret > 0) {
        Proc& child = proc(call.target);
        child.pid = static_cast<int>(out.ret);
        child.state = sim::TaskState::ready;
    }
    refresh();
    return out;
}

bool RealBackend::read_reply(Proc& p) {
    Reply r;
    if (!read_all(p.channel, &r, sizeof r)) return false;
    std::string data(r.data_len, '\0');
    if (!read_all(p.channel, data.data(), data.size())) return false;
    p.ret = r.ret;
    p.err = r.err;
    p.data = r.err ? std::string() : std::move(data);
    p.mtype = r.err ? 0 : r.mtype;
    p.minflt = r.minflt;
    p.waiting = false;
    p.state = sim::TaskState::ready;
    return true;
}

void RealBackend::reap() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        Proc* p = proc_by_pid(pid);
        if (!p) continue;
        p->waiting = false;
        p->state = WIFSIGNALED(status) ? sim::TaskState::killed : sim::TaskState::exited;
        p->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
}

// Asleep in msgsnd or msgrcv: state S, in system call 69 or 70 (x86-64).
bool RealBackend::asleep_in_ipc(const Proc& p) const {
    auto state = proc_state(p.pid);
    if (!state || *state != 'S') return false;
    auto nr = proc_syscall(p.pid);
    return nr && (*nr == SYS_msgsnd || *nr == SYS_msgrcv);
}

// Waits until the step has settled (SCENARIO.md): every process with a call out has answered,
// died, or sleeps in msgsnd/msgrcv; a process the step kills is dead. Polls with a short backoff,
// never longer than the timeout in all.
void RealBackend::settle(const sim::Invocation& call, Proc& caller) {
    Proc* doomed = nullptr;
    if (call.kind == CallKind::Kill && !call.args.empty()) {
        int sig = static_cast<int>(call.args[0]);
        if (sig != 0 && sig != SIGUSR1 && sig != SIGCHLD && sig != SIGCONT && sig != SIGURG && sig != SIGWINCH) doomed = &proc(call.target);
    }
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
        if (doomed && kill_worked && (doomed->state == sim::TaskState::ready || doomed->state == sim::TaskState::blocked)) settled = false;
        for (auto& p : m_procs)
            if (p.waiting && !asleep_in_ipc(p)) settled = false;
        // Twice in a row, a poll apart: a task just woken shows R until it has run.
        if (settled && ++quiet >= 2) break;
        if (!settled) quiet = 0;
        if (Clock::now() > deadline) throw RunError("the step did not settle within " + std::to_string(m_timeout.count()) + " ms: '" + caller.name + "' neither returned nor slept");
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
        backoff_ms = backoff_ms == 0 ? 1 : std::min(backoff_ms * 2, 20);
    }
    for (auto& p : m_procs)
        if (p.waiting) p.state = sim::TaskState::blocked;
}

// Reads everything observable off the kernel: /proc/sysvipc, IPC_STAT, maps and pagemap.
void RealBackend::refresh() {
    sim::Observation o;
    for (const auto& p : m_procs) {
        if (p.pid == 0) continue;  // a fork target not yet forked
        sim::ProcView v{p.name, p.pid, p.state, p.term_signal, p.ret, p.err, p.data, p.mtype, p.minflt, {}};
        if (p.state == sim::TaskState::ready || p.state == sim::TaskState::blocked)
            for (const auto& m : sysv_mappings(p.pid))
                v.maps.push_back({m.shmid, m.start, m.end, !m.writable, present_pages(p.pid, m.start, m.end)});
        o.procs.push_back(std::move(v));
    }
    for (const auto& r : read_sysvipc_shm(read_file("/proc/sysvipc/shm").value_or("")))
        o.shms.push_back({r.shmid, r.key, r.perms, r.size, r.nattch, r.cpid, r.lpid, r.uid, r.gid, r.cuid, r.cgid, r.rss_bytes / 4096});
    for (const auto& r : read_sysvipc_msg(read_file("/proc/sysvipc/msg").value_or(""))) {
        msqid_ds ds{};
        std::uint64_t qbytes = ::msgctl(r.msqid, IPC_STAT, &ds) == 0 ? ds.msg_qbytes : 0;
        o.msqs.push_back({r.msqid, r.key, r.perms, r.qnum, r.cbytes, qbytes, r.lspid, r.lrpid, r.uid, r.gid, r.cuid, r.cgid,
                          std::nullopt, std::nullopt, std::nullopt});
    }
    m_obs = std::move(o);
}

}  // namespace real
