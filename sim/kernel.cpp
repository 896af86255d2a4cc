// Setup, lookup and the event recording every call shares.
#include "sim/kernel.h"

#include <utility>

#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {

bool Kernel::set_sysctl(const std::string& name, std::int64_t value) {
    if (value < 0 && name != "shmmax" && name != "shmall") return false;  // those two are unsigned
    auto u = static_cast<std::uint64_t>(value);
    if (name == "shmmax") m_ns.shm_ctlmax = u;
    else if (name == "shmall") m_ns.shm_ctlall = u;
    else if (name == "shmmni") m_ns.shm_ctlmni = value;
    else if (name == "msgmax") m_ns.msg_ctlmax = value;
    else if (name == "msgmnb") m_ns.msg_ctlmnb = value;
    else if (name == "msgmni") m_ns.msg_ctlmni = value;
    else if (name == "msg_next_id" && value <= INT32_MAX) m_ns.msg_ids.next_id = static_cast<int>(value);
    else if (name == "shm_next_id" && value <= INT32_MAX) m_ns.shm_ids.next_id = static_cast<int>(value);
    else if (name == "sem_next_id" && value <= INT32_MAX) m_ns.sem_ids.next_id = static_cast<int>(value);
    else if (name == "semmsl") m_ns.sc_semmsl = value;
    else if (name == "semmns") m_ns.sc_semmns = value;
    else if (name == "semopm") m_ns.sc_semopm = value;
    else if (name == "semmni") m_ns.sc_semmni = value;
    else return false;
    return true;
}

int Kernel::spawn(const std::string& comm, std::uint32_t uid, std::uint32_t gid) {
    task_struct t;
    t.pid = m_next_pid++;
    t.comm = comm;
    t.cred = cred::of(uid, gid);
    t.mm.mmap_base = mmap_base_for(m_spawned++);
    int pid = t.pid;
    m_tasks.emplace(pid, std::move(t));
    return pid;
}

const task_struct* Kernel::task(int pid) const {
    auto it = m_tasks.find(pid);
    return it == m_tasks.end() ? nullptr : &it->second;
}

const task_struct* Kernel::task_by_name(const std::string& comm) const {
    for (const auto& [pid, t] : m_tasks)
        if (t.comm == comm) return &t;
    return nullptr;
}

void Kernel::begin(int pid, Entry how) {
    m_caller = pid;
    set_current(pid);
    m_entry = how;
    m_ret_address = false;
    // Field by field, keeping the vectors' memory for this call's path.
    m_result.fate = Fate::returned;
    m_result.ret = 0;
    m_result.err = m_result.signo = 0;
    m_result.data.clear();
    m_result.mtype = 0;
    m_result.events.clear();
    m_result.texts.clear();
}

// The current task's call returns: into its registers, and into the step's result when it is the caller
// (a task woken during the step finishes its own, older call).
SyscallResult& Kernel::finish(std::int64_t ret, std::string data, std::int64_t mtype) {
    task_struct& t = current();
    t.state = TaskState::ready;
    t.pending.reset();
    if (m_current == m_caller) {
        m_result.fate = Fate::returned;
        m_result.ret = ret;
        m_result.err = 0;
        m_result.data = data;
        m_result.mtype = mtype;
    }
    bool access = m_current == m_caller && m_entry == Entry::memory_access;
    if (access)
        EVENT(EventKind::ret, "user space", {{ObjKind::task_struct, m_current}}, N_("the access is done; {who} carries on"),
              ev::task<"who">(m_current));
    else if (m_ret_address && m_current == m_caller)
        EVENT(EventKind::ret, "syscall_exit_to_user_mode", {{ObjKind::task_struct, m_current}}, N_("returns {addr} to {who}"),
              ev::hex<"addr">(static_cast<std::uint64_t>(ret)), ev::task<"who">(m_current));
    else
        EVENT(EventKind::ret, "syscall_exit_to_user_mode", {{ObjKind::task_struct, m_current}}, N_("returns {ret} to {who}"),
              ev::num<"ret">(ret), ev::task<"who">(m_current));
    // Field by field: PROC.buf, the largest part of the registers, stays as it is.
    t.regs.ret = ret;
    t.regs.err = 0;
    t.regs.data = std::move(data);
    t.regs.mtype = mtype;
    return m_result;
}

SyscallResult& Kernel::fail(int err) {
    task_struct& t = current();
    t.state = TaskState::ready;
    t.pending.reset();
    if (m_current == m_caller) {
        m_result.fate = Fate::returned;
        m_result.ret = -1;
        m_result.err = err;
    }
    t.regs.ret = -1;
    t.regs.err = err;
    t.regs.data.clear();
    t.regs.mtype = 0;
    return m_result;
}

// ipcperms: which class of the mode the caller's euid falls in, what that class grants, and what
// the call asks; root passes anyway (CAP_IPC_OWNER).
void Kernel::ipcperms_event(ObjKind kind, std::int64_t id, const kern_ipc_perm& p, int flag) {
    const cred& c = current().cred;
    int asked = (flag >> 6 | flag >> 3 | flag) & 7;
    PermClass cls = perm_class(p, c);
    int granted = static_cast<int>(p.mode >> (cls == PermClass::owner ? 6 : cls == PermClass::group ? 3 : 0)) & 7;
    const char* in_class = cls == PermClass::owner ? N_("the owner class") : cls == PermClass::group ? N_("the group class") : N_("the other class");
    const char* msgid = c.is_root() && (asked & ~granted)
                            ? N_("euid {euid} is in {class} of mode {mode}, which grants {grants}; the call asks {asks}; root holds CAP_IPC_OWNER and passes anyway")
                            : N_("euid {euid} is in {class} of mode {mode}, which grants {grants}; the call asks {asks}");
    emit(EventKind::perm_check, "ipcperms", {{kind, id}}, msgid, ev::unum<"euid">(c.euid), ev::word<"class">(in_class),
         ev::oct<"mode">(p.mode & 0777), ev::perms<"grants">(granted), ev::perms<"asks">(asked));
}


// The read check of shmctl_stat and msgctl_stat, which *_STAT_ANY skips; false when it failed the call.
bool Kernel::stat_permitted(const kern_ipc_perm& p, ObjRef ref, bool any, std::string_view function) {
    if (any) {
        EVENT(EventKind::check, function, {ref},
              ref.kind == ObjKind::shmid_kernel ? N_("SHM_STAT_ANY: no read permission is needed") : N_("MSG_STAT_ANY: no read permission is needed"));
        return true;
    }
    if (m_record_events) ipcperms_event(ref.kind, ref.id, p, 0444);
    if (ipcperms(p, current().cred, 0444)) return true;
    FAILS(EACCES, function, N_("IPC_STAT needs read permission"));
    return false;
}

// The kern_ipc_perm half of shmid_ds and msqid_ds (struct ipc64_perm, kernel_to_ipc64_perm).
CtlBuf Kernel::perm_buf(const kern_ipc_perm& p, BufKind kind, std::int64_t cmd) {
    CtlBuf b;
    b.kind = kind;
    b.cmd = static_cast<std::int32_t>(cmd);
    b.key = p.key;
    b.mode = p.mode;
    b.uid = p.uid, b.gid = p.gid, b.cuid = p.cuid, b.cgid = p.cgid;
    return b;
}

void Kernel::copy_to_buf(CtlBuf b) {
    if (m_into_buf) current().regs.buf = std::move(b);
}

const SyscallResult& Kernel::take() {
    settle();
    if (m_current != m_caller) set_current(m_caller);  // a lookup only when another task ran last
    return m_result;
}

}  // namespace sim
