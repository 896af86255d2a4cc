// semctl (ipc/sem.c ksys_semctl, semctl_info, semctl_stat, semctl_main, semctl_setval, semctl_down).
#include "sim/ctl_buf.h"
#include "sim/kernel.h"

namespace sim {
namespace {

const ObjRef kSemIds{ObjKind::ipc_ids, 2};
ObjRef a_ref(int id) { return {ObjKind::sem_array, id}; }
ObjRef s_ref(int id, int num) { return {ObjKind::sem, id, static_cast<std::uint64_t>(num)}; }

}  // namespace

const SyscallResult& Kernel::semctl(int pid, std::int64_t semid, std::int64_t semnum, std::int64_t cmd, const SemctlArgs& arg, bool into_buf) {
    begin(pid);
    m_into_buf = into_buf;
    semid = static_cast<std::int32_t>(semid);  // ints in C
    cmd = static_cast<std::int32_t>(cmd);
    semnum = static_cast<std::int32_t>(semnum);
    ENTER(N_("{who} (pid {who_pid}) calls semctl(semid={semid}, semnum={semnum}, cmd={cmd})"), ev::num<"semid">(semid), ev::num<"semnum">(semnum),
          ev::sem_cmd<"cmd">(cmd));
    if (semid < 0) FAILS(EINVAL, "ksys_semctl", N_("semid {semid} is negative (checked first, whatever the command)"), ev::num<"semid">(semid));
    else dispatch_semctl(semid, semnum, cmd, arg);
    m_into_buf = true;
    return take();
}

void Kernel::dispatch_semctl(std::int64_t semid, std::int64_t semnum, std::int64_t cmd, const SemctlArgs& arg) {
    switch (cmd) {
    case IPC_INFO:
    case SEM_INFO:
        EVENT(EventKind::lookup, "semctl_info", {kSemIds},
              cmd == IPC_INFO ? N_("copies the limits (seminfo); returns the highest index in use")
                              : N_("copies the limits, with the number of sets in semusz and of semaphores in semaem (seminfo); returns the highest index in use"));
        copy_to_buf(seminfo_buf(cmd));
        finish(m_ns.sem_ids.max_idx());
        break;
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY: semctl_stat(semid, cmd); break;
    case GETALL:
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETALL: semctl_main(semid, semnum, cmd, arg); break;
    case SETVAL: semctl_setval(semid, semnum, arg.val); break;
    case IPC_SET:
    case IPC_RMID: semctl_down(semid, cmd, arg.set); break;
    default: FAILS(EINVAL, "ksys_semctl", N_("cmd {cmd} is not a semctl command"), ev::sem_cmd<"cmd">(cmd));
    }
}

// semctl_info: the limits; SEM_INFO puts the sets in use in semusz and the semaphores in semaem.
CtlBuf Kernel::seminfo_buf(std::int64_t cmd) const {
    CtlBuf b;
    b.kind = BufKind::seminfo;
    b.cmd = static_cast<std::int32_t>(cmd);
    b.semmni = m_ns.sc_semmni;
    b.semmns = m_ns.sc_semmns;
    b.semmsl = m_ns.sc_semmsl;
    b.semopm = m_ns.sc_semopm;
    b.semvmx = SEMVMX;
    b.semmnu = b.semmap = SEMMSL_DEFAULT * SEMMNI_DEFAULT;  // SEMMNU and SEMMAP are SEMMNS, the constant
    b.semume = SEMOPM_DEFAULT;
    if (cmd == SEM_INFO) {
        b.semusz = m_ns.sem_ids.in_use;
        b.semaem = m_ns.used_sems;
    } else {
        b.semusz = SEMUSZ;
        b.semaem = SEMAEM;
    }
    return b;
}

// IPC_STAT by id; SEM_STAT and SEM_STAT_ANY by index, returning the id. SEM_STAT_ANY skips the read check.
SyscallResult& Kernel::semctl_stat(std::int64_t id, std::int64_t cmd) {
    bool by_index = cmd != IPC_STAT;
    sem_array* sma = by_index ? m_ns.sem_ids.find_stat_idx(id) : id > INT32_MAX ? nullptr : m_ns.sem_ids.find_id(static_cast<int>(id));
    if (!sma)
        return FAILS(EINVAL, "sem_obtain_object", by_index ? N_("no set at index {index}") : N_("no set has semid {semid}"), ev::num<"index">(id),
                     ev::num<"semid">(id));
    int sid = sma->sem_perm.id;
    if (cmd == SEM_STAT_ANY) EVENT(EventKind::check, "semctl_stat", {a_ref(sid)}, N_("SEM_STAT_ANY: no read permission is needed"));
    else {
        if (m_record_events) ipcperms_event(ObjKind::sem_array, sid, sma->sem_perm, 0444);
        if (!ipcperms(sma->sem_perm, current().cred, 0444)) return FAILS(EACCES, "semctl_stat", N_("IPC_STAT needs read permission"));
    }
    EVENT(EventKind::copy, "semctl_stat", {a_ref(sid)}, N_("copies semid_ds: nsems {nsems}, mode {mode}"), ev::unum<"nsems">(sma->nsems()),
          ev::oct<"mode">(sma->sem_perm.mode));
    CtlBuf b = perm_buf(sma->sem_perm, BufKind::semid_ds, cmd);
    b.sem_nsems = sma->nsems();
    b.sem_otime = static_cast<std::int64_t>(sma->sem_otime);
    b.ctime = static_cast<std::int64_t>(sma->sem_ctime);
    copy_to_buf(b);
    return finish(by_index ? sid : 0);
}

// semctl_main: GETALL and SETALL on the whole set; GETVAL, GETPID, GETNCNT, GETZCNT on semaphore
// semnum, which is checked after the permission.
SyscallResult& Kernel::semctl_main(std::int64_t id, std::int64_t semnum, std::int64_t cmd, const SemctlArgs& arg) {
    sem_array* sma = id > INT32_MAX ? nullptr : m_ns.sem_ids.find_id(static_cast<int>(id));
    if (!sma) return FAILS(EINVAL, "sem_obtain_object_check", N_("no set has semid {semid}"), ev::num<"semid">(id));
    int sid = sma->sem_perm.id;
    int flag = cmd == SETALL ? 0222 : 0444;
    if (m_record_events) ipcperms_event(ObjKind::sem_array, sid, sma->sem_perm, flag);
    if (!ipcperms(sma->sem_perm, current().cred, flag))
        return FAILS(EACCES, "semctl_main", cmd == SETALL ? N_("SETALL needs write permission") : N_("reading semaphores needs read permission"));
    if (cmd == GETALL) {
        std::vector<std::int32_t> vals;
        for (const auto& s : sma->sems) vals.push_back(s.semval);
        EVENT(EventKind::copy, "semctl_main", {a_ref(sid)}, N_("GETALL copies the {nsems} semval(s) to the caller's array"), ev::unum<"nsems">(vals.size()));
        CtlBuf b;
        b.cmd = static_cast<std::int32_t>(cmd);
        set_semall(b, vals.data(), vals.size());
        copy_to_buf(b);
        return finish(0);
    }
    if (cmd == SETALL) {
        // The array is of unsigned short: a negative value arrives as a large one.
        std::vector<int> vals;
        for (std::size_t i = 0; i < sma->nsems(); ++i) vals.push_back(i < arg.array.size() ? static_cast<std::uint16_t>(arg.array[i]) : 0);
        for (std::size_t i = 0; i < vals.size(); ++i)
            if (vals[i] > SEMVMX)
                return FAILS(ERANGE, "semctl_main", N_("value {i} of the array is {val} (an unsigned short), above SEMVMX (32767)"), ev::unum<"i">(i),
                             ev::num<"val">(vals[i]));
        for (std::size_t i = 0; i < vals.size(); ++i) {
            sma->sems[i].semval = vals[i];
            sma->sems[i].sempid = current().pid;
        }
        for (auto& u : sma->list_id) std::fill(u.semadj.begin(), u.semadj.end(), 0);
        sma->sem_ctime = m_now;
        EVENT(EventKind::field_change, "semctl_main", {a_ref(sid)},
              N_("SETALL sets all {nsems} semval(s) and their sempid = {who}, clears every undo adjustment of the set ({n} sem_undo), and sets ctime"),
              ev::unum<"nsems">(vals.size()), ev::task<"who">(current().pid), ev::unum<"n">(sma->list_id.size()));
        do_smart_update(*sma, nullptr, false);
        if (sma->complex_count == 0) unmerge_queues(*sma);
        return finish(0);
    }
    if (semnum < 0 || static_cast<std::uint64_t>(semnum) >= sma->nsems())
        return FAILS(EINVAL, "semctl_main", N_("semnum {semnum} is not a semaphore of the set (0 to {last})"), ev::num<"semnum">(semnum),
                     ev::unum<"last">(sma->nsems() - 1));
    int n = static_cast<int>(semnum);
    const sem& s = sma->sems[static_cast<std::size_t>(n)];
    switch (cmd) {
    case GETVAL:
        EVENT(EventKind::lookup, "semctl_main", {s_ref(sid, n)}, N_("semaphore {num}'s semval is {val}"), ev::num<"num">(n), ev::num<"val">(s.semval));
        return finish(s.semval);
    case GETPID:
        EVENT(EventKind::lookup, "semctl_main", {s_ref(sid, n)}, N_("semaphore {num}'s sempid is {pid} (the last to operate on it)"), ev::num<"num">(n),
              ev::num<"pid">(s.sempid));
        return finish(s.sempid);
    case GETNCNT: {
        int c = count_semcnt(*sma, n, false);
        EVENT(EventKind::lookup, "count_semcnt", {s_ref(sid, n)},
              N_("counts {n} sleeper(s) whose last try blocked on decreasing semaphore {num} (semncnt)"), ev::num<"n">(c), ev::num<"num">(n));
        return finish(c);
    }
    default: {
        int c = count_semcnt(*sma, n, true);
        EVENT(EventKind::lookup, "count_semcnt", {s_ref(sid, n)},
              N_("counts {n} sleeper(s) whose last try blocked waiting for semaphore {num} to be 0 (semzcnt)"), ev::num<"n">(c), ev::num<"num">(n));
        return finish(c);
    }
    }
}

// semctl_setval: the range first (before the lookup), then semnum, then the write permission. The
// semaphore's undo adjustments are cleared in every process, sempid and ctime set, and sleepers
// that now fit are served (otime only if someone was).
SyscallResult& Kernel::semctl_setval(std::int64_t id, std::int64_t semnum, std::int64_t val) {
    val = static_cast<std::int32_t>(val);
    if (val > SEMVMX || val < 0)
        return FAILS(ERANGE, "semctl_setval", N_("val {val} is outside 0 to SEMVMX (32767), checked before the set is looked up"), ev::num<"val">(val));
    sem_array* sma = id > INT32_MAX ? nullptr : m_ns.sem_ids.find_id(static_cast<int>(id));
    if (!sma) return FAILS(EINVAL, "sem_obtain_object_check", N_("no set has semid {semid}"), ev::num<"semid">(id));
    int sid = sma->sem_perm.id;
    if (semnum < 0 || static_cast<std::uint64_t>(semnum) >= sma->nsems())
        return FAILS(EINVAL, "semctl_setval", N_("semnum {semnum} is not a semaphore of the set (0 to {last})"), ev::num<"semnum">(semnum),
                     ev::unum<"last">(sma->nsems() - 1));
    if (m_record_events) ipcperms_event(ObjKind::sem_array, sid, sma->sem_perm, 0222);
    if (!ipcperms(sma->sem_perm, current().cred, 0222)) return FAILS(EACCES, "semctl_setval", N_("SETVAL needs write permission"));
    auto n = static_cast<std::size_t>(semnum);
    int cleared = 0;
    for (auto& u : sma->list_id)
        if (u.semadj[n]) u.semadj[n] = 0, ++cleared;
    sem& s = sma->sems[n];
    int old = s.semval;
    s.semval = static_cast<int>(val);
    s.sempid = current().pid;
    sma->sem_ctime = m_now;
    EVENT(EventKind::field_change, "semctl_setval", {s_ref(sid, static_cast<int>(n))},
          N_("semaphore {num}: semval {old} -> {val}, sempid = {who}, ctime set; {cleared} process(es) lose their undo adjustment for it"),
          ev::unum<"num">(n), ev::num<"old">(old), ev::num<"val">(val), ev::task<"who">(current().pid), ev::num<"cleared">(cleared));
    do_smart_update(*sma, nullptr, false);
    if (sma->complex_count == 0) unmerge_queues(*sma);
    return finish(0);
}

// semctl_down: IPC_SET and IPC_RMID, for the creator, the owner or CAP_SYS_ADMIN.
SyscallResult& Kernel::semctl_down(std::int64_t id, std::int64_t cmd, const IpcSetFields& set) {
    sem_array* sma = id > INT32_MAX ? nullptr : m_ns.sem_ids.find_id(static_cast<int>(id));
    if (!sma) return FAILS(EINVAL, "ipcctl_obtain_check", N_("no set has semid {semid}"), ev::num<"semid">(id));
    int sid = sma->sem_perm.id;
    const cred& c = current().cred;
    EVENT(EventKind::perm_check, "ipcctl_obtain_check", {a_ref(sid)},
          c.is_root() ? N_("euid {euid} holds CAP_SYS_ADMIN; the set's cuid is {cuid} and uid {uid} (the mode does not matter here)")
                      : N_("euid {euid}; the set's cuid is {cuid} and uid {uid} (the mode does not matter here)"),
          ev::unum<"euid">(c.euid), ev::unum<"cuid">(sma->sem_perm.cuid), ev::unum<"uid">(sma->sem_perm.uid));
    if (!ipc_owner(sma->sem_perm, c)) return FAILS(EPERM, "ipcctl_obtain_check", N_("only the creator, the owner or CAP_SYS_ADMIN may do this"));
    if (cmd == IPC_RMID) {
        freeary(*sma);
        return finish(0);
    }
    if (!set.ids_valid()) return FAILS(EINVAL, "ipc_update_perm", N_("uid or gid (uid_t) -1 names no user or group (uid_valid): nothing is changed"));
    kern_ipc_perm& p = sma->sem_perm;
    if (set.uid) p.uid = *set.uid;
    if (set.gid) p.gid = *set.gid;
    if (set.mode) p.mode = (p.mode & ~0777u) | (*set.mode & 0777u);
    sma->sem_ctime = m_now;
    EVENT(EventKind::field_change, "semctl_down", {a_ref(sid)}, N_("sets uid {uid}, gid {gid}, mode {mode} and ctime; no sleeper is woken"),
          ev::unum<"uid">(p.uid), ev::unum<"gid">(p.gid), ev::oct<"mode">(p.mode));
    return finish(0);
}

}  // namespace sim
