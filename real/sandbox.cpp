#include "real/sandbox.h"
#include "real/errno_text.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include "real/pidfd.h"
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
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

// Without root: a user namespace in which the caller's own uid and gid are root, so that it may
// make the other namespaces; no other uid exists there (so `uid=` processes need real root).
std::optional<std::string> enter_with_user_namespace() {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWIPC | CLONE_NEWPID) != 0)
        return because("neither CLONE_NEWIPC (needs root) nor an unprivileged user namespace is allowed here");
    if (!write_text("/proc/self/setgroups", "deny") || !write_text("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1\n") ||
        !write_text("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1\n"))
        return because("could not map the user's own uid in the new user namespace");
    return std::nullopt;
}

}  // namespace

void run_fifo_on(int cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ::sched_setaffinity(0, sizeof one, &one);
    sched_param p{};
    p.sched_priority = 1;
    ::sched_setscheduler(0, SCHED_FIFO, &p);
}

std::optional<std::string> enter_record_namespace() {
    if (::unshare(CLONE_NEWIPC) == 0) return std::nullopt;
    if (errno != EPERM) return because("unshare(CLONE_NEWIPC)");
    // The recorded program keeps its own uid: the map is the identity, not uid -> root.
    std::string uid = std::to_string(::geteuid()), gid = std::to_string(::getegid());
    if (::unshare(CLONE_NEWUSER | CLONE_NEWIPC) != 0)
        return because("neither CLONE_NEWIPC (needs root) nor an unprivileged user namespace is allowed here");
    if (!write_text("/proc/self/setgroups", "deny") || !write_text("/proc/self/uid_map", uid + " " + uid + " 1\n") ||
        !write_text("/proc/self/gid_map", gid + " " + gid + " 1\n"))
        return because("could not map the user's own uid in the new user namespace");
    return std::nullopt;
}

std::optional<std::string> enter_run_namespaces() {
    if (::unshare(CLONE_NEWIPC | CLONE_NEWPID) == 0) return std::nullopt;
    if (errno != EPERM) return because("unshare(CLONE_NEWIPC | CLONE_NEWPID)");
    return enter_with_user_namespace();
}

NamespaceInit start_namespace_init(std::string& why) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        why = because("pipe");
        return {};
    }
    pid_t pid = ::fork();
    if (pid < 0) {
        why = because("fork of the PID namespace's init");
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        return {};
    }
    if (pid == 0) {
        // pid 1 of the namespace. It holds only the pipe's read end, so a coordinator that died
        // before the prctl still shows as end of file.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        close_all_fds_but({pipe_fds[0]});
        char byte;
        while (::read(pipe_fds[0], &byte, 1) < 0 && errno == EINTR) {
        }
        ::_exit(0);
    }
    ::close(pipe_fds[0]);
    NamespaceInit init{pid, open_pidfd(pid), pipe_fds[1]};
    if (init.pidfd < 0) why = because("pidfd_open of the PID namespace's init");
    return init;
}

namespace {

// The sysctls of struct ipc_namespace (ipc/ipc_sysctl.c) that a scenario may set.
bool is_ipc_sysctl(const std::string& name) {
    static const char* const names[] = {"msgmax", "msgmnb", "msgmni", "shmmax", "shmall", "shmmni", "msg_next_id", "shm_next_id", "sem_next_id"};
    return std::any_of(std::begin(names), std::end(names), [&](const char* n) { return name == n; });
}

}  // namespace

std::optional<std::string> write_ipc_sysctl(const std::string& name, std::int64_t value) {
    if (!is_ipc_sysctl(name)) return "kernel." + name + " is not a sysctl of the IPC namespace";
    bool is_unsigned = name == "shmmax" || name == "shmall";  // unsigned longs: up to 2^64 - 1
    std::string text = is_unsigned ? std::to_string(static_cast<std::uint64_t>(value)) : std::to_string(value);
    if (write_text("/proc/sys/kernel/" + name, text + "\n")) return std::nullopt;
    return because("cannot set kernel." + name + " in the run's IPC namespace");
}

namespace {

// /proc/sys/kernel/sem's four numbers, in its order (sem_ctls in ipc/ipc_sysctl.c).
constexpr const char* kSemFields[] = {"semmsl", "semmns", "semopm", "semmni"};

int sem_field(const std::string& name) {
    for (int i = 0; i < 4; ++i)
        if (name == kSemFields[i]) return i;
    return -1;
}

std::optional<std::string> write_sem_sysctl(const std::vector<std::pair<std::string, std::int64_t>>& sysctls) {
    long long now[4] = {};
    int fd = ::open("/proc/sys/kernel/sem", O_RDONLY | O_CLOEXEC);
    char buf[128] = {};
    ssize_t n = fd >= 0 ? ::read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0) ::close(fd);
    if (n <= 0 || std::sscanf(buf, "%lld %lld %lld %lld", &now[0], &now[1], &now[2], &now[3]) != 4)
        return because("cannot read kernel.sem in the run's IPC namespace");
    for (const auto& [name, value] : sysctls)
        if (int i = sem_field(name); i >= 0) now[i] = value;
    std::string text = std::to_string(now[0]) + " " + std::to_string(now[1]) + " " + std::to_string(now[2]) + " " + std::to_string(now[3]) + "\n";
    if (write_text("/proc/sys/kernel/sem", text)) return std::nullopt;
    return because("cannot set kernel.sem to " + text.substr(0, text.size() - 1) + " in the run's IPC namespace");
}

}  // namespace

std::optional<std::string> write_ipc_sysctls(const std::vector<std::pair<std::string, std::int64_t>>& sysctls) {
    bool sem = false;
    for (const auto& [name, value] : sysctls) {
        if (sem_field(name) >= 0) {
            sem = true;
            continue;
        }
        if (auto err = write_ipc_sysctl(name, value)) return err;
    }
    return sem ? write_sem_sysctl(sysctls) : std::nullopt;
}

std::optional<std::int64_t> read_ipc_sysctl(const std::string& name) {
    if (!is_ipc_sysctl(name)) return std::nullopt;
    int fd = ::open(("/proc/sys/kernel/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buf[32] = {};
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return std::nullopt;
    return std::strtoll(buf, nullptr, 10);
}

bool pagemap_shows_frames() {
    long page = ::sysconf(_SC_PAGESIZE);
    void* p = ::mmap(nullptr, static_cast<std::size_t>(page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    *static_cast<volatile char*>(p) = 1;
    std::uint64_t entry = 0;
    int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        auto offset = static_cast<off_t>(reinterpret_cast<std::uintptr_t>(p) / static_cast<std::uintptr_t>(page) * sizeof entry);
        if (::pread(fd, &entry, sizeof entry, offset) != static_cast<ssize_t>(sizeof entry)) entry = 0;
        ::close(fd);
    }
    ::munmap(p, static_cast<std::size_t>(page));
    return (entry >> 63) && (entry & ((std::uint64_t{1} << 55) - 1)) != 0;
}

void close_all_fds_but(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned from = 3;
    for (int fd : keep) {
        if (fd < 3) continue;
        if (static_cast<unsigned>(fd) > from) ::close_range(from, static_cast<unsigned>(fd) - 1, 0);
        from = std::max(from, static_cast<unsigned>(fd) + 1);
    }
    ::close_range(from, ~0U, 0);
}

}  // namespace real
