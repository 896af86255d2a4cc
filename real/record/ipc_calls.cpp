// The System V calls a traced process makes, written as scenario steps: the arguments read from
// its registers and memory at the call's entry, the outcome from its exit, and the results of a call
// that slept written as expectations after the step that woke it.
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <initializer_list>

#include "real/procfs.h"
#include "real/record/tracer.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace real::record {

namespace {

constexpr int kIpc64 = 0x100;  // a C library may or IPC_64 into the command; x86-64's kernel ignores it

std::int64_t constant(const char* name) { return sim::scenario::find_constant(name)->value; }

// `0666 | IPC_CREAT`: permission bits in octal, then the named flags, then what is left.
std::string flags_text(std::int64_t v, std::initializer_list<const char*> names, bool perms) {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : " | ") + s; };
    if (perms && (v & 0777)) add(sim::oct(static_cast<std::uint64_t>(v & 0777)));
    if (perms) v &= ~std::int64_t{0777};
    for (const char* n : names) {
        std::int64_t bit = constant(n);
        if ((v & bit) == bit) {
            add(n);
            v &= ~bit;
        }
    }
    if (v) add(v < 0 ? std::to_string(v) : sim::oct(static_cast<std::uint64_t>(v)));
    return out.empty() ? "0" : out;
}

std::string key_text(int key) { return key == 0 ? "IPC_PRIVATE" : std::to_string(key); }

std::string cmd_text(std::string_view name, int cmd) { return name.empty() ? std::to_string(cmd) : std::string(name); }

template <typename T>
T as(const std::string& bytes, std::size_t at) {
    T v{};
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
}

}  // namespace

bool Tracer::is_ipc(long nr) const {
    switch (nr) {
    case SYS_shmget: case SYS_shmat: case SYS_shmdt: case SYS_shmctl:
    case SYS_msgget: case SYS_msgsnd: case SYS_msgrcv: case SYS_msgctl:
    case SYS_semget: case SYS_semop: case SYS_semtimedop: case SYS_semctl: return true;
    default: return false;
    }
}

// kill, tkill or tgkill of a process in the recording, with a signal the language names: a step too,
// since a signal can end a sleep (EINTR) or a process (and with it its attachments and undo records).
std::optional<std::pair<int, int>> Tracer::signal_to_recorded(const Tracee& t) const {
    const auto* a = t.syscall_args;
    long target = 0, sig = 0;
    if (t.syscall_nr == SYS_kill || t.syscall_nr == SYS_tkill) target = static_cast<int>(a[0]), sig = static_cast<int>(a[1]);
    else if (t.syscall_nr == SYS_tgkill) target = static_cast<int>(a[1]), sig = static_cast<int>(a[2]);
    else return std::nullopt;
    auto it = m_tracees.find(static_cast<int>(target));
    // A signal a process sends itself (raise) is not written: the language has no step for it.
    if (target <= 0 || sig <= 0 || target == t.pid || it == m_tracees.end() || it->second.proc < 0) return std::nullopt;
    if (!m_rec.procs[it->second.proc].included || sim::scenario::signal_name(sig).empty()) return std::nullopt;
    return std::pair{it->second.proc, static_cast<int>(sig)};
}

// The model's processes start with a do-nothing SIGUSR1 handler and every other signal at its default;
// where the target's real disposition differs, a `signal` step says so before the target's first step.
void Tracer::disposition_step(int target_pid, int proc, int sig) {
    auto action = proc_signal_action(target_pid, sig);
    if (!action) return;
    const char* real = *action == SignalAction::caught ? "handler" : *action == SignalAction::ignored ? "ignore" : "default";
    const char* model = sig == SIGUSR1 ? "handler" : "default";
    std::string text = "signal(" + std::string(sim::scenario::signal_name(sig)) + ", " + real + ") => 0";
    if (std::string(real) == model || !m_dispositions.insert({proc, sig}).second) return;
    auto first = m_rec.entries.begin();
    while (first != m_rec.entries.end() && !(first->proc == proc && first->kind == RecEntry::Kind::step) &&
           !(first->kind == RecEntry::Kind::fork && first->child == proc))
        ++first;
    if (first != m_rec.entries.end() && first->kind == RecEntry::Kind::fork) ++first;  // after the fork that makes it
    RecEntry e;
    e.kind = RecEntry::Kind::step;
    e.proc = proc;
    e.text = text;
    m_rec.entries.insert(first, e);
}

// Runs t's System V call and writes it: as it returned, or as `=> blocks` when it sleeps.
void Tracer::ipc_call(Tracee& t) {
    t.call = CallInFlight{};
    t.call.nr = t.syscall_nr;
    std::memcpy(t.call.args, t.syscall_args, sizeof t.call.args);
    t.call.text = call_text(t);
    auto where = m_lines.where(t.pid);
    resume(t);
    if (!wait_exit_or_block(t)) {
        if (!t.call.text.empty()) emit(t, RecEntry::Kind::step, t.call.text + " => blocks", where);
        t.state = Tracee::State::blocked_ipc;
        return settle();
    }
    if (t.state == Tracee::State::gone) return;
    std::vector<std::string> expects;
    std::string out = outcome(t, expects);
    if (!t.call.text.empty()) {
        std::string var = t.call.var.empty() ? "" : t.call.var + " = ";
        emit(t, RecEntry::Kind::step, var + t.call.text + " => " + out, where);
        for (auto& e : expects) emit_expect(std::move(e));
    }
    after_call(t);
    settle();
}

// True when t's call returned (or t died in it); false when t sleeps in it.
bool Tracer::wait_exit_or_block(Tracee& t) {
    int asleep = 0;
    while (Clock::now() < m_deadline) {
        if (wait_for(t, Clock::now() + std::chrono::milliseconds(1))) return true;
        auto state = proc_state(t.pid);
        auto nr = proc_syscall(t.pid);
        bool sleeps = state && (*state == 'S' || *state == 'D') && nr && *nr == t.call.nr;
        asleep = sleeps ? asleep + 1 : 0;
        if (asleep >= 3) return false;
    }
    return false;
}

// After a step, every process it woke finishes its call (or sleeps again) before anything else.
void Tracer::settle() {
    auto until = Clock::now() + std::chrono::seconds(2);
    for (;;) {
        collect(0);
        bool moving = false;
        for (auto& [pid, b] : m_tracees) {
            if (b.state != Tracee::State::blocked_ipc) continue;
            auto state = proc_state(pid);
            auto nr = proc_syscall(pid);
            if (state && !((*state == 'S' || *state == 'D') && nr && *nr == b.call.nr)) moving = true;
        }
        if (!moving || Clock::now() >= until) break;
        collect(1);
    }
    for (int pid : m_order)
        if (m_tracees[pid].woken) write_wakeup(m_tracees[pid]);
}

// A signal interrupted t's sleep: the exit shows the kernel's restart code (ERESTARTNOHAND...), and
// what user space gets depends on the signal. The process is taken to its signal-delivery stop to see it:
// caught, the call returns EINTR; fatal, the process dies; ignored, the kernel restarts the call, which
// sleeps again without a new step.
bool Tracer::interrupted(Tracee& t) {
    constexpr long kRestartSys = 512, kRestartRestartBlock = 516;
    if (!t.syscall_error || -t.syscall_ret < kRestartSys || -t.syscall_ret > kRestartRestartBlock) return false;
    resume(t);
    if (!wait_for(t, Clock::now() + std::chrono::seconds(1)) || t.state != Tracee::State::stopped) return true;
    auto action = t.stop == Tracee::Stop::signal ? proc_signal_action(t.pid, t.signal) : std::nullopt;
    if (action == SignalAction::caught) {
        t.syscall_ret = -EINTR;
        return false;
    }
    bool fatal = action == SignalAction::deflt && t.signal != SIGCHLD && t.signal != SIGCONT && t.signal != SIGURG && t.signal != SIGWINCH;
    if (!fatal) t.restart_nr = t.call.nr;
    return true;
}

void Tracer::write_wakeup(Tracee& t) {
    t.woken = false;
    if (interrupted(t)) return;
    if (t.call.text.empty()) return after_call(t);
    std::string p = proc_ref(t.proc);
    std::vector<std::string> expects;
    std::string out = outcome(t, expects);
    emit_expect(p + ".state == ready");
    if (t.syscall_error) emit_expect(p + ".errno == " + out);
    else if (t.call.nr == SYS_msgrcv) emit_expect(p + ".data == " + out);
    else emit_expect(p + ".ret == " + out);
    for (auto& e : expects) emit_expect(std::move(e));
    after_call(t);
}

// The outcome of t's finished call, as `=> ...` says it; expectations it adds go to `expects`.
std::string Tracer::outcome(Tracee& t, std::vector<std::string>& expects) {
    std::int64_t ret = t.syscall_ret;
    if (t.syscall_error) {
        auto name = sim::scenario::errno_name(-ret);
        return name.empty() ? std::to_string(-ret) : std::string(name);
    }
    const auto* a = t.call.args;
    switch (t.call.nr) {
    case SYS_shmget: case SYS_msgget: case SYS_semget: {
        char kind = t.call.nr == SYS_shmget ? 'm' : t.call.nr == SYS_msgget ? 'q' : 's';
        if (auto it = m_ids.find({kind, ret}); it != m_ids.end()) return it->second;
        int n = ++m_var_count[kind];
        std::string base = kind == 'm' ? "shmid" : kind == 'q' ? "msqid" : "semid";
        t.call.var = n == 1 ? base : base + "_" + std::to_string(n);
        m_ids[{kind, ret}] = t.call.var;
        // A private namespace numbers its objects as a replay does; the host's ids are its own.
        return m_rec.host_ipc ? "ok" : std::to_string(ret);
    }
    case SYS_shmat: {
        ++m_addr_count;
        t.call.var = m_addr_count == 1 ? "addr" : "addr_" + std::to_string(m_addr_count);
        return "ok";
    }
    case SYS_msgrcv: {
        auto text = read_bytes(t.pid, a[1] + 8, static_cast<std::size_t>(ret));
        auto mtype = read_bytes(t.pid, a[1], 8);
        if (mtype) expects.push_back(proc_ref(t.proc) + ".mtype == " + std::to_string(as<long>(*mtype, 0)));
        return text ? text_value(*text) : std::to_string(ret);
    }
    case SYS_semctl: {
        int cmd = static_cast<int>(a[2]) & ~kIpc64;
        if (cmd == GETPID) {
            for (const auto& [pid, o] : m_tracees)
                if (pid == ret && o.proc >= 0 && m_rec.procs[o.proc].included) return proc_ref(o.proc);
        }
        if (cmd == GETALL) {
            std::int64_t n = nsems_of(static_cast<int>(a[0]));
            auto vals = read_bytes(t.pid, a[3], static_cast<std::size_t>(n) * 2);
            for (std::int64_t i = 0; vals && i < n && i < 64; ++i)
                expects.push_back(proc_ref(t.proc) + ".buf[" + std::to_string(i) + "] == " + std::to_string(as<unsigned short>(*vals, 2 * i)));
        }
        if (cmd == SEM_STAT || cmd == SEM_STAT_ANY) return id_arg('s', ret);
        return std::to_string(ret);
    }
    case SYS_shmctl: {
        int cmd = static_cast<int>(a[1]) & ~kIpc64;
        return cmd == SHM_STAT || cmd == SHM_STAT_ANY ? id_arg('m', ret) : std::to_string(ret);
    }
    case SYS_msgctl: {
        int cmd = static_cast<int>(a[1]) & ~kIpc64;
        return cmd == MSG_STAT || cmd == MSG_STAT_ANY ? id_arg('q', ret) : std::to_string(ret);
    }
    default: return std::to_string(ret);
    }
}

void Tracer::after_call(Tracee& t) {
    if (t.syscall_error) return;
    update_attachments(t);
    arm_at_return(t);  // back in its own code, t may step it line by line (a new attachment starts that)
}

// What a finished call changes in t's attachments: shmat adds one, shmdt removes it.
void Tracer::update_attachments(Tracee& t) {
    const auto* a = t.call.args;
    if (t.call.nr == SYS_shmat && !t.call.var.empty()) {
        int shmid = static_cast<int>(a[0]);
        shmid_ds ds{};
        std::uint64_t size = 0;
        if (::shmctl(shmid, IPC_STAT, &ds) == 0) size = (ds.shm_segsz + 4095) / 4096 * 4096;
        auto start = static_cast<std::uint64_t>(t.syscall_ret);
        t.attachments[start] = Attachment{start, size, shmid, t.call.var};
    }
    if (t.call.nr == SYS_shmdt) {
        auto it = t.attachments.find(a[0]);
        if (it == t.attachments.end()) return;
        for (auto p = t.present.begin(); p != t.present.end();)
            p = *p >= it->second.start && *p < it->second.start + it->second.size ? t.present.erase(p) : std::next(p);
        t.attachments.erase(it);
    }
}

void Tracer::exit_step(Tracee& t) {
    if (!m_rec.procs[t.proc].included) return;
    emit(t, RecEntry::Kind::step, "exit(" + std::to_string(static_cast<int>(t.syscall_args[0]) & 0xff) + ")");
}

// A SIGSEGV inside an attachment: a store through SHM_RDONLY (or a touch of a PROT_NONE piece).
void Tracer::fault_step(Tracee& t) {
    siginfo_t si{};
    if (::ptrace(PTRACE_GETSIGINFO, t.pid, nullptr, &si) != 0) return;
    auto addr = reinterpret_cast<std::uint64_t>(si.si_addr);
    for (const auto& m : sysv_mappings(t.pid)) {
        if (addr < m.start || addr >= m.end) continue;
        std::string where = addr_arg(t, addr);
        bool readable = !m.perms.empty() && m.perms[0] == 'r';
        disposition_step(t.pid, t.proc, t.signal);  // a handler (AddressSanitizer's) keeps the process alive
        std::string sig(sim::scenario::signal_name(t.signal));
        emit(t, RecEntry::Kind::step, readable ? "store(" + where + ", \"\\0\") => " + sig : "load(" + where + ", 1) => " + sig);
        return;
    }
}

std::string Tracer::id_arg(char kind, std::int64_t id) const {
    auto it = m_ids.find({kind, static_cast<int>(id)});
    return it == m_ids.end() ? std::to_string(static_cast<int>(id)) : it->second;
}

std::string Tracer::addr_arg(const Tracee& t, std::uint64_t addr) const {
    if (addr == 0) return "NULL";
    for (const auto& [start, a] : t.attachments)
        if (addr >= start && addr < start + std::max<std::uint64_t>(a.size, 1))
            return addr == start ? a.var : a.var + " + " + std::to_string(addr - start);
    return sim::hex(addr);
}

std::int64_t Tracer::nsems_of(int semid) const {
    semid_ds ds{};
    return ::semctl(semid, 0, IPC_STAT, &ds) == 0 ? static_cast<std::int64_t>(ds.sem_nsems) : 0;
}

// The call as a scenario writes it, from t's arguments; empty when the language cannot say it.
std::string Tracer::call_text(Tracee& t) {
    const auto* a = t.syscall_args;
    switch (t.syscall_nr) {
    case SYS_shmget:
        return "shmget(" + key_text(static_cast<int>(a[0])) + ", " + std::to_string(a[1]) + ", " +
               flags_text(static_cast<int>(a[2]), {"IPC_CREAT", "IPC_EXCL", "SHM_NORESERVE"}, true) + ")";
    case SYS_shmat:
        return "shmat(" + id_arg('m', static_cast<int>(a[0])) + ", " + addr_arg(t, a[1]) + ", " +
               flags_text(static_cast<int>(a[2]), {"SHM_RDONLY", "SHM_RND", "SHM_REMAP", "SHM_EXEC"}, false) + ")";
    case SYS_shmdt: return "shmdt(" + addr_arg(t, a[0]) + ")";
    case SYS_shmctl: return ctl_text(t, 'm');
    case SYS_msgget:
        return "msgget(" + key_text(static_cast<int>(a[0])) + ", " + flags_text(static_cast<int>(a[1]), {"IPC_CREAT", "IPC_EXCL"}, true) + ")";
    case SYS_msgsnd: return msgsnd_text(t);
    case SYS_msgrcv:
        return "msgrcv(" + id_arg('q', static_cast<int>(a[0])) + ", " + std::to_string(static_cast<std::int64_t>(a[2])) + ", " +
               std::to_string(static_cast<long>(a[3])) + ", " +
               flags_text(static_cast<int>(a[4]), {"IPC_NOWAIT", "MSG_NOERROR", "MSG_EXCEPT", "MSG_COPY"}, false) + ")";
    case SYS_msgctl: return ctl_text(t, 'q');
    case SYS_semget:
        return "semget(" + key_text(static_cast<int>(a[0])) + ", " + std::to_string(static_cast<int>(a[1])) + ", " +
               flags_text(static_cast<int>(a[2]), {"IPC_CREAT", "IPC_EXCL"}, true) + ")";
    case SYS_semop: case SYS_semtimedop: return semop_text(t);
    case SYS_semctl: return semctl_text(t);
    case SYS_kill: case SYS_tkill: case SYS_tgkill: {
        auto target = signal_to_recorded(t);
        if (!target) return "";
        disposition_step(static_cast<int>(t.syscall_nr == SYS_tgkill ? a[1] : a[0]), target->first, target->second);
        return "kill(" + proc_ref(target->first) + ", " + std::string(sim::scenario::signal_name(target->second)) + ")";
    }
    default: return "";
    }
}

// shmctl or msgctl (kind 'm' or 'q'): a *_STAT takes an index, not an id; IPC_SET names every field.
std::string Tracer::ctl_text(Tracee& t, char kind) {
    const auto* a = t.syscall_args;
    bool shm = kind == 'm';
    int cmd = static_cast<int>(a[1]) & ~kIpc64;
    bool by_index = shm ? cmd == SHM_STAT || cmd == SHM_STAT_ANY : cmd == MSG_STAT || cmd == MSG_STAT_ANY;
    std::string id = by_index ? std::to_string(static_cast<int>(a[0])) : id_arg(kind, static_cast<int>(a[0]));
    std::string fields = cmd == IPC_SET ? ctl_fields(t, a[2], !shm) : "";
    if (cmd == IPC_SET && fields.empty()) return "";
    auto name = shm ? sim::scenario::shmctl_command_name(cmd) : sim::scenario::msgctl_command_name(cmd);
    return std::string(shm ? "shmctl(" : "msgctl(") + id + ", " + cmd_text(name, cmd) + fields + ")";
}

// IPC_SET with every field named, as the structure the program passed holds them.
std::string Tracer::ctl_fields(Tracee& t, std::uint64_t buf, bool qbytes) {
    auto ds = read_bytes(t.pid, buf, qbytes ? 96 : 24);
    if (!ds) return "";
    std::string out = ", mode=" + sim::oct(as<unsigned short>(*ds, 20)) + ", uid=" + std::to_string(as<std::uint32_t>(*ds, 4)) +
                      ", gid=" + std::to_string(as<std::uint32_t>(*ds, 8));
    if (qbytes) out += ", qbytes=" + std::to_string(as<std::uint64_t>(*ds, 88));
    return out;
}

std::string Tracer::msgsnd_text(Tracee& t) {
    const auto* a = t.syscall_args;
    auto size = static_cast<std::int64_t>(a[2]);
    auto mtype = read_bytes(t.pid, a[1], 8);
    if (!mtype) return "";
    // A size the kernel refuses (< 0, or > msgmax) is sent as an empty text with that msgsz.
    bool refused = size < 0 || size > (1 << 20);
    auto text = refused ? std::optional<std::string>("") : read_bytes(t.pid, a[1] + 8, static_cast<std::size_t>(size));
    if (!text) return "";
    std::string out = "msgsnd(" + id_arg('q', static_cast<int>(a[0])) + ", " + std::to_string(as<long>(*mtype, 0)) + ", " + text_value(*text) +
                      ", " + flags_text(static_cast<int>(a[3]), {"IPC_NOWAIT"}, false);
    if (refused) out += ", msgsz=" + std::to_string(size);
    return out + ")";
}

std::string Tracer::semop_text(Tracee& t) {
    const auto* a = t.syscall_args;
    auto nsops = static_cast<std::uint64_t>(a[2]);
    std::string out = "semop(" + id_arg('s', static_cast<int>(a[0]));
    if (nsops > 4096) return "";  // E2BIG long before; the language would need every sembuf written out
    auto sops = read_bytes(t.pid, a[1], nsops * sizeof(sembuf));
    if (!sops) return "";
    for (std::uint64_t i = 0; i < nsops; ++i) {
        auto sb = as<sembuf>(*sops, i * sizeof(sembuf));
        out += ", {" + std::to_string(sb.sem_num) + ", " + std::to_string(sb.sem_op) + ", " +
               flags_text(sb.sem_flg, {"IPC_NOWAIT", "SEM_UNDO"}, false) + "}";
    }
    return out + ")";
}

std::string Tracer::semctl_text(Tracee& t) {
    const auto* a = t.syscall_args;
    int semid = static_cast<int>(a[0]), cmd = static_cast<int>(a[2]) & ~kIpc64;
    std::string id = cmd == SEM_STAT || cmd == SEM_STAT_ANY ? std::to_string(semid) : id_arg('s', semid);
    std::string out = "semctl(" + id + ", " + std::to_string(static_cast<int>(a[1])) + ", " + cmd_text(sim::scenario::semctl_command_name(cmd), cmd);
    if (cmd == SETVAL) out += ", val=" + std::to_string(static_cast<int>(a[3]));
    if (cmd == SETALL) {
        std::int64_t n = nsems_of(semid);
        auto vals = read_bytes(t.pid, a[3], static_cast<std::size_t>(n) * 2);
        if (!vals) return "";
        out += ", array=[";
        for (std::int64_t i = 0; i < n; ++i) out += (i ? ", " : "") + std::to_string(as<unsigned short>(*vals, 2 * i));
        out += "]";
    }
    if (cmd == IPC_SET) {
        std::string fields = ctl_fields(t, a[3], false);
        if (fields.empty()) return "";
        out += fields;
    }
    return out + ")";
}

}  // namespace real::record
