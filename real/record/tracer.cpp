#include "real/record/tracer.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "real/procfs.h"
#include "real/sandbox.h"

namespace real::record {

namespace {

// Every process the command starts is traced from its first instruction, and dies with the tracer.
constexpr long kOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                          PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
// A process that makes no system call (shm1's busy loop) is stopped after this long, so the others
// get their turn and its stores are seen.
constexpr auto kSlice = std::chrono::milliseconds(10);

// When one step wakes several processes, the scheduler chooses who runs first. As the kernel run does
// (real/child.cpp), the command's processes share one CPU under SCHED_FIFO where that is allowed, so they
// run in the order they were woken, the order the model follows; the tracer keeps the other CPUs.
void pin_to_one_cpu(int& cpu) {
    cpu_set_t all;
    cpu = -1;
    if (::sched_getaffinity(0, sizeof all, &all) != 0 || CPU_COUNT(&all) < 2) return;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &all)) cpu = c;
    sched_param p{};
    p.sched_priority = 1;
    if (::sched_setscheduler(0, SCHED_FIFO, &p) != 0) {  // not allowed here: they run as they come
        cpu = -1;
        return;
    }
    p.sched_priority = 0;
    ::sched_setscheduler(0, SCHED_OTHER, &p);  // only the command's processes are real-time
    CPU_CLR(cpu, &all);
    ::sched_setaffinity(0, sizeof all, &all);
}

// The command's process: waits until the tracer has seized it, then runs the command.
[[noreturn]] void exec_child(const TraceOptions& opt, int go, int failed, const sigset_t& mask, int cpu) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (opt.output_to_stderr) ::dup2(2, 1);
    if (cpu >= 0) run_fifo_on(cpu);
    ::sigprocmask(SIG_SETMASK, &mask, nullptr);
    char byte;
    if (::read(go, &byte, 1) != 1) ::_exit(127);
    ::close(go);
    std::vector<char*> args;
    for (const auto& a : opt.argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    int why = errno;  // the pipe closes on a successful exec: anything read from it is this
    if (::write(failed, &why, sizeof why) != sizeof why) ::_exit(127);
    ::_exit(127);
}

// The program's file name: comm is cut at 15 bytes, the executable's name is whole.
std::string comm_of(int pid) {
    char exe[4096];
    ssize_t n = ::readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), exe, sizeof exe - 1);
    if (n > 0) {
        std::string path(exe, static_cast<std::size_t>(n));
        if (path.size() > 10 && path.compare(path.size() - 10, 10, " (deleted)") == 0) path.resize(path.size() - 10);
        return path.substr(path.rfind('/') + 1);
    }
    auto c = read_file("/proc/" + std::to_string(pid) + "/comm");
    if (!c) return "proc";
    while (!c->empty() && c->back() == '\n') c->pop_back();
    return *c;
}

// The effective uid and gid (the second field of Uid: and Gid: in /proc/PID/status).
std::pair<std::uint32_t, std::uint32_t> creds_of(int pid) {
    std::pair<std::uint32_t, std::uint32_t> out{0, 0};
    auto status = read_file("/proc/" + std::to_string(pid) + "/status");
    if (!status) return out;
    std::istringstream lines(*status);
    std::string line, word;
    std::uint32_t real = 0, eff = 0;
    while (std::getline(lines, line)) {
        std::istringstream w(line);
        w >> word >> real >> eff;
        if (word == "Uid:") out.first = eff;
        if (word == "Gid:") out.second = eff;
    }
    return out;
}

}  // namespace

Tracer::Tracer(Recording& rec, TraceOptions opt) : m_rec(rec), m_opt(std::move(opt)) {}

std::optional<std::string> Tracer::run() {
    m_deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(m_opt.timeout_s * 1000));
    // Stops are reported with SIGCHLD; blocked, it waits in sigtimedwait and is never lost.
    sigset_t chld, old;
    ::sigemptyset(&chld);
    ::sigaddset(&chld, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &chld, &old);
    auto why = start();
    if (!why) loop();
    kill_all();
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    int err = 0;
    if (m_exec_failed[0] >= 0 && ::read(m_exec_failed[0], &err, sizeof err) == sizeof err)
        m_command_error = std::string(std::strerror(err));
    if (m_exec_failed[0] >= 0) ::close(m_exec_failed[0]);
    return why;
}

std::optional<std::string> Tracer::start() {
    int go[2];
    if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(m_exec_failed, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    sigset_t unblocked;
    ::sigemptyset(&unblocked);
    int cpu = -1;
    pin_to_one_cpu(cpu);
    int pid = ::fork();
    if (pid < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid == 0) {
        ::close(go[1]);
        ::close(m_exec_failed[0]);
        exec_child(m_opt, go[0], m_exec_failed[1], unblocked, cpu);
    }
    ::close(go[0]);
    ::close(m_exec_failed[1]);
    if (::ptrace(PTRACE_SEIZE, pid, nullptr, kOptions) != 0) {
        int e = errno;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        ::close(go[1]);
        return std::string("ptrace is not allowed here (") + std::strerror(e) + ")";
    }
    m_rec.procs.push_back(RecProc{pid, comm_of(pid), -1, false, 0, 0, ""});
    Tracee& t = m_tracees[pid];
    t.pid = pid;
    t.proc = 0;
    t.state = Tracee::State::running;  // until its exec stops it
    m_order.push_back(pid);
    char byte = 1;
    bool started = ::write(go[1], &byte, 1) == 1;
    ::close(go[1]);
    if (!started) return std::string("the command's process did not start");
    return std::nullopt;
}

void Tracer::loop() {
    bool stuck = false;
    Clock::time_point stuck_since{};
    while (!m_ended) {
        bool alive = false;
        for (const auto& [pid, t] : m_tracees) alive = alive || t.state != Tracee::State::gone;
        if (!alive) return;
        if (Clock::now() >= m_deadline) {
            end_note("The recording stopped at its time limit (--timeout): the processes still running were killed.",
                     "录制在时间上限（--timeout）处停止：仍在运行的进程被终止。");
            return;
        }
        if (step_count >= m_opt.max_steps) {
            end_note("The recording stopped at its step limit (--max-steps): the processes still running were killed.",
                     "录制在步数上限（--max-steps）处停止：仍在运行的进程被终止。");
            return;
        }
        if (Tracee* t = next_runnable()) {
            stuck = false;
            turn(*t);
            continue;
        }
        // Stuck for a while, not just between a child's end and its parent's wait returning.
        if (!all_stuck()) {
            stuck = false;
        } else if (!stuck) {
            stuck = true;
            stuck_since = Clock::now();
        } else if (Clock::now() - stuck_since > std::chrono::milliseconds(300)) {
            end_note("Every process sleeps in a System V call, and none can wake another: a deadlock. The recording stops here.",
                     "所有进程都睡眠在 System V 调用中，没有进程能唤醒其他进程：死锁。录制在此停止。");
            return;
        }
        collect(20);
    }
}

Tracee* Tracer::next_runnable() {
    for (std::size_t k = 0; k < m_order.size(); ++k) {
        std::size_t i = (m_next + k) % m_order.size();
        Tracee& t = m_tracees[m_order[i]];
        if (t.woken) write_wakeup(t);
        if (t.state != Tracee::State::stopped || t.proc < 0) continue;
        m_next = i + 1;
        return &t;
    }
    return nullptr;
}

// One turn: t runs until its next system call, until it sleeps, or for a slice of time.
void Tracer::turn(Tracee& t) {
    auto slice_end = std::min(Clock::now() + kSlice, m_deadline);
    bool interrupted = false;
    t.moved = false;
    for (;;) {
        resume(t);
        if (!wait_for(t, slice_end)) {
            if (t.state != Tracee::State::running || Clock::now() >= m_deadline) return;
            ::ptrace(PTRACE_INTERRUPT, t.pid, nullptr, nullptr);
            interrupted = true;
            if (!wait_for(t, Clock::now() + std::chrono::seconds(1))) return;
        }
        if (t.state != Tracee::State::stopped) return;
        switch (t.stop) {
        case Tracee::Stop::syscall_entry: return at_syscall(t);
        case Tracee::Stop::signal:
            if (t.signal == SIGSEGV || t.signal == SIGBUS) {
                observe(t, t.mode == Tracee::Mode::stepping ? t.line : std::nullopt);
                fault_step(t);
            }
            continue;  // delivered by the next resume
        case Tracee::Stop::stepped:
            on_step(t);
            if (Clock::now() < slice_end) continue;
            return at_slice_end(t);
        case Tracee::Stop::breakpoint: on_breakpoint(t); continue;
        case Tracee::Stop::event:
            if (interrupted) return at_interrupt(t);
            continue;
        case Tracee::Stop::start:
        case Tracee::Stop::syscall_exit: continue;
        }
    }
}

void Tracer::at_syscall(Tracee& t) {
    observe(t);
    before_syscall(t);
    if (t.restart_nr >= 0 && t.restart_nr == t.syscall_nr) return restart_call(t);
    if (is_ipc(t.syscall_nr) || signal_to_recorded(t)) return ipc_call(t);
    if (t.syscall_nr == SYS_exit_group || t.syscall_nr == SYS_exit) {
        exit_step(t);
        return resume(t);
    }
    resume(t);  // any other call runs; a short one returns at once, with what it wrote seen
    if (wait_for(t, Clock::now() + std::chrono::milliseconds(2)) && t.state == Tracee::State::stopped) {
        observe(t);
        if (t.stop == Tracee::Stop::syscall_exit) arm_at_return(t);
    } else if (t.state == Tracee::State::running) {
        t.state = Tracee::State::in_syscall;
    }
}

// The kernel restarts a call a signal interrupted (the process ignores it): it sleeps again, or returns
// what it would have, as the same step.
void Tracer::restart_call(Tracee& t) {
    t.restart_nr = -1;
    resume(t);
    if (!wait_exit_or_block(t)) {
        t.state = Tracee::State::blocked_ipc;
        return;
    }
    if (t.state == Tracee::State::stopped) write_wakeup(t);
}

// The end of a slice: what the loop wrote is seen, and a loop in the program's own code is stepped
// from here on, line by line.
void Tracer::at_interrupt(Tracee& t) {
    observe(t);
    if (t.mode != Tracee::Mode::free || !worth_stepping(t)) return;
    user_regs_struct regs{};
    if (::ptrace(PTRACE_GETREGS, t.pid, nullptr, &regs) != 0) return;
    auto l = m_lines.line_at(t.pid, regs.rip);
    if (!l || (t.loop_line && t.loop_line->line == l->line && t.loop_line->file == l->file)) return;
    t.mode = Tracee::Mode::stepping;
    t.line = l;
    t.loop_line.reset();
}

// A whole slice stepped on one line: a busy wait (nothing written) stays stepped, so its end is seen
// at the instruction; a loop that writes runs free until it has left that line.
void Tracer::at_slice_end(Tracee& t) {
    bool wrote = observe(t, t.line);
    if (t.moved || !wrote) return;
    t.mode = Tracee::Mode::free;
    t.loop_line = t.line;
}

void Tracer::resume(Tracee& t) {
    int sig = t.stop == Tracee::Stop::signal ? t.signal : 0;
    t.signal = 0;
    t.state = Tracee::State::running;
    if (t.rearm && t.stop == Tracee::Stop::syscall_exit) {  // the fork is over: the child has no int3
        if (insert_breakpoint(t, t.rearm)) t.mode = Tracee::Mode::to_breakpoint;
        t.rearm = 0;
    }
    t.single_stepped = t.mode == Tracee::Mode::stepping;
    ::ptrace(t.single_stepped ? PTRACE_SINGLESTEP : PTRACE_SYSCALL, t.pid, nullptr, sig);  // ESRCH: it was killed; its end is reported
}

// Handles every report until t is no longer running, or until `until`. True when t stopped or went.
bool Tracer::wait_for(Tracee& t, Clock::time_point until) {
    for (;;) {
        collect(0);
        if (t.state != Tracee::State::running && t.state != Tracee::State::in_syscall) return true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (left <= 0) return false;
        collect(static_cast<int>(std::min<long>(left, 50)));
    }
}

// Takes every pending report; with timeout_ms > 0, first waits up to that long for one to come.
void Tracer::collect(int timeout_ms) {
    if (timeout_ms > 0) {
        sigset_t chld;
        ::sigemptyset(&chld);
        ::sigaddset(&chld, SIGCHLD);
        timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
        int status, pid = ::waitpid(-1, &status, __WALL | WNOHANG);
        if (pid > 0) return on_status(pid, status);
        ::sigtimedwait(&chld, nullptr, &ts);
    }
    int status, pid;
    while ((pid = ::waitpid(-1, &status, __WALL | WNOHANG)) > 0) on_status(pid, status);
}

Tracee* Tracer::find(int pid) {
    auto it = m_tracees.find(pid);
    return it == m_tracees.end() ? nullptr : &it->second;
}

void Tracer::on_status(int pid, int status) {
    Tracee* t = find(pid);
    if (!t) {  // a new child can report its first stop before its parent reports the fork
        t = &m_tracees[pid];
        t->pid = pid;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) return on_gone(*t, status);
    if (!WIFSTOPPED(status)) return;
    int sig = WSTOPSIG(status), event = status >> 16;
    if (sig == (SIGTRAP | 0x80)) return on_syscall_stop(*t);
    t->state = Tracee::State::stopped;
    t->signal = 0;
    if (event == PTRACE_EVENT_STOP) {
        t->stop = Tracee::Stop::event;  // our interrupt, a new child's first stop, or a group stop
    } else if (event != 0) {
        t->stop = Tracee::Stop::event;
        on_event(*t, event);
    } else {
        t->stop = Tracee::Stop::signal;
        t->signal = sig;
        if (sig == SIGTRAP) on_trap(*t);
    }
    t->single_stepped = false;
}

void Tracer::on_syscall_stop(Tracee& t) {
    __ptrace_syscall_info info{};
    if (::ptrace(PTRACE_GET_SYSCALL_INFO, t.pid, sizeof info, &info) <= 0) return;
    bool was_blocked = t.state == Tracee::State::blocked_ipc;
    t.state = Tracee::State::stopped;
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
        t.stop = Tracee::Stop::syscall_entry;
        t.syscall_nr = static_cast<long>(info.entry.nr);
        for (int i = 0; i < 6; ++i) t.syscall_args[i] = info.entry.args[i];
        return;
    }
    t.stop = Tracee::Stop::syscall_exit;
    t.syscall_ret = info.exit.rval;
    t.syscall_error = info.exit.is_error != 0;
    if (was_blocked) t.woken = true;  // written after the step that woke it (settle)
}

void Tracer::on_event(Tracee& t, int event) {
    unsigned long msg = 0;
    ::ptrace(PTRACE_GETEVENTMSG, t.pid, nullptr, &msg);
    if (event == PTRACE_EVENT_EXEC) return on_exec(t);
    if (event != PTRACE_EVENT_FORK && event != PTRACE_EVENT_VFORK && event != PTRACE_EVENT_CLONE) return;
    std::uint64_t flags = t.syscall_args[0];
    if (t.syscall_nr == SYS_clone3) {  // clone3 passes a struct whose first field is the flags
        if (auto b = read_bytes(t.pid, t.syscall_args[0], 8)) std::memcpy(&flags, b->data(), 8);
    }
    bool thread = event == PTRACE_EVENT_CLONE && (flags & CLONE_THREAD);
    bool shares_mm = event == PTRACE_EVENT_VFORK || (flags & CLONE_VM);
    on_new_child(t, static_cast<int>(msg), thread, shares_mm && !thread);
}

// A fork copies the attachments: the child is then in the scenario, started by `fork`. A vfork (or
// posix_spawn's clone with CLONE_VM) borrows the parent's mm until it execs: no vm_area_struct is
// copied and none is closed, so the child is a process of its own from the start, with no attachment.
void Tracer::on_new_child(Tracee& parent, int child_pid, bool thread, bool borrows_mm) {
    bool seen = m_tracees.count(child_pid) > 0;
    Tracee& c = m_tracees[child_pid];
    c.pid = child_pid;
    if (!seen) c.state = Tracee::State::running;  // until its first stop
    m_order.push_back(child_pid);
    if (!borrows_mm) c.attachments = parent.attachments;
    if (thread) {
        c.proc = parent.proc;
        return;
    }
    auto [uid, gid] = creds_of(parent.pid);
    c.proc = static_cast<int>(m_rec.procs.size());
    m_rec.procs.push_back(RecProc{child_pid, m_rec.procs[parent.proc].comm, borrows_mm ? -1 : parent.proc, false, uid, gid, ""});
    if (borrows_mm) return;
    RecEntry e;
    e.kind = RecEntry::Kind::fork;
    e.proc = parent.proc;
    e.child = c.proc;
    e.where = m_lines.where(parent.pid);
    m_rec.entries.push_back(e);
    ++step_count;
    if (!parent.attachments.empty()) include(c);
}

// exec unmaps everything: the kernel detaches each segment as shmdt would.
void Tracer::on_exec(Tracee& t) {
    m_lines.forget(t.pid);
    t.mode = Tracee::Mode::free;  // the new program has none of our int3s
    t.breakpoint = t.rearm = 0;
    t.line.reset();
    if (!t.attachments.empty()) {
        m_rec.entries.push_back(RecEntry{RecEntry::Kind::note, t.proc, -1,
                                         "exec replaces the program: the kernel detaches every segment it had attached, as shmdt does.",
                                         "exec 替换了程序：内核像 shmdt 一样断开它连接的每个共享内存段。", std::nullopt});
        for (const auto& [start, a] : t.attachments) emit(t, RecEntry::Kind::step, "shmdt(" + a.var + ") => 0");
    }
    t.attachments.clear();
    t.present.clear();
    if (!m_rec.procs[t.proc].included) m_rec.procs[t.proc].comm = comm_of(t.pid);
}

void Tracer::on_gone(Tracee& t, int status) {
    // Killed by a signal it got while the recording went on (a kill step, a fault): the model kills it too.
    bool killed = WIFSIGNALED(status) && !m_ended && t.proc >= 0 && m_rec.procs[t.proc].included && t.state != Tracee::State::gone;
    if (killed) emit_expect(proc_ref(t.proc) + ".state == killed");
    t.state = Tracee::State::gone;
    t.woken = false;
    m_lines.forget(t.pid);
}

// Nothing can happen any more: every process sleeps in a System V call or waits for a child.
bool Tracer::all_stuck() const {
    bool any_ipc = false;
    for (const auto& [pid, t] : m_tracees) {
        if (t.state == Tracee::State::gone) continue;
        if (t.state == Tracee::State::blocked_ipc) {
            any_ipc = true;
            continue;
        }
        bool waits = t.state == Tracee::State::in_syscall && (t.syscall_nr == SYS_wait4 || t.syscall_nr == SYS_waitid);
        if (!waits) return false;
    }
    return any_ipc;
}

void Tracer::kill_all() {
    for (auto& [pid, t] : m_tracees)
        if (t.state != Tracee::State::gone) ::kill(pid, SIGKILL);
    auto until = Clock::now() + std::chrono::seconds(5);
    for (;;) {
        bool alive = false;
        for (const auto& [pid, t] : m_tracees) alive = alive || t.state != Tracee::State::gone;
        if (!alive || Clock::now() >= until) return;
        collect(20);
    }
}

void Tracer::end_note(const std::string& en, const std::string& zh) {
    m_rec.entries.push_back(RecEntry{RecEntry::Kind::note, -1, -1, en, zh, std::nullopt});
    m_ended = true;
}

void Tracer::include(Tracee& t) {
    RecProc& p = m_rec.procs[t.proc];
    if (p.included) return;
    p.included = true;
    p.comm = comm_of(t.pid);
    std::tie(p.uid, p.gid) = creds_of(t.pid);
}

void Tracer::emit(Tracee& t, RecEntry::Kind kind, std::string text, std::optional<SourceLine> where, bool look_up) {
    RecEntry e;
    e.kind = kind;
    e.proc = t.proc;
    e.text = std::move(text);
    e.where = std::move(where);
    if (look_up && !e.where && t.state == Tracee::State::stopped) e.where = m_lines.where(t.pid);
    include(t);
    RecProc& p = m_rec.procs[t.proc];
    if (p.source.empty() && e.where) p.source = e.where->file;
    m_rec.entries.push_back(std::move(e));
    ++step_count;
}

void Tracer::emit_expect(std::string text) {
    m_rec.entries.push_back(RecEntry{RecEntry::Kind::expect, -1, -1, std::move(text), "", std::nullopt});
}

std::optional<std::string> Tracer::read_bytes(int pid, std::uint64_t addr, std::size_t n) const {
    std::string out(n, '\0');
    if (n == 0) return out;
    iovec local{out.data(), n}, remote{reinterpret_cast<void*>(addr), n};
    ssize_t got = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (got != static_cast<ssize_t>(n)) return std::nullopt;
    return out;
}

}  // namespace real::record
