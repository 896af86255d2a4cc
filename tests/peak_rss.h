// Peak memory of a piece of work, measured in a forked child: the number is the work's own, and a
// runaway takes down the child, not the test process.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <functional>

namespace peak_rss {

// Under AddressSanitizer, freed blocks stay resident in its quarantine (256 MiB by default) with its
// bookkeeping on top: memory of the tool, not of the code under test, which a bound must allow for.
// The window's test grows by 147 MiB under ASan with ASAN_OPTIONS=quarantine_size_mb=0, 480 without.
#if defined(__SANITIZE_ADDRESS__)
#define PEAK_RSS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PEAK_RSS_UNDER_ASAN 1
#endif
#endif
#ifdef PEAK_RSS_UNDER_ASAN
inline constexpr long kToolSlackBytes = 384L << 20;
#else
inline constexpr long kToolSlackBytes = 0;
#endif

struct Measured {
    bool ok = false;          // the child exited 0 and sent its value
    long peak_bytes = 0;      // the child's ru_maxrss, from wait4
    long start_bytes = 0;     // the test process's RSS at the fork, which the child starts with
    std::uint64_t value = 0;  // what the work returned
    // What the work added to the process at its peak; under ASan, less what the tool keeps.
    long work_bytes() const { return peak_bytes - start_bytes - kToolSlackBytes; }
};

inline long rss_now_bytes() {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        std::fclose(f);
    }
    return resident * ::sysconf(_SC_PAGESIZE);
}

// Runs `work` in a child process and returns its peak RSS and the number it returned.
inline Measured measure(const std::function<std::uint64_t()>& work) {
    Measured m;
    int fds[2];
    if (::pipe(fds) != 0) return m;
    m.start_bytes = rss_now_bytes();
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::uint64_t v = work();
        bool sent = ::write(fds[1], &v, sizeof v) == static_cast<ssize_t>(sizeof v);
        ::_exit(sent ? 0 : 1);
    }
    ::close(fds[1]);
    bool got = pid > 0 && ::read(fds[0], &m.value, sizeof m.value) == static_cast<ssize_t>(sizeof m.value);
    ::close(fds[0]);
    int status = 0;
    struct rusage ru {};
    if (pid <= 0 || ::wait4(pid, &status, 0, &ru) != pid) return m;
    m.peak_bytes = ru.ru_maxrss * 1024L;
    m.ok = got && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return m;
}

}  // namespace peak_rss
