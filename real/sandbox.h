// The kernel run's sandbox, entered by the coordinator process and never by the program that
// shows the run (ipcsim, ipcviz): its own IPC namespace, so ids start at 0, the sysctls are the
// run's own and every object dies with the run; its own PID namespace, whose init takes every
// process of the run with it when the coordinator goes; and, where the caller is not root, an
// unprivileged user namespace that maps the caller's own uid to root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace real {

// Moves this process into new IPC and user namespaces, and makes its next child the init of a
// new PID namespace (unshare(CLONE_NEWPID)). Returns why not, when it cannot.
std::optional<std::string> enter_run_namespaces();

// `ipcsim record`: moves this process (the tracer, whose children inherit it) into a new IPC
// namespace, inside a user namespace that maps only the caller's own uid and gid when it is not root.
std::optional<std::string> enter_record_namespace();

// The PID namespace's init: a child that does nothing but wait for this process to go. When it
// sees the pipe close (or gets PR_SET_PDEATHSIG), it exits, and the kernel kills every process
// of the namespace (zap_pid_ns_processes), whatever its uid. Call right after
// enter_run_namespaces(). Returns its pid, or why it could not be made.
struct NamespaceInit {
    int pid = 0;
    int pidfd = -1;
    int lifeline = -1;  // the write end of its pipe: held by this process alone
};
NamespaceInit start_namespace_init(std::string& why);

// Writes /proc/sys/kernel/NAME inside the current IPC namespace; only the IPC namespace's own
// sysctls are accepted, whatever the caller asks.
std::optional<std::string> write_ipc_sysctl(const std::string& name, std::int64_t value);
// Writes a list of them in order, except that semmsl, semmns, semopm and semmni (`sysctl sem`)
// go to /proc/sys/kernel/sem together, in one write, with the ones not named kept as they are.
std::optional<std::string> write_ipc_sysctls(const std::vector<std::pair<std::string, std::int64_t>>& sysctls);
// /proc/sys/kernel/NAME of the current IPC namespace, when readable.
std::optional<std::int64_t> read_ipc_sysctl(const std::string& name);

// Pins this process to one CPU at SCHED_FIFO priority 1, so that processes woken together run in the
// order they were woken (the kernel run's processes, and a recording's). Fails quietly without the right.
void run_fifo_on(int cpu);

// Whether /proc/PID/pagemap shows frame numbers to this process: measured on a page of its own,
// since that takes CAP_SYS_ADMIN in the machine's first user namespace, not just uid 0.
bool pagemap_shows_frames();

// Closes every file descriptor from 3 up except those in `keep`: a process of the run holds
// nothing of the coordinator's (its other channels, pidfds, the front's socket).
void close_all_fds_but(std::vector<int> keep);

}  // namespace real
