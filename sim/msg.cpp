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

// What a receiver waits for, as a phrase of an event with a {msgtyp} argument.
const char* rule_word(SearchMode mode) {
    switch (mode) {
    case SearchMode::any: return N_("any type (msgtyp 0)");
    case SearchMode::equal: return N_("type {msgtyp}");
    case SearchMode::notequal: return N_("any type but {msgtyp} (MSG_EXCEPT)");
    case SearchMode::lessequal: return N_("the lowest type <= {msgtyp}");
    case SearchMode::number: return N_("the message at position {msgtyp} (MSG_COPY)");
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

// How full a queue is, as the arguments of an event whose sentence shows them.
#define QUEUE_FILL(q) ev::unum<"cbytes">((q).q_cbytes), ev::unum<"qbytes">((q).q_qbytes), ev::unum<"qnum">((q).q_qnum)

}  // namespace

const SyscallResult& Kernel::msgget(int pid, std::int64_t key, std::int64_t msgflg) {
    key = static_cast<std::int32_t>(key);  // key_t is an int
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls msgget(key={key}, msgflg={msgflg})"), ev::num<"key">(key), ev::oct<"msgflg">(static_cast<std::uint64_t>(msgflg)));
    IpcGetOps ops{kMsgIds, ObjKind::msg_queue,
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
    if (!added)
        return FAILS(ENOSPC, "ipc_addid", N_("{n} queues exist; msgmni allows {msgmni}"), ev::num<"n">(m_ns.msg_ids.in_use),
                     ev::num<"msgmni">(m_ns.msg_ctlmni));
    int id = *added;
    EVENT(EventKind::id_alloc, "ipc_idr_alloc", ObjRefs({kMsgIds, q_ref(id)}),
          N_("takes index {idx} (seq {seq}), so msqid = {seq} * 32768 + {idx} = {id}"), ev::num<"idx">(ipcid_to_idx(id)),
          ev::num<"seq">(ipcid_to_seq(id)), ev::num<"id">(id));
    EVENT(EventKind::create, "newque", {q_ref(id)}, N_("creates msg_queue {id}: empty, mode {mode}, q_qbytes = msgmnb = {msgmnb}"),
          ev::num<"id">(id), ev::oct<"mode">(static_cast<std::uint64_t>(msgflg) & 0777), ev::num<"msgmnb">(m_ns.msg_ctlmnb));
    return finish(id);
}

const SyscallResult& Kernel::msgsnd(int pid, std::int64_t msqid, std::int64_t mtype, const std::string& text, std::int64_t msgflg,
                             std::optional<std::int64_t> explicit_msgsz) {
    begin(pid);
    // msgsz is what the caller passes; the text is only what its buffer starts with (version 2's msgsz=).
    std::int64_t msgsz = explicit_msgsz.value_or(static_cast<std::int64_t>(text.size()));
    ENTER(N_("{who} (pid {who_pid}) calls msgsnd(msqid={msqid}, mtype={mtype}, {text}, msgsz={msgsz}, msgflg={msgflg})"),
          ev::num<"msqid">(msqid), ev::num<"mtype">(mtype), ev::text<"text">(keep(std::string_view(text).substr(0, 33))), ev::num<"msgsz">(msgsz),
          ev::oct<"msgflg">(static_cast<std::uint64_t>(msgflg)));
    msg_queue* q = m_ns.msg_ids.find_id(static_cast<int>(msqid));
    if (msgsz > m_ns.msg_ctlmax || msgsz < 0 || msqid < 0)
        FAILS(EINVAL, "do_msgsnd",
              msgsz < 0   ? N_("msgsz {msgsz} is negative (a size_t read as long)")
              : msqid < 0 ? N_("msqid {msqid} is negative")
                          : N_("{msgsz} bytes is more than msgmax ({msgmax})"),
              ev::num<"msgsz">(msgsz), ev::num<"msqid">(msqid), ev::num<"msgmax">(m_ns.msg_ctlmax));
    else if (mtype < 1)
        FAILS(EINVAL, "do_msgsnd", N_("mtype {mtype} is below 1"), ev::num<"mtype">(mtype));
    else if (!q || msqid > INT32_MAX)
        FAILS(EINVAL, "msq_obtain_object_check", N_("no queue has msqid {msqid}"), ev::num<"msqid">(msqid));
    else {
        EVENT(EventKind::lookup, "msq_obtain_object_check", {q_ref(q->q_perm.id)}, N_("finds msg_queue {msqid}"), ev::num<"msqid">(q->q_perm.id));
        // load_msg copies msgsz bytes from the caller's buffer: a prefix of the text, or the text
        // and the zero bytes after it.
        pending_ipc p;
        p.call = scenario::CallKind::Msgsnd;
        p.msqid = q->q_perm.id;
        p.msg.m_type = mtype;
        p.msg.m_text.assign(text, 0, static_cast<std::size_t>(msgsz));
        p.msg.m_text.resize(static_cast<std::size_t>(msgsz), '\0');
        p.msg.serial = ++m_ns.msg_serial;
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
    if (m_record_events) ipcperms_event(ObjKind::msg_queue, id, msq.q_perm, 0222);
    if (!ipcperms(msq.q_perm, t.cred, 0222)) return FAILS(EACCES, "do_msgsnd", N_("sending needs write permission"));
    msg_msg& msg = p.msg;  // moved on below: the call ends here
    if (!fits(msq, msg.m_ts())) {
        // Too many bytes, or one message too many: q_qbytes bounds both.
        EVENT(EventKind::check, "msg_fits_inqueue", {q_ref(id)},
              msg.m_ts() + msq.q_cbytes > msq.q_qbytes
                  ? N_("does not fit: q_cbytes {cbytes} + {msgsz} byte(s) > q_qbytes {qbytes}")
                  : N_("does not fit: q_qnum {qnum} + 1 message > q_qbytes {qbytes} (q_qbytes bounds the number of messages too)"),
              QUEUE_FILL(msq), ev::unum<"msgsz">(msg.m_ts()));
        if (p.msgflg & IPC_NOWAIT) return FAILS(EAGAIN, "do_msgsnd", N_("the queue is full and IPC_NOWAIT is set"));
        sleep_on(msq, p, true);
        return m_result;
    }
    EVENT(EventKind::check, "msg_fits_inqueue", {q_ref(id)}, N_("the queue holds {cbytes} of {qbytes} bytes in {qnum} message(s): the message fits"),
          QUEUE_FILL(msq));
    msq.q_lspid = t.pid;
    msq.q_stime = m_now;
    if (!pipelined_send(msq, msg)) {
        msq.q_cbytes += msg.m_ts();
        msq.q_qnum++;
        const msg_msg& queued = msq.q_messages.emplace_back(std::move(msg));
        EVENT(EventKind::create, "do_msgsnd", ObjRefs({q_ref(id), m_ref(id, queued)}),
              N_("no sleeping receiver wants it: msg_msg (type {mtype}, {size} bytes) joins the tail of q_messages; the queue now holds {cbytes} of {qbytes} bytes in {qnum} message(s)"),
              ev::num<"mtype">(queued.m_type), ev::unum<"size">(queued.m_ts()), QUEUE_FILL(msq));
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
            WAKE(r.r_tsk, "pipelined_send", N_("{receiver} waits for {rule} but its buffer of {bufsz} bytes is too small: it is woken with E2BIG, and the scan goes on"),
                 ev::task<"receiver">(r.r_tsk), ev::word<"rule">(rule_word(r.r_mode)), ev::num<"msgtyp">(r.r_msgtype), ev::unum<"bufsz">(r.r_maxsize));
            continue;
        }
        msq.q_lrpid = r.r_tsk;
        msq.q_rtime = m_now;
        EVENT(EventKind::copy, "pipelined_send", ObjRefs({q_ref(id), m_ref(id, msg), {ObjKind::msg_receiver, r.r_tsk}}),
              N_("{receiver} sleeps waiting for {rule}: the message goes straight to it and never enters the queue (qnum stays {qnum}), and q_lrpid = {receiver}"),
              ev::task<"receiver">(r.r_tsk), ev::word<"rule">(rule_word(r.r_mode)), ev::num<"msgtyp">(r.r_msgtype), ev::unum<"qnum">(msq.q_qnum));
        rt.pending->r_msg = std::move(msg);
        WAKE(r.r_tsk, "pipelined_send", N_("wakes {receiver} with the message"), ev::task<"receiver">(r.r_tsk));
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
        EVENT(EventKind::sleep, "ss_add", ObjRefs({q_ref(id), {ObjKind::msg_sender, t.pid}}),
              N_("{who} joins q_senders at position {pos} and sleeps (TASK_INTERRUPTIBLE) until a receive makes room"), ev::task<"who">(t.pid),
              ev::unum<"pos">(msq.q_senders.size()));
    } else {
        std::uint64_t maxsize = (p.msgflg & MSG_NOERROR) ? INT32_MAX : static_cast<std::uint64_t>(p.bufsz);
        msq.q_receivers.push_back({t.pid, p.msgtyp, p.mode, maxsize});
        EVENT(EventKind::sleep, "do_msgrcv", ObjRefs({q_ref(id), {ObjKind::msg_receiver, t.pid}}),
              (p.msgflg & MSG_NOERROR) ? N_("{who} joins q_receivers at position {pos}, waiting for {rule} with a buffer of {bufsz} bytes (MSG_NOERROR: any size), and sleeps")
                                       : N_("{who} joins q_receivers at position {pos}, waiting for {rule} with a buffer of {bufsz} bytes, and sleeps"),
              ev::task<"who">(t.pid), ev::unum<"pos">(msq.q_receivers.size()), ev::word<"rule">(rule_word(p.mode)), ev::num<"msgtyp">(p.msgtyp),
              ev::num<"bufsz">(p.bufsz));
    }
    p.r_msg.reset();
    p.r_err = EAGAIN;
    t.state = TaskState::blocked;
    if (m_current == m_caller) m_result.fate = Fate::blocked;
}

const SyscallResult& Kernel::msgrcv(int pid, std::int64_t msqid, std::int64_t msgsz, std::int64_t msgtyp, std::int64_t msgflg) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls msgrcv(msqid={msqid}, msgsz={msgsz}, msgtyp={msgtyp}, msgflg={msgflg})"), ev::num<"msqid">(msqid),
          ev::num<"msgsz">(msgsz), ev::num<"msgtyp">(msgtyp), ev::oct<"msgflg">(static_cast<std::uint64_t>(msgflg)));
    std::int64_t typ = msgtyp;
    msg_queue* q = nullptr;
    if (msqid < 0 || msgsz < 0)
        FAILS(EINVAL, "do_msgrcv", N_("a negative msqid or msgsz"));
    else if ((msgflg & MSG_COPY) && ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT)))
        FAILS(EINVAL, "do_msgrcv", N_("MSG_COPY needs IPC_NOWAIT and does not go with MSG_EXCEPT"));
    else if (SearchMode mode = convert_mode(typ, msgflg); !(q = m_ns.msg_ids.find_id(static_cast<int>(msqid))) || msqid > INT32_MAX)
        FAILS(EINVAL, "msq_obtain_object_check", N_("no queue has msqid {msqid}"), ev::num<"msqid">(msqid));
    else {
        EVENT(EventKind::lookup, "msq_obtain_object_check", {q_ref(q->q_perm.id)}, N_("finds msg_queue {msqid}"), ev::num<"msqid">(q->q_perm.id));
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
    if (m_record_events) ipcperms_event(ObjKind::msg_queue, id, msq.q_perm, 0444);
    if (!ipcperms(msq.q_perm, t.cred, 0444)) return FAILS(EACCES, "do_msgrcv", N_("receiving needs read permission"));
    std::optional<std::size_t> at = find_msg(msq, p.msgtyp, p.mode);
    if (!at) {
        EVENT(EventKind::lookup, "find_msg", {q_ref(id)}, N_("searches {qnum} message(s) for {rule}: none matches"), ev::unum<"qnum">(msq.q_qnum),
              ev::word<"rule">(rule_word(p.mode)), ev::num<"msgtyp">(p.msgtyp));
        if (p.msgflg & IPC_NOWAIT) return FAILS(ENOMSG, "do_msgrcv", N_("nothing matches and IPC_NOWAIT is set"));
        sleep_on(msq, p, false);
        return m_result;
    }
    const msg_msg& m = msq.q_messages[*at];
    EVENT(EventKind::lookup, "find_msg", ObjRefs({q_ref(id), m_ref(id, m)}),
          N_("searches for {rule}: message {pos} of {qnum} (type {mtype}, {size} bytes) matches"), ev::word<"rule">(rule_word(p.mode)),
          ev::num<"msgtyp">(p.msgtyp), ev::unum<"pos">(*at + 1), ev::unum<"qnum">(msq.q_qnum), ev::num<"mtype">(m.m_type), ev::unum<"size">(m.m_ts()));
    if (static_cast<std::uint64_t>(p.bufsz) < m.m_ts() && !(p.msgflg & MSG_NOERROR))
        return FAILS(E2BIG, "do_msgrcv", N_("the message has {size} bytes and the buffer {bufsz}; without MSG_NOERROR it stays queued"),
                     ev::unum<"size">(m.m_ts()), ev::num<"bufsz">(p.bufsz));
    if (p.msgflg & MSG_COPY) {
        // prepare_copy sizes the copy by the buffer; copy_msg refuses a message larger than that.
        auto room = std::min<std::uint64_t>(static_cast<std::uint64_t>(p.bufsz), static_cast<std::uint64_t>(m_ns.msg_ctlmax));
        if (m.m_ts() > room) return FAILS(EINVAL, "copy_msg", N_("MSG_COPY cannot truncate: the copy buffer is smaller than the message"));
        EVENT(EventKind::copy, "copy_msg", ObjRefs({q_ref(id), m_ref(id, m)}), N_("MSG_COPY copies the message and leaves it queued"));
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
    EVENT(EventKind::destroy, "do_msgrcv", ObjRefs({q_ref(id), m_ref(id, m)}),
          N_("unlinks the message: the queue now holds {cbytes} of {qbytes} bytes in {qnum} message(s), q_lrpid = {who}"), QUEUE_FILL(msq),
          ev::task<"who">(t.pid));
    ss_wakeup(msq, false);
    auto n = std::min<std::uint64_t>(m.m_ts(), static_cast<std::uint64_t>(bufsz));
    if (n < m.m_ts())
        EVENT(EventKind::copy, "do_msg_fill", {t_ref(t.pid)}, N_("MSG_NOERROR: copies {n} of {size} bytes; the rest is lost"), ev::unum<"n">(n),
              ev::unum<"size">(m.m_ts()));
    m.m_text.resize(n);
    return finish(static_cast<std::int64_t>(n), std::move(m.m_text), m.m_type);
}

// ss_wakeup: wakes, in order, every sleeping sender whose message now fits, and moves the others
// to the tail. With kill (IPC_RMID) it wakes them all, to find the queue gone.
void Kernel::ss_wakeup(msg_queue& msq, bool kill) {
    if (msq.q_senders.empty()) return;
    std::vector<msg_sender> fit, wait;
    for (const auto& s : msq.q_senders) (kill || fits(msq, s.msgsz) ? fit : wait).push_back(s);
    for (const auto& s : fit)
        WAKE(s.tsk, "ss_wakeup",
             kill ? N_("the queue is going away: wakes sender {sender}") : N_("wakes sender {sender}: its {msgsz} byte(s) now fit, if nobody gets in first"),
             ev::task<"sender">(s.tsk), ev::unum<"msgsz">(s.msgsz));
    if (!kill && !wait.empty())
        EVENT(EventKind::check, "ss_wakeup", {q_ref(msq.q_perm.id)}, N_("{n} sender(s) whose message still does not fit move to the tail of q_senders"),
              ev::unum<"n">(wait.size()));
    fit.insert(fit.end(), wait.begin(), wait.end());
    msq.q_senders = std::move(fit);
}

// expunge_all: wakes every sleeping receiver with err (EIDRM: the queue is gone; EAGAIN: look again).
void Kernel::expunge_all(msg_queue& msq, int err) {
    for (const auto& r : msq.q_receivers) {
        m_tasks.at(r.r_tsk).pending->r_err = err;
        WAKE(r.r_tsk, "expunge_all", err == EIDRM ? N_("wakes receiver {receiver} with EIDRM") : N_("wakes receiver {receiver} to check the queue again"),
             ev::task<"receiver">(r.r_tsk));
    }
}

}  // namespace sim
