#include "real/child.h"
#include "real/sandbox.h"

#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include "real/pidfd.h"
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <cstring>
#include <string>
#include <vector>

#include "real/procfs.h"
#include "real/protocol.h"
#include "sim/ctl_buf.h"
#include "sim/scenario/ast.h"

namespace real {
namespace {

using sim::scenario::CallKind;
using sim::scenario::SigDisposition;

std::uint64_t g_minflt = 0;  // faults inside store/load, this process's own

void on_sigusr1(int) {}  // docs/scenario-language.md: a do-nothing handler, so a sleep ends with EINTR

// Where a SIGSEGV handler lands: just after the measured access it abandons (docs/scenario-language.md, signal).
sigjmp_buf g_access;
volatile sig_atomic_t g_in_access = 0;
volatile long g_access_before = 0;  // minflt as the access began, for the faults of an abandoned one

// The handler that `signal(SIG, handler)` installs: it does nothing, except for a SIGSEGV raised by a
// measured access, which it leaves with siglongjmp as a C program's recovery would.
void on_signal(int sig) {
    if (sig == SIGSEGV && g_in_access) {
        g_in_access = 0;
        siglongjmp(g_access, 1);
    }
}

// The kernel's struct sigaction for rt_sigaction, which a sanitizer runtime cannot intercept: its
// sigaction ignores requests for the signals it handles itself (SIGSEGV).
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)();
    unsigned long mask;
};
constexpr unsigned long kSaRestorer = 0x04000000;  // SA_RESTORER: return through `restorer`
kernel_sigaction g_libc_action{};  // what the C library passes for a handler (its restorer), read in set_up

long raw_sigaction(int sig, const kernel_sigaction* act) {
    return ::syscall(SYS_rt_sigaction, sig, act, nullptr, sizeof act->mask);
}

// The measured code is left uninstrumented and calls the kernel directly, so that a sanitizer
// build takes no faults of its own (shadow memory, interceptors) inside a measurement.
#define MEASURED __attribute__((noinline, no_sanitize("address", "undefined")))

MEASURED long minflt_now() {
    rusage r{};
    ::syscall(SYS_getrusage, RUSAGE_SELF, &r);
    return r.ru_minflt;
}

// Byte by byte, in address order, as the model touches pages. Counted alone between two getrusage.
MEASURED void copy_in(volatile char* dst, const char* src, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
}
MEASURED void copy_out(char* dst, const volatile char* src, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
}

// The faults of one access: getrusage, the access, getrusage, with nothing else between.
MEASURED long measured_store(volatile char* dst, const char* src, std::size_t n) {
    long before = minflt_now();
    g_access_before = before;
    copy_in(dst, src, n);
    return minflt_now() - before;
}
MEASURED long measured_load(char* dst, const volatile char* src, std::size_t n) {
    long before = minflt_now();
    g_access_before = before;
    copy_out(dst, src, n);
    return minflt_now() - before;
}

// SIGSEGV must kill the process as the kernel's default action does, even in a sanitizer build
// whose runtime installed its own handler (and would refuse sigaction): straight to the kernel.
void default_sigsegv() {
    kernel_sigaction k{SIG_DFL, 0, nullptr, 0};
    raw_sigaction(SIGSEGV, &k);
}

// Runs every code path of store and load once, and grows the stack, so that their own page
// faults happen now and not inside a measured access.
void warm_up() {
    volatile char stack[64 * 1024];
    char local[256] = {};
    (void)measured_store(stack, local, sizeof local);
    (void)measured_load(local, stack, sizeof local);
    for (std::size_t i = 0; i < sizeof stack; i += 4096) stack[i] = 0;
    (void)minflt_now();
    // The way out of an abandoned access, once: the handler's code and siglongjmp's.
    if (sigsetjmp(g_access, 1) == 0) {
        g_in_access = 1;
        on_signal(SIGSEGV);
    }
    g_in_access = 0;
}

// A PROT_NONE page at the top of every gap in the address space. shmat(addr=NULL) takes the top of
// the highest gap that fits, so an attachment then always has nothing usable right above it, as
// in the model, whose processes map nothing but their attachments: a load one byte past the end
// of a segment is SIGSEGV, not a read of whatever library happened to sit there.
void guard_gaps() {
    std::optional<std::string> maps = read_file("/proc/self/maps");
    if (!maps) return;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
    for (std::size_t at = 0; at < maps->size();) {
        std::size_t eol = maps->find('\n', at);
        if (eol == std::string::npos) eol = maps->size();
        std::uint64_t lo = 0, hi = 0;
        if (std::sscanf(maps->c_str() + at, "%" SCNx64 "-%" SCNx64, &lo, &hi) == 2) ranges.emplace_back(lo, hi);
        at = eol + 1;
    }
    const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    for (std::size_t i = 1; i < ranges.size(); ++i) {
        std::uint64_t gap_lo = ranges[i - 1].second, gap_hi = ranges[i].first;
        if (gap_hi < gap_lo + page) continue;
        ::mmap(reinterpret_cast<void*>(gap_hi - page), page, PROT_NONE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    }
}

// Dies with the coordinator, as a second guard beside the PID namespace's init: the kernel sends
// SIGKILL when its parent goes. Set after any privilege drop, since setresuid clears it. The
// parent lives outside this PID namespace, so getppid() reads 0 while it is alive: anything
// else means it went before the prctl took effect.
void die_with_coordinator() {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != 0) ::_exit(0);
}

void set_up(const ChildSetup& s) {
    struct sigaction sa {};
    sa.sa_handler = on_sigusr1;
    sa.sa_flags = SA_RESTART;  // restartable, and still msgsnd/msgrcv end with EINTR
    ::sigaction(SIGUSR1, &sa, nullptr);
    kernel_sigaction k{};  // how the C library asks for a handler: its flags and its restorer
    if (::syscall(SYS_rt_sigaction, SIGUSR1, nullptr, &k, sizeof k.mask) == 0) g_libc_action = k;
    default_sigsegv();
    if (s.cpu >= 0) run_fifo_on(s.cpu);
    // RLIMIT_MEMLOCK as the model assumes it, Linux's default (8 MiB), whatever the caller's shell set:
    // SHM_LOCK counts against it. Lowering a limit needs no privilege.
    rlimit memlock{8u << 20, 8u << 20};
    ::setrlimit(RLIMIT_MEMLOCK, &memlock);
    if (s.uid != 0 || s.gid != 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(s.gid, s.gid, s.gid) != 0 || ::setresuid(s.uid, s.uid, s.uid) != 0) ::_exit(120);
    }
    die_with_coordinator();
    warm_up();
    guard_gaps();
}

Reply result(long ret) { return Reply{ret, ret == -1 ? errno : 0, 0, g_minflt, 0, {}}; }

// signal(SIG, WORD) as glibc's signal() makes it (SA_RESTART, its restorer), straight to the kernel.
long do_signal(const Request& rq) {
    auto how = static_cast<SigDisposition>(rq.a[1]);
    kernel_sigaction k{};
    k.handler = how == SigDisposition::handler ? on_signal : how == SigDisposition::ign ? SIG_IGN : SIG_DFL;
    k.flags = SA_RESTART | (g_libc_action.flags & kSaRestorer);
    k.restorer = g_libc_action.restorer;
    return raw_sigaction(static_cast<int>(rq.a[0]), &k);
}

// setuid and friends for real. A changed effective id clears the death signal (commit_creds
// resets pdeath_signal; measured), so it is set again: the process must still die with the coordinator.
long do_set_id(const Request& rq) {
    auto id = static_cast<std::uint32_t>(rq.a[0]);
    long ret = -1;
    switch (static_cast<CallKind>(rq.kind)) {
    case CallKind::Setuid: ret = ::setuid(id); break;
    case CallKind::Setgid: ret = ::setgid(id); break;
    case CallKind::Seteuid: ret = ::seteuid(id); break;
    default: ret = ::setegid(id); break;
    }
    int err = errno;
    if (ret == 0) die_with_coordinator();
    errno = err;
    return ret;
}

// setrlimit(RLIMIT_MEMLOCK, N): the soft and the hard limit (docs/scenario-language.md, setrlimit).
long do_setrlimit(const Request& rq) {
    rlimit r{static_cast<rlim_t>(rq.a[1]), static_cast<rlim_t>(rq.a[1])};
    return ::setrlimit(static_cast<__rlimit_resource>(rq.a[0]), &r);
}

// One measured access, unless a SIGSEGV handler siglongjmps out of it: then the faults up to the
// bad page still count, and the reply says which signal abandoned it.
template <typename Access>
Reply guarded_access(Access access, long ret) {
    if (sigsetjmp(g_access, 1) != 0) {
        g_minflt += static_cast<std::uint64_t>(minflt_now() - g_access_before);
        Reply r = result(0);
        r.caught = SIGSEGV;
        return r;
    }
    g_in_access = 1;
    long faults = access();
    g_in_access = 0;
    g_minflt += static_cast<std::uint64_t>(faults);
    return result(ret);
}


union ShmBuf {
    shmid_ds ds;
    shminfo info;
    shm_info sinfo;
    char pad[512];
};
union MsgBuf {
    msqid_ds ds;
    msginfo info;
    char pad[512];
};

// The ipc_perm half of shmid_ds and msqid_ds.
void copy_perm(sim::CtlBuf& out, const ipc_perm& p) {
    out.key = p.__key;
    out.mode = p.mode;
    out.uid = p.uid, out.gid = p.gid, out.cuid = p.cuid, out.cgid = p.cgid;
}

// PROC.buf after a shmctl that succeeded: the fields of the structure its command filled.
sim::CtlBuf shm_buf(int cmd, const ShmBuf& b) {
    sim::CtlBuf out;
    out.cmd = cmd;
    if (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY) {
        const shmid_ds& d = b.ds;
        out.kind = sim::BufKind::shmid_ds;
        copy_perm(out, d.shm_perm);
        out.segsz = d.shm_segsz, out.nattch = d.shm_nattch, out.cpid = d.shm_cpid, out.lpid = d.shm_lpid;
        out.atime = d.shm_atime, out.dtime = d.shm_dtime, out.ctime = d.shm_ctime;
    } else if (cmd == IPC_INFO) {
        out.kind = sim::BufKind::shminfo;
        out.shmmax = b.info.shmmax, out.shmmin = b.info.shmmin, out.shmmni = b.info.shmmni;
        out.shmseg = b.info.shmseg, out.shmall = b.info.shmall;
    } else if (cmd == SHM_INFO) {
        out.kind = sim::BufKind::shm_info;
        out.used_ids = static_cast<std::uint64_t>(b.sinfo.used_ids);
        out.shm_tot = b.sinfo.shm_tot, out.shm_rss = b.sinfo.shm_rss, out.shm_swp = b.sinfo.shm_swp;
    }
    return out;
}

// PROC.buf after a msgctl that succeeded; MSG_INFO fills msginfo with totals.
sim::CtlBuf msg_buf(int cmd, const MsgBuf& b) {
    sim::CtlBuf out;
    out.cmd = cmd;
    if (cmd == IPC_STAT || cmd == MSG_STAT || cmd == MSG_STAT_ANY) {
        const msqid_ds& d = b.ds;
        out.kind = sim::BufKind::msqid_ds;
        copy_perm(out, d.msg_perm);
        out.qnum = d.msg_qnum, out.cbytes = d.__msg_cbytes, out.qbytes = d.msg_qbytes;
        out.lspid = d.msg_lspid, out.lrpid = d.msg_lrpid;
        out.stime = d.msg_stime, out.rtime = d.msg_rtime, out.ctime = d.msg_ctime;
    } else if (cmd == IPC_INFO || cmd == MSG_INFO) {
        const msginfo& i = b.info;
        out.kind = sim::BufKind::msginfo;
        out.msgpool = i.msgpool, out.msgmap = i.msgmap, out.msgmax = i.msgmax, out.msgmnb = i.msgmnb;
        out.msgmni = i.msgmni, out.msgssz = i.msgssz, out.msgtql = i.msgtql, out.msgseg = i.msgseg;
    }
    return out;
}

// IPC_SET as C code does it: IPC_STAT first, then change only the named fields. That IPC_STAT
// fills a buffer of its own: PROC.buf changes only by a call the scenario names.
Reply do_shmctl(const Request& rq) {
    ShmBuf buf{};
    int id = static_cast<int>(rq.a[0]), cmd = static_cast<int>(rq.a[1]);
    if (cmd == IPC_SET) {
        // Every field named: nothing to keep, so no IPC_STAT first (docs/scenario-language.md).
        if ((rq.set_mask & 7) != 7 && ::shmctl(id, IPC_STAT, &buf.ds) == -1) return result(-1);
        if (rq.set_mask & 1) buf.ds.shm_perm.mode = static_cast<unsigned short>(rq.set[0]);
        if (rq.set_mask & 2) buf.ds.shm_perm.uid = static_cast<uid_t>(rq.set[1]);
        if (rq.set_mask & 4) buf.ds.shm_perm.gid = static_cast<gid_t>(rq.set[2]);
    }
    // Every command gets the buffer, so that one the scenario names by number (SHM_STAT_ANY, or
    // an invalid one) writes into it, never to a null pointer.
    Reply r = result(::shmctl(id, cmd, &buf.ds));
    if (r.ret != -1) r.buf = shm_buf(cmd, buf);
    return r;
}

Reply do_msgctl(const Request& rq) {
    MsgBuf buf{};
    int id = static_cast<int>(rq.a[0]), cmd = static_cast<int>(rq.a[1]);
    if (cmd == IPC_SET) {
        if ((rq.set_mask & 15) != 15 && ::msgctl(id, IPC_STAT, &buf.ds) == -1) return result(-1);
        if (rq.set_mask & 1) buf.ds.msg_perm.mode = static_cast<unsigned short>(rq.set[0]);
        if (rq.set_mask & 2) buf.ds.msg_perm.uid = static_cast<uid_t>(rq.set[1]);
        if (rq.set_mask & 4) buf.ds.msg_perm.gid = static_cast<gid_t>(rq.set[2]);
        if (rq.set_mask & 8) buf.ds.msg_qbytes = static_cast<msglen_t>(rq.set[3]);
    }
    Reply r = result(::msgctl(id, cmd, &buf.ds));
    if (r.ret != -1) r.buf = msg_buf(cmd, buf);
    return r;
}

// semop(2) with the sembufs as a C program declares them: each number cast to the field's type.
// glibc makes it the semtimedop system call with no timeout.
Reply do_semop(const Request& rq, const std::vector<std::int64_t>& array) {
    std::vector<sembuf> sops(array.size() / 3 + 1);  // never empty: nsops 0 still gets a valid pointer
    for (std::size_t i = 0; i + 2 < array.size(); i += 3)
        sops[i / 3] = sembuf{static_cast<unsigned short>(array[i]), static_cast<short>(array[i + 1]), static_cast<short>(array[i + 2])};
    return result(::semop(static_cast<int>(rq.a[0]), sops.data(), array.size() / 3));
}

// The caller defines union semun itself (semctl(2)).
union semun {
    int val;
    semid_ds* buf;
    unsigned short* array;
    seminfo* __buf;
};
union SemBuf {
    semid_ds ds;
    seminfo info;
    char pad[512];
};

// The array GETALL fills or SETALL reads: one value per semaphore of the set (IPC_STAT says how
// many), and at least the scenario's values; the rest of a SETALL's are 0. When IPC_STAT is
// refused (a set its caller may alter but not read), the namespace's semmsl bounds the set, and
// 2^20 bounds what is reserved for it.
std::vector<unsigned short> sem_array(int id, const std::vector<std::int64_t>& values, std::size_t& nsems) {
    SemBuf st{};
    semun arg{};
    arg.buf = &st.ds;
    int err = errno;
    if (::semctl(id, 0, IPC_STAT, arg) == 0) {
        nsems = st.ds.sem_nsems;
    } else {
        long long semmsl = 0;
        auto text = read_file("/proc/sys/kernel/sem");
        if (text) std::sscanf(text->c_str(), "%lld", &semmsl);
        nsems = static_cast<std::size_t>(std::clamp<long long>(semmsl, 0, 1 << 20));
    }
    errno = err;
    std::vector<unsigned short> out(std::max(nsems, values.size()) + 1, 0);
    for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<unsigned short>(values[i]);
    return out;
}

// PROC.buf after a semctl that succeeded, of the kind the model gives the command (sim/ctl_buf.h):
// semid_ds, seminfo (IPC_INFO, and SEM_INFO's totals in it), or GETALL's values.
sim::CtlBuf sem_buf(int cmd, const SemBuf& b, const std::vector<unsigned short>& values, std::size_t nsems) {
    sim::CtlBuf out;
    out.cmd = cmd;
    switch (sim::filled_by(sim::CtlCall::semctl, cmd)) {
    case sim::BufKind::semid_ds:
        out.kind = sim::BufKind::semid_ds;
        copy_perm(out, b.ds.sem_perm);
        out.sem_nsems = b.ds.sem_nsems, out.sem_otime = b.ds.sem_otime, out.ctime = b.ds.sem_ctime;
        break;
    case sim::BufKind::seminfo: {
        const seminfo& i = b.info;
        out.kind = sim::BufKind::seminfo;
        out.semmap = i.semmap, out.semmni = i.semmni, out.semmns = i.semmns, out.semmnu = i.semmnu, out.semmsl = i.semmsl;
        out.semopm = i.semopm, out.semume = i.semume, out.semusz = i.semusz, out.semvmx = i.semvmx, out.semaem = i.semaem;
        break;
    }
    case sim::BufKind::semall: {
        // The set's nsems is the count; the first kSemallMax values are kept.
        std::vector<std::int32_t> kept(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(std::min(nsems, sim::kSemallMax)));
        sim::set_semall(out, kept.data(), nsems);
        break;
    }
    default: break;  // the commands that fill nothing
    }
    return out;
}

// semctl(ID, NUM, CMD, arg) with the argument its command takes; IPC_SET as do_shmctl makes it.
Reply do_semctl(const Request& rq, const std::vector<std::int64_t>& array) {
    int id = static_cast<int>(rq.a[0]), num = static_cast<int>(rq.a[1]), cmd = static_cast<int>(rq.a[2]);
    SemBuf buf{};
    semun arg{};
    arg.buf = &buf.ds;  // also IPC_INFO's and SEM_INFO's seminfo, and never a null pointer for a command named by number
    std::vector<unsigned short> values;
    std::size_t nsems = 0;
    if (cmd == SETVAL) {
        arg.val = static_cast<int>(rq.a[3]);
    } else if (cmd == GETALL || cmd == SETALL) {
        values = sem_array(id, array, nsems);
        arg.array = values.data();
    } else if (cmd == IPC_SET) {
        if ((rq.set_mask & 7) != 7 && ::semctl(id, 0, IPC_STAT, arg) == -1) return result(-1);
        if (rq.set_mask & 1) buf.ds.sem_perm.mode = static_cast<unsigned short>(rq.set[0]);
        if (rq.set_mask & 2) buf.ds.sem_perm.uid = static_cast<uid_t>(rq.set[1]);
        if (rq.set_mask & 4) buf.ds.sem_perm.gid = static_cast<gid_t>(rq.set[2]);
    }
    Reply r = result(::semctl(id, num, cmd, arg));
    if (r.ret != -1) r.buf = sem_buf(cmd, buf, values, nsems);
    return r;
}

Reply do_store(const Request& rq, const std::string& text) {
    return guarded_access([&] { return measured_store(reinterpret_cast<volatile char*>(rq.a[0]), text.data(), text.size()); }, 0);
}

Reply do_load(const Request& rq, std::string& data) {
    if (rq.a[1] < 0) {
        errno = EINVAL;
        return result(-1);
    }
    data.assign(static_cast<std::size_t>(rq.a[1]), '\0');  // touched now, before the measurement
    Reply r = guarded_access([&] { return measured_load(data.data(), reinterpret_cast<const volatile char*>(rq.a[0]), data.size()); }, rq.a[1]);
    if (r.caught) data.clear();
    return r;
}

// The caller's buffer holds the text and then zero bytes up to msgsz, which goes to the kernel as
// asked. Only what the kernel may read is backed: do_msgsnd refuses an msgsz over msgmax (or
// negative) before it reads anything but mtype.
Reply do_msgsnd(const Request& rq, const std::string& text) {
    std::int64_t msgsz = rq.a[3];
    std::int64_t room = std::clamp<std::int64_t>(msgsz, 0, std::max<std::int64_t>(rq.recv_limit, 0));
    std::vector<char> buf(sizeof(long) + static_cast<std::size_t>(room), '\0');
    long mtype = rq.a[1];
    std::memcpy(buf.data(), &mtype, sizeof mtype);
    std::memcpy(buf.data() + sizeof mtype, text.data(), std::min(text.size(), static_cast<std::size_t>(room)));
    // Straight to the kernel: a sanitizer's msgsnd checks all msgsz bytes of the buffer before the
    // call, where the kernel refuses an msgsz over msgmax without reading it.
    return result(::syscall(SYS_msgsnd, static_cast<int>(rq.a[0]), buf.data(), static_cast<std::size_t>(msgsz), static_cast<int>(rq.a[2])));
}

// The buffer msgrcv offers: the caller's msgsz goes to the kernel as asked (it decides E2BIG and
// MSG_NOERROR on it), but the memory behind it is only what can arrive, no more than the
// namespace's msgmax (do_msgsnd refuses longer messages), and untouched pages of the mapping cost
// nothing: a sleeper waiting for a message of 1 GiB holds no memory for it.
Reply do_msgrcv(const Request& rq, std::string& data) {
    std::int64_t room = std::clamp<std::int64_t>(rq.a[1], 0, std::max<std::int64_t>(rq.recv_limit, 0));
    std::size_t len = sizeof(long) + static_cast<std::size_t>(room);
    void* buf = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (buf == MAP_FAILED) return result(-1);
    long n = ::msgrcv(static_cast<int>(rq.a[0]), buf, static_cast<std::size_t>(rq.a[1]), rq.a[2], static_cast<int>(rq.a[3]));
    Reply r = result(n);
    if (n >= 0) {
        std::memcpy(&r.mtype, buf, sizeof(long));
        data.assign(static_cast<const char*>(buf) + sizeof(long), static_cast<std::size_t>(n));
    }
    ::munmap(buf, len);
    return r;
}

// kill(TARGET, SIG) through the target's pidfd, which the coordinator sends beside the request
// and holds only while the target lives: a signal can reach no other process, whatever its pid.
Reply do_kill(const Request& rq, int channel) {
    int pidfd = receive_fd(channel);
    if (pidfd < 0) {
        errno = ESRCH;
        return result(-1);
    }
    long ret = signal_pidfd(pidfd, static_cast<int>(rq.a[1]));
    int err = errno;
    ::close(pidfd);
    errno = err;
    return result(ret);
}

// fork(CHILD) for real. CLONE_PARENT makes the new process the coordinator's child rather than
// this one's, so the coordinator can wait for it; the kernel path is fork's own (copy_process,
// dup_mmap). Returns 0 in the new process, which then talks on its own channel.
Reply do_fork(const Request& rq, int& channel) {
    long pid = ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0) {
        die_with_coordinator();  // the death signal is not inherited
        channel = rq.new_channel;
        warm_up();     // the stack is copy-on-write now: its pages fault once more, but not inside a measurement
        g_minflt = 0;  // rusage counters start afresh in a new process
        if (!send_hello(channel)) ::_exit(0);
    }
    return result(pid);
}

}  // namespace

[[noreturn]] void child_main(const ChildSetup& setup) {
    set_up(setup);
    int channel = setup.channel;
    for (;;) {
        Request rq;
        if (!read_all(channel, &rq, sizeof rq)) ::_exit(0);
        std::string text;
        std::vector<std::int64_t> array;
        if (!read_request_tail(channel, rq, text, array)) ::_exit(0);
        std::string data;
        Reply r;
        switch (static_cast<CallKind>(rq.kind)) {
        case CallKind::Shmget: r = result(::shmget(static_cast<key_t>(rq.a[0]), static_cast<std::size_t>(rq.a[1]), static_cast<int>(rq.a[2]))); break;
        case CallKind::Shmat: r = result(reinterpret_cast<long>(::shmat(static_cast<int>(rq.a[0]), reinterpret_cast<void*>(rq.a[1]), static_cast<int>(rq.a[2])))); break;
        case CallKind::Shmdt: r = result(::shmdt(reinterpret_cast<void*>(rq.a[0]))); break;
        case CallKind::Shmctl: r = do_shmctl(rq); break;
        case CallKind::Store: r = do_store(rq, text); break;
        case CallKind::Load: r = do_load(rq, data); break;
        case CallKind::Msgget: r = result(::msgget(static_cast<key_t>(rq.a[0]), static_cast<int>(rq.a[1]))); break;
        case CallKind::Msgsnd: r = do_msgsnd(rq, text); break;
        case CallKind::Msgrcv: r = do_msgrcv(rq, data); break;
        case CallKind::Msgctl: r = do_msgctl(rq); break;
        case CallKind::Kill: r = do_kill(rq, channel); break;
        case CallKind::Munmap: r = result(::munmap(reinterpret_cast<void*>(rq.a[0]), static_cast<std::size_t>(rq.a[1]))); break;
        case CallKind::Signal: r = result(do_signal(rq)); break;
        case CallKind::Setuid:
        case CallKind::Setgid:
        case CallKind::Seteuid:
        case CallKind::Setegid: r = result(do_set_id(rq)); break;
        case CallKind::Setrlimit: r = result(do_setrlimit(rq)); break;
        case CallKind::Semget: r = result(::semget(static_cast<key_t>(rq.a[0]), static_cast<int>(rq.a[1]), static_cast<int>(rq.a[2]))); break;
        case CallKind::Semop: r = do_semop(rq, array); break;
        case CallKind::Semctl: r = do_semctl(rq, array); break;
        case CallKind::Mprotect:
            r = result(::mprotect(reinterpret_cast<void*>(rq.a[0]), static_cast<std::size_t>(rq.a[1]), static_cast<int>(rq.a[2])));
            break;
        case CallKind::Exit: ::_exit(static_cast<int>(rq.a[0]));
        case CallKind::Fork:
            r = do_fork(rq, channel);
            if (r.ret == 0) continue;  // the new process: the coordinator expects nothing from it
            break;
        }
        r.minflt = g_minflt;
        if (!send_reply(channel, r, data)) ::_exit(0);
    }
}

}  // namespace real
