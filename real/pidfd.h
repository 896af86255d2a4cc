// pidfds: a handle on one process that no later process can inherit with its pid. Debian 12's
// <sys/pidfd.h> (glibc 2.36) declares its functions without extern "C", so C++ cannot link them;
// the two system calls are called directly.
#pragma once

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

namespace real {

inline int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
// 0, or -1 with errno (ESRCH once the process has exited, whatever now has its pid).
inline int signal_pidfd(int pidfd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

}  // namespace real
