// Sleeping and waking: wake_up puts a task on the step's wake queue; settle runs the woken tasks in
// wake order until each has returned or gone back to sleep (docs/scenario-language.md, "Settling"). The kernel
// leaves that order to the scheduler; the kernel run serialises it the same way.
#include <algorithm>

#include "sim/kernel.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {

void Kernel::wake_up(int pid) {
    if (std::find(m_wake_q.begin(), m_wake_q.end(), pid) == m_wake_q.end()) m_wake_q.push_back(pid);
}

void Kernel::settle() {
    // Woken semop sleepers do not race: their wakers already did their semops, they only return.
    auto only_returns = [&](int pid) {
        const task_struct& t = m_tasks.at(pid);
        return t.pending && t.pending->call == scenario::CallKind::Semop;
    };
    if (m_wake_q.size() > 1 && !std::all_of(m_wake_q.begin(), m_wake_q.end(), only_returns)) {
        ++m_races;
        if (m_wake_order == WakeOrder::reversed) std::reverse(m_wake_q.begin(), m_wake_q.end());
        EVENT(EventKind::race, "wake_up_q", {},
              N_("{n} tasks are woken together and race for the queue. The scheduler decides who runs first; here they run in the order they were woken, {first} first"),
              ev::unum<"n">(m_wake_q.size()), ev::task<"first">(m_wake_q.front()));
    }
    if (m_wake_q.empty()) return;  // most calls wake nobody: the caller is still current
    while (!m_wake_q.empty()) {
        int pid = m_wake_q.front();
        m_wake_q.erase(m_wake_q.begin());
        task_struct& t = m_tasks.at(pid);
        if (t.state == TaskState::blocked && t.pending) resume(t);
    }
    set_current(m_caller);
}

// A woken task runs on from schedule() in do_msgsnd or do_msgrcv.
void Kernel::resume(task_struct& t) {
    set_current(t.pid);
    pending_ipc& p = *t.pending;
    if (p.call == scenario::CallKind::Semop) {
        // do_semtimedop after schedule(): queue.status is what the waker left.
        EVENT(EventKind::resume, "do_semtimedop", {{ObjKind::task_struct, t.pid}}, N_("{who} runs again after schedule() in semop"), ev::task<"who">(t.pid));
        if (p.r_err == 0) finish(0);
        else
            FAILS(p.r_err, "do_semtimedop",
                  p.r_err == EIDRM ? N_("the set was removed while it slept") : N_("its semop, done by the waker, failed"));
        return;
    }
    bool sender = p.call == scenario::CallKind::Msgsnd;
    EVENT(EventKind::resume, sender ? "do_msgsnd" : "do_msgrcv", {{ObjKind::task_struct, t.pid}},
          sender ? N_("{who} runs again after schedule() in msgsnd") : N_("{who} runs again after schedule() in msgrcv"), ev::task<"who">(t.pid));
    if (!sender && p.r_msg) {
        msg_msg m = *p.r_msg;
        auto n = std::min<std::uint64_t>(m.m_ts(), static_cast<std::uint64_t>(p.bufsz));
        finish(static_cast<std::int64_t>(n), m.m_text.substr(0, n), m.m_type);
        return;
    }
    if (!sender && p.r_err != EAGAIN) {
        FAILS(p.r_err, "do_msgrcv",
              p.r_err == EIDRM ? N_("the queue was removed while it slept") : N_("the message it was offered is larger than its buffer"));
        return;
    }
    msg_queue* q = m_ns.msg_ids.find_id(p.msqid);
    if (!q) {
        FAILS(EIDRM, sender ? "do_msgsnd" : "do_msgrcv", N_("the queue was removed while it slept (ipc_valid_object is false)"));
        return;
    }
    leave_wait_queues(t);  // ss_del / list_del: it re-queues at the tail if it must sleep again
    if (sender) msgsnd_try(*q, p);
    else msgrcv_try(*q, p);
}

void Kernel::leave_wait_queues(task_struct& t) {
    if (!t.pending) return;
    if (t.pending->call == scenario::CallKind::Semop) {
        // unlink_queue: it leaves its list; nobody is retried for that.
        if (sem_array* sma = m_ns.sem_ids.find_id(t.pending->semid)) {
            unlink_queue(*sma, t.pid);
            if (sma->complex_count == 0) unmerge_queues(*sma);
        }
        return;
    }
    msg_queue* q = m_ns.msg_ids.find_id(t.pending->msqid);
    if (!q) return;
    std::erase_if(q->q_senders, [&](const msg_sender& s) { return s.tsk == t.pid; });
    std::erase_if(q->q_receivers, [&](const msg_receiver& r) { return r.r_tsk == t.pid; });
}

// A handled signal ends a sleep in msgsnd/msgrcv: -ERESTARTNOHAND, which becomes EINTR because a
// handler runs (never restarted, even with SA_RESTART: signal(7)).
void Kernel::interrupt_sleep(task_struct& t, int sig) {
    int saved = m_current;
    set_current(t.pid);
    bool sender = t.pending->call == scenario::CallKind::Msgsnd;
    bool semop = t.pending->call == scenario::CallKind::Semop;
    EVENT(EventKind::wake, "signal_wake_up", {{ObjKind::task_struct, t.pid}},
          semop    ? N_("{sig} wakes {who} from its sleep in semop")
          : sender ? N_("{sig} wakes {who} from its sleep in msgsnd")
                   : N_("{sig} wakes {who} from its sleep in msgrcv"),
          ev::sig<"sig">(sig), ev::task<"who">(t.pid));
    leave_wait_queues(t);
    FAILS(EINTR, semop ? "do_semtimedop" : sender ? "do_msgsnd" : "do_msgrcv",
          N_("signal_pending: the call ends with -ERESTARTNOHAND, which becomes EINTR since a handler runs (never restarted)"));
    set_current(saved);
}

}  // namespace sim
