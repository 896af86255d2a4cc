// msgget, msgsnd, msgrcv: the rules, errno order and wait queues of ipc/msg.c
// (do_msgsnd, do_msgrcv, find_msg, testmsg, pipelined_send, ss_wakeup).
#include <algorithm>

#include "sim/kernel.h"
#include "sim/text.h"

namespace sim {
namespace {

const ObjRef kMsgIds{ObjKind::ipc_ids, 1};
ObjRef q_ref(int id) { return {ObjKind::msg_queue, id}; }
ObjRef m_ref(int id, const msg_msg& m) { return {ObjKind::msg_msg, id, m.serial}; }
ObjRef t_ref(int pid) { return {ObjKind::task_struct, pid}; }

// convert_mode: what msgtyp and msgflg ask for. msgtyp < 0 becomes |msgtyp|.
SearchMode convert_mode(std::int64_t& msgtyp, std::int64_t msgflg) {
    if (msgflg & MSG_COPY) return SearchMode::number;
    if (msgtyp == 0) return SearchMode::any;
    if (msgtyp < 0) {
        msgtyp = msgtyp == INT64_MIN ? INT64_MAX : -msgtyp;
        return SearchMode::lessequal;
    }
    return (msgflg & MSG_EXCEPT) ? SearchMode::notequal : SearchMode::equal;
}

bool testmsg(const msg_msg& m, std::int64_t type, SearchMode mode) {
    switch (mode) {
    case SearchMode::any:
    case SearchMode::number: return true;
    case SearchMode::lessequal: return m.m_type <= type;
    case SearchMode::equal: return m.m_type == type;
    case SearchMode::notequal: return m.m_type != type;
    }
    return false;
}

std::string rule_text(std::int64_t type, SearchMode mode) {
    switch (mode) {
    case SearchMode::any: return "any type (msgtyp 0)";
    case SearchMode::equal: return cat("type ", type);
    case SearchMode::notequal: return cat("any type but ", type, " (MSG_EXCEPT)");
    case SearchMode::lessequal: return cat("the lowest type <= ", type);
    case SearchMode::number: return cat("the message at position ", type, " (MSG_COPY)");
    }
    return "?";
}

// find_msg: the first match, or for lessequal the lowest type, first among equals.
std::optional<std::size_t> find_msg(const msg_queue& msq, std::int64_t msgtyp, SearchMode mode) {
    std::optional<std::size_t> found;
    std::int64_t count = 0;
    for (std::size_t i = 0; i < msq.q_messages.size(); ++i) {
        const msg_msg& m = msq.q_messages[i];
        if (!testmsg(m, msgtyp, mode)) continue;
        if (mode == SearchMode::lessequal && m.m_type != 1) {
            msgtyp = m.m_type - 1;  // from here on only a strictly lower type can win
            found = i;
        } else if (mode == SearchMode::number) {
            if (msgtyp == count) return i;
        } else {
            return i;
        }
        ++count;
    }
    return found;
}

bool fits(const msg_queue& q, std::uint64_t msgsz) {
    return msgsz + q.q_cbytes <= q.q_qbytes && 1 + q.q_qnum <= q.q_qbytes;
}

std::string fill_text(const msg_queue& q) {
    return cat(q.q_cbytes, " of ", q.q_qbytes, " bytes in ", q.q_qnum, " message(s)");
}

// Why a message does not fit: too many bytes, or one message too many (qbytes bounds both).
std::string misfit_text(const msg_queue& q, std::uint64_t msgsz) {
    if (msgsz + q.q_cbytes > q.q_qbytes)
        return cat("does not fit: q_cbytes ", q.q_cbytes, " + ", msgsz, " byte(s) > q_qbytes ", q.q_qbytes);
    return cat("does not fit: q_qnum ", q.q_qnum, " + 1 message > q_qbytes ", q.q_qbytes, " (q_qbytes bounds the number of messages too)");
}

}  // namespace

SyscallResult Kernel::msgget(int pid, std::int64_t key, std::int64_t msgflg) {
    key = static_cast<std::int32_t>(key);  // key_t is an int
    begin(pid);
    ENTRY(cat("calls msgget(key=", key, ", msgflg=", oct(static_cast<std::uint64_t>(msgflg)), ")"));
    IpcGetOps ops{kMsgIds, ObjKind::msg_queue, "queue",
                  [&](std::int64_t k) { msg_queue* q = m_ns.msg_ids.find_key(k); return q ? &q->q_perm : nullptr; },
                  [&]() -> SyscallResult& { return newque(key, msgflg); },
                  [](kern_ipc_perm&) { return false; }};
    ipcget(ops, key, msgflg);
    return take();
}

SyscallResult& Kernel::newque(std::int64_t key, std::int64_t msgflg) {
    msg_queue q;
    q.q_perm = new_perm(key, msgflg, current().cred);
    q.q_qbytes = static_cast<std::uint64_t>(m_ns.msg_ctlmnb);
    q.q_ctime = m_now;
    std::optional<int> added = m_ns.msg_ids.add(std::move(q), m_ns.msg_ctlmni);
    if (!added) return FAIL_CALL(ENOSPC, "ipc_addid", cat(m_ns.msg_ids.in_use, " queues exist; msgmni allows ", m_ns.msg_ctlmni));
    int id = *added;
    EMIT(EventKind::id_alloc, "ipc_idr_alloc", {kMsgIds, q_ref(id)},
         cat("takes index ", ipcid_to_idx(id), " (seq ", ipcid_to_seq(id), "), so msqid = ", ipcid_to_seq(id), " * 32768 + ", ipcid_to_idx(id), " = ", id));
    EMIT(EventKind::create, "newque", {q_ref(id)},
         cat("creates msg_queue ", id, ": empty, mode ", oct(static_cast<std::uint64_t>(msgflg) & 0777),
             ", q_qbytes = msgmnb = ", m_ns.msg_ctlmnb));
    return finish(id);
}

SyscallResult Kernel::msgsnd(int pid, std::int64_t msqid, std::int64_t mtype, const std::string& text, std::int64_t msgflg,
                             std::optional<std::int64_t> explicit_msgsz) {
    begin(pid);
    // msgsz is what the caller passes; the text is only what its buffer starts with (version 2's msgsz=).
    std::int64_t msgsz = explicit_msgsz.value_or(static_cast<std::int64_t>(text.size()));
    ENTRY(cat("calls msgsnd(msqid=", msqid, ", mtype=", mtype, ", ", quoted(text), ", msgsz=", msgsz, ", msgflg=",
                   oct(static_cast<std::uint64_t>(msgflg)), ")"));
    msg_queue* q = m_ns.msg_ids.find_id(static_cast<int>(msqid));
    if (msgsz > m_ns.msg_ctlmax || msgsz < 0 || msqid < 0)
        FAIL_CALL(EINVAL, "do_msgsnd", msgsz < 0 ? cat("msgsz ", msgsz, " is negative (a size_t read as long)")
                                    : msqid < 0 ? cat("msqid ", msqid, " is negative")
                                                : cat(msgsz, " bytes is more than msgmax (", m_ns.msg_ctlmax, ")"));
    else if (mtype < 1)
        FAIL_CALL(EINVAL, "do_msgsnd", cat("mtype ", mtype, " is below 1"));
    else if (!q || msqid > INT32_MAX)
        FAIL_CALL(EINVAL, "msq_obtain_object_check", cat("no queue has msqid ", msqid));
    else {
        EMIT(EventKind::lookup, "msq_obtain_object_check", {q_ref(q->q_perm.id)}, cat("finds msg_queue ", q->q_perm.id));
        // load_msg copies msgsz bytes from the caller's buffer: a prefix of the text, or the text
        // and the zero bytes after it.
        std::string body = text;
        body.resize(static_cast<std::size_t>(msgsz), '\0');
        pending_ipc p;
        p.call = scenario::CallKind::Msgsnd;
        p.msqid = q->q_perm.id;
        p.msg = msg_msg{mtype, std::move(body), ++m_ns.msg_serial};
        p.msgflg = msgflg;
        msgsnd_try(*q, p);
    }
    return take();
}

// The body of do_msgsnd's loop: a first try (p on the caller's stack), or a woken sender's retry
// (p is its task's pending call).
SyscallResult& Kernel::msgsnd_try(msg_queue& msq, pending_ipc& p) {
    task_struct& t = current();
    int id = msq.q_perm.id;
    EMIT(EventKind::perm_check, "ipcperms", {q_ref(id)}, ipcperms_text(msq.q_perm, t.cred, 0222));
    if (!ipcperms(msq.q_perm, t.cred, 0222)) return FAIL_CALL(EACCES, "do_msgsnd", "sending needs write permission");
    msg_msg& msg = p.msg;  // moved on below: the call ends here
    if (!fits(msq, msg.m_ts())) {
        EMIT(EventKind::check, "msg_fits_inqueue", {q_ref(id)}, misfit_text(msq, msg.m_ts()));
        if (p.msgflg & IPC_NOWAIT) return FAIL_CALL(EAGAIN, "do_msgsnd", "the queue is full and IPC_NOWAIT is set");
        sleep_on(msq, p, true);
        return m_result;
    }
    EMIT(EventKind::check, "msg_fits_inqueue", {q_ref(id)}, cat("the queue holds ", fill_text(msq), ": the message fits"));
    msq.q_lspid = t.pid;
    msq.q_stime = m_now;
    if (!pipelined_send(msq, msg)) {
        msq.q_cbytes += msg.m_ts();
        msq.q_qnum++;
        const msg_msg& queued = msq.q_messages.emplace_back(std::move(msg));
        EMIT(EventKind::create, "do_msgsnd", {q_ref(id), m_ref(id, queued)},
             cat("no sleeping receiver wants it: msg_msg (type ", queued.m_type, ", ", queued.m_ts(), " bytes) joins the tail of q_messages; the queue now holds ", fill_text(msq)));
    }
    return finish(0);
}

// pipelined_send: sleeping receivers in arrival order; the first that matches takes the message
// straight from the sender, unless its buffer is too small, which wakes it with E2BIG.
bool Kernel::pipelined_send(msg_queue& msq, msg_msg& msg) {
    int id = msq.q_perm.id;
    for (std::size_t i = 0; i < msq.q_receivers.size();) {
        msg_receiver r = msq.q_receivers[i];
        task_struct& rt = m_tasks.at(r.r_tsk);
        if (!testmsg(msg, r.r_msgtype, r.r_mode)) {
            ++i;
            continue;
        }
        msq.q_receivers.erase(msq.q_receivers.begin() + static_cast<std::ptrdiff_t>(i));
        if (r.r_maxsize < msg.m_ts()) {
            rt.pending->r_err = E2BIG;
            WAKE_UP(r.r_tsk, "pipelined_send", cat(rt.comm, " waits for ", rule_text(r.r_msgtype, r.r_mode), " but its buffer of ", r.r_maxsize,
                                                   " bytes is too small: it is woken with E2BIG, and the scan goes on"));
            continue;
        }
        msq.q_lrpid = r.r_tsk;
        msq.q_rtime = m_now;
        EMIT(EventKind::copy, "pipelined_send", {q_ref(id), m_ref(id, msg), {ObjKind::msg_receiver, r.r_tsk}},
             cat(rt.comm, " sleeps waiting for ", rule_text(r.r_msgtype, r.r_mode), ": the message goes straight to it and never enters the queue (qnum stays ",
                 msq.q_qnum, "), and q_lrpid = ", rt.comm));
        rt.pending->r_msg = std::move(msg);
        WAKE_UP(r.r_tsk, "pipelined_send", cat("wakes ", rt.comm, " with the message"));
        return true;
    }
    return false;
}

// Sleeping: the caller joins the tail of q_senders or q_receivers and schedule()s away; its call,
// with the msg_receiver's fields, waits in its task until it is woken.
void Kernel::sleep_on(msg_queue& msq, pending_ipc& call, bool sender) {
    task_struct& t = current();
    if (!t.pending || &*t.pending != &call) t.pending = std::move(call);
    pending_ipc& p = *t.pending;
    int id = msq.q_perm.id;
    if (sender) {
        msq.q_senders.push_back({t.pid, p.msg.m_ts()});
        EMIT(EventKind::sleep, "ss_add", {q_ref(id), {ObjKind::msg_sender, t.pid}},
             cat(t.comm, " joins q_senders at position ", msq.q_senders.size(), " and sleeps (TASK_INTERRUPTIBLE) until a receive makes room"));
    } else {
        std::uint64_t maxsize = (p.msgflg & MSG_NOERROR) ? INT32_MAX : static_cast<std::uint64_t>(p.bufsz);
        msq.q_receivers.push_back({t.pid, p.msgtyp, p.mode, maxsize});
        EMIT(EventKind::sleep, "do_msgrcv", {q_ref(id), {ObjKind::msg_receiver, t.pid}},
             cat(t.comm, " joins q_receivers at position ", msq.q_receivers.size(), ", waiting for ", rule_text(p.msgtyp, p.mode),
                 " with a buffer of ", p.bufsz, " bytes", (p.msgflg & MSG_NOERROR) ? " (MSG_NOERROR: any size)" : "", ", and sleeps"));
    }
    p.r_msg.reset();
    p.r_err = EAGAIN;
    t.state = TaskState::blocked;
    if (m_current == m_caller) m_result.fate = Fate::blocked;
}

SyscallResult Kernel::msgrcv(int pid, std::int64_t msqid, std::int64_t msgsz, std::int64_t msgtyp, std::int64_t msgflg) {
    begin(pid);
    ENTRY(cat("calls msgrcv(msqid=", msqid, ", msgsz=", msgsz, ", msgtyp=", msgtyp, ", msgflg=", oct(static_cast<std::uint64_t>(msgflg)), ")"));
    std::int64_t typ = msgtyp;
    msg_queue* q = nullptr;
    if (msqid < 0 || msgsz < 0)
        FAIL_CALL(EINVAL, "do_msgrcv", "a negative msqid or msgsz");
    else if ((msgflg & MSG_COPY) && ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT)))
        FAIL_CALL(EINVAL, "do_msgrcv", "MSG_COPY needs IPC_NOWAIT and does not go with MSG_EXCEPT");
    else if (SearchMode mode = convert_mode(typ, msgflg); !(q = m_ns.msg_ids.find_id(static_cast<int>(msqid))) || msqid > INT32_MAX)
        FAIL_CALL(EINVAL, "msq_obtain_object_check", cat("no queue has msqid ", msqid));
    else {
        EMIT(EventKind::lookup, "msq_obtain_object_check", {q_ref(q->q_perm.id)}, cat("finds msg_queue ", q->q_perm.id));
        pending_ipc p;
        p.call = scenario::CallKind::Msgrcv;
        p.msqid = q->q_perm.id;
        p.bufsz = msgsz;
        p.msgtyp = typ;
        p.mode = mode;
        p.msgflg = msgflg;
        msgrcv_try(*q, p);
    }
    return take();
}

// The body of do_msgrcv's loop: a first try, or a retry after IPC_SET woke the sleeper.
SyscallResult& Kernel::msgrcv_try(msg_queue& msq, pending_ipc& p) {
    task_struct& t = current();
    int id = msq.q_perm.id;
    EMIT(EventKind::perm_check, "ipcperms", {q_ref(id)}, ipcperms_text(msq.q_perm, t.cred, 0444));
    if (!ipcperms(msq.q_perm, t.cred, 0444)) return FAIL_CALL(EACCES, "do_msgrcv", "receiving needs read permission");
    std::optional<std::size_t> at = find_msg(msq, p.msgtyp, p.mode);
    if (!at) {
        EMIT(EventKind::lookup, "find_msg", {q_ref(id)}, cat("searches ", msq.q_qnum, " message(s) for ", rule_text(p.msgtyp, p.mode), ": none matches"));
        if (p.msgflg & IPC_NOWAIT) return FAIL_CALL(ENOMSG, "do_msgrcv", "nothing matches and IPC_NOWAIT is set");
        sleep_on(msq, p, false);
        return m_result;
    }
    const msg_msg& m = msq.q_messages[*at];
    EMIT(EventKind::lookup, "find_msg", {q_ref(id), m_ref(id, m)},
         cat("searches for ", rule_text(p.msgtyp, p.mode), ": message ", *at + 1, " of ", msq.q_qnum, " (type ", m.m_type, ", ", m.m_ts(), " bytes) matches"));
    if (static_cast<std::uint64_t>(p.bufsz) < m.m_ts() && !(p.msgflg & MSG_NOERROR))
        return FAIL_CALL(E2BIG, "do_msgrcv", cat("the message has ", m.m_ts(), " bytes and the buffer ", p.bufsz, "; without MSG_NOERROR it stays queued"));
    if (p.msgflg & MSG_COPY) {
        // prepare_copy sizes the copy by the buffer; copy_msg refuses a message larger than that.
        auto room = std::min<std::uint64_t>(static_cast<std::uint64_t>(p.bufsz), static_cast<std::uint64_t>(m_ns.msg_ctlmax));
        if (m.m_ts() > room) return FAIL_CALL(EINVAL, "copy_msg", "MSG_COPY cannot truncate: the copy buffer is smaller than the message");
        EMIT(EventKind::copy, "copy_msg", {q_ref(id), m_ref(id, m)}, "MSG_COPY copies the message and leaves it queued");
        return finish(static_cast<std::int64_t>(m.m_ts()), m.m_text, m.m_type);
    }
    return msgrcv_take(msq, *at, p.bufsz);
}

// Unlinks a found message, then wakes the senders that may now fit (ss_wakeup).
SyscallResult& Kernel::msgrcv_take(msg_queue& msq, std::size_t at, std::int64_t bufsz) {
    task_struct& t = current();
    msg_msg m = std::move(msq.q_messages[at]);
    msq.q_messages.erase(msq.q_messages.begin() + static_cast<std::ptrdiff_t>(at));
    msq.q_qnum--;
    msq.q_cbytes -= m.m_ts();
    msq.q_lrpid = t.pid;
    msq.q_rtime = m_now;
    int id = msq.q_perm.id;
    EMIT(EventKind::destroy, "do_msgrcv", {q_ref(id), m_ref(id, m)},
         cat("unlinks the message: the queue now holds ", fill_text(msq), ", q_lrpid = ", t.comm));
    ss_wakeup(msq, false);
    auto n = std::min<std::uint64_t>(m.m_ts(), static_cast<std::uint64_t>(bufsz));
    if (n < m.m_ts())
        EMIT(EventKind::copy, "do_msg_fill", {t_ref(t.pid)}, cat("MSG_NOERROR: copies ", n, " of ", m.m_ts(), " bytes; the rest is lost"));
    m.m_text.resize(n);
    return finish(static_cast<std::int64_t>(n), std::move(m.m_text), m.m_type);
}

// ss_wakeup: wakes, in order, every sleeping sender whose message now fits, and moves the others
// to the tail. With kill (IPC_RMID) it wakes them all, to find the queue gone.
void Kernel::ss_wakeup(msg_queue& msq, bool kill) {
    std::vector<msg_sender> fit, wait;
    for (const auto& s : msq.q_senders) (kill || fits(msq, s.msgsz) ? fit : wait).push_back(s);
    for (const auto& s : fit)
        WAKE_UP(s.tsk, "ss_wakeup", kill ? cat("the queue is going away: wakes sender ", m_tasks.at(s.tsk).comm)
                                         : cat("wakes sender ", m_tasks.at(s.tsk).comm, ": its ", s.msgsz, " byte(s) now fit, if nobody gets in first"));
    if (!kill && !wait.empty())
        EMIT(EventKind::check, "ss_wakeup", {q_ref(msq.q_perm.id)},
             cat(wait.size(), " sender(s) whose message still does not fit move to the tail of q_senders"));
    fit.insert(fit.end(), wait.begin(), wait.end());
    msq.q_senders = std::move(fit);
}

// expunge_all: wakes every sleeping receiver with err (EIDRM: the queue is gone; EAGAIN: look again).
void Kernel::expunge_all(msg_queue& msq, int err) {
    for (const auto& r : msq.q_receivers) {
        m_tasks.at(r.r_tsk).pending->r_err = err;
        WAKE_UP(r.r_tsk, "expunge_all", cat("wakes receiver ", m_tasks.at(r.r_tsk).comm,
                                            err == EIDRM ? " with EIDRM" : " to check the queue again"));
    }
}

}  // namespace sim
