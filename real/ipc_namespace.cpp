#include "real/ipc_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace real {
namespace {

bool write_text(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
}

std::optional<std::string> enter_user_and_ipc_namespace() {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWIPC) != 0)
        return std::string("neither CLONE_NEWIPC (needs root) nor an unprivileged user namespace is allowed here: ") + std::strerror(errno);
    if (!write_text("/proc/self/setgroups", "deny") || !write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n") ||
        !write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n"))
        return std::string("could not map the user's own uid in the new user namespace: ") + std::strerror(errno);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> enter_private_ipc_namespace() {
    if (::unshare(CLONE_NEWIPC) == 0) return std::nullopt;
    if (errno != EPERM) return std::string("unshare(CLONE_NEWIPC): ") + std::strerror(errno);
    return enter_user_and_ipc_namespace();
}

std::optional<std::string> probe_private_ipc_namespace() {
    int fds[2];
    if (::pipe(fds) != 0) return std::string("pipe: ") + std::strerror(errno);
    pid_t pid = ::fork();
    if (pid < 0) return std::string("fork: ") + std::strerror(errno);
    if (pid == 0) {
        ::close(fds[0]);
        auto why = enter_private_ipc_namespace();
        if (why) (void)::write(fds[1], why->data(), why->size());
        ::_exit(why ? 1 : 0);
    }
    ::close(fds[1]);
    std::string why;
    char buf[256];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) why.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
    return why.empty() ? std::string("could not make a private IPC namespace") : why;
}

std::optional<std::string> write_ipc_sysctl(const std::string& name, std::int64_t value) {
    if (write_text("/proc/sys/kernel/" + name, std::to_string(value) + "\n")) return std::nullopt;
    return "cannot set kernel." + name + " in the run's IPC namespace: " + std::strerror(errno);
}

}  // namespace real
