// Credentials and limits a process changes for itself (kernel/sys.c): setuid, setgid, seteuid,
// setegid, and setrlimit(RLIMIT_MEMLOCK). Each makes a new struct cred and commits it.
//
// Measured as root on Linux 6.x (issue 11):
//   root setuid(1000)                -> uid/euid/suid 1000/1000/1000; then setuid(0), seteuid(0): EPERM
//   root seteuid(1000)               -> 0/1000/0; then setuid(1000): EPERM (neither real nor saved
//                                       is 1000), setgid(5): EPERM (CAP_SETGID went with euid 0),
//                                       seteuid(2000): EPERM, setuid(0): 0/0/0 (0 is the real uid)
//   setresuid(1000, 1000, 0), setuid(0) -> 1000/0/0: without CAP_SETUID only euid changes
//   setuid(-1), setgid(-1)           -> EINVAL (no such id); seteuid(-1): EINVAL from the C library
//   a changed euid or egid clears pdeath_signal (commit_creds); an unchanged one keeps it
//   fork copies all six ids; a new segment's cuid and uid are the creator's euid
#include "sim/kernel.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {

namespace {

constexpr std::uint32_t kNoId = 0xffffffffu;      // (uid_t) -1: "no id" to the kernel, "unchanged" to setresuid

std::string ids_text(const cred& c) {
    return cat("uid ", c.uid, "/", c.euid, "/", c.suid, ", gid ", c.gid, "/", c.egid, "/", c.sgid, " (real/effective/saved)");
}

}  // namespace

const SyscallResult& Kernel::set_id(int pid, SetId which, std::int64_t id) {
    begin(pid);
    static const char* const names[] = {"setuid", "setgid", "seteuid", "setegid"};
    ENTRY(cat("calls ", names[static_cast<int>(which)], "(", id, ")"));
    auto n = static_cast<std::uint32_t>(id);  // uid_t, as C passes it
    bool group = which == SetId::setgid || which == SetId::setegid;
    if (which == SetId::setuid || which == SetId::setgid) return sys_setid(group, n), take();
    if (n == kNoId)
        return FAIL_CALL(EINVAL, names[static_cast<int>(which)], "the C library refuses -1, which setresuid would read as 'unchanged'"), take();
    return sys_setresid_effective(group, n), take();
}

// __sys_setuid / __sys_setgid: with CAP_SETUID (CAP_SETGID) all of real, effective and saved become
// the id; without, only the effective one, and only to the real or the saved id.
SyscallResult& Kernel::sys_setid(bool group, std::uint32_t id) {
    const char* fn = group ? "__sys_setgid" : "__sys_setuid";
    const char* cap = group ? "CAP_SETGID" : "CAP_SETUID";
    const char* noun = group ? "gid" : "uid";
    if (id == kNoId) return FAIL_CALL(EINVAL, fn, cat("-1 is no ", noun, " (make_kuid gives no valid id)"));
    cred next = current().cred;
    std::uint32_t& real = group ? next.gid : next.uid;
    std::uint32_t& saved = group ? next.sgid : next.suid;
    if (next.is_root()) {
        EMIT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
             cat("euid 0 holds ", cap, ": the real, effective and saved ", noun, " all become ", id));
        real = saved = id;
    } else {
        EMIT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
             cat("without ", cap, " (euid ", next.euid, ") the effective ", noun, " may only become the real one (", real,
                 ") or the saved one (", saved, ")"));
        if (id != real && id != saved) return FAIL_CALL(EPERM, fn, cat(id, " is neither"));
    }
    (group ? next.egid : next.euid) = id;
    commit_creds(next);
    return finish(0);
}

// seteuid(N) and setegid(N) are setresuid(-1, N, -1) and setresgid(-1, N, -1) in the C library:
// without the capability, N must be one of the real, effective and saved ids.
SyscallResult& Kernel::sys_setresid_effective(bool group, std::uint32_t id) {
    const char* fn = group ? "__sys_setresgid" : "__sys_setresuid";
    const char* noun = group ? "gid" : "uid";
    cred next = current().cred;
    std::uint32_t real = group ? next.gid : next.uid, saved = group ? next.sgid : next.suid;
    std::uint32_t& eff = group ? next.egid : next.euid;
    if (next.is_root()) {
        EMIT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
             cat("euid 0 holds ", group ? "CAP_SETGID" : "CAP_SETUID", ": the effective ", noun, " may become any id"));
    } else {
        EMIT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
             cat("without the capability the effective ", noun, " may only become the real (", real, "), effective (", eff,
                 ") or saved (", saved, ") one"));
        if (id != real && id != eff && id != saved) return FAIL_CALL(EPERM, fn, cat(id, " is none of them"));
    }
    eff = id;
    commit_creds(next);
    return finish(0);
}

// commit_creds: the new cred replaces the old. The capabilities follow euid 0 (cap_emulate_setxuid,
// see struct cred). A changed euid or egid also clears pdeath_signal and makes the process
// undumpable, which the model does not keep but the kernel run has to undo (it re-arms its death signal).
void Kernel::commit_creds(const cred& next) {
    task_struct& t = current();
    const cred old = t.cred;
    t.cred = next;
    std::string caps;
    if (old.euid == 0 && next.euid != 0) caps = "; euid left 0, so the effective capabilities are cleared";
    if (old.euid != 0 && next.euid == 0) caps = "; euid is 0 again, so the effective capabilities come back from the permitted set";
    bool changed = old.euid != next.euid || old.egid != next.egid;
    EMIT(EventKind::field_change, "commit_creds", {{ObjKind::task_struct, t.pid}},
         cat(t.comm, " now has ", ids_text(next), caps, changed ? "; the effective ids changed, so its pdeath_signal is cleared" : ""));
}

// setrlimit(RLIMIT_MEMLOCK, {N, N}) (do_prlimit). Measured: lowering needs nothing; raising the
// hard limit above its value needs CAP_SYS_RESOURCE, which even root lacks here: EPERM, for
// RLIM_INFINITY too. A fork copies the limit.
const SyscallResult& Kernel::setrlimit(int pid, std::int64_t resource, std::uint64_t limit) {
    begin(pid);
    ENTRY(cat("calls setrlimit(RLIMIT_MEMLOCK, {", limit, ", ", limit, "}): soft and hard limit in bytes"));
    task_struct& t = current();
    if (resource != RLIMIT_MEMLOCK) return FAIL_CALL(EINVAL, "do_prlimit", cat("resource ", resource, " is not modelled")), take();
    EMIT(EventKind::check, "do_prlimit", {{ObjKind::task_struct, pid}},
         cat("the hard limit is ", t.rlim_memlock, " bytes; raising it needs CAP_SYS_RESOURCE, which ",
             capable_sys_resource(t.cred) ? "this process holds" : "no process here holds"));
    if (limit > t.rlim_memlock && !capable_sys_resource(t.cred))
        return FAIL_CALL(EPERM, "do_prlimit", cat(limit, " bytes is above the hard limit")), take();
    t.rlim_memlock = limit;
    EMIT(EventKind::field_change, "do_prlimit", {{ObjKind::task_struct, pid}},
         cat(t.comm, "'s RLIMIT_MEMLOCK is now ", limit, " bytes (", limit / PAGE_SIZE, " pages), soft and hard; SHM_LOCK counts against it"));
    finish(0);
    return take();
}

}  // namespace sim
