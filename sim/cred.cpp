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

namespace sim {

namespace {

constexpr std::uint32_t kNoId = 0xffffffffu;      // (uid_t) -1: "no id" to the kernel, "unchanged" to setresuid

}  // namespace

const SyscallResult& Kernel::set_id(int pid, SetId which, std::int64_t id) {
    begin(pid);
    static const char* const names[] = {"setuid", "setgid", "seteuid", "setegid"};
    static const char* const calls[] = {N_("{who} (pid {who_pid}) calls setuid({id})"), N_("{who} (pid {who_pid}) calls setgid({id})"),
                                        N_("{who} (pid {who_pid}) calls seteuid({id})"), N_("{who} (pid {who_pid}) calls setegid({id})")};
    ENTER(calls[static_cast<int>(which)], ev::num<"id">(id));
    auto n = static_cast<std::uint32_t>(id);  // uid_t, as C passes it
    bool group = which == SetId::setgid || which == SetId::setegid;
    if (which == SetId::setuid || which == SetId::setgid) return sys_setid(group, n), take();
    if (n == kNoId)
        return FAILS(EINVAL, names[static_cast<int>(which)], N_("the C library refuses -1, which setresuid would read as 'unchanged'")), take();
    return sys_setresid_effective(group, n), take();
}

// __sys_setuid / __sys_setgid: with CAP_SETUID (CAP_SETGID) all of real, effective and saved become
// the id; without, only the effective one, and only to the real or the saved id.
SyscallResult& Kernel::sys_setid(bool group, std::uint32_t id) {
    const char* fn = group ? "__sys_setgid" : "__sys_setuid";
    if (id == kNoId)
        return FAILS(EINVAL, fn, group ? N_("-1 is no gid (make_kgid gives no valid id)") : N_("-1 is no uid (make_kuid gives no valid id)"));
    cred next = current().cred;
    std::uint32_t& real = group ? next.gid : next.uid;
    std::uint32_t& saved = group ? next.sgid : next.suid;
    if (next.is_root()) {
        EVENT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
              group ? N_("euid 0 holds CAP_SETGID: the real, effective and saved gid all become {id}")
                    : N_("euid 0 holds CAP_SETUID: the real, effective and saved uid all become {id}"),
              ev::unum<"id">(id));
        real = saved = id;
    } else {
        EVENT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
              group ? N_("without CAP_SETGID (euid {euid}) the effective gid may only become the real one ({real}) or the saved one ({saved})")
                    : N_("without CAP_SETUID (euid {euid}) the effective uid may only become the real one ({real}) or the saved one ({saved})"),
              ev::unum<"euid">(next.euid), ev::unum<"real">(real), ev::unum<"saved">(saved));
        if (id != real && id != saved) return FAILS(EPERM, fn, N_("{id} is neither"), ev::unum<"id">(id));
    }
    (group ? next.egid : next.euid) = id;
    commit_creds(next);
    return finish(0);
}

// seteuid(N) and setegid(N) are setresuid(-1, N, -1) and setresgid(-1, N, -1) in the C library:
// without the capability, N must be one of the real, effective and saved ids.
SyscallResult& Kernel::sys_setresid_effective(bool group, std::uint32_t id) {
    const char* fn = group ? "__sys_setresgid" : "__sys_setresuid";
    cred next = current().cred;
    std::uint32_t real = group ? next.gid : next.uid, saved = group ? next.sgid : next.suid;
    std::uint32_t& eff = group ? next.egid : next.euid;
    if (next.is_root()) {
        EVENT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
              group ? N_("euid 0 holds CAP_SETGID: the effective gid may become any id") : N_("euid 0 holds CAP_SETUID: the effective uid may become any id"));
    } else {
        EVENT(EventKind::perm_check, fn, {{ObjKind::task_struct, m_current}},
              group ? N_("without the capability the effective gid may only become the real ({real}), effective ({eff}) or saved ({saved}) one")
                    : N_("without the capability the effective uid may only become the real ({real}), effective ({eff}) or saved ({saved}) one"),
              ev::unum<"real">(real), ev::unum<"eff">(eff), ev::unum<"saved">(saved));
        if (id != real && id != eff && id != saved) return FAILS(EPERM, fn, N_("{id} is none of them"), ev::unum<"id">(id));
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
    // Leaving or regaining euid 0 changes the euid, so those two sentences also say pdeath_signal is cleared.
    bool changed = old.euid != next.euid || old.egid != next.egid;
    const char* said =
        old.euid == 0 && next.euid != 0
            ? N_("{task} now has uid {uid}/{euid}/{suid}, gid {gid}/{egid}/{sgid} (real/effective/saved); euid left 0, so the effective capabilities are cleared; the effective ids changed, so its pdeath_signal is cleared")
        : old.euid != 0 && next.euid == 0
            ? N_("{task} now has uid {uid}/{euid}/{suid}, gid {gid}/{egid}/{sgid} (real/effective/saved); euid is 0 again, so the effective capabilities come back from the permitted set; the effective ids changed, so its pdeath_signal is cleared")
        : changed ? N_("{task} now has uid {uid}/{euid}/{suid}, gid {gid}/{egid}/{sgid} (real/effective/saved); the effective ids changed, so its pdeath_signal is cleared")
                  : N_("{task} now has uid {uid}/{euid}/{suid}, gid {gid}/{egid}/{sgid} (real/effective/saved)");
    EVENT(EventKind::field_change, "commit_creds", {{ObjKind::task_struct, t.pid}}, said, ev::task<"task">(t.pid), ev::unum<"uid">(next.uid),
          ev::unum<"euid">(next.euid), ev::unum<"suid">(next.suid), ev::unum<"gid">(next.gid), ev::unum<"egid">(next.egid),
          ev::unum<"sgid">(next.sgid));
}

// setrlimit(RLIMIT_MEMLOCK, {N, N}) (do_prlimit). Measured: lowering needs nothing; raising the
// hard limit above its value needs CAP_SYS_RESOURCE, which even root lacks here: EPERM, for
// RLIM_INFINITY too. A fork copies the limit.
const SyscallResult& Kernel::setrlimit(int pid, std::int64_t resource, std::uint64_t limit) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls setrlimit(RLIMIT_MEMLOCK, {{{limit}, {limit}}}): soft and hard limit in bytes"), ev::unum<"limit">(limit));
    task_struct& t = current();
    if (resource != RLIMIT_MEMLOCK)
        return FAILS(EINVAL, "do_prlimit", N_("resource {resource} is not modelled"), ev::num<"resource">(resource)), take();
    EVENT(EventKind::check, "do_prlimit", {{ObjKind::task_struct, pid}},
          capable_sys_resource(t.cred) ? N_("the hard limit is {hard} bytes; raising it needs CAP_SYS_RESOURCE, which this process holds")
                                       : N_("the hard limit is {hard} bytes; raising it needs CAP_SYS_RESOURCE, which no process here holds"),
          ev::unum<"hard">(t.rlim_memlock));
    if (limit > t.rlim_memlock && !capable_sys_resource(t.cred))
        return FAILS(EPERM, "do_prlimit", N_("{limit} bytes is above the hard limit"), ev::unum<"limit">(limit)), take();
    t.rlim_memlock = limit;
    EVENT(EventKind::field_change, "do_prlimit", {{ObjKind::task_struct, pid}},
          N_("{task}'s RLIMIT_MEMLOCK is now {limit} bytes ({pages} pages), soft and hard; SHM_LOCK counts against it"), ev::task<"task">(pid),
          ev::unum<"limit">(limit), ev::unum<"pages">(limit / PAGE_SIZE));
    finish(0);
    return take();
}

}  // namespace sim
