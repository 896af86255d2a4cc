// The semaphore model against ipc/sem.c and measurements on this machine (each rule checked with a
// C program in a private IPC namespace; see the scenarios tests/scenarios/sem-*.ipc).
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/kernel.h"

using namespace sim;

namespace {

struct Sem : ::testing::Test {
    Kernel k;
    int a = k.spawn("a", 0, 0);
    int b = k.spawn("b", 0, 0);
    int c = k.spawn("c", 0, 0);
    int d = k.spawn("d", 0, 0);
    int user = k.spawn("user", 1000, 100);

    std::int64_t ok(const SyscallResult& r) {
        EXPECT_EQ(r.err, 0);
        EXPECT_EQ(r.fate, Fate::returned);
        return r.ret;
    }
    int err(const SyscallResult& r) {
        EXPECT_EQ(r.fate, Fate::returned);
        EXPECT_EQ(r.ret, -1);
        return r.err;
    }
    void blocks(const SyscallResult& r) { EXPECT_EQ(r.fate, Fate::blocked); }
    const sem_array& set(std::int64_t id) { return *k.ns().sem_ids.find_id(static_cast<int>(id)); }
    const sem& at(std::int64_t id, int n) { return set(id).sems[static_cast<std::size_t>(n)]; }
    const task_struct& t(int pid) { return *k.task(pid); }
    std::int64_t make(int nsems, std::int64_t mode = 0600) { return ok(k.semget(a, IPC_PRIVATE, nsems, mode)); }
    void setval(std::int64_t id, int n, int v) {
        SemctlArgs arg;
        arg.val = v;
        ok(k.semctl(a, id, n, SETVAL, arg));
    }
    std::int64_t ctl(int pid, std::int64_t id, int n, int cmd, SemctlArgs arg = {}) {
        const SyscallResult& r = k.semctl(pid, id, n, cmd, arg);
        return r.ret == -1 ? -r.err : r.ret;
    }
    static std::vector<sembuf> op(int num, int o, int flg = 0) {
        return {sembuf{static_cast<std::uint16_t>(num), static_cast<std::int16_t>(o), static_cast<std::int16_t>(flg)}};
    }
    static std::vector<sembuf> ops(std::initializer_list<std::array<int, 3>> l) {
        std::vector<sembuf> out;
        for (const auto& x : l)
            out.push_back({static_cast<std::uint16_t>(x[0]), static_cast<std::int16_t>(x[1]), static_cast<std::int16_t>(x[2])});
        return out;
    }
    std::vector<int> pending(std::int64_t id) {
        std::vector<int> out;
        for (const auto& q : set(id).queues) out.push_back(q.pid);
        return out;
    }
};

}  // namespace

TEST_F(Sem, semget_checks_nsems_against_semmsl_before_the_key) {
    ok(k.semget(a, 42, 2, IPC_CREAT | 0600));
    // An existing key, but nsems beyond semmsl: EINVAL before the lookup could say EEXIST.
    EXPECT_EQ(err(k.semget(a, 42, 40000, IPC_CREAT | IPC_EXCL)), EINVAL);
    EXPECT_EQ(err(k.semget(a, 42, -1, 0)), EINVAL);
    EXPECT_EQ(err(k.semget(a, 42, 2, IPC_CREAT | IPC_EXCL)), EEXIST);
    EXPECT_EQ(err(k.semget(a, 42, 3, 0)), EINVAL);  // more than the set has
    EXPECT_EQ(ok(k.semget(a, 42, 0, 0)), 0);        // 0: any size will do
    EXPECT_EQ(err(k.semget(user, 42, 2, 0400)), EACCES);
    EXPECT_EQ(err(k.semget(a, IPC_PRIVATE, 0, 0600)), EINVAL);  // a new set needs a semaphore
    EXPECT_EQ(err(k.semget(a, 43, 1, 0600)), ENOENT);
}

TEST_F(Sem, ids_and_the_sysctl_limits) {
    ASSERT_TRUE(k.set_sysctl("semmsl", 4));
    ASSERT_TRUE(k.set_sysctl("semmns", 8));
    ASSERT_TRUE(k.set_sysctl("semopm", 2));
    ASSERT_TRUE(k.set_sysctl("semmni", 3));
    EXPECT_EQ(err(k.semget(a, IPC_PRIVATE, 5, 0600)), EINVAL);
    EXPECT_EQ(make(4), 0);
    EXPECT_EQ(make(2), 1);
    EXPECT_EQ(err(k.semget(a, IPC_PRIVATE, 3, 0600)), ENOSPC);  // semmns
    EXPECT_EQ(make(2), 2);
    EXPECT_EQ(err(k.semget(a, IPC_PRIVATE, 0, 0600)), EINVAL);
    EXPECT_EQ(err(k.semget(a, IPC_PRIVATE, 1, 0600)), ENOSPC);  // semmns again: 8 used
    EXPECT_EQ(k.ns().used_sems, 8);
    ok(k.semctl(a, 2, 0, IPC_RMID, {}));
    EXPECT_EQ(k.ns().used_sems, 6);
    ASSERT_TRUE(k.set_sysctl("sem_next_id", 65541));
    EXPECT_EQ(make(1), 65541);
    EXPECT_EQ(err(k.semget(a, IPC_PRIVATE, 1, 0600)), ENOSPC);  // semmni: three sets
}

TEST_F(Sem, semop_e2big_before_the_lookup_and_einval_for_no_sembuf) {
    ASSERT_TRUE(k.set_sysctl("semopm", 2));
    auto s = make(3);
    EXPECT_EQ(err(k.semop(a, 12345, ops({{0, 1, 0}, {1, 1, 0}, {2, 1, 0}}))), E2BIG);
    EXPECT_EQ(err(k.semop(a, s, {})), EINVAL);
    EXPECT_EQ(err(k.semop(a, -1, op(0, 1))), EINVAL);
    EXPECT_EQ(err(k.semop(a, 12345, op(0, 1))), EINVAL);
    EXPECT_EQ(ok(k.semop(a, s, ops({{0, 1, 0}, {1, 1, 0}}))), 0);
}

TEST_F(Sem, semop_efbig_comes_before_eacces) {
    auto s = make(2, 0600);
    EXPECT_EQ(err(k.semop(user, s, op(5, 1))), EFBIG);
    EXPECT_EQ(err(k.semop(user, s, op(1, 1))), EACCES);
    EXPECT_EQ(err(k.semop(user, s, op(1, 0))), EACCES);  // wait-for-zero needs read
}

TEST_F(Sem, all_or_nothing_and_only_the_blocking_sembufs_nowait_counts) {
    auto s = make(2);
    SemctlArgs all;
    all.array = {1, 0};
    ok(k.semctl(a, s, 0, SETALL, all));
    EXPECT_EQ(err(k.semop(b, s, ops({{0, -1, 0}, {1, -1, IPC_NOWAIT}}))), EAGAIN);
    EXPECT_EQ(at(s, 0).semval, 1);
    // The first sembuf blocks and has no IPC_NOWAIT: the second one's flag does not matter.
    blocks(k.semop(c, s, ops({{0, -5, 0}, {1, -1, IPC_NOWAIT}})));
    EXPECT_EQ(count_semcnt(set(s), 0, false), 1);
    EXPECT_EQ(count_semcnt(set(s), 1, false), 0);
}

TEST_F(Sem, erange_above_semvmx_applies_nothing) {
    auto s = make(2);
    setval(s, 1, 1);
    EXPECT_EQ(err(k.semop(a, s, ops({{0, 1, 0}, {1, 32767, 0}}))), ERANGE);
    EXPECT_EQ(at(s, 0).semval, 0);
    EXPECT_EQ(at(s, 1).semval, 1);
}

TEST_F(Sem, a_sleeper_counts_only_on_its_first_blocking_sembuf) {
    auto s = make(2);
    setval(s, 0, 1);
    blocks(k.semop(b, s, ops({{0, -1, 0}, {1, -1, 0}})));
    EXPECT_EQ(count_semcnt(set(s), 0, false), 0);
    EXPECT_EQ(count_semcnt(set(s), 1, false), 1);
    EXPECT_EQ(ctl(a, s, 1, GETNCNT), 1);
    EXPECT_EQ(at(s, 0).semval, 1);  // nothing applied while it sleeps
    ok(k.semop(a, s, op(1, 1)));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(b).regs.ret, 0);
    EXPECT_EQ(at(s, 0).semval, 0);
    EXPECT_EQ(at(s, 0).sempid, b);
    EXPECT_EQ(at(s, 1).sempid, b);
}

TEST_F(Sem, wake_order_skips_a_minus_2_sleeper_for_a_minus_1_sleeper) {
    auto s = make(1);
    blocks(k.semop(b, s, op(0, -2)));
    blocks(k.semop(c, s, op(0, -1)));
    EXPECT_EQ(pending(s), (std::vector<int>{b, c}));
    EXPECT_EQ(ctl(a, s, 0, GETNCNT), 2);
    ok(k.semop(a, s, op(0, 1)));
    EXPECT_EQ(t(b).state, TaskState::blocked);
    EXPECT_EQ(t(c).state, TaskState::ready);
    EXPECT_EQ(at(s, 0).sempid, c);
    EXPECT_EQ(pending(s), (std::vector<int>{b}));
    ok(k.semop(a, s, op(0, 1)));
    EXPECT_EQ(t(b).state, TaskState::blocked);
    ok(k.semop(a, s, op(0, 1)));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(at(s, 0).semval, 0);
}

TEST_F(Sem, a_served_complex_sleeper_restarts_the_scan) {
    auto s = make(2);
    blocks(k.semop(b, s, op(0, -1)));
    blocks(k.semop(c, s, ops({{1, -1, 0}, {0, 1, 0}})));
    EXPECT_EQ(set(s).complex_count, 1);
    ok(k.semop(a, s, op(1, 1)));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(c).state, TaskState::ready);
    EXPECT_EQ(at(s, 0).sempid, b);
    EXPECT_EQ(at(s, 1).sempid, c);
    EXPECT_EQ(set(s).complex_count, 0);
    EXPECT_TRUE(set(s).pending_alter.empty());
}

TEST_F(Sem, wait_for_zero_wakes_every_waiter_and_the_last_sets_sempid) {
    auto s = make(1);
    setval(s, 0, 2);
    blocks(k.semop(b, s, op(0, 0)));
    blocks(k.semop(c, s, op(0, 0)));
    EXPECT_EQ(ctl(a, s, 0, GETZCNT), 2);
    EXPECT_EQ(ctl(a, s, 0, GETNCNT), 0);
    ok(k.semop(a, s, op(0, -1)));
    EXPECT_EQ(t(b).state, TaskState::blocked);
    ok(k.semop(a, s, op(0, -1)));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(c).state, TaskState::ready);
    EXPECT_EQ(at(s, 0).sempid, c);
    EXPECT_EQ(ctl(a, s, 0, GETZCNT), 0);
    // A wait-for-zero that passes sets sempid and otime too.
    k.tick();
    ok(k.semop(d, s, op(0, 0, IPC_NOWAIT)));
    EXPECT_EQ(at(s, 0).sempid, d);
    EXPECT_EQ(set(s).sem_otime, k.now());
}

TEST_F(Sem, undo_is_applied_at_exit_and_at_sigkill_and_serves_sleepers) {
    auto s = make(1);
    setval(s, 0, 1);
    ok(k.semop(b, s, op(0, -1, SEM_UNDO)));
    EXPECT_EQ(set(s).list_id.front().semadj[0], 1);
    blocks(k.semop(c, s, op(0, -1, SEM_UNDO)));
    k.tick();
    ok(k.kill(a, b, SIGKILL));
    EXPECT_EQ(t(b).state, TaskState::killed);
    EXPECT_EQ(t(c).state, TaskState::ready);
    EXPECT_EQ(t(c).regs.ret, 0);
    EXPECT_EQ(at(s, 0).semval, 0);
    EXPECT_EQ(at(s, 0).sempid, c);
    EXPECT_EQ(set(s).sem_otime, k.now());
    k.exit(c, 0);
    EXPECT_EQ(at(s, 0).semval, 1);
    EXPECT_EQ(at(s, 0).sempid, c);
    EXPECT_TRUE(set(s).list_id.empty());
}

TEST_F(Sem, undo_at_exit_is_clamped_at_zero) {
    auto s = make(1);
    ok(k.semop(b, s, op(0, 3, SEM_UNDO)));  // undo -3
    setval(s, 0, 1);                         // clears it: nothing to give back
    ok(k.semop(b, s, op(0, 2, SEM_UNDO)));  // undo -2, value 3
    ok(k.semop(a, s, op(0, -3)));           // value 0
    k.exit(b, 0);
    EXPECT_EQ(at(s, 0).semval, 0);  // 0 - 2 clamped
    EXPECT_EQ(at(s, 0).sempid, b);
}

TEST_F(Sem, a_failed_semop_with_sem_undo_keeps_its_record_and_exit_sets_otime) {
    auto s = make(1);
    EXPECT_EQ(err(k.semop(b, s, op(0, -1, SEM_UNDO | IPC_NOWAIT))), EAGAIN);
    EXPECT_EQ(err(k.semop(c, s, op(5, -1, SEM_UNDO))), EFBIG);
    EXPECT_EQ(set(s).list_id.size(), 2u);
    EXPECT_EQ(set(s).sem_otime, 0u);
    k.tick();
    k.exit(b, 0);
    EXPECT_EQ(set(s).sem_otime, k.now());
    EXPECT_EQ(at(s, 0).sempid, 0);  // nothing to add back: sempid untouched
}

TEST_F(Sem, setval_and_setall_clear_undo_entries) {
    auto s = make(2);
    setval(s, 0, 5);
    setval(s, 1, 5);
    ok(k.semop(b, s, ops({{0, -1, SEM_UNDO}, {1, -1, SEM_UNDO}})));
    setval(s, 0, 5);
    EXPECT_EQ(set(s).list_id.front().semadj[0], 0);
    EXPECT_EQ(set(s).list_id.front().semadj[1], 1);
    SemctlArgs all;
    all.array = {7, 7};
    ok(k.semctl(a, s, 0, SETALL, all));
    EXPECT_EQ(set(s).list_id.front().semadj[1], 0);
    k.exit(b, 0);
    EXPECT_EQ(at(s, 0).semval, 7);
    EXPECT_EQ(at(s, 1).semval, 7);
    EXPECT_EQ(at(s, 1).sempid, a);
}

TEST_F(Sem, fork_child_has_no_undo) {
    auto s = make(1);
    setval(s, 0, 2);
    ok(k.semop(b, s, op(0, -1, SEM_UNDO)));
    auto child = static_cast<int>(ok(k.fork(b, "kid")));
    EXPECT_TRUE(t(child).sem_undo_list.empty());
    k.exit(child, 0);
    EXPECT_EQ(at(s, 0).semval, 1);
    k.exit(b, 0);
    EXPECT_EQ(at(s, 0).semval, 2);
}

TEST_F(Sem, a_handled_signal_ends_the_sleep_with_eintr) {
    auto s = make(1);
    blocks(k.semop(b, s, op(0, -1)));
    ok(k.kill(a, b, SIGUSR1));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(b).regs.ret, -1);
    EXPECT_EQ(t(b).regs.err, EINTR);
    EXPECT_TRUE(set(s).queues.empty());
    EXPECT_EQ(ctl(a, s, 0, GETNCNT), 0);
}

TEST_F(Sem, ipc_rmid_wakes_every_sleeper_with_eidrm) {
    auto s = make(2);
    setval(s, 1, 1);
    blocks(k.semop(b, s, op(0, -1)));
    blocks(k.semop(c, s, op(1, 0)));
    blocks(k.semop(d, s, ops({{0, -1, 0}, {1, -1, 0}})));
    ok(k.semctl(a, s, 0, IPC_RMID, {}));
    for (int pid : {b, c, d}) {
        EXPECT_EQ(t(pid).state, TaskState::ready);
        EXPECT_EQ(t(pid).regs.err, EIDRM);
    }
    EXPECT_EQ(k.ns().sem_ids.find_id(static_cast<int>(s)), nullptr);
    EXPECT_EQ(ctl(a, s, 0, GETVAL), -EINVAL);
    EXPECT_EQ(k.ns().used_sems, 0);
}

TEST_F(Sem, setval_errno_order_and_wakeups) {
    auto s = make(2);
    EXPECT_EQ(ctl(a, 999, 9, SETVAL, SemctlArgs{40000, {}, {}}), -ERANGE);  // range before lookup
    EXPECT_EQ(ctl(a, s, 0, SETVAL, SemctlArgs{-1, {}, {}}), -ERANGE);
    EXPECT_EQ(ctl(a, s, 5, SETVAL, SemctlArgs{1, {}, {}}), -EINVAL);
    EXPECT_EQ(ctl(user, s, 5, SETVAL, SemctlArgs{1, {}, {}}), -EINVAL);  // semnum before permission
    EXPECT_EQ(ctl(user, s, 0, SETVAL, SemctlArgs{1, {}, {}}), -EACCES);
    k.tick();
    setval(s, 0, 3);
    EXPECT_EQ(set(s).sem_otime, 0u);  // nobody woken: otime stays
    EXPECT_EQ(set(s).sem_ctime, k.now());
    EXPECT_EQ(at(s, 0).sempid, a);
    setval(s, 1, 1);
    blocks(k.semop(b, s, op(1, 0)));
    blocks(k.semop(c, s, op(1, 0)));
    k.tick();
    setval(s, 1, 0);
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(c).state, TaskState::ready);
    EXPECT_EQ(set(s).sem_otime, k.now());
    EXPECT_EQ(at(s, 1).sempid, c);
}

TEST_F(Sem, semctl_reads_and_setall_range) {
    auto s = make(3, 0640);
    SemctlArgs all;
    all.array = {3, 0, 7};
    ok(k.semctl(a, s, 0, SETALL, all));
    ok(k.semctl(a, s, 0, GETALL, {}));
    EXPECT_EQ(t(a).regs.buf.kind, BufKind::semall);
    EXPECT_EQ(t(a).regs.buf.semall_count, 3u);
    EXPECT_EQ(t(a).regs.buf.semall[2], 7);
    EXPECT_EQ(ctl(a, s, 2, GETVAL), 7);
    EXPECT_EQ(ctl(a, s, 3, GETVAL), -EINVAL);
    EXPECT_EQ(ctl(a, s, 1, GETPID), a);
    all.array = {1, 40000, 2};
    EXPECT_EQ(ctl(a, s, 0, SETALL, all), -ERANGE);
    all.array = {1, -1, 2};  // an unsigned short: 65535
    EXPECT_EQ(ctl(a, s, 0, SETALL, all), -ERANGE);
    EXPECT_EQ(ctl(a, s, 0, GETVAL), 3);
    EXPECT_EQ(ctl(user, s, 0, GETVAL), -EACCES);
    EXPECT_EQ(ctl(a, s, 0, 99), -EINVAL);
    EXPECT_EQ(ctl(a, -1, 0, IPC_INFO), -EINVAL);
}

TEST_F(Sem, stat_info_set_and_rmid) {
    auto s = make(3, 0640);
    ok(k.semctl(a, s, 0, IPC_STAT, {}));
    const CtlBuf& buf = t(a).regs.buf;
    EXPECT_EQ(buf.kind, BufKind::semid_ds);
    EXPECT_EQ(buf.sem_nsems, 3u);
    EXPECT_EQ(buf.mode & 0777, 0640u);
    EXPECT_EQ(ctl(user, s, 0, IPC_STAT), -EACCES);
    EXPECT_EQ(ctl(user, 0, 0, SEM_STAT), -EACCES);
    EXPECT_EQ(ctl(user, 0, 0, SEM_STAT_ANY), s);
    EXPECT_EQ(t(user).regs.buf.sem_nsems, 3u);
    EXPECT_EQ(ctl(user, s, 0, IPC_RMID), -EPERM);
    SemctlArgs sa;
    sa.set.mode = 0666;
    sa.set.uid = 1000;
    sa.set.gid = 100;
    ok(k.semctl(a, s, 0, IPC_SET, sa));
    EXPECT_EQ(set(s).sem_perm.uid, 1000u);
    EXPECT_EQ(set(s).sem_perm.cuid, 0u);
    EXPECT_EQ(ok(k.semop(user, s, op(0, 1))), 0);
    ok(k.semctl(a, 0, 0, IPC_INFO, {}));
    EXPECT_EQ(t(a).regs.buf.semusz, SEMUSZ);
    EXPECT_EQ(t(a).regs.buf.semaem, SEMAEM);
    EXPECT_EQ(t(a).regs.buf.semmns, 1024000000);
    ok(k.semctl(a, 0, 0, SEM_INFO, {}));
    EXPECT_EQ(t(a).regs.buf.semusz, 1);
    EXPECT_EQ(t(a).regs.buf.semaem, 3);
    ok(k.semctl(user, s, 0, IPC_RMID, {}));
}
