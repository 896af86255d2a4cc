// The kernel run's pieces: reading /proc, the namespace, settling, and leaving nothing behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include "real/procfs.h"
#include "real/protocol.h"
#include "real/real_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"
#include "tests/kernel_run_test.h"

using namespace real;

namespace {

using kernel_run_test::parse_ok;

// Running or asleep: a zombie left for init to reap is dead.
bool alive(int pid) {
    auto state = proc_state(pid);
    return state && *state != 'Z' && *state != 'X';
}

}  // namespace

TEST(Procfs, a_maps_line_of_a_sysv_segment_gives_its_range_and_its_shmid) {
    auto m = parse_maps_line("7f2dd8c81000-7f2dd8c84000 rw-s 00000000 00:01 32769                      /SYSV000004d2 (deleted)");
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->start, 0x7f2dd8c81000u);
    EXPECT_EQ(m->end, 0x7f2dd8c84000u);
    EXPECT_TRUE(m->writable);
    EXPECT_EQ(m->shmid, 32769);
    EXPECT_EQ(m->pgoff, 0u);
    EXPECT_EQ(m->perms, "rw-s");
    // A piece that mprotect split off and made PROT_NONE: its offset is the segment page it starts at.
    auto piece = parse_maps_line("7f2dd8c83000-7f2dd8c84000 ---s 00002000 00:01 32769                      /SYSV000004d2 (deleted)");
    ASSERT_TRUE(piece.has_value());
    EXPECT_EQ(piece->pgoff, 2u);
    EXPECT_EQ(piece->perms, "---s");
    EXPECT_FALSE(piece->writable);
    EXPECT_FALSE(parse_maps_line("7f2dd8c80000-7f2dd8c81000 r--p 00000000 08:01 1234   /usr/lib/libc.so.6").has_value());
    EXPECT_FALSE(parse_maps_line("7ffd1000-7ffd2000 rw-p 00000000 00:00 0").has_value());
}

// How the kernel run knows whether a kill will end its target: the status masks, bit sig - 1.
TEST(Procfs, status_masks_say_whether_a_signal_is_caught_ignored_or_left_at_its_default) {
    std::string status = "Name:\tipcsim\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000004000\nSigCgt:\t0000000000000600\n";
    EXPECT_EQ(signal_action_in_status(status, SIGUSR1), SignalAction::caught);   // bit 9 of 600
    EXPECT_EQ(signal_action_in_status(status, SIGSEGV), SignalAction::caught);   // bit 10
    EXPECT_EQ(signal_action_in_status(status, SIGTERM), SignalAction::ignored);  // bit 14 of 4000
    EXPECT_EQ(signal_action_in_status(status, SIGUSR2), SignalAction::deflt);
    EXPECT_FALSE(signal_action_in_status("Name:\tx\n", SIGTERM).has_value());
    EXPECT_FALSE(signal_action_in_status(status, 0).has_value());
}

TEST(Procfs, a_pagemap_entry_gives_a_frame_only_when_present) {
    EXPECT_EQ(pagemap_frame((std::uint64_t{1} << 63) | 0x115a71), 0x115a71u);
    EXPECT_FALSE(pagemap_frame(0x115a71).has_value());
}

TEST(Procfs, sysvipc_tables_parse_with_dest_bits_and_rss_in_bytes) {
    auto shm = read_sysvipc_shm(
        "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"
        "      1234          2  3666                  2052  2200  2201      2     0     0     0     0 1795745997 1795745997 1795745997                  8192                     0\n");
    ASSERT_EQ(shm.size(), 1u);
    EXPECT_EQ(shm[0].shmid, 2);
    EXPECT_EQ(shm[0].perms, 03666u);
    EXPECT_EQ(shm[0].lpid, 2201);
    EXPECT_EQ(shm[0].rss_bytes, 8192u);
    auto msg = read_sysvipc_msg(
        "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n"
        "         0          0   600          10          1   300     0  1000  1000  1000  1000 1795745997          0 1795745997\n");
    ASSERT_EQ(msg.size(), 1u);
    EXPECT_EQ(msg[0].cbytes, 10u);
    EXPECT_EQ(msg[0].lspid, 300);
    EXPECT_EQ(msg[0].uid, 1000u);
}

TEST(KernelRun, each_run_gets_a_fresh_namespace_so_ids_start_at_0) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\na: shmget(IPC_PRIVATE, 100, 0600) => 0\na: msgget(IPC_PRIVATE, 0600) => 0\n");
    for (int run = 0; run < 2; ++run) {
        RealBackend k;
        sim::RunState st;
        sim::start_run(sc, k);
        while (st.next < sc.steps.size()) {
            auto r = sim::run_step(sc, k, st);
            ASSERT_TRUE(r.record.has_value());
            for (const auto& c : r.record->checks) EXPECT_EQ(c.verdict, sim::Verdict::holds) << "run " << run << ": got " << c.got;
        }
    }
}

TEST(KernelRun, settling_sees_a_sleeper_and_the_wakeup_it_gets_later) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\nproc b\n"
                       "a: q = msgget(IPC_PRIVATE, 0666)\n"
                       "b: msgrcv(q, 64, 0, 0)\n"
                       "a: msgsnd(q, 5, \"wake up\", 0)\n");
    RealBackend k;
    sim::RunState st;
    sim::start_run(sc, k);
    sim::run_step(sc, k, st);
    auto sleeping = sim::run_step(sc, k, st);
    EXPECT_EQ(sleeping.record->outcome.fate, sim::Fate::blocked);
    EXPECT_EQ(k.query().proc("b")->state, sim::TaskState::blocked);
    sim::run_step(sc, k, st);
    auto b = k.query().proc("b");
    EXPECT_EQ(b->state, sim::TaskState::ready);
    EXPECT_EQ(b->data, "wake up");
    EXPECT_EQ(b->mtype, 5);
}

TEST(KernelRun, a_deliberately_false_expectation_fails_on_the_kernel) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\n"
                       "a: id = shmget(IPC_PRIVATE, 4096, 0600)\n"
                       "a: p = shmat(id, NULL, 0)\n"
                       "a: store(p, \"x\")\n"
                       "expect a.minflt == 2\n"
                       "expect shm(id).rss == 1\n");
    RealBackend k;
    sim::RunState st;
    sim::start_run(sc, k);
    std::vector<sim::Check> checks;
    while (st.next < sc.steps.size()) checks = sim::run_step(sc, k, st).record->checks;
    ASSERT_EQ(checks.size(), 2u);
    EXPECT_EQ(checks[0].verdict, sim::Verdict::fails);
    EXPECT_EQ(checks[0].got, "1");
    EXPECT_EQ(checks[1].verdict, sim::Verdict::holds);
}

TEST(KernelRun, wait_lists_are_reported_as_not_observable_never_as_passed) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\na: q = msgget(IPC_PRIVATE, 0666)\nexpect msq(q).receivers == []\n");
    RealBackend k;
    sim::RunState st;
    sim::start_run(sc, k);
    auto r = sim::run_step(sc, k, st);
    ASSERT_EQ(r.record->checks.size(), 1u);
    EXPECT_EQ(r.record->checks[0].verdict, sim::Verdict::unobservable);
}

TEST(KernelRun, no_process_outlives_the_run_even_a_sleeping_one) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\nproc b\n"
                       "a: q = msgget(IPC_PRIVATE, 0666)\n"
                       "b: msgrcv(q, 64, 0, 0)\n"
                       "a: fork(c)\n");
    std::vector<int> pids;
    {
        RealBackend k;
        sim::RunState st;
        sim::start_run(sc, k);
        while (st.next < sc.steps.size()) sim::run_step(sc, k, st);
        for (const auto& p : k.observe().procs) pids.push_back(p.pid);
    }
    ASSERT_EQ(pids.size(), 3u);
    for (int pid : pids) EXPECT_FALSE(alive(pid)) << "pid " << pid << " outlived the run";
}

// The coordinator is a process of its own: killed by itself, it takes the run with it, and the
// program that started it gets an error at the next step instead of waiting forever.
TEST(KernelRun, killing_the_coordinator_process_alone_ends_the_run_with_an_error) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\nproc b\na: q = msgget(IPC_PRIVATE, 0666)\nb: msgrcv(q, 64, 0, 0)\na: msgsnd(q, 1, \"x\", 0)\n");
    RealBackend k;
    sim::RunState st;
    sim::start_run(sc, k);
    sim::run_step(sc, k, st);
    sim::run_step(sc, k, st);
    std::vector<int> pids;
    for (const auto& p : k.observe().procs) pids.push_back(p.pid);
    ASSERT_EQ(pids.size(), 2u);
    ASSERT_GT(k.coordinator_pid(), 0);
    ::kill(k.coordinator_pid(), SIGKILL);
    EXPECT_THROW(sim::run_step(sc, k, st), RunError);
    for (int i = 0; i < 200 && (alive(pids[0]) || alive(pids[1])); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_FALSE(alive(pids[0]));
    EXPECT_FALSE(alive(pids[1]));
}

TEST(KernelRun, killing_the_program_that_made_the_run_takes_its_processes_with_it) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\nproc b\na: q = msgget(IPC_PRIVATE, 0666)\nb: msgrcv(q, 64, 0, 0)\n");
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t coordinator = ::fork();
    if (coordinator == 0) {
        RealBackend k;
        sim::RunState st;
        sim::start_run(sc, k);
        while (st.next < sc.steps.size()) sim::run_step(sc, k, st);
        for (const auto& p : k.observe().procs) (void)::write(fds[1], &p.pid, sizeof p.pid);
        ::close(fds[1]);
        ::pause();
        ::_exit(0);
    }
    ::close(fds[1]);
    int pids[2] = {0, 0};
    bool got = read_all(fds[0], pids, sizeof pids);
    ::kill(coordinator, SIGKILL);  // whatever happened, the coordinator goes
    ::waitpid(coordinator, nullptr, 0);
    ASSERT_TRUE(got) << "the coordinator did not report its processes";
    // PR_SET_PDEATHSIG delivers SIGKILL to each process; give the kernel a moment to do it.
    for (int i = 0; i < 200 && (alive(pids[0]) || alive(pids[1])); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_FALSE(alive(pids[0]));
    EXPECT_FALSE(alive(pids[1]));
}

namespace {

// Processes running `binary` that are still alive (zombies left for init to reap are dead).
int alive_running(const std::string& binary) {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::error_code ec;
        auto exe = std::filesystem::read_symlink(e.path() / "exe", ec);
        if (!ec && exe == binary && alive(std::stoi(name))) ++n;
    }
    return n;
}

std::size_t sysvipc_rows(const char* file) {
    auto text = read_file(file).value_or("");
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST(KernelRun, a_thousand_runs_some_killed_midway_leave_no_process_and_no_ipc_object) {
    NEEDS_KERNEL_RUN();
    std::string scenario = std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/10-full-queue.ipc";
    // The runs start in an IPC namespace of this test's own, which nothing else on the machine
    // uses (an X server makes and removes segments in the host's): anything left in it leaked.
    int host_ns = ::open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(host_ns, 0);
    if (::unshare(CLONE_NEWIPC) != 0) GTEST_SKIP() << "unshare(CLONE_NEWIPC): " << std::strerror(errno);
    std::size_t shm_before = sysvipc_rows("/proc/sysvipc/shm"), msg_before = sysvipc_rows("/proc/sysvipc/msg");
    std::size_t sem_before = sysvipc_rows("/proc/sysvipc/sem");
    // Private copies of ipcsim and its coordinator (ipcsim starts the one beside itself): a count
    // of processes running these binaries sees this test's runs only, not those of tests beside it.
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("ipcsim_thousand_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path built = fs::path(IPCSIM_BINARY).parent_path();
    for (const char* name : {"ipcsim", "ipcsim-coordinator"})
        fs::copy_file(built / name, dir / name, fs::copy_options::overwrite_existing);
    const std::string ipcsim = (dir / "ipcsim").string();
    std::mt19937 rng(7);
    for (int run = 0; run < 1000; ++run) {
        pid_t pid = ::fork();
        if (pid == 0) {
            int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
            ::execl(ipcsim.c_str(), ipcsim.c_str(), "check", "--real", scenario.c_str(), nullptr);
            ::_exit(127);
        }
        if (run % 4 == 0) {  // a quarter are killed at some point of their run
            std::this_thread::sleep_for(std::chrono::microseconds(rng() % 20000));
            ::kill(pid, SIGKILL);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (run % 4 != 0) {
            ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "run " << run;
        }
    }
    // The killed runs' processes get SIGKILL from the kernel when their coordinator dies. They are
    // forks of the coordinator, so they run its binary.
    std::string coordinator = (dir / "ipcsim-coordinator").string();
    auto left = [&] { return alive_running(ipcsim) + alive_running(coordinator); };
    for (int i = 0; i < 400 && left() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(alive_running(ipcsim), 0);
    EXPECT_EQ(alive_running(coordinator), 0);
    fs::remove_all(dir);
    // Every run lived in namespaces of its own, which died with it: this one is untouched.
    EXPECT_EQ(sysvipc_rows("/proc/sysvipc/shm"), shm_before);
    EXPECT_EQ(sysvipc_rows("/proc/sysvipc/msg"), msg_before);
    EXPECT_EQ(sysvipc_rows("/proc/sysvipc/sem"), sem_before);
    EXPECT_EQ(shm_before, 1u);  // the header line alone
    EXPECT_EQ(::setns(host_ns, CLONE_NEWIPC), 0);
    ::close(host_ns);
}
