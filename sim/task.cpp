// Processes: fork copies the vm_area_structs but not the shared PTEs; exit and death detach
// every segment as shmdt would (kernel/fork.c dup_mmap, kernel/exit.c, mm/mmap.c exit_mmap).
#include "sim/kernel.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {

const SyscallResult& Kernel::fork(int pid, const std::string& child_comm) {
    begin(pid);
    ENTRY(cat("calls fork() for ", child_comm));
    task_struct child;
    child.pid = m_next_pid++;
    child.comm = child_comm;
    child.ppid = pid;
    child.cred = current().cred;                  // copy_creds
    child.rlim_memlock = current().rlim_memlock;  // the signal_struct's rlimits
    child.sighand = current().sighand;            // copy_sighand: handlers survive fork, not exec
    child.mm.mmap = current().mm.mmap;  // same attachments at the same addresses
    int cpid = child.pid;
    EMIT(EventKind::task_change, "copy_process", {{ObjKind::task_struct, pid}, {ObjKind::task_struct, cpid}},
         cat("creates task_struct ", cpid, " (", child_comm, ") with ", current().comm, "'s credentials (euid ", child.cred.euid, ", egid ",
             child.cred.egid, "), signal dispositions and RLIMIT_MEMLOCK"));
    EMIT(EventKind::attach, "dup_mmap", {{ObjKind::mm_struct, cpid}},
         cat("copies ", child.mm.mmap.size(), " vm_area_struct(s); the PTEs of shared mappings are not copied",
             " (vma_needs_copy is false), so ", child_comm, " faults on its first touch of each page"));
    m_tasks.emplace(cpid, std::move(child));
    for (const auto& [start, vma] : m_tasks.at(cpid).mm.mmap)
        if (shmid_kernel* shp = m_ns.shm_ids.find_id(vma.shmid)) shm_open(*shp, cpid, start, "fork");
    // fork returns 0 in the child; its memory, PROC.buf with it, is a copy of the parent's.
    m_tasks.at(cpid).regs = user_regs{0, 0, {}, 0, current().regs.buf};
    finish(cpid);
    return take();
}

// exit_mmap: every mapping goes, in address order, each a shm_close with lpid = the dying process.
void Kernel::exit_mm(task_struct& t) {
    auto maps = t.mm.mmap;
    for (const auto& [start, vma] : maps) {
        t.mm.zap_range(vma.vm_start, vma.vm_end);
        t.mm.mmap.erase(start);
        shm_close(vma.shmid, t.pid, start, "exit_mmap");
    }
    free_pgtables(t, 0, TASK_SIZE, 0, 0);  // exit_mmap frees them all at once
}

void Kernel::do_exit(task_struct& t, TaskState how, int code, int sig) {
    int saved = m_current;
    set_current(t.pid);  // the detaches are the dying process's own: lpid becomes its pid
    if (t.pending) {
        leave_wait_queues(t);
        EMIT(EventKind::sleep, "do_exit", {{ObjKind::task_struct, t.pid}}, cat(t.comm, " leaves the wait queue it slept on"));
        t.pending.reset();
    }
    exit_mm(t);
    set_current(saved);
    t.state = how;
    t.exit_code = code;
    t.term_signal = sig;
    EMIT(EventKind::task_change, "do_exit", {{ObjKind::task_struct, t.pid}},
         how == TaskState::killed ? cat(t.comm, " is killed by ", scenario::signal_name(sig))
                                  : cat(t.comm, " exits with status ", code));
}

const SyscallResult& Kernel::exit(int pid, int status) {
    begin(pid);
    ENTRY(cat("calls exit(", status, ")"));
    do_exit(current(), TaskState::exited, status, 0);
    m_result.fate = Fate::exited;
    return take();
}

const SyscallResult& Kernel::kill(int pid, int target_pid, int sig) {
    begin(pid);
    ENTRY(cat("calls kill(", target_pid, ", ", scenario::signal_name(sig), ")"));
    auto it = m_tasks.find(target_pid);
    if (it == m_tasks.end() || it->second.state == TaskState::exited || it->second.state == TaskState::killed)
        return FAIL_CALL(ESRCH, "kill_pid_info", "the target is gone (reaped)"), take();
    task_struct& target = it->second;
    // kill_ok_by_cred: the sender's real or effective uid is the target's real or saved uid, or the
    // sender holds CAP_KILL (root's euid 0). The target's effective uid does not count.
    const cred& c = current().cred;
    const cred& tc = target.cred;
    bool same_user = c.euid == tc.suid || c.euid == tc.uid || c.uid == tc.suid || c.uid == tc.uid;
    EMIT(EventKind::perm_check, "kill_ok_by_cred", {{ObjKind::task_struct, target_pid}},
         cat("sender uid ", c.uid, " euid ", c.euid, c.is_root() ? " (CAP_KILL)" : "", ", target uid ", tc.uid, " suid ", tc.suid));
    if (!c.is_root() && !same_user)
        return FAIL_CALL(EPERM, "check_kill_permission", "only root or a process of the same user may signal it"), take();
    if (sig != 0) deliver_signal(target, sig);
    if (target_pid == pid && current().state == TaskState::killed) {  // it killed itself: kill never returns
        m_result.fate = Fate::killed;
        m_result.signo = sig;
        return take();
    }
    finish(0);
    return take();
}

}  // namespace sim
