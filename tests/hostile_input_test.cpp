// What if a lesson is hostile: every .ipc file travels between students. ipcsim and ipcviz over
// tests/hostile/ and over files that are no regular file, each run as a child with a deadline
// and a memory ceiling: a bad file is exit 2 and a clear error, never a crash, a hang, a flood of
// memory, or raw escape sequences on the terminal.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "real/procfs.h"

namespace fs = std::filesystem;

namespace {

// The ceiling for the memory cases: their inputs are 8 to 50 MB, so a parser whose memory
// follows the text stays far below it, also under ASan; one that follows the line count or the
// token count needs gigabytes. Crossing it kills the child at once, so a failure cannot take the
// machine down.
constexpr long kMaxRssKiB = 512 * 1024;

struct Ran {
    int status = -1;        // the exit status; -1 when killed or signalled
    bool timed_out = false;
    bool too_big = false;   // killed for crossing kMaxRssKiB
    long max_rss_kib = 0;   // ru_maxrss from wait4
    std::string out, err;
};

// The whole of a file the command wrote (or a corpus file), as bytes.
std::string slurp(const fs::path& p) { return real::read_file(p.string()).value_or(""); }

// A directory of this test process's own, removed when it exits (children exec or _exit).
struct Scratch {
    fs::path dir = fs::temp_directory_path() / ("ipcsim_hostile_" + std::to_string(::getpid()));
    Scratch() { fs::create_directories(dir); }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

fs::path scratch() {
    static Scratch s;
    return s.dir;
}

long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmRSS:" && status >> value) return value;
        status.ignore(1 << 12, '\n');
    }
    return 0;
}

struct Outcome {
    int status = -1;
    bool timed_out = false, too_big = false;
    long max_rss_kib = 0;
};

// Runs argv with stdout and stderr sent to files, killing it past `timeout_s` or kMaxRssKiB.
Outcome launch(const std::vector<std::string>& argv, const std::string& out, const std::string& err, int timeout_s) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) ::_exit(126);
        // A small quarantine keeps freed memory from counting as RSS in the sanitizer build.
        ::setenv("ASAN_OPTIONS", "quarantine_size_mb=16:detect_leaks=0", 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    Outcome o;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    int status = 0;
    struct rusage ru {};
    while (::wait4(pid, &status, WNOHANG, &ru) == 0) {
        o.timed_out = std::chrono::steady_clock::now() > deadline;
        o.too_big = rss_kib(pid) > kMaxRssKiB;
        if (o.timed_out || o.too_big) {
            ::kill(pid, SIGKILL);
            ::wait4(pid, &status, 0, &ru);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    o.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    o.max_rss_kib = ru.ru_maxrss;
    return o;
}

// The kernel counts the pages a forked child inherits in its ru_maxrss, even after exec: a child
// of this test process, grown big by other tests, could never show a small peak. So every command
// is started by this spawner, forked early while the process is small. Requests are
// '\0'-separated fields ending in an empty one: timeout, out, err, argv...
struct Spawner {
    int request = -1, reply = -1;
    void start() {
        int req[2], rep[2];
        if (::pipe2(req, O_CLOEXEC) != 0 || ::pipe2(rep, O_CLOEXEC) != 0) return;
        pid_t parent = ::getpid();
        if (::fork() == 0) {
            // Gone with this process, and holding none of its pipes or output (ctest waits for those).
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(0);
            int null = ::open("/dev/null", O_RDWR);
            for (int fd : {0, 1, 2}) ::dup2(null, fd);
            ::close(req[1]);
            ::close(rep[0]);
            serve(req[0], rep[1]);
            ::_exit(0);
        }
        ::close(req[0]);
        ::close(rep[1]);
        request = req[1];
        reply = rep[0];
    }
    static void serve(int in, int out) {
        std::vector<std::string> fields(1);
        char c;
        while (::read(in, &c, 1) == 1) {
            if (c != '\0') {
                fields.back() += c;
                continue;
            }
            if (!fields.back().empty()) {
                fields.emplace_back();
                continue;
            }
            std::vector<std::string> argv(fields.begin() + 3, fields.end() - 1);
            Outcome o = launch(argv, fields[1], fields[2], std::stoi(fields[0]));
            if (::write(out, &o, sizeof o) != static_cast<ssize_t>(sizeof o)) return;
            fields.assign(1, "");
        }
    }
};

Spawner& spawner() {
    static Spawner s;
    if (s.request < 0) s.start();
    return s;
}

// Before main, but only in a process that will run these tests: ctest runs every other test in
// a process of its own, which has no use for a spawner.
const bool g_spawner_early = [] {
    std::ifstream in("/proc/self/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bool list_only = cmdline.find("--gtest_list_tests") != std::string::npos;
    bool ours = cmdline.find("--gtest_filter=") == std::string::npos || cmdline.find("Hostile") != std::string::npos;
    if (ours && !list_only) spawner();
    return true;
}();

// Runs argv, with stdout and stderr captured, through the spawner.
Ran run(const std::vector<std::string>& argv, int timeout_s = 20) {
    fs::path out = scratch() / "out", err = scratch() / "err";
    std::string msg = std::to_string(timeout_s) + '\0' + out.string() + '\0' + err.string() + '\0';
    for (const auto& a : argv) msg += a + '\0';
    msg += '\0';
    Outcome o;
    if (::write(spawner().request, msg.data(), msg.size()) != static_cast<ssize_t>(msg.size()) ||
        ::read(spawner().reply, &o, sizeof o) != static_cast<ssize_t>(sizeof o))
        ADD_FAILURE() << "the spawner is gone";
    return Ran{o.status, o.timed_out, o.too_big, o.max_rss_kib, slurp(out), slurp(err)};
}

Ran ipcsim(const std::string& command, const std::string& file) { return run({IPCSIM_BINARY, command, file}); }

std::string hostile(const char* name) { return std::string(IPCSIM_SOURCE_DIR) + "/tests/hostile/" + name; }

// A corpus file with `tail` appended: the big inputs are made here rather than committed.
std::string grown(const char* name, const std::string& tail) {
    fs::path p = scratch() / name;
    std::ofstream(p, std::ios::binary) << slurp(hostile(name)) << tail;
    return p.string();
}

bool has_raw_controls(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
        if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xa0) return true;  // C1
        if (c >= 0x80 && c < 0xc0 && (i == 0 || static_cast<unsigned char>(s[i - 1]) < 0x80)) return true;  // stray byte
    }
    return false;
}

// Each not-a-regular-file case, made fresh: a directory, a FIFO nobody writes to, devices.
struct Special {
    std::string path, error;
};

std::vector<Special> specials() {
    fs::path dir = scratch() / "a-directory.ipc", fifo = scratch() / "fifo.ipc";
    fs::create_directories(dir);
    if (!fs::exists(fifo)) ::mkfifo(fifo.c_str(), 0600);
    return {{dir.string(), dir.string() + ": error: not a regular file\n"},
            {fifo.string(), fifo.string() + ": error: not a regular file\n"},
            {"/dev/zero", "/dev/zero: error: not a regular file\n"},
            {"/proc/self/mem", "/proc/self/mem: error: cannot read: Input/output error\n"}};
}

}  // namespace

TEST(Hostile, only_regular_files_are_read_by_every_command) {
    for (const auto& s : specials()) {
        for (const char* command : {"run", "check"}) {
            Ran r = ipcsim(command, s.path);
            EXPECT_FALSE(r.timed_out) << command << " " << s.path << " hung";
            EXPECT_EQ(r.status, 2) << command << " " << s.path << "\n" << r.out << r.err;
            EXPECT_EQ(r.err, s.error) << command << " " << s.path;
        }
    }
}

TEST(Hostile, a_file_over_64_mib_is_refused_without_being_read) {
    fs::path big = scratch() / "65-mib.ipc";
    std::ofstream(big) << "proc a\n";
    fs::resize_file(big, std::uintmax_t{65} << 20);  // sparse: no 65 MiB written to disk
    Ran r = ipcsim("check", big.string());
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err, big.string() + ": error: the file is larger than the 64 MiB a scenario may be\n");
    fs::remove(big);
}

TEST(Hostile, escape_sequences_in_titles_notes_and_data_reach_the_terminal_escaped) {
    Ran trace = ipcsim("run", hostile("terminal-escapes.ipc"));
    EXPECT_EQ(trace.status, 1) << trace.err;
    EXPECT_FALSE(has_raw_controls(trace.out + trace.err)) << trace.out;
    EXPECT_NE(trace.out.find("pwned\\x1b]0;owned\\x07\\x1b[2J \\xc2\\x9b31m two\\nlines\n"), std::string::npos) << trace.out;
    EXPECT_NE(trace.out.find("note: note \\x1b[31mred\\x1b[0m \\xc2\\x9b2J\n"), std::string::npos);
    EXPECT_NE(trace.out.find("note: trailing \\x1b[2J\n"), std::string::npos);
    EXPECT_NE(trace.out.find("-> returned 10 \"\\x1b]0;data\\x07\\x9b\""), std::string::npos);
    Ran check = ipcsim("check", hostile("terminal-escapes.ipc"));
    EXPECT_EQ(check.status, 1);
    EXPECT_FALSE(has_raw_controls(check.out + check.err)) << check.out;
    EXPECT_NE(check.out.find(":11: expected a.data == \"\\x1b[2J\", got \"\\x1b]0;data\\x07\\x9b\"\n"), std::string::npos)
        << check.out;
    Ran json = run({IPCSIM_BINARY, "run", "--json", hostile("terminal-escapes.ipc")});
    EXPECT_FALSE(has_raw_controls(json.out)) << json.out;
    EXPECT_NE(json.out.find("\\u001b[31mred"), std::string::npos);
}

TEST(Hostile, raw_control_bytes_nul_and_bad_utf8_are_diagnostics_echoed_clean) {
    struct Case {
        const char* file;
        std::string first_error;
    } cases[] = {{"raw-escape-bytes.ipc", ":3:8: error: invalid byte 0x1b\ntitle \"?]0;pwned??[2J\"\n       ^\n"},
                 {"nul-bytes.ipc", ":4:10: error: invalid byte 0x00\na: exit(0\?\?\?)\n         ^\n"},
                 {"bad-utf8.ipc", ":3:7: error: invalid byte 0xff\nnote \"?????\"\n      ^\n"},
                 {"huge-numbers.ipc", ":3:17: error: the value does not fit in 64 bits\n"}};
    for (const auto& c : cases) {
        Ran r = ipcsim("check", hostile(c.file));
        EXPECT_EQ(r.status, 2) << c.file;
        EXPECT_EQ(r.err.rfind(hostile(c.file) + c.first_error, 0), 0u) << r.err;
        EXPECT_FALSE(has_raw_controls(r.err)) << c.file;
    }
}

TEST(Hostile, fifty_megabytes_of_open_parentheses_are_a_nesting_error_in_bounded_memory) {
    std::string file = grown("deep-parens.ipc", std::string(50'000'000, '('));
    Ran r = ipcsim("check", file);
    EXPECT_FALSE(r.too_big) << "over " << kMaxRssKiB << " KiB";
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.err.rfind(file + ":4:73: error: expression is nested too deeply\n", 0), 0u) << r.err.substr(0, 300);
    EXPECT_LT(r.err.size(), 1000u) << "the echoed line is cut around the column";
    EXPECT_LT(r.max_rss_kib, kMaxRssKiB);
    fs::remove(file);
}

// 8 Mi lines: 9 GB at the 1.1 KB a line they once cost; a few seconds in the sanitizer build.
TEST(Hostile, eight_mib_of_empty_lines_parse_in_memory_that_follows_the_text) {
    std::size_t empty = std::size_t{8} << 20;
    std::string file = grown("many-empty-lines.ipc", std::string(empty, '\n') + "a: nope()\n");
    Ran r = ipcsim("check", file);
    EXPECT_FALSE(r.too_big) << "over " << kMaxRssKiB << " KiB";
    EXPECT_EQ(r.status, 2);
    std::string line = std::to_string(3 + empty + 1);
    EXPECT_EQ(r.err.rfind(file + ":" + line + ":4: error: unknown call 'nope'", 0), 0u) << r.err;
    EXPECT_LT(r.max_rss_kib, kMaxRssKiB);
    fs::remove(file);
}

// ipcviz refuses the same files before it opens a window, so no X server is needed here.
TEST(Hostile, ipcviz_refuses_what_is_no_regular_file_with_exit_2) {
    for (const auto& s : specials()) {
        if (s.path == "/proc/self/mem") continue;  // the same loader; one process fewer
        Ran r = run({IPCVIZ_BINARY, s.path, "--screenshot", (scratch() / "x.png").string()});
        EXPECT_FALSE(r.timed_out) << s.path;
        EXPECT_EQ(r.status, 2) << s.path;
        EXPECT_EQ(r.err, s.error);
    }
}

TEST(Hostile, ipcviz_with_an_assets_folder_it_cannot_read_says_so_and_exits) {
    fs::path loop = scratch() / "loop";
    fs::remove(loop);
    fs::create_symlink(loop.filename(), loop);  // ELOOP, which even root cannot read
    Ran r = run({IPCVIZ_BINARY, "--assets", loop.string(), "--screenshot", (scratch() / "x.png").string()});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.err, (loop / "lessons").string() + ": error: cannot read the lessons: Too many levels of symbolic links\n");
}

// The compiled-in folder, made unreadable in a private mount namespace by mounting an empty mode-000
// directory over the source tree and running as nobody: an installation's fault, exit 3.
TEST(Hostile, ipcviz_with_an_unreadable_installed_assets_folder_exits_3_not_abort) {
    if (::geteuid() != 0 || std::system("command -v unshare >/dev/null && command -v setpriv >/dev/null") != 0)
        GTEST_SKIP() << "needs root, unshare and setpriv";
    fs::path locked = scratch() / "locked", viz = scratch() / "ipcviz";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::none);
    fs::copy_file(IPCVIZ_BINARY, viz, fs::copy_options::overwrite_existing);  // the tree it sits in is hidden
    std::string script = "mount --bind " + locked.string() + " " + IPCSIM_SOURCE_DIR +
                         " && exec setpriv --reuid=65534 --regid=65534 --clear-groups " + viz.string() + " x.ipc";
    Ran r = run({"unshare", "--mount", "sh", "-c", script});
    if (r.status == 1 && r.err.find("mount") != std::string::npos) GTEST_SKIP() << "no mount namespace here: " << r.err;
    EXPECT_EQ(r.status, 3) << r.err;
    EXPECT_EQ(r.err, std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons: error: cannot read the lessons: Permission denied\n");
}

TEST(Hostile, ipcviz_draws_a_lesson_full_of_escape_sequences) {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) GTEST_SKIP() << "xvfb-run is not installed";
    fs::path png = scratch() / "escapes.png";
    Ran r = run({"xvfb-run", "-a", "-s", "-screen 0 1280x720x24", IPCVIZ_BINARY, hostile("terminal-escapes.ipc"), "--step", "3",
                 "--size", "800x600", "--screenshot", png.string()},
                60);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_GT(fs::file_size(png), 1000u);
}

// bytes(N) and zeros(N) make texts in expectations and outcomes too, not only as a step's text:
// a constant N past 64 MiB is refused by the parser, and one known only at run time (an address)
// by the run's byte budget, before anything is allocated.
TEST(Hostile, texts_of_terabytes_in_expectations_are_errors_in_bounded_memory) {
    Ran parsed = ipcsim("check", hostile("huge-texts.ipc"));
    EXPECT_FALSE(parsed.too_big) << "over " << kMaxRssKiB << " KiB";
    EXPECT_EQ(parsed.status, 2);
    for (const char* at : {":4:24: error: bytes(N) is longer than a text may be (64 MiB)", ":6:47: error: zeros(N) is longer",
                           ":7:30: error: bytes(N) is longer"})
        EXPECT_NE(parsed.err.find(hostile("huge-texts.ipc") + at), std::string::npos) << parsed.err;
    Ran ran = ipcsim("check", hostile("huge-texts-at-run.ipc"));
    EXPECT_FALSE(ran.too_big) << "over " << kMaxRssKiB << " KiB";
    EXPECT_EQ(ran.status, 2);
    EXPECT_NE(ran.err.find(hostile("huge-texts-at-run.ipc") + ":6:18: error: zeros("), std::string::npos) << ran.err;
    EXPECT_NE(ran.err.find(") is more than a step may move (64 MiB)"), std::string::npos) << ran.err;
}
