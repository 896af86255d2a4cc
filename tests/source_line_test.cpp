// SourceLines on real tracees: a C program compiled here, stopped by ptrace at the entry of the system
// calls it makes, is found at the line of its source that makes each call; without debug info, nowhere.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "real/procfs.h"
#include "real/record/source_line.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Every line the tests look for ends with its marker comment. The call in f is the last instruction
// of its line: its return address is already on the next one.
const char* const kProgram = R"(#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

static int f(void) {
    getppid(); /* at:getppid */
    return 1;
}

int main(int argc, char **argv) {
    (void)argv;
    int ok = f();
    int id = shmget(IPC_PRIVATE, 4096, 0600); /* at:shmget */
    if (id < 0) return 2;
    void *at = shmat(id, 0, 0);
    shmctl(id, IPC_RMID, 0);
    ok = ok && getpid() > 0; /* at:getpid */
    if (argc > 1) *(volatile int *)0 = 1; /* at:crash */
    shmdt(at);
    return ok ? 0 : 1;
}
)";

int line_of(const std::string& marker) {
    std::istringstream text(kProgram);
    std::string line;
    for (int number = 1; std::getline(text, line); ++number)
        if (line.find("/* at:" + marker + " */") != std::string::npos) return number;
    return 0;
}

// A fresh directory, removed with what it holds when the test ends.
class TempDir {
public:
    TempDir() {
        std::string name = (fs::temp_directory_path() / "source_line_XXXXXX").string();
        // canonical: the compiler records the directory it ran in with its symbolic links resolved.
        if (::mkdtemp(name.data()) != nullptr) path_ = fs::canonical(name);
    }
    ~TempDir() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// Writes the program to dir/prog.c and compiles it, by its relative name, into dir/binary.
bool compile(const fs::path& dir, const std::string& flags, const std::string& binary) {
    std::ofstream(dir / "prog.c") << kProgram;
    std::string command = "cd '" + dir.string() + "' && cc " + flags + " -o " + binary + " prog.c";
    return std::system(command.c_str()) == 0;
}

// The program, run under ptrace by this process. However the test ends, it is killed and reaped.
class Tracee {
public:
    static constexpr auto kDeadline = std::chrono::seconds(20);

    explicit Tracee(const fs::path& binary, const std::vector<std::string>& args = {}) {
        std::vector<std::string> words{binary.string()};
        words.insert(words.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& word : words) argv.push_back(word.data());
        argv.push_back(nullptr);
        pid_ = ::fork();
        if (pid_ < 0) return;
        if (pid_ == 0) {
            // Stopped before the exec: the tracer sets its options before the program runs.
            ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
            ::raise(SIGSTOP);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        auto first = wait();
        long options = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC;
        started_ = first && WIFSTOPPED(*first) && WSTOPSIG(*first) == SIGSTOP &&
                   ::ptrace(PTRACE_SETOPTIONS, pid_, nullptr, as_argument(options)) == 0;
    }
    ~Tracee() {
        if (pid_ > 0) ::kill(pid_, SIGKILL);
        while (pid_ > 0 && wait()) {
        }
    }
    Tracee(const Tracee&) = delete;
    Tracee& operator=(const Tracee&) = delete;

    int pid() const { return pid_; }
    bool started() const { return started_; }

    // Its next stop or its end, waited for at most kDeadline; empty when neither came.
    std::optional<int> wait() {
        auto deadline = Clock::now() + kDeadline;
        int status = 0;
        while (Clock::now() < deadline) {
            pid_t got = ::waitpid(pid_, &status, WNOHANG | __WALL);
            if (got == pid_) {
                if (WIFEXITED(status) || WIFSIGNALED(status)) pid_ = -1;  // reaped: nothing to kill
                return status;
            }
            if (got < 0 && errno != EINTR) return std::nullopt;
            timespec pause{0, 1'000'000};
            ::nanosleep(&pause, nullptr);
        }
        return std::nullopt;
    }

    // Resumes it and waits for its next stop; empty when it ended instead (or took too long).
    std::optional<int> next_stop(__ptrace_request request, int signal = 0) {
        if (::ptrace(request, pid_, nullptr, as_argument(signal)) != 0) return std::nullopt;
        auto status = wait();
        if (!status || !WIFSTOPPED(*status)) {
            last_end_ = status;
            return std::nullopt;
        }
        return status;
    }

    // Steps from system call stop to system call stop up to the entry (or exit) of call nr, passing
    // on any signal it gets on the way.
    bool run_to_syscall(long nr, int op = PTRACE_SYSCALL_INFO_ENTRY) {
        int pending = 0;
        for (int stops = 0; stops < 10000; ++stops) {
            auto status = next_stop(PTRACE_SYSCALL, pending);
            if (!status) return false;
            pending = 0;
            int sig = WSTOPSIG(*status);
            if (sig == (SIGTRAP | 0x80)) {
                if (syscall_at(op) == nr) return true;
            } else if ((*status >> 16) == 0) {
                pending = sig;  // a signal for the program, not an event of ours
            }
        }
        return false;
    }

    // Runs it to its end; its exit code, or empty when it did not exit by itself.
    std::optional<int> exit_code() {
        int pending = 0;
        for (int stops = 0; stops < 10000; ++stops) {
            auto status = next_stop(PTRACE_CONT, pending);
            if (!status) break;
            pending = (*status >> 16) == 0 ? WSTOPSIG(*status) : 0;
        }
        if (!last_end_ || !WIFEXITED(*last_end_)) return std::nullopt;
        return WEXITSTATUS(*last_end_);
    }

    // Still in a ptrace stop: no news from waitpid and /proc calls it traced ('t').
    bool still_stopped() {
        int status = 0;
        return ::waitpid(pid_, &status, WNOHANG | __WALL) == 0 && real::proc_state(pid_) == 't';
    }

private:
    // ptrace reads its arguments as pointers (it is variadic): an integer must be widened to one.
    static void* as_argument(long value) { return reinterpret_cast<void*>(value); }

    // The call this syscall stop is at, when it is an op stop (an exit's is the last call entered).
    long syscall_at(int op) {
        __ptrace_syscall_info info{};
        long size = sizeof info;
        if (::ptrace(PTRACE_GET_SYSCALL_INFO, pid_, as_argument(size), &info) <= 0) return -1;
        if (info.op == PTRACE_SYSCALL_INFO_ENTRY) last_entered_ = static_cast<long>(info.entry.nr);
        return info.op == op ? last_entered_ : -1;
    }

    pid_t pid_ = -1;
    bool started_ = false;
    std::optional<int> last_end_;
    long last_entered_ = -1;
};

void expect_at(const std::optional<real::record::SourceLine>& where, const fs::path& source,
               const std::string& marker) {
    ASSERT_TRUE(where.has_value()) << "no line for " << marker;
    EXPECT_EQ(where->file, source.string());
    EXPECT_EQ(where->line, line_of(marker)) << marker;
}

double microseconds_since(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// The line of each call, at its syscall-entry stop; the tracee stays stopped and ours throughout.
void expect_lines_of_each_call(const std::string& flags, const std::string& kind) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    ASSERT_TRUE(compile(dir.path(), flags, "prog"));
    fs::path source = dir.path() / "prog.c";
    Tracee tracee(dir.path() / "prog");
    ASSERT_TRUE(tracee.started());
    real::record::SourceLines lines;

    ASSERT_TRUE(tracee.run_to_syscall(SYS_getppid));
    auto start = Clock::now();
    auto in_f = lines.where(tracee.pid());
    ::testing::Test::RecordProperty(kind + "_first_where_us", std::to_string(microseconds_since(start)));
    expect_at(in_f, source, "getppid");
    EXPECT_TRUE(tracee.still_stopped());
    // Continuable, and still traced by us: the next stop is the same call's exit.
    ASSERT_TRUE(tracee.run_to_syscall(SYS_getppid, PTRACE_SYSCALL_INFO_EXIT));

    ASSERT_TRUE(tracee.run_to_syscall(SYS_shmget));
    expect_at(lines.where(tracee.pid()), source, "shmget");
    constexpr int kCalls = 200;
    start = Clock::now();
    for (int i = 0; i < kCalls; ++i) lines.where(tracee.pid());
    ::testing::Test::RecordProperty(kind + "_cached_where_us", std::to_string(microseconds_since(start) / kCalls));
    // forget ends the Dwfl, which must neither detach from the tracee nor resume it.
    lines.forget(tracee.pid());
    EXPECT_TRUE(tracee.still_stopped());
    expect_at(lines.where(tracee.pid()), source, "shmget");
    EXPECT_TRUE(tracee.still_stopped());

    // shmat has mapped the segment since: the modules are reported again.
    ASSERT_TRUE(tracee.run_to_syscall(SYS_getpid));
    expect_at(lines.where(tracee.pid()), source, "getpid");
    EXPECT_TRUE(tracee.still_stopped());
    EXPECT_EQ(tracee.exit_code(), 0);
}

}  // namespace

TEST(SourceLine, finds_the_line_of_each_call_in_a_position_independent_executable) {
    expect_lines_of_each_call("-g -O0 -fPIE -pie", "pie");
}

TEST(SourceLine, finds_the_line_of_each_call_in_a_fixed_address_executable) {
    expect_lines_of_each_call("-g -O0 -fno-pie -no-pie", "no_pie");
}

// A signal-delivery stop: the innermost frame is the faulting instruction itself, not a return address.
TEST(SourceLine, finds_the_faulting_line_at_a_sigsegv_stop) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    ASSERT_TRUE(compile(dir.path(), "-g -O0", "prog"));
    Tracee tracee(dir.path() / "prog", {"crash"});
    ASSERT_TRUE(tracee.started());
    std::optional<int> status = tracee.next_stop(PTRACE_CONT);
    while (status && WSTOPSIG(*status) != SIGSEGV) status = tracee.next_stop(PTRACE_CONT);
    ASSERT_TRUE(status.has_value()) << "no SIGSEGV stop";
    real::record::SourceLines lines;
    expect_at(lines.where(tracee.pid()), dir.path() / "prog.c", "crash");
    EXPECT_TRUE(tracee.still_stopped());
}

// A rebuild while the program runs replaces its file: /proc/PID/exe still opens the one it runs.
TEST(SourceLine, finds_the_line_when_the_executable_was_deleted_since_the_exec) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    ASSERT_TRUE(compile(dir.path(), "-g -O0", "prog"));
    Tracee tracee(dir.path() / "prog");
    ASSERT_TRUE(tracee.started());
    ASSERT_TRUE(tracee.run_to_syscall(SYS_getppid));
    ASSERT_TRUE(fs::remove(dir.path() / "prog"));
    real::record::SourceLines lines;
    expect_at(lines.where(tracee.pid()), dir.path() / "prog.c", "getppid");
    EXPECT_EQ(tracee.exit_code(), 0);
}

TEST(SourceLine, finds_nothing_in_a_program_without_debug_info) {
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    for (const char* flags : {"-O0", "-O0 -s"}) {
        SCOPED_TRACE(flags);
        ASSERT_TRUE(compile(dir.path(), flags, "prog"));
        Tracee tracee(dir.path() / "prog");
        ASSERT_TRUE(tracee.started());
        real::record::SourceLines lines;
        ASSERT_TRUE(tracee.run_to_syscall(SYS_shmget));
        EXPECT_FALSE(lines.where(tracee.pid()).has_value());
        EXPECT_TRUE(tracee.still_stopped());
        EXPECT_EQ(tracee.exit_code(), 0);
    }
}

TEST(SourceLine, finds_nothing_for_a_process_it_does_not_trace) {
    real::record::SourceLines lines;
    EXPECT_FALSE(lines.where(::getpid()).has_value());
    EXPECT_FALSE(lines.where(-1).has_value());
    EXPECT_FALSE(lines.where(0).has_value());
}
