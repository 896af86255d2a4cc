#include "sim/model_backend.h"


#include "sim/uapi.h"

namespace sim {

using scenario::CallKind;

void ModelBackend::setup(const scenario::Scenario& s) {
    for (const auto& sc : s.sysctls) m_kernel.set_sysctl(sc.name, sc.value);
    for (const auto& p : s.procs) m_pids[p.name] = m_kernel.spawn(p.name, p.uid, p.gid);
}

int ModelBackend::pid_of(const std::string& name) const {
    auto it = m_pids.find(name);
    return it == m_pids.end() ? 0 : it->second;
}

StepOutcome ModelBackend::execute(const Invocation& call) {
    for (const auto& [name, value] : call.sysctls) m_kernel.set_sysctl(name, value);
    m_kernel.tick();
    StepOutcome out = dispatch(pid_of(call.proc), call);
    if (call.kind == CallKind::Fork && out.fate == Fate::returned && out.ret > 0)
        m_pids[call.target] = static_cast<int>(out.ret);
    return out;
}

static IpcSetFields set_fields(const Invocation& call) {
    IpcSetFields f;
    for (const auto& [name, v] : call.fields) {
        if (name == "mode") f.mode = static_cast<std::uint32_t>(v);
        else if (name == "uid") f.uid = static_cast<std::uint32_t>(v);
        else if (name == "gid") f.gid = static_cast<std::uint32_t>(v);
        else if (name == "qbytes") f.qbytes = static_cast<std::uint64_t>(v);
    }
    return f;
}

namespace {

std::optional<std::int64_t> field(const Invocation& call, std::string_view name) {
    for (const auto& [n, v] : call.fields)
        if (n == name) return v;
    return std::nullopt;
}

// docs/scenario-language.md: a scenario's IPC_SET reads the object with IPC_STAT first and changes only the
// fields it names, as C code does; with every field named (`all`), it makes no IPC_STAT, so an owner
// can repair an object it may not read. `ctl(cmd, fields)` makes one shmctl or msgctl.
template <typename Ctl>
SyscallResult stat_then_set(std::int64_t cmd, const IpcSetFields& fields, bool all, Ctl ctl) {
    if (cmd != IPC_SET || all) return ctl(cmd, fields, true);
    SyscallResult stat = ctl(IPC_STAT, IpcSetFields{}, false);  // into a buffer of its own, not PROC.buf
    if (stat.err) return stat;
    SyscallResult set = ctl(IPC_SET, fields, true);
    append_path(stat, std::move(set));
    set.events = std::move(stat.events);
    set.texts = std::move(stat.texts);
    return set;
}

}  // namespace

SyscallResult ModelBackend::dispatch(int pid, const Invocation& c) {
    auto a = [&](std::size_t i) { return i < c.args.size() ? c.args[i] : 0; };
    auto u = [&](std::size_t i) { return static_cast<std::uint64_t>(a(i)); };
    switch (c.kind) {
    case CallKind::Shmget: return m_kernel.shmget(pid, a(0), a(1), a(2));
    case CallKind::Shmat: return m_kernel.shmat(pid, a(0), u(1), a(2));
    case CallKind::Shmdt: return m_kernel.shmdt(pid, u(0));
    case CallKind::Shmctl: {
        IpcSetFields f = set_fields(c);
        return stat_then_set(a(1), f, f.mode && f.uid && f.gid, [&](std::int64_t cmd, const IpcSetFields& g, bool into_buf) { return m_kernel.shmctl(pid, a(0), cmd, g, into_buf); });
    }
    case CallKind::Store: return m_kernel.store(pid, u(0), c.text);
    case CallKind::Load: return m_kernel.load(pid, u(0), a(1));
    case CallKind::Fork: return m_kernel.fork(pid, c.target);
    case CallKind::Exit: return m_kernel.exit(pid, static_cast<int>(a(0)));
    case CallKind::Kill: return m_kernel.kill(pid, pid_of(c.target), static_cast<int>(a(0)));
    case CallKind::Munmap: return m_kernel.munmap(pid, u(0), u(1));
    case CallKind::Mprotect: return m_kernel.mprotect(pid, u(0), u(1), a(2));
    case CallKind::Signal: return m_kernel.signal(pid, static_cast<int>(a(0)), static_cast<scenario::SigDisposition>(a(1)));
    case CallKind::Setuid: return m_kernel.set_id(pid, Kernel::SetId::setuid, a(0));
    case CallKind::Setgid: return m_kernel.set_id(pid, Kernel::SetId::setgid, a(0));
    case CallKind::Seteuid: return m_kernel.set_id(pid, Kernel::SetId::seteuid, a(0));
    case CallKind::Setegid: return m_kernel.set_id(pid, Kernel::SetId::setegid, a(0));
    case CallKind::Setrlimit: return m_kernel.setrlimit(pid, a(0), u(1));
    case CallKind::Msgget: return m_kernel.msgget(pid, a(0), a(1));
    case CallKind::Msgsnd: return m_kernel.msgsnd(pid, a(0), a(1), c.text, a(2), field(c, "msgsz"));
    case CallKind::Msgrcv: return m_kernel.msgrcv(pid, a(0), a(1), a(2), a(3));
    case CallKind::Msgctl: {
        IpcSetFields f = set_fields(c);
        return stat_then_set(a(1), f, f.mode && f.uid && f.gid && f.qbytes,
                             [&](std::int64_t cmd, const IpcSetFields& g, bool into_buf) { return m_kernel.msgctl(pid, a(0), cmd, g, into_buf); });
    }
    case CallKind::Semget: return m_kernel.semget(pid, a(0), a(1), a(2));
    case CallKind::Semop: {
        // The sembufs' members have the C types' widths: sem_num unsigned short, sem_op and sem_flg short.
        std::vector<sembuf> sops;
        for (std::size_t i = 1; i + 2 < c.args.size(); i += 3)
            sops.push_back({static_cast<std::uint16_t>(c.args[i]), static_cast<std::int16_t>(c.args[i + 1]), static_cast<std::int16_t>(c.args[i + 2])});
        return m_kernel.semop(pid, a(0), sops);
    }
    case CallKind::Semctl: {
        SemctlArgs arg;
        arg.val = field(c, "val").value_or(0);
        arg.array = c.array;
        arg.set = set_fields(c);
        const IpcSetFields& f = arg.set;
        return stat_then_set(a(2), f, f.mode && f.uid && f.gid, [&](std::int64_t cmd, const IpcSetFields& g, bool into_buf) {
            SemctlArgs with = arg;
            with.set = g;
            return m_kernel.semctl(pid, a(0), a(1), cmd, with, into_buf);
        });
    }
    }
    return {};
}

Observation ModelBackend::observe() const { return sim::observe(m_kernel); }

static MappingView mapping_view(const task_struct& t, const vm_area_struct& vma) {
    MappingView m{vma.shmid, vma.vm_start, vma.vm_end, !vma.vm_write, {}, vma.vm_pgoff, vma.perms()};
    auto first = t.mm.page_table.lower_bound(vma.vm_start);
    auto last = t.mm.page_table.lower_bound(vma.vm_end);
    for (auto it = first; it != last; ++it) m.present[(it->first - vma.vm_start) / PAGE_SIZE] = it->second.pfn;
    return m;
}

static ProcView proc_view(const task_struct& t) {
    ProcView p{t.comm, t.pid, t.state, t.term_signal, t.regs.ret, t.regs.err, t.regs.data, t.regs.mtype, t.min_flt, {}, t.regs.buf};
    for (const auto& [start, vma] : t.mm.mmap) p.maps.push_back(mapping_view(t, vma));
    return p;
}

static ShmView shm_view(const shmid_kernel& s) {
    const kern_ipc_perm& perm = s.shm_perm;
    return {perm.id, perm.key, perm.mode, s.shm_segsz, s.shm_nattch, s.shm_cprid, s.shm_lprid,
            perm.uid, perm.gid, perm.cuid, perm.cgid, s.pages.size(),
            static_cast<std::int64_t>(s.shm_atim), static_cast<std::int64_t>(s.shm_dtim), static_cast<std::int64_t>(s.shm_ctim)};
}

// msqid_ds, plus what only the model can see: the wait lists and the messages themselves.
static MsqView msq_view(const Kernel& k, const msg_queue& q) {
    const kern_ipc_perm& p = q.q_perm;
    MsqView v{p.id, p.key, p.mode, q.q_qnum, q.q_cbytes, q.q_qbytes, q.q_lspid, q.q_lrpid,
              p.uid, p.gid, p.cuid, p.cgid, static_cast<std::int64_t>(q.q_stime), static_cast<std::int64_t>(q.q_rtime),
              static_cast<std::int64_t>(q.q_ctime), std::vector<std::string>{}, std::vector<std::string>{}, std::vector<MessageView>{}};
    for (const auto& r : q.q_receivers) v.receivers->push_back(k.task(r.r_tsk)->comm);
    for (const auto& s : q.q_senders) v.senders->push_back(k.task(s.tsk)->comm);
    for (const auto& m : q.q_messages) v.messages->push_back({m.m_type, m.m_text});
    return v;
}

// semid_ds, each semaphore as GETVAL/GETPID/GETNCNT/GETZCNT show it, and the sleepers in sleep order.
static SemView sem_view(const Kernel& k, const sem_array& s) {
    const kern_ipc_perm& p = s.sem_perm;
    SemView v;
    v.semid = p.id;
    v.key = p.key;
    v.mode = p.mode & 0777;
    v.nsems = s.nsems();
    v.uid = p.uid, v.gid = p.gid, v.cuid = p.cuid, v.cgid = p.cgid;
    v.otime = static_cast<std::int64_t>(s.sem_otime);
    v.ctime = static_cast<std::int64_t>(s.sem_ctime);
    for (std::size_t i = 0; i < s.nsems(); ++i)
        v.sems.push_back({s.sems[i].semval, s.sems[i].sempid, count_semcnt(s, static_cast<int>(i), false), count_semcnt(s, static_cast<int>(i), true)});
    v.pending = std::vector<std::string>{};
    for (const auto& q : s.queues) v.pending->push_back(k.task(q.pid)->comm);
    return v;
}

Observation observe(const Kernel& k) {
    Observation o;
    for (const auto& [pid, t] : k.tasks()) o.procs.push_back(proc_view(t));
    for (const auto& [idx, s] : k.ns().shm_ids.entries) o.shms.push_back(shm_view(s));
    for (const auto& [idx, q] : k.ns().msg_ids.entries) o.msqs.push_back(msq_view(k, q));
    for (const auto& [idx, s] : k.ns().sem_ids.entries) o.sems.push_back(sem_view(k, s));
    auto now = static_cast<std::int64_t>(k.now());
    o.now = {now, now};
    return o;
}

std::optional<ProcView> ModelBackend::proc(const std::string& name) const {
    const task_struct* t = m_kernel.task(pid_of(name));
    return t ? std::optional<ProcView>(proc_view(*t)) : std::nullopt;
}

std::optional<TaskState> ModelBackend::state_of(const std::string& name) const {
    const task_struct* t = m_kernel.task(pid_of(name));
    return t ? std::optional<TaskState>(t->state) : std::nullopt;
}

std::optional<ShmView> ModelBackend::shm(int shmid) const {
    const shmid_kernel* s = m_kernel.ns().shm_ids.find_id(shmid);
    return s ? std::optional<ShmView>(shm_view(*s)) : std::nullopt;
}

std::optional<MsqView> ModelBackend::msq(int msqid) const {
    const msg_queue* q = m_kernel.ns().msg_ids.find_id(msqid);
    return q ? std::optional<MsqView>(msq_view(m_kernel, *q)) : std::nullopt;
}

std::optional<SemView> ModelBackend::sem(int semid) const {
    const sem_array* s = m_kernel.ns().sem_ids.find_id(semid);
    return s ? std::optional<SemView>(sem_view(m_kernel, *s)) : std::nullopt;
}

// The model's clock is the step number, counted from 1 (Kernel::tick before each step).
StepTime ModelBackend::now() const {
    auto now = static_cast<std::int64_t>(m_kernel.now());
    return {now, now};
}

std::string ModelBackend::pid_name(int pid) const {
    if (pid == 0) return "";
    const task_struct* t = m_kernel.task(pid);
    return t ? t->comm : "pid " + std::to_string(pid);
}

std::optional<std::uint64_t> ModelBackend::ptpages(const std::string& name) const {
    const task_struct* t = m_kernel.task(pid_of(name));
    return t ? std::optional<std::uint64_t>(t->mm.pgtables.pages()) : std::nullopt;
}

}  // namespace sim
