// semget and semop: the rules, errno order and wait lists of ipc/sem.c (ksys_semget, newary,
// do_semtimedop, perform_atomic_semop, update_queue, wake_const_ops, do_smart_update), measured
// on this machine (docs: /work/shared/KERNEL-FACTS.md, "Semaphores").
#include <algorithm>

#include "sim/kernel.h"

namespace sim {
namespace {

const ObjRef kSemIds{ObjKind::ipc_ids, 2};
ObjRef a_ref(int id) { return {ObjKind::sem_array, id}; }
ObjRef s_ref(int id, int num) { return {ObjKind::sem, id, static_cast<std::uint64_t>(num)}; }
ObjRef q_ref(int pid) { return {ObjKind::sem_queue, pid}; }
ObjRef u_ref(int id, int pid) { return {ObjKind::sem_undo, id, static_cast<std::uint64_t>(pid)}; }

// A sembuf's flags as a phrase of the catalog.
const char* flag_word(std::int16_t flg) {
    bool nowait = flg & IPC_NOWAIT, undo = flg & SEM_UNDO;
    return nowait && undo ? N_("IPC_NOWAIT|SEM_UNDO") : nowait ? N_("IPC_NOWAIT") : undo ? N_("SEM_UNDO") : N_("no flag");
}

void erase_pid(std::vector<int>& list, int pid) { std::erase(list, pid); }

}  // namespace

int count_semcnt(const sem_array& sma, int semnum, bool zero) {
    const sem& s = sma.sems[static_cast<std::size_t>(semnum)];
    int n = static_cast<int>((zero ? s.pending_const : s.pending_alter).size());
    // check_qop: a complex sleeper counts on the semaphore its last try blocked on.
    auto check_qop = [&](int pid) {
        const sem_queue* q = sma.queue_of(pid);
        if (!q) return 0;
        const sembuf& b = q->sops[q->blocking];
        if (b.sem_num != semnum) return 0;
        return (zero && b.sem_op == 0) || (!zero && b.sem_op < 0) ? 1 : 0;
    };
    for (int pid : sma.pending_alter) n += check_qop(pid);
    if (zero)
        for (int pid : sma.pending_const) n += check_qop(pid);
    return n;
}

// ksys_semget: nsems is checked against semmsl before the key is looked up.
const SyscallResult& Kernel::semget(int pid, std::int64_t key, std::int64_t nsems, std::int64_t semflg) {
    key = static_cast<std::int32_t>(key);  // key_t is an int
    nsems = static_cast<std::int32_t>(nsems);
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls semget(key={key}, nsems={nsems}, semflg={semflg})"), ev::num<"key">(key), ev::num<"nsems">(nsems),
          ev::oct<"semflg">(static_cast<std::uint64_t>(semflg)));
    if (nsems < 0 || nsems > m_ns.sc_semmsl) {
        FAILS(EINVAL, "ksys_semget", N_("nsems {nsems} is outside 0 to semmsl ({semmsl}): checked before the key is looked up"), ev::num<"nsems">(nsems),
              ev::num<"semmsl">(m_ns.sc_semmsl));
        return take();
    }
    IpcGetOps ops{kSemIds, ObjKind::sem_array,
                  [&](std::int64_t k) { sem_array* s = m_ns.sem_ids.find_key(k); return s ? &s->sem_perm : nullptr; },
                  [&]() -> SyscallResult& { return newary(key, nsems, semflg); },
                  [&](kern_ipc_perm& p) {
                      // sem_more_checks: an existing set must have at least the semaphores asked for.
                      const sem_array* s = m_ns.sem_ids.find_id(p.id);
                      if (static_cast<std::size_t>(nsems) <= s->nsems()) return false;
                      FAILS(EINVAL, "sem_more_checks", N_("set {id} has {have} semaphore(s), fewer than the {nsems} asked for"), ev::num<"id">(p.id),
                            ev::unum<"have">(s->nsems()), ev::num<"nsems">(nsems));
                      return true;
                  }};
    ipcget(ops, key, semflg);
    return take();
}

// newary: a new set of nsems semaphores, all 0; semmns bounds the semaphores of all sets.
SyscallResult& Kernel::newary(std::int64_t key, std::int64_t nsems, std::int64_t semflg) {
    if (nsems == 0) return FAILS(EINVAL, "newary", N_("a new set needs at least one semaphore (nsems is 0)"));
    if (m_ns.used_sems + nsems > m_ns.sc_semmns)
        return FAILS(ENOSPC, "newary", N_("{used} semaphore(s) exist; {nsems} more would pass semmns ({semmns})"), ev::num<"used">(m_ns.used_sems),
                     ev::num<"nsems">(nsems), ev::num<"semmns">(m_ns.sc_semmns));
    if (nsems > kMaxSemsPerSet)
        return FAILS(ENOMEM, "sem_alloc", N_("{nsems} struct sems of 64 bytes are more than kvzalloc takes (2 GiB): at most {max}"),
                     ev::num<"nsems">(nsems), ev::num<"max">(kMaxSemsPerSet));
    sem_array s;
    s.sem_perm = new_perm(key, semflg, current().cred);
    s.sems.resize(static_cast<std::size_t>(nsems));
    s.sem_ctime = m_now;
    std::optional<int> added = m_ns.sem_ids.add(std::move(s), m_ns.sc_semmni);
    if (!added)
        return FAILS(ENOSPC, "ipc_addid", N_("{n} semaphore sets exist; semmni allows {semmni}"), ev::num<"n">(m_ns.sem_ids.in_use),
                     ev::num<"semmni">(m_ns.sc_semmni));
    int id = *added;
    m_ns.used_sems += nsems;
    EVENT(EventKind::id_alloc, "ipc_idr_alloc", ObjRefs({kSemIds, a_ref(id)}),
          N_("takes index {idx} (seq {seq}), so semid = {seq} * 32768 + {idx} = {id}"), ev::num<"idx">(ipcid_to_idx(id)),
          ev::num<"seq">(ipcid_to_seq(id)), ev::num<"id">(id));
    EVENT(EventKind::create, "newary", {a_ref(id)}, N_("creates sem_array {id}: {nsems} semaphore(s), each semval 0, mode {mode}; {used} of semmns {semmns} semaphores are now used"),
          ev::num<"id">(id), ev::num<"nsems">(nsems), ev::oct<"mode">(static_cast<std::uint64_t>(semflg) & 0777), ev::num<"used">(m_ns.used_sems),
          ev::num<"semmns">(m_ns.sc_semmns));
    return finish(id);
}

// find_alloc_undo: the caller's sem_undo for this set, made on first use with every semadj 0. It
// comes before the set's own lookup, and stays even when the semop then fails.
sem_undo* Kernel::find_alloc_undo(int semid) {
    task_struct& t = current();
    sem_array* sma = m_ns.sem_ids.find_id(semid);
    if (std::find(t.sem_undo_list.begin(), t.sem_undo_list.end(), semid) != t.sem_undo_list.end() && sma) {
        for (auto& u : sma->list_id)
            if (u.pid == t.pid) {
                EVENT(EventKind::lookup, "lookup_undo", {u_ref(semid, t.pid)}, N_("SEM_UNDO: {who} already has a sem_undo for set {id}"),
                      ev::task<"who">(t.pid), ev::num<"id">(semid));
                return &u;
            }
    }
    if (!sma) {
        FAILS(EINVAL, "find_alloc_undo", N_("SEM_UNDO looks for the set first: no set has semid {semid}"), ev::num<"semid">(semid));
        return nullptr;
    }
    std::erase(t.sem_undo_list, semid);
    t.sem_undo_list.insert(t.sem_undo_list.begin(), semid);
    sma->list_id.insert(sma->list_id.begin(), sem_undo{t.pid, std::vector<int>(sma->nsems(), 0)});
    EVENT(EventKind::create, "find_alloc_undo", ObjRefs({u_ref(semid, t.pid), a_ref(semid)}),
          N_("SEM_UNDO: creates {who}'s sem_undo for set {id}, one adjustment per semaphore, all 0; exit will apply them"), ev::task<"who">(t.pid),
          ev::num<"id">(semid));
    return &sma->list_id.front();
}

const SyscallResult& Kernel::semop(int pid, std::int64_t semid, const std::vector<sembuf>& sops) {
    semid = static_cast<std::int32_t>(semid);  // an int in C
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls semop(semid={semid}, nsops={nsops}): the C library calls semtimedop with no timeout"), ev::num<"semid">(semid),
          ev::unum<"nsops">(sops.size()));
    for (std::size_t i = 0; i < sops.size() && i < 8; ++i)
        EVENT(EventKind::check, "do_semtimedop", {{ObjKind::task_struct, pid}}, N_("sembuf {i}: sem_num {num}, sem_op {op}, {flags}"), ev::unum<"i">(i),
              ev::unum<"num">(sops[i].sem_num), ev::num<"op">(sops[i].sem_op), ev::word<"flags">(flag_word(sops[i].sem_flg)));
    // do_semtimedop checks nsops before it copies the sembufs; __do_semtimedop checks semid after.
    if (static_cast<std::int64_t>(sops.size()) > m_ns.sc_semopm) {
        FAILS(E2BIG, "do_semtimedop", N_("{nsops} sembufs are more than semopm ({semopm}), checked before the set is looked up"),
              ev::unum<"nsops">(sops.size()), ev::num<"semopm">(m_ns.sc_semopm));
        return take();
    }
    if (sops.empty() || semid < 0) {
        FAILS(EINVAL, sops.empty() ? "do_semtimedop" : "__do_semtimedop",
              sops.empty() ? N_("nsops is 0: there is nothing to do") : N_("semid {semid} is negative"), ev::num<"semid">(semid));
        return take();
    }
    sem_queue q;
    q.pid = pid;
    q.sops = sops;
    std::uint64_t dup = 0;
    int max = 0;
    for (const auto& b : sops) {
        std::uint64_t mask = 1ull << (b.sem_num % 64);
        max = std::max<int>(max, b.sem_num);
        if (b.sem_flg & SEM_UNDO) q.undo = true;
        if (dup & mask) q.dupsop = true;
        if (b.sem_op != 0) {
            q.alter = true;
            dup |= mask;
        }
    }
    if (q.undo && !find_alloc_undo(static_cast<int>(semid))) return take();
    sem_array* sma = semid > INT32_MAX ? nullptr : m_ns.sem_ids.find_id(static_cast<int>(semid));
    if (!sma) {
        FAILS(EINVAL, "sem_obtain_object_check", N_("no set has semid {semid}"), ev::num<"semid">(semid));
        return take();
    }
    int id = sma->sem_perm.id;
    EVENT(EventKind::lookup, "sem_obtain_object_check", {a_ref(id)}, N_("finds sem_array {semid} ({nsems} semaphore(s))"), ev::num<"semid">(id),
          ev::unum<"nsems">(sma->nsems()));
    if (static_cast<std::size_t>(max) >= sma->nsems()) {
        FAILS(EFBIG, "do_semtimedop", N_("sem_num {max} is past the set's last semaphore ({last}): checked before permission"), ev::num<"max">(max),
              ev::unum<"last">(sma->nsems() - 1));
        return take();
    }
    if (m_record_events) ipcperms_event(ObjKind::sem_array, id, sma->sem_perm, q.alter ? 0222 : 0444);
    if (!ipcperms(sma->sem_perm, current().cred, q.alter ? 0222 : 0444)) {
        FAILS(EACCES, "do_semtimedop",
              q.alter ? N_("changing a semaphore needs write permission") : N_("waiting for zero needs read permission"));
        return take();
    }
    int error = perform_atomic_semop(*sma, q);
    if (error == 0) {
        // otime is set by every semop that succeeds, wait-for-zero too (set_semotime).
        if (q.alter) do_smart_update(*sma, &q.sops, true);
        else sma->sem_otime = m_now;
        finish(0);
    } else if (error < 0) {
        FAILS(-error, "perform_atomic_semop",
              error == -EAGAIN ? N_("the sembuf that must wait has IPC_NOWAIT: nothing is applied")
                               : N_("a semval or an undo adjustment would leave its range: nothing is applied"));
    } else {
        sem_sleep(*sma, std::move(q));
    }
    if (sma->complex_count == 0) unmerge_queues(*sma);
    return take();
}

// perform_atomic_semop (and _slow): the sembufs in order, each on the values the previous ones left;
// the first that cannot go on makes the whole semop wait (1) or fail (-errno), and nothing stays
// applied. On success each semaphore touched gets sempid = the semop's owner.
int Kernel::perform_atomic_semop(sem_array& sma, sem_queue& q) {
    int id = sma.sem_perm.id;
    sem_undo* un = nullptr;
    if (q.undo)
        for (auto& u : sma.list_id)
            if (u.pid == q.pid) un = &u;
    std::vector<int> vals;
    for (const auto& s : sma.sems) vals.push_back(s.semval);
    std::vector<int> adj = un ? un->semadj : std::vector<int>(sma.nsems(), 0);
    for (std::size_t i = 0; i < q.sops.size(); ++i) {
        const sembuf& b = q.sops[i];
        int& v = vals[b.sem_num];
        int result = v + b.sem_op;
        if ((b.sem_op == 0 && v != 0) || result < 0) {
            q.blocking = i;
            EVENT(EventKind::check, "perform_atomic_semop", ObjRefs({s_ref(id, b.sem_num), q_ref(q.pid)}),
                  b.sem_op == 0 ? (q.sops.size() > 1 ? N_("{who}'s sembuf {i} waits for semaphore {num} to be 0, but it is {val}: the semop must wait, and none of its sembufs is applied")
                                                     : N_("{who} waits for semaphore {num} to be 0, but it is {val}: it must wait"))
                                : (q.sops.size() > 1 ? N_("{who}'s sembuf {i}: semaphore {num} is {val}, and {val} + ({op}) would be below 0: the semop must wait, and none of its sembufs is applied")
                                                     : N_("{who}: semaphore {num} is {val}, and {val} + ({op}) would be below 0: it must wait")),
                  ev::task<"who">(q.pid), ev::unum<"i">(i), ev::unum<"num">(b.sem_num), ev::num<"val">(v), ev::num<"op">(b.sem_op));
            return (b.sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
        }
        if (result > SEMVMX) {
            EVENT(EventKind::check, "perform_atomic_semop", ObjRefs({s_ref(id, b.sem_num), q_ref(q.pid)}),
                  N_("{who}'s sembuf {i}: semaphore {num} would become {result}, above SEMVMX (32767)"), ev::task<"who">(q.pid), ev::unum<"i">(i),
                  ev::unum<"num">(b.sem_num), ev::num<"result">(result));
            return -ERANGE;
        }
        if (b.sem_flg & SEM_UNDO) {
            int undo = adj[b.sem_num] - b.sem_op;
            if (undo < -SEMAEM - 1 || undo > SEMAEM) {
                EVENT(EventKind::check, "perform_atomic_semop", ObjRefs({u_ref(id, q.pid), q_ref(q.pid)}),
                      N_("{who}'s undo adjustment for semaphore {num} would become {undo}, outside -32768 to 32767"), ev::task<"who">(q.pid),
                      ev::unum<"num">(b.sem_num), ev::num<"undo">(undo));
                return -ERANGE;
            }
            adj[b.sem_num] = undo;
        }
        v = result;
    }
    for (std::size_t i = 0; i < q.sops.size(); ++i) {
        const sembuf& b = q.sops[i];
        sem& s = sma.sems[b.sem_num];
        int old = s.semval;
        s.semval = vals[b.sem_num];
        s.sempid = q.pid;
        EVENT(EventKind::field_change, "perform_atomic_semop", {s_ref(id, b.sem_num)},
              b.sem_op == 0 ? N_("semaphore {num} is 0 as {who} waits for: it stays 0, and sempid = {who}")
                            : N_("semaphore {num}: semval {old} + ({op}) = {val}, and sempid = {who}"),
              ev::unum<"num">(b.sem_num), ev::task<"who">(q.pid), ev::num<"old">(old), ev::num<"op">(b.sem_op), ev::num<"val">(s.semval));
        if ((b.sem_flg & SEM_UNDO) && un && un->semadj[b.sem_num] != adj[b.sem_num]) {
            un->semadj[b.sem_num] = adj[b.sem_num];
            EVENT(EventKind::field_change, "perform_atomic_semop", {u_ref(id, q.pid)},
                  N_("SEM_UNDO: {who}'s adjustment for semaphore {num} becomes {adj}, to be added back at exit"), ev::task<"who">(q.pid),
                  ev::unum<"num">(b.sem_num), ev::num<"adj">(adj[b.sem_num]));
        }
    }
    return 0;
}

// The caller goes to sleep as a sem_queue: a one-sembuf semop on its semaphore's own list (alter or
// wait-for-zero), a complex one on the set's lists, which first gather every simple alter sleeper
// (merge_queues). It waits until a waker performs its semop for it.
void Kernel::sem_sleep(sem_array& sma, sem_queue q) {
    int id = sma.sem_perm.id;
    task_struct& t = current();
    const char* where;
    if (q.sops.size() == 1) {
        sem& s = sma.sems[q.sops[0].sem_num];
        if (q.alter) {
            if (sma.complex_count) sma.pending_alter.push_back(q.pid), where = N_("the set's pending_alter (complex sleepers are queued there, so everyone is)");
            else s.pending_alter.push_back(q.pid), where = N_("semaphore {num}'s pending_alter");
        } else {
            s.pending_const.push_back(q.pid), where = N_("semaphore {num}'s pending_const (waiting for zero)");
        }
    } else {
        if (!sma.complex_count) merge_queues(sma);
        if (q.alter) sma.pending_alter.push_back(q.pid), where = N_("the set's pending_alter");
        else sma.pending_const.push_back(q.pid), where = N_("the set's pending_const (waiting for zero)");
        sma.complex_count++;
    }
    const sembuf& b = q.sops[q.blocking];
    EVENT(EventKind::sleep, "do_semtimedop", ObjRefs({a_ref(id), q_ref(q.pid)}),
          b.sem_op == 0 ? N_("{who} joins {where} as a sem_queue and sleeps (TASK_INTERRUPTIBLE); it counts in semzcnt of semaphore {num}")
                        : N_("{who} joins {where} as a sem_queue and sleeps (TASK_INTERRUPTIBLE); it counts in semncnt of semaphore {num}"),
          ev::task<"who">(q.pid), ev::word<"where">(where), ev::unum<"num">(b.sem_num));
    sma.queues.push_back(std::move(q));
    pending_ipc p;
    p.call = scenario::CallKind::Semop;
    p.semid = id;
    p.r_err = EINTR;  // queue.status until a waker sets it
    t.pending = std::move(p);
    t.state = TaskState::blocked;
    if (m_current == m_caller) m_result.fate = Fate::blocked;
}

// merge_queues: the first complex sleeper moves every per-semaphore alter list onto the set's
// (list_splice_init puts each at the front, so the last semaphore's sleepers end up first).
void Kernel::merge_queues(sem_array& sma) {
    for (auto& s : sma.sems) {
        sma.pending_alter.insert(sma.pending_alter.begin(), s.pending_alter.begin(), s.pending_alter.end());
        s.pending_alter.clear();
    }
}

// unmerge_queues: no complex sleeper is left, so the simple ones go back to their semaphores.
void Kernel::unmerge_queues(sem_array& sma) {
    if (sma.complex_count || sma.pending_alter.empty()) return;
    for (int pid : sma.pending_alter)
        if (const sem_queue* q = sma.queue_of(pid)) sma.sems[q->sops[0].sem_num].pending_alter.push_back(pid);
    sma.pending_alter.clear();
}

sem_queue Kernel::unlink_queue(sem_array& sma, int pid) {
    erase_pid(sma.pending_alter, pid);
    erase_pid(sma.pending_const, pid);
    for (auto& s : sma.sems) erase_pid(s.pending_alter, pid), erase_pid(s.pending_const, pid);
    sem_queue q;
    auto it = std::find_if(sma.queues.begin(), sma.queues.end(), [&](const sem_queue& x) { return x.pid == pid; });
    if (it != sma.queues.end()) {
        q = std::move(*it);
        sma.queues.erase(it);
        if (q.sops.size() > 1) sma.complex_count--;
    }
    return q;
}

// wake_up_sem_queue_prepare: q->status = error, and the sleeper joins the wake queue. Its semop is
// already done (or failed): it only has to return.
void Kernel::wake_up_sem_queue(const sem_queue& q, int error, const char* function) {
    task_struct& t = m_tasks.at(q.pid);
    if (t.pending) t.pending->r_err = error;
    if (error == 0) WAKE(q.pid, function, N_("{sleeper}'s semop is done for it: it is woken to return 0"), ev::task<"sleeper">(q.pid));
    else
        WAKE(q.pid, function,
             error == EIDRM ? N_("wakes {sleeper} with EIDRM: the set is being removed")
                            : N_("{sleeper}'s semop fails for it with {err}: it is woken to return the error"),
             ev::task<"sleeper">(q.pid), ev::err<"err">(error));
}

// wake_const_ops: the wait-for-zero sleepers of one semaphore (or of the set, -1), in arrival order.
bool Kernel::wake_const_ops(sem_array& sma, int semnum) {
    std::vector<int> list = semnum == -1 ? sma.pending_const : sma.sems[static_cast<std::size_t>(semnum)].pending_const;
    bool completed = false;
    for (int pid : list) {
        sem_queue* q = nullptr;
        for (auto& x : sma.queues)
            if (x.pid == pid) q = &x;
        if (!q) continue;
        int error = perform_atomic_semop(sma, *q);
        if (error > 0) continue;
        sem_queue done = unlink_queue(sma, pid);
        wake_up_sem_queue(done, -error, "wake_const_ops");
        if (error == 0) completed = true;
    }
    return completed;
}

// do_smart_wakeup_zero: for each semaphore the semop touched (all when unknown) that is now 0, its
// wait-for-zero sleepers; then, if any is 0, the set's complex ones.
bool Kernel::do_smart_wakeup_zero(sem_array& sma, const std::vector<sembuf>* sops) {
    bool completed = false, got_zero = false;
    if (sops) {
        for (const auto& b : *sops)
            if (sma.sems[b.sem_num].semval == 0) {
                got_zero = true;
                completed |= wake_const_ops(sma, b.sem_num);
            }
    } else {
        for (std::size_t i = 0; i < sma.nsems(); ++i)
            if (sma.sems[i].semval == 0) {
                got_zero = true;
                completed |= wake_const_ops(sma, static_cast<int>(i));
            }
    }
    if (got_zero) completed |= wake_const_ops(sma, -1);
    return completed;
}

// update_queue: the alter sleepers of one semaphore's list (or the set's, -1) in arrival order; each
// that now fits is served and woken, the others are skipped. After a complex sleeper succeeds the
// scan starts again from the front, since its semop may have raised a value (check_restart).
bool Kernel::update_queue(sem_array& sma, int semnum) {
    int id = sma.sem_perm.id;
    bool completed = false;
again:
    std::vector<int> list = semnum == -1 ? sma.pending_alter : sma.sems[static_cast<std::size_t>(semnum)].pending_alter;
    for (int pid : list) {
        if (semnum != -1 && sma.sems[static_cast<std::size_t>(semnum)].semval == 0) {
            EVENT(EventKind::check, "update_queue", {s_ref(id, semnum)},
                  N_("semaphore {num} is 0: no decrement on its list can succeed, so the scan stops"), ev::num<"num">(semnum));
            break;
        }
        sem_queue* q = nullptr;
        for (auto& x : sma.queues)
            if (x.pid == pid) q = &x;
        if (!q) continue;
        EVENT(EventKind::check, "update_queue", ObjRefs({a_ref(id), q_ref(pid)}), N_("tries {sleeper}'s semop again, in arrival order"),
              ev::task<"sleeper">(pid));
        int error = perform_atomic_semop(sma, *q);
        if (error > 0) {
            EVENT(EventKind::check, "update_queue", {q_ref(pid)}, N_("{sleeper} still does not fit: it is skipped and sleeps on"), ev::task<"sleeper">(pid));
            continue;
        }
        sem_queue done = unlink_queue(sma, pid);
        bool restart = false;
        if (error == 0) {
            completed = true;
            do_smart_wakeup_zero(sma, &done.sops);
            restart = !sma.pending_alter.empty() || done.sops.size() > 1;  // check_restart
        }
        wake_up_sem_queue(done, -error, "update_queue");
        if (restart) {
            EVENT(EventKind::check, "update_queue", {a_ref(id)},
                  N_("a complex semop succeeded and may have raised a value: the scan starts again from the front"));
            goto again;
        }
    }
    return completed;
}

// do_smart_update: after values changed, first the wait-for-zero sleepers, then the alter ones: the
// set's list when complex sleepers use it, else the lists of the semaphores that were increased (all
// of them when the caller does not say which: semctl, exit).
void Kernel::do_smart_update(sem_array& sma, const std::vector<sembuf>* sops, bool otime) {
    otime |= do_smart_wakeup_zero(sma, sops);
    if (!sma.pending_alter.empty()) {
        otime |= update_queue(sma, -1);
    } else if (!sops) {
        for (std::size_t i = 0; i < sma.nsems(); ++i) otime |= update_queue(sma, static_cast<int>(i));
    } else {
        for (const auto& b : *sops)
            if (b.sem_op > 0) otime |= update_queue(sma, b.sem_num);
    }
    if (otime) sma.sem_otime = m_now;
}

// freeary: the undo records die (their semid becomes -1), every sleeper wakes with EIDRM, the id goes.
void Kernel::freeary(sem_array& sma) {
    int id = sma.sem_perm.id;
    for (const auto& u : sma.list_id)
        if (auto it = m_tasks.find(u.pid); it != m_tasks.end()) std::erase(it->second.sem_undo_list, id);
    if (!sma.list_id.empty())
        EVENT(EventKind::destroy, "freeary", {a_ref(id)}, N_("frees the set's {n} sem_undo record(s): nothing will be undone at exit"),
              ev::unum<"n">(sma.list_id.size()));
    sma.list_id.clear();
    std::vector<int> order = sma.pending_const;
    order.insert(order.end(), sma.pending_alter.begin(), sma.pending_alter.end());
    for (const auto& s : sma.sems) {
        order.insert(order.end(), s.pending_const.begin(), s.pending_const.end());
        order.insert(order.end(), s.pending_alter.begin(), s.pending_alter.end());
    }
    for (int pid : order) wake_up_sem_queue(unlink_queue(sma, pid), EIDRM, "freeary");
    EVENT(EventKind::destroy, "freeary", ObjRefs({a_ref(id), kSemIds}), N_("frees sem_array {id} and its {nsems} semaphore(s); the id is no longer valid"),
          ev::num<"id">(id), ev::unum<"nsems">(sma.nsems()));
    m_ns.used_sems -= static_cast<std::int64_t>(sma.nsems());
    m_ns.sem_ids.remove(id);
}

// exit_sem: at exit (or death), each sem_undo of the process, newest first: every adjustment is
// added, the value clamped to 0..SEMVMX, sempid = the dying process; then the sleepers that now
// fit are served, and otime is set.
void Kernel::exit_sem(task_struct& t) {
    std::vector<int> list = std::move(t.sem_undo_list);
    t.sem_undo_list.clear();
    for (int semid : list) {
        sem_array* sma = m_ns.sem_ids.find_id(semid);
        if (!sma) continue;
        auto it = std::find_if(sma->list_id.begin(), sma->list_id.end(), [&](const sem_undo& u) { return u.pid == t.pid; });
        if (it == sma->list_id.end()) continue;
        sem_undo un = std::move(*it);
        sma->list_id.erase(it);
        EVENT(EventKind::check, "exit_sem", ObjRefs({u_ref(semid, t.pid), a_ref(semid)}), N_("{task} exits holding a sem_undo for set {id}: its adjustments are applied"),
              ev::task<"task">(t.pid), ev::num<"id">(semid));
        for (std::size_t i = 0; i < sma->nsems(); ++i) {
            if (!un.semadj[i]) continue;
            sem& s = sma->sems[i];
            int old = s.semval;
            int sum = s.semval + un.semadj[i];
            s.semval = std::clamp(sum, 0, SEMVMX);
            s.sempid = t.pid;
            EVENT(EventKind::field_change, "exit_sem", ObjRefs({s_ref(semid, static_cast<int>(i)), u_ref(semid, t.pid)}),
                  sum == s.semval ? N_("semaphore {num}: semval {old} + undo {adj} = {val}, and sempid = {task}")
                                  : N_("semaphore {num}: semval {old} + undo {adj} = {sum}, clamped to {val}, and sempid = {task}"),
                  ev::unum<"num">(i), ev::num<"old">(old), ev::num<"adj">(un.semadj[i]), ev::num<"sum">(sum), ev::num<"val">(s.semval),
                  ev::task<"task">(t.pid));
        }
        EVENT(EventKind::destroy, "exit_sem", {u_ref(semid, t.pid)}, N_("frees {task}'s sem_undo for set {id}; sleepers that now fit are served"),
              ev::task<"task">(t.pid), ev::num<"id">(semid));
        do_smart_update(*sma, nullptr, true);
        if (sma->complex_count == 0) unmerge_queues(*sma);
    }
}

}  // namespace sim
