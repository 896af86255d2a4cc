// Signal dispositions: signal() sets one (kernel/signal.c do_sigaction), kill's signal meets one
// (send_signal, get_signal), and a fault's SIGSEGV meets one (force_sig_fault).
#include "sim/kernel.h"
#include "sim/scenario/constants.h"

namespace sim {

using scenario::SigDisposition;

namespace {

// Signals whose default action is to do nothing (signal(7): SIGCHLD, SIGCONT, SIGURG, SIGWINCH).
bool sig_default_ignored(int sig) {
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

}  // namespace

// signal(SIG, WORD): the C library's sigaction, which is rt_sigaction, which is do_sigaction.
// Measured (Linux 6.x, issue 11): SIGKILL and SIGSTOP answer EINVAL whatever is asked, SIG_DFL
// included (sig_kernel_only); every other signal takes any of the three.
const SyscallResult& Kernel::signal(int pid, int sig, SigDisposition how) {
    begin(pid);
    ENTER(how == SigDisposition::handler ? N_("{who} (pid {who_pid}) calls signal({sig}, handler): the C library calls rt_sigaction")
          : how == SigDisposition::ign   ? N_("{who} (pid {who_pid}) calls signal({sig}, ignore): the C library calls rt_sigaction")
                                         : N_("{who} (pid {who_pid}) calls signal({sig}, default): the C library calls rt_sigaction"),
          ev::sig<"sig">(sig));
    task_struct& t = current();
    if (sig < 1 || sig >= static_cast<int>(t.sighand.action.size()) || sig == SIGKILL || sig == SIGSTOP)
        return FAILS(EINVAL, "do_sigaction", N_("{sig} can be neither caught nor ignored, nor even set to SIG_DFL (sig_kernel_only)"), ev::sig<"sig">(sig)),
               take();
    t.sighand.action[static_cast<std::size_t>(sig)] = how;
    EVENT(EventKind::field_change, "do_sigaction", {{ObjKind::task_struct, pid}},
          how == SigDisposition::handler ? N_("{task}'s sighand_struct now points {sig} at a handler")
          : how == SigDisposition::ign   ? N_("{task}'s sighand_struct now says SIG_IGN for {sig}: the kernel drops it when it is sent")
          : sig_default_ignored(sig)     ? N_("{task}'s sighand_struct now says SIG_DFL for {sig}: its default action, to ignore it")
                                         : N_("{task}'s sighand_struct now says SIG_DFL for {sig}: its default action, to end the process"),
          ev::task<"task">(pid), ev::sig<"sig">(sig));
    finish(0);
    return take();
}

// A signal that kill sent, at its target. Measured (Linux 6.x, issue 11): with a handler, a sleep in
// msgsnd/msgrcv ends with EINTR (even with SA_RESTART), for SIGUSR2, SIGTERM, SIGCHLD ... as for
// SIGUSR1; SIG_IGN drops the signal when it is sent (sig_ignored), so a sleeper sleeps on; SIG_DFL
// ends the process for SIGHUP SIGINT SIGUSR1 SIGUSR2 SIGALRM SIGTERM and does nothing for SIGCHLD.
// SIGKILL is never caught nor ignored.
void Kernel::deliver_signal(task_struct& target, int sig) {
    SigDisposition how = sig == SIGKILL ? SigDisposition::dfl : target.sighand.of(sig);
    if (how == SigDisposition::ign || (how == SigDisposition::dfl && sig_default_ignored(sig))) {
        EVENT(EventKind::signal, "sig_ignored", {{ObjKind::task_struct, target.pid}},
              how == SigDisposition::ign ? N_("{task} ignores {sig} (SIG_IGN): prepare_signal drops it, and nothing happens")
                                         : N_("{sig}'s default action is to ignore it: nothing happens"),
              ev::task<"task">(target.pid), ev::sig<"sig">(sig));
        return;
    }
    EVENT(EventKind::signal, "send_signal", {{ObjKind::task_struct, target.pid}}, N_("queues {sig} for {task}"), ev::sig<"sig">(sig),
          ev::task<"task">(target.pid));
    if (how == SigDisposition::handler) {
        if (target.state == TaskState::blocked && target.pending) interrupt_sleep(target, sig);
        EVENT(EventKind::signal, "handle_signal", {{ObjKind::task_struct, target.pid}}, N_("{task}'s do-nothing handler for {sig} runs and returns"),
              ev::task<"task">(target.pid), ev::sig<"sig">(sig));
        return;
    }
    do_exit(target, TaskState::killed, 0, sig);
}

// A bad access's SIGSEGV (force_sig_fault). Measured (Linux 6.x, issue 11): a handler that
// siglongjmps out abandons the access and the process carries on (twice in a row, as sigsetjmp
// restores the mask); SIG_IGN does not save it: force_sig_info_to_task resets an ignored SIGSEGV to
// SIG_DFL, and the process dies. `why` is the {why} of the sentence: a phrase, which may use {vaddr}.
void Kernel::force_sigsegv(std::uint64_t vaddr, const char* why_key) {
    auto why = ev::word<"why">(why_key);
    end_summary();  // the fault is always shown
    task_struct& t = current();
    SigDisposition how = t.sighand.of(SIGSEGV);
    if (how == SigDisposition::handler) {
        EVENT(EventKind::signal, "force_sig_fault", {{ObjKind::task_struct, t.pid}},
              N_("{why}: SIGSEGV at {vaddr}; {task}'s handler runs and siglongjmps out, so the access is abandoned and {task} carries on after it"),
              why, ev::hex<"vaddr">(vaddr), ev::task<"task">(t.pid));
        m_result.fate = Fate::abandoned;
        m_result.signo = SIGSEGV;
        return;
    }
    if (how == SigDisposition::ign) t.sighand.action[SIGSEGV] = SigDisposition::dfl;
    EVENT(EventKind::signal, "force_sig_fault", {{ObjKind::task_struct, t.pid}},
          how == SigDisposition::ign ? N_("{why}: SIGSEGV at {vaddr}; it is ignored, so the kernel resets it to SIG_DFL and {task} dies")
                                     : N_("{why}: SIGSEGV at {vaddr}; with no handler, {task} dies"),
          why, ev::hex<"vaddr">(vaddr), ev::task<"task">(t.pid));
    do_exit(t, TaskState::killed, 0, SIGSEGV);
    m_result.fate = Fate::killed;
    m_result.signo = SIGSEGV;
}

}  // namespace sim
