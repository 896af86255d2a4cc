// Signal dispositions: signal() sets one (kernel/signal.c do_sigaction), kill's signal meets one
// (send_signal, get_signal), and a fault's SIGSEGV meets one (force_sig_fault).
#include "sim/kernel.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {

using scenario::SigDisposition;

namespace {

// Signals whose default action is to do nothing (signal(7): SIGCHLD, SIGCONT, SIGURG, SIGWINCH).
bool sig_default_ignored(int sig) {
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

const char* disposition_word(SigDisposition how) {
    switch (how) {
    case SigDisposition::dfl: return "default";
    case SigDisposition::ign: return "ignore";
    case SigDisposition::handler: return "handler";
    }
    return "?";
}

}  // namespace

// signal(SIG, WORD): the C library's sigaction, which is rt_sigaction, which is do_sigaction.
// Measured (Linux 6.x, issue 11): SIGKILL and SIGSTOP answer EINVAL whatever is asked, SIG_DFL
// included (sig_kernel_only); every other signal takes any of the three.
const SyscallResult& Kernel::signal(int pid, int sig, SigDisposition how) {
    begin(pid);
    auto name = scenario::signal_name(sig);
    ENTRY(cat("calls signal(", name, ", ", disposition_word(how), "): the C library calls rt_sigaction"));
    task_struct& t = current();
    if (sig < 1 || sig >= static_cast<int>(t.sighand.action.size()) || sig == SIGKILL || sig == SIGSTOP)
        return FAIL_CALL(EINVAL, "do_sigaction", cat(name, " can be neither caught nor ignored, nor even set to SIG_DFL (sig_kernel_only)")), take();
    t.sighand.action[static_cast<std::size_t>(sig)] = how;
    EMIT(EventKind::field_change, "do_sigaction", {{ObjKind::task_struct, pid}},
         how == SigDisposition::handler ? cat(t.comm, "'s sighand_struct now points ", name, " at a handler")
         : how == SigDisposition::ign   ? cat(t.comm, "'s sighand_struct now says SIG_IGN for ", name, ": the kernel drops it when it is sent")
                                        : cat(t.comm, "'s sighand_struct now says SIG_DFL for ", name, ": its default action, ",
                                              sig_default_ignored(sig) ? "to ignore it" : "to end the process"));
    finish(0);
    return take();
}

// A signal that kill sent, at its target. Measured (Linux 6.x, issue 11): with a handler, a sleep in
// msgsnd/msgrcv ends with EINTR (even with SA_RESTART), for SIGUSR2, SIGTERM, SIGCHLD ... as for
// SIGUSR1; SIG_IGN drops the signal when it is sent (sig_ignored), so a sleeper sleeps on; SIG_DFL
// ends the process for SIGHUP SIGINT SIGUSR1 SIGUSR2 SIGALRM SIGTERM and does nothing for SIGCHLD.
// SIGKILL is never caught nor ignored.
void Kernel::deliver_signal(task_struct& target, int sig) {
    auto name = scenario::signal_name(sig);
    SigDisposition how = sig == SIGKILL ? SigDisposition::dfl : target.sighand.of(sig);
    if (how == SigDisposition::ign || (how == SigDisposition::dfl && sig_default_ignored(sig))) {
        EMIT(EventKind::signal, "sig_ignored", {{ObjKind::task_struct, target.pid}},
             how == SigDisposition::ign ? cat(target.comm, " ignores ", name, " (SIG_IGN): prepare_signal drops it, and nothing happens")
                                        : cat(name, "'s default action is to ignore it: nothing happens"));
        return;
    }
    EMIT(EventKind::signal, "send_signal", {{ObjKind::task_struct, target.pid}}, cat("queues ", name, " for ", target.comm));
    if (how == SigDisposition::handler) {
        if (target.state == TaskState::blocked && target.pending) interrupt_sleep(target, sig);
        EMIT(EventKind::signal, "handle_signal", {{ObjKind::task_struct, target.pid}},
             cat(target.comm, "'s do-nothing handler for ", name, " runs and returns"));
        return;
    }
    do_exit(target, TaskState::killed, 0, sig);
}

// A bad access's SIGSEGV (force_sig_fault). Measured (Linux 6.x, issue 11): a handler that
// siglongjmps out abandons the access and the process carries on (twice in a row, as sigsetjmp
// restores the mask); SIG_IGN does not save it: force_sig_info_to_task resets an ignored SIGSEGV to
// SIG_DFL, and the process dies.
void Kernel::force_sigsegv(std::uint64_t vaddr, const std::string& why) {
    end_summary();  // the fault is always shown
    task_struct& t = current();
    SigDisposition how = t.sighand.of(SIGSEGV);
    if (how == SigDisposition::handler) {
        EMIT(EventKind::signal, "force_sig_fault", {{ObjKind::task_struct, t.pid}},
             cat(why, ": SIGSEGV at ", hex(vaddr), "; ", t.comm, "'s handler runs and siglongjmps out, so the access is abandoned and ",
                 t.comm, " carries on after it"));
        m_result.fate = Fate::abandoned;
        m_result.signo = SIGSEGV;
        return;
    }
    if (how == SigDisposition::ign) t.sighand.action[SIGSEGV] = SigDisposition::dfl;
    EMIT(EventKind::signal, "force_sig_fault", {{ObjKind::task_struct, t.pid}},
         cat(why, ": SIGSEGV at ", hex(vaddr), how == SigDisposition::ign ? "; it is ignored, so the kernel resets it to SIG_DFL and " : "; with no handler, ",
             t.comm, " dies"));
    do_exit(t, TaskState::killed, 0, SIGSEGV);
    m_result.fate = Fate::killed;
    m_result.signo = SIGSEGV;
}

}  // namespace sim
