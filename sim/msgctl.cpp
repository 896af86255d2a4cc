// msgctl (ipc/msg.c ksys_msgctl, msgctl_stat, msgctl_down, freeque).
#include "sim/kernel.h"

namespace sim {
namespace {

const ObjRef kMsgIds{ObjKind::ipc_ids, 1};
ObjRef q_ref(int id) { return {ObjKind::msg_queue, id}; }

}  // namespace

const SyscallResult& Kernel::msgctl(int pid, std::int64_t msqid, std::int64_t cmd, const IpcSetFields& set, bool into_buf) {
    begin(pid);
    m_into_buf = into_buf;
    ENTER(N_("{who} (pid {who_pid}) calls msgctl(msqid={msqid}, cmd={cmd})"), ev::num<"msqid">(msqid), ev::msg_cmd<"cmd">(cmd));
    if (msqid < 0 || cmd < 0) FAILS(EINVAL, "ksys_msgctl", N_("a negative msqid or cmd"));
    else dispatch_msgctl(msqid, cmd, set);
    m_into_buf = true;
    return take();
}

void Kernel::dispatch_msgctl(std::int64_t msqid, std::int64_t cmd, const IpcSetFields& set) {
    switch (cmd) {
    case IPC_INFO:
    case MSG_INFO:
        EVENT(EventKind::lookup, "msgctl_info", {kMsgIds},
              cmd == IPC_INFO ? N_("copies the limits (msginfo); returns the highest index in use")
                              : N_("copies the totals (msginfo); returns the highest index in use"));
        copy_to_buf(msginfo_buf(cmd));
        finish(m_ns.msg_ids.max_idx());
        break;
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
        msgctl_stat(msqid, cmd);
        break;
    case IPC_SET:
    case IPC_RMID:
        msgctl_down(msqid, cmd, set);
        break;
    default:
        FAILS(EINVAL, "ksys_msgctl", N_("cmd {cmd} is not a msgctl command"), ev::msg_cmd<"cmd">(cmd));
    }
}

// msgctl_info. IPC_INFO: msgmax, msgmnb and msgmni are the sysctls; the rest are the uapi
// constants whatever the sysctls say (measured on 6.18: msgpool 512000 = MSGMNI * MSGMNB / 1024,
// msgmap and msgtql 16384 = MSGMNB, msgssz 16, msgseg 65535). MSG_INFO reuses the structure for
// totals: msgpool = queues in use, msgmap = queued messages, msgtql = queued bytes.
CtlBuf Kernel::msginfo_buf(std::int64_t cmd) const {
    CtlBuf b;
    b.kind = BufKind::msginfo;
    b.cmd = static_cast<std::int32_t>(cmd);
    b.msgmax = m_ns.msg_ctlmax;
    b.msgmnb = m_ns.msg_ctlmnb;
    b.msgmni = m_ns.msg_ctlmni;
    b.msgssz = 16;
    b.msgseg = 0xffff;
    if (cmd == IPC_INFO) {
        b.msgpool = MSGMNI_DEFAULT * MSGMNB_DEFAULT / 1024;
        b.msgmap = b.msgtql = MSGMNB_DEFAULT;
        return b;
    }
    b.msgpool = m_ns.msg_ids.in_use;
    for (const auto& [idx, q] : m_ns.msg_ids.entries) {
        b.msgmap += static_cast<std::int64_t>(q.q_qnum);
        b.msgtql += static_cast<std::int64_t>(q.q_cbytes);
    }
    return b;
}

// IPC_STAT by id; MSG_STAT and MSG_STAT_ANY by index, returning the id. MSG_STAT_ANY skips the
// read-permission check (msgctl_stat: "Don't leak" aside, it only audits).
SyscallResult& Kernel::msgctl_stat(std::int64_t id, std::int64_t cmd) {
    bool by_index = cmd != IPC_STAT;
    msg_queue* q = by_index ? m_ns.msg_ids.find_stat_idx(id) : m_ns.msg_ids.find_id(static_cast<int>(id));
    if (!q || id > INT32_MAX)
        return FAILS(EINVAL, "msq_obtain_object", by_index ? N_("no queue at index {index}") : N_("no queue has msqid {msqid}"),
                     ev::num<"index">(id), ev::num<"msqid">(id));
    int qid = q->q_perm.id;
    if (!stat_permitted(q->q_perm, q_ref(qid), cmd == MSG_STAT_ANY, "msgctl_stat")) return m_result;
    EVENT(EventKind::copy, "msgctl_stat", {q_ref(qid)}, N_("copies msqid_ds: qnum {qnum}, cbytes {cbytes}, qbytes {qbytes}, mode {mode}"),
          ev::unum<"qnum">(q->q_qnum), ev::unum<"cbytes">(q->q_cbytes), ev::unum<"qbytes">(q->q_qbytes), ev::oct<"mode">(q->q_perm.mode));
    CtlBuf b = perm_buf(q->q_perm, BufKind::msqid_ds, cmd);
    b.qnum = q->q_qnum, b.cbytes = q->q_cbytes, b.qbytes = q->q_qbytes;
    b.lspid = q->q_lspid, b.lrpid = q->q_lrpid;
    b.stime = static_cast<std::int64_t>(q->q_stime);
    b.rtime = static_cast<std::int64_t>(q->q_rtime);
    b.ctime = static_cast<std::int64_t>(q->q_ctime);
    copy_to_buf(b);
    return finish(by_index ? qid : 0);
}

SyscallResult& Kernel::msgctl_down(std::int64_t id, std::int64_t cmd, const IpcSetFields& set) {
    msg_queue* q = m_ns.msg_ids.find_id(static_cast<int>(id));
    if (!q || id > INT32_MAX) return FAILS(EINVAL, "ipcctl_obtain_check", N_("no queue has msqid {msqid}"), ev::num<"msqid">(id));
    int qid = q->q_perm.id;
    const cred& c = current().cred;
    EVENT(EventKind::perm_check, "ipcctl_obtain_check", {q_ref(qid)},
          c.is_root() ? N_("euid {euid} holds CAP_SYS_ADMIN; the queue's cuid is {cuid} and uid {uid} (the mode does not matter here)")
                      : N_("euid {euid}; the queue's cuid is {cuid} and uid {uid} (the mode does not matter here)"),
          ev::unum<"euid">(c.euid), ev::unum<"cuid">(q->q_perm.cuid), ev::unum<"uid">(q->q_perm.uid));
    if (!ipc_owner(q->q_perm, c)) return FAILS(EPERM, "ipcctl_obtain_check", N_("only the creator, the owner or CAP_SYS_ADMIN may do this"));
    if (cmd == IPC_RMID) {
        freeque(*q);
        return finish(0);
    }
    std::uint64_t qbytes = set.qbytes.value_or(q->q_qbytes);
    if (qbytes > static_cast<std::uint64_t>(m_ns.msg_ctlmnb) && !capable_sys_resource(c))
        return FAILS(EPERM, "msgctl_down", N_("qbytes {qbytes} is above msgmnb ({msgmnb}) and the caller lacks CAP_SYS_RESOURCE"), ev::unum<"qbytes">(qbytes),
                     ev::num<"msgmnb">(m_ns.msg_ctlmnb));
    if (!set.ids_valid()) return FAILS(EINVAL, "ipc_update_perm", N_("uid or gid (uid_t) -1 names no user or group (uid_valid): nothing is changed"));
    kern_ipc_perm& p = q->q_perm;
    if (set.uid) p.uid = *set.uid;
    if (set.gid) p.gid = *set.gid;
    if (set.mode) p.mode = (p.mode & ~0777u) | (*set.mode & 0777u);
    q->q_qbytes = qbytes;
    q->q_ctime = m_now;
    EVENT(EventKind::field_change, "msgctl_down", {q_ref(qid)},
          N_("sets uid {uid}, gid {gid}, mode {mode}, q_qbytes {qbytes}; sleepers are woken, since the new mode or size may change their answer"),
          ev::unum<"uid">(p.uid), ev::unum<"gid">(p.gid), ev::oct<"mode">(p.mode), ev::unum<"qbytes">(qbytes));
    expunge_all(*q, EAGAIN);
    ss_wakeup(*q, false);
    return finish(0);
}

// freeque: every sleeper wakes to EIDRM, the messages are freed, the id dies.
void Kernel::freeque(msg_queue& msq) {
    int id = msq.q_perm.id;
    expunge_all(msq, EIDRM);
    ss_wakeup(msq, true);
    EVENT(EventKind::destroy, "freeque", ObjRefs({q_ref(id), kMsgIds}),
          N_("frees msg_queue {id} and its {qnum} message(s) ({cbytes} bytes); the id is no longer valid"), ev::num<"id">(id),
          ev::unum<"qnum">(msq.q_qnum), ev::unum<"cbytes">(msq.q_cbytes));
    m_ns.msg_ids.remove(id);
}

}  // namespace sim
