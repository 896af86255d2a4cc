// Processes: fork copies the vm_area_structs but not the shared PTEs; exit and death detach
// every segment as shmdt would (kernel/fork.c dup_mmap, kernel/exit.c, mm/mmap.c exit_mmap).
#include "sim/kernel.h"
#include "sim/scenario/constants.h"

namespace sim {

const SyscallResult& Kernel::fork(int pid, const std::string& child_comm) {
    begin(pid);
    // {child} is the task fork is about to make: the pid it will get, named once it exists.
    ENTER(N_("{who} (pid {who_pid}) calls fork() for {child}"), ev::task<"child">(m_next_pid));
    task_struct child;
    child.pid = m_next_pid++;
    child.comm = child_comm;
    child.ppid = pid;
    child.cred = current().cred;                  // copy_creds
    child.rlim_memlock = current().rlim_memlock;  // the signal_struct's rlimits
    child.sighand = current().sighand;            // copy_sighand: handlers survive fork, not exec
    child.mm.mmap = current().mm.mmap;  // same attachments at the same addresses
    child.mm.mmap_base = current().mm.mmap_base;
    int cpid = child.pid;
    EVENT(EventKind::task_change, "copy_process", ObjRefs({{ObjKind::task_struct, pid}, {ObjKind::task_struct, cpid}}),
          N_("creates task_struct {child_pid} ({child}) with {parent}'s credentials (euid {euid}, egid {egid}), signal dispositions and RLIMIT_MEMLOCK"),
          ev::task<"child">(cpid), ev::task<"parent">(pid), ev::unum<"euid">(child.cred.euid), ev::unum<"egid">(child.cred.egid));
    EVENT(EventKind::attach, "dup_mmap", {{ObjKind::mm_struct, cpid}},
          N_("copies {n} vm_area_struct(s); the PTEs of shared mappings are not copied (vma_needs_copy is false), so {child} faults on its first touch of each page"),
          ev::unum<"n">(child.mm.mmap.size()), ev::task<"child">(cpid));
    // copy_semundo: without CLONE_SYSVSEM the child starts with no sem_undo (child.sem_undo_list is empty).
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
        EVENT(EventKind::sleep, "do_exit", {{ObjKind::task_struct, t.pid}}, N_("{task} leaves the wait queue it slept on"), ev::task<"task">(t.pid));
        t.pending.reset();
    }
    exit_mm(t);
    exit_sem(t);
    set_current(saved);
    t.state = how;
    t.exit_code = code;
    t.term_signal = sig;
    EVENT(EventKind::task_change, "do_exit", {{ObjKind::task_struct, t.pid}},
          how == TaskState::killed ? N_("{task} is killed by {sig}") : N_("{task} exits with status {code}"), ev::task<"task">(t.pid),
          ev::sig<"sig">(sig), ev::num<"code">(code));
}

const SyscallResult& Kernel::exit(int pid, int status) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls exit({status})"), ev::num<"status">(status));
    do_exit(current(), TaskState::exited, status, 0);
    m_result.fate = Fate::exited;
    return take();
}

const SyscallResult& Kernel::kill(int pid, int target_pid, int sig) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls kill({target}, {sig})"), ev::num<"target">(target_pid), ev::sig<"sig">(sig));
    auto it = m_tasks.find(target_pid);
    if (it == m_tasks.end() || it->second.state == TaskState::exited || it->second.state == TaskState::killed)
        return FAILS(ESRCH, "kill_pid_info", N_("the target is gone (reaped)")), take();
    task_struct& target = it->second;
    // kill_ok_by_cred: the sender's real or effective uid is the target's real or saved uid, or the
    // sender holds CAP_KILL (root's euid 0). The target's effective uid does not count.
    const cred& c = current().cred;
    const cred& tc = target.cred;
    bool same_user = c.euid == tc.suid || c.euid == tc.uid || c.uid == tc.suid || c.uid == tc.uid;
    EVENT(EventKind::perm_check, "kill_ok_by_cred", {{ObjKind::task_struct, target_pid}},
          c.is_root() ? N_("sender uid {uid} euid {euid} (CAP_KILL), target uid {target_uid} suid {target_suid}")
                      : N_("sender uid {uid} euid {euid}, target uid {target_uid} suid {target_suid}"),
          ev::unum<"uid">(c.uid), ev::unum<"euid">(c.euid), ev::unum<"target_uid">(tc.uid), ev::unum<"target_suid">(tc.suid));
    if (!c.is_root() && !same_user)
        return FAILS(EPERM, "check_kill_permission", N_("only root or a process of the same user may signal it")), take();
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
