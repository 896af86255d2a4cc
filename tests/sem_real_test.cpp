// The kernel run's semaphores (issue 15): /proc/sysvipc/sem read, semctl's buffers and each
// semaphore carried over the wire, a set and its semaphores observed, and no set left behind.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "real/procfs.h"
#include "real/real_backend.h"
#include "real/sandbox.h"
#include "real/wire.h"
#include "sim/ctl_buf.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"
#include "tests/kernel_run_test.h"

using namespace real;

namespace {

using kernel_run_test::parse_ok;

RunReply round_trip(const RunReply& r) {
    WireWriter w;
    encode(w, r);
    auto back = decode_reply(w.bytes());
    EXPECT_TRUE(back.has_value());
    return back.value_or(RunReply{});
}

}  // namespace

TEST(SemRealProcfs, a_sysvipc_sem_row_gives_the_set_and_a_negative_key_stays_negative) {
    auto rows = read_sysvipc_sem(
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"
        "      4660          0   640          3     0     0     0     0          0 1796097134\n"
        "       -16      32768   600          1  1000  1001     0     0 1796097135 1796097134\n");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].key, 4660);
    EXPECT_EQ(rows[0].semid, 0);
    EXPECT_EQ(rows[0].perms, 0640u);
    EXPECT_EQ(rows[0].nsems, 3u);
    EXPECT_EQ(rows[0].otime, 0);
    EXPECT_EQ(rows[0].ctime, 1796097134);
    EXPECT_EQ(rows[1].key, -16);
    EXPECT_EQ(rows[1].semid, 32768);
    EXPECT_EQ(rows[1].uid, 1000u);
    EXPECT_EQ(rows[1].gid, 1001u);
    EXPECT_EQ(rows[1].otime, 1796097135);
}

TEST(SemRealProcfs, a_short_or_empty_table_gives_no_rows) {
    EXPECT_TRUE(read_sysvipc_sem("").empty());
    EXPECT_TRUE(read_sysvipc_sem("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n").empty());
    EXPECT_TRUE(read_sysvipc_sem("header\n 1 2 600 3\n").empty());
}

TEST(SemRealWire, semid_ds_seminfo_and_getall_buffers_and_every_semaphore_survive_the_wire) {
    RunReply r;
    sim::ProcView a;
    a.name = "a";
    a.buf.kind = sim::BufKind::semid_ds;
    a.buf.cmd = IPC_STAT;
    a.buf.mode = 0640;
    a.buf.sem_nsems = 3;
    a.buf.sem_otime = 1796097135;
    a.buf.ctime = 1796097134;
    sim::ProcView b;
    b.name = "b";
    b.buf.kind = sim::BufKind::seminfo;
    b.buf.semmsl = 32000, b.buf.semmns = 1024000000, b.buf.semopm = 500, b.buf.semmni = 32000;
    b.buf.semmap = 1, b.buf.semmnu = 2, b.buf.semume = 3, b.buf.semusz = 4, b.buf.semvmx = 32767, b.buf.semaem = 5;
    sim::ProcView c;
    c.name = "c";
    std::vector<std::int32_t> values(600);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int32_t>(i * 7 % 32768);
    sim::set_semall(c.buf, values.data(), values.size());  // more than are kept: the count stays 600
    r.observation.procs = {a, b, c};
    sim::SemView s;
    s.semid = 32768, s.key = -16, s.mode = 0600, s.nsems = 2, s.uid = 1000, s.gid = 1001, s.otime = 5, s.ctime = 4;
    s.sems = {{1, 4242, 0, 2}, {32767, 0, 3, 0}};
    r.observation.sems = {s, sim::SemView{}};
    auto back = round_trip(r);
    ASSERT_EQ(back.observation.procs.size(), 3u);
    EXPECT_EQ(back.observation.procs[0].buf, a.buf);
    EXPECT_EQ(back.observation.procs[1].buf, b.buf);
    EXPECT_EQ(back.observation.procs[2].buf, c.buf);
    EXPECT_EQ(back.observation.procs[2].buf.semall_count, 600u);
    EXPECT_EQ(back.observation.procs[2].buf.semall[511], values[511]);
    ASSERT_EQ(back.observation.sems.size(), 2u);
    EXPECT_EQ(back.observation.sems[0], s);
    EXPECT_FALSE(back.observation.sems[0].pending.has_value());  // the kernel run never sees the sleepers' order
}

TEST(SemRealWire, a_semop_and_a_setall_invocation_survive_the_wire) {
    sim::Invocation c;
    c.proc = "a";
    c.kind = sim::scenario::CallKind::Semctl;
    c.args = {3, 0, SETALL};
    c.array = {1, 2, 3, 65535};
    c.fields = {{"val", 5}};
    c.sysctls = {{"semmsl", 4}, {"semmns", 6}, {"semopm", 2}, {"semmni", 2}};
    WireWriter w;
    encode(w, c);
    auto back = decode_invocation(w.bytes());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->kind, c.kind);
    EXPECT_EQ(back->args, c.args);
    EXPECT_EQ(back->array, c.array);
    EXPECT_EQ(back->fields, c.fields);
    EXPECT_EQ(back->sysctls, c.sysctls);
    c.kind = sim::scenario::CallKind::Semop;
    c.args = {3, 0, -1, SEM_UNDO, 1, 0, IPC_NOWAIT};
    c.array.clear();
    WireWriter w2;
    encode(w2, c);
    back = decode_invocation(w2.bytes());
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->args, c.args);
}

TEST(SemRealWire, a_getall_count_past_any_set_is_a_broken_reply) {
    RunReply r;
    sim::ProcView a;
    a.name = "a";
    const std::int32_t values[] = {0x1234567, 0x7654321};
    sim::set_semall(a.buf, values, 2);
    r.observation.procs = {a};
    WireWriter w;
    encode(w, r);
    std::string bytes = w.bytes();
    WireWriter tail;
    tail.u64(2), tail.i64(0x1234567), tail.i64(0x7654321);
    // The count is followed by its two values; make it 2^40, which no set has.
    WireWriter huge;
    huge.u64(std::uint64_t{1} << 40);
    auto at = bytes.find(tail.bytes());
    ASSERT_NE(at, std::string::npos);
    bytes.replace(at, 8, huge.bytes());
    EXPECT_FALSE(decode_reply(bytes).has_value());
}

TEST(SemRealKernelRun, a_set_its_semaphores_and_a_sleeper_are_observed_with_pids_as_the_run_sees_them) {
    NEEDS_KERNEL_RUN();
    auto sc = parse_ok("proc a\nproc b\n"
                       "a: s = semget(IPC_PRIVATE, 2, IPC_CREAT | 0640)\n"
                       "a: semctl(s, 1, SETVAL, val=4)\n"
                       "b: semop(s, {0, -1, 0})\n"
                       "b: semop(s, {1, -1, 0})\n");
    RealBackend k;
    sim::RunState st;
    sim::start_run(sc, k);
    sim::run_step(sc, k, st);
    sim::run_step(sc, k, st);
    auto sleeping = sim::run_step(sc, k, st);
    EXPECT_EQ(sleeping.record->outcome.fate, sim::Fate::blocked);
    auto o = k.observe();
    ASSERT_EQ(o.sems.size(), 1u);
    const auto& s = o.sems[0];
    EXPECT_EQ(s.mode, 0640u);
    EXPECT_EQ(s.nsems, 2u);
    EXPECT_FALSE(s.pending.has_value());
    ASSERT_EQ(s.sems.size(), 2u);
    EXPECT_EQ(s.sems[0], (sim::SemValue{0, 0, 1, 0}));
    EXPECT_EQ(s.sems[1].val, 4);
    EXPECT_EQ(o.pid_name(s.sems[1].pid), "a");
    EXPECT_EQ(k.query().proc("b")->state, sim::TaskState::blocked);
}

TEST(SemRealKernelRun, runs_ended_midway_with_sleepers_and_undo_entries_leave_no_semaphore_set_behind) {
    NEEDS_KERNEL_RUN();
    int host_ns = ::open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(host_ns, 0);
    if (::unshare(CLONE_NEWIPC) != 0) GTEST_SKIP() << "unshare(CLONE_NEWIPC): " << std::strerror(errno);
    auto rows = [] { return read_sysvipc_sem(read_file("/proc/sysvipc/sem").value_or("")).size(); };
    EXPECT_EQ(rows(), 0u);
    auto sc = parse_ok("proc a\nproc b\nproc c\n"
                       "a: s = semget(0x5e5, 3, IPC_CREAT | 0600)\n"
                       "a: semop(s, {0, 2, SEM_UNDO})\n"
                       "b: semop(s, {1, -1, 0})\n"
                       "c: semop(s, {0, 0, 0})\n");
    for (int run = 0; run < 20; ++run) {
        RealBackend k;
        sim::RunState st;
        sim::start_run(sc, k);
        // Some runs end with sleepers, some midway; the backend's end takes everything with it.
        for (std::size_t n = 0; n < static_cast<std::size_t>(run % 5) && st.next < sc.steps.size(); ++n) sim::run_step(sc, k, st);
        EXPECT_EQ(rows(), 0u) << "run " << run << ": the run's sets live in a namespace of its own";
    }
    EXPECT_EQ(rows(), 0u);
    EXPECT_EQ(::setns(host_ns, CLONE_NEWIPC), 0);
    ::close(host_ns);
}

// sysctl sem: the four numbers of /proc/sys/kernel/sem go in one write, in its order, wherever they
// stand in the list; the other sysctls are written one by one. In an IPC namespace of the test's own.
TEST(SemRealSandbox, sysctl_sem_is_one_write_of_four_numbers_and_a_refused_one_says_which) {
    NEEDS_KERNEL_RUN();
    int host_ns = ::open("/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(host_ns, 0);
    if (::unshare(CLONE_NEWIPC) != 0) GTEST_SKIP() << "unshare(CLONE_NEWIPC): " << std::strerror(errno);
    auto sem_line = [] {
        auto text = read_file("/proc/sys/kernel/sem").value_or("");
        for (char& c : text)
            if (c == '\t') c = ' ';
        return text;
    };
    EXPECT_EQ(write_ipc_sysctls({{"semopm", 2}, {"msgmax", 100}, {"semmni", 3}, {"semmsl", 4}, {"semmns", 6}}), std::nullopt);
    EXPECT_EQ(sem_line(), "4 6 2 3\n");
    EXPECT_EQ(read_ipc_sysctl("msgmax"), 100);
    // Some of the four only: the others keep what the namespace has.
    EXPECT_EQ(write_ipc_sysctls({{"semopm", 7}}), std::nullopt);
    EXPECT_EQ(sem_line(), "4 6 7 3\n");
    EXPECT_EQ(write_ipc_sysctls({{"sem_next_id", 9}}), std::nullopt);
    EXPECT_EQ(read_ipc_sysctl("sem_next_id"), 9);
    // semmni above IPCMNI (32768): the write fails, and says what it wrote. (The kernel keeps the
    // first three numbers and restores semmni alone: proc_ipc_sem_dointvec.)
    auto err = write_ipc_sysctls({{"semmsl", 1}, {"semmns", 1}, {"semopm", 1}, {"semmni", 40000}});
    ASSERT_TRUE(err.has_value());
    EXPECT_NE(err->find("kernel.sem"), std::string::npos) << *err;
    EXPECT_NE(err->find("1 1 1 40000"), std::string::npos) << *err;
    EXPECT_EQ(sem_line(), "1 1 1 3\n");
    EXPECT_EQ(::setns(host_ns, CLONE_NEWIPC), 0);
    ::close(host_ns);
}

// Every semaphore is read after every step: a run whose sets hold more than a kernel run observes
// stops at the step that passed the bound, with the reason (nine full sets of the default semmsl).
// The runner refuses the semget that would pass the bound, before it runs, on the kernel as on the model.
TEST(SemRealKernelRun, a_run_stops_before_its_sets_hold_more_semaphores_than_it_observes) {
    NEEDS_KERNEL_RUN();
    std::string text = "proc a\n";
    for (int set = 0; set < 9; ++set) text += "a: semget(IPC_PRIVATE, 32000, IPC_CREAT | 0600) => ok\n";
    auto sc = parse_ok(text);
    RealBackend k;
    sim::RunState st;
    sim::start_run(sc, k);
    std::optional<sim::scenario::Diagnostic> error;
    while (st.next < sc.steps.size() && !error) error = sim::run_step(sc, k, st).error;
    ASSERT_TRUE(error) << "288000 semaphores passed a bound of 262144";
    EXPECT_EQ(error->message, "semget of 32000 semaphores would take the run past the 262144 semaphores the model keeps in all (256000 so far)");
    EXPECT_EQ(st.next, 8u) << "stopped at the step that would pass the bound, before it ran";
    EXPECT_EQ(k.observe().sems.size(), 8u);
}
