// The message-queue model against ipc/msg.c and measurements on this machine (each rule measured with a C program; see the scenarios in tests/scenarios).
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/kernel.h"

using namespace sim;

namespace {

struct Msg : ::testing::Test {
    Kernel k;
    int a = k.spawn("a", 0, 0);
    int b = k.spawn("b", 0, 0);
    int c = k.spawn("c", 0, 0);
    int user = k.spawn("user", 1000, 100);

    std::int64_t ok(const SyscallResult& r) {
        EXPECT_EQ(r.err, 0);
        EXPECT_EQ(r.fate, Fate::returned);
        return r.ret;
    }
    void blocks(const SyscallResult& r) { EXPECT_EQ(r.fate, Fate::blocked); }
    const msg_queue& q(std::int64_t id) { return *k.ns().msg_ids.find_id(static_cast<int>(id)); }
    const task_struct& t(int pid) { return *k.task(pid); }
    std::vector<int> senders(std::int64_t id) {
        std::vector<int> out;
        for (const auto& s : q(id).q_senders) out.push_back(s.tsk);
        return out;
    }
    std::vector<int> receivers(std::int64_t id) {
        std::vector<int> out;
        for (const auto& r : q(id).q_receivers) out.push_back(r.r_tsk);
        return out;
    }
    std::int64_t queue(std::uint64_t qbytes) {
        auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
        IpcSetFields f;
        f.qbytes = qbytes;
        ok(k.msgctl(a, id, IPC_SET, f));
        return id;
    }
    static bool has_event(const SyscallResult& r, EventKind kind) {
        return std::any_of(r.events.begin(), r.events.end(), [&](const KernelEvent& e) { return e.kind == kind; });
    }
};

}  // namespace

TEST_F(Msg, queue_ids_start_at_0_apart_from_segment_ids) {
    ok(k.shmget(a, IPC_PRIVATE, 1, 0600));
    EXPECT_EQ(ok(k.msgget(a, IPC_PRIVATE, 0600)), 0);
    EXPECT_EQ(ok(k.msgget(a, 1234, 0600 | IPC_CREAT)), 1);
    EXPECT_EQ(q(0).q_qbytes, 16384u);
}

TEST_F(Msg, msgget_asking_for_nothing_passes_where_asking_for_rw_is_refused) {
    auto id = ok(k.msgget(a, 1234, 0600 | IPC_CREAT));
    EXPECT_EQ(ok(k.msgget(user, 1234, 0)), id);
    EXPECT_EQ(k.msgget(user, 1234, 0600).err, EACCES);
    EXPECT_EQ(k.msgget(a, 1234, 0600 | IPC_CREAT | IPC_EXCL).err, EEXIST);
    EXPECT_EQ(k.msgget(a, 999, 0600).err, ENOENT);
}

TEST_F(Msg, msgmni_bounds_the_number_of_queues) {
    k.set_sysctl("msgmni", 2);
    ok(k.msgget(a, IPC_PRIVATE, 0600));
    ok(k.msgget(a, IPC_PRIVATE, 0600));
    EXPECT_EQ(k.msgget(a, IPC_PRIVATE, 0600).err, ENOSPC);
}

TEST_F(Msg, msgsnd_argument_errors_come_before_the_lookup_and_the_permission_check) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0600));
    EXPECT_EQ(k.msgsnd(a, id, 1, std::string(8193, 'x'), 0).err, EINVAL);
    EXPECT_EQ(k.msgsnd(user, id, 0, "x", 0).err, EINVAL);   // mtype < 1 before EACCES
    EXPECT_EQ(k.msgsnd(a, 99, 1, "x", 0).err, EINVAL);
    EXPECT_EQ(k.msgsnd(a, -1, 1, "x", 0).err, EINVAL);
    EXPECT_EQ(k.msgsnd(user, id, 1, "x", 0).err, EACCES);
}

TEST_F(Msg, a_full_queue_gives_eagain_with_ipc_nowait_and_puts_the_sender_to_sleep_without) {
    auto id = queue(10);
    ok(k.msgsnd(a, id, 1, "123456", 0));
    EXPECT_EQ(k.msgsnd(b, id, 1, "12345", IPC_NOWAIT).err, EAGAIN);
    blocks(k.msgsnd(b, id, 1, "12345", 0));
    EXPECT_EQ(t(b).state, TaskState::blocked);
    EXPECT_EQ(senders(id), std::vector<int>{b});
}

TEST_F(Msg, qbytes_also_bounds_the_number_of_messages) {
    auto id = queue(10);
    for (int i = 0; i < 10; ++i) ok(k.msgsnd(a, id, 1, "", IPC_NOWAIT));
    EXPECT_EQ(k.msgsnd(a, id, 1, "", IPC_NOWAIT).err, EAGAIN);
    EXPECT_EQ(q(id).q_qnum, 10u);
}

TEST_F(Msg, a_sleeping_receiver_gets_the_message_directly_and_it_never_enters_the_queue) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    blocks(k.msgrcv(b, id, 64, 0, 0));
    auto r = k.msgsnd(a, id, 7, "hello", 0);
    ok(r);
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(b).regs.ret, 5);
    EXPECT_EQ(t(b).regs.data, "hello");
    EXPECT_EQ(t(b).regs.mtype, 7);
    EXPECT_EQ(q(id).q_qnum, 0u);
    EXPECT_EQ(q(id).q_lrpid, b);
    EXPECT_EQ(q(id).q_lspid, a);
    EXPECT_TRUE(has_event(r, EventKind::wake));
}

TEST_F(Msg, pipelined_send_wakes_a_too_small_receiver_with_e2big_and_scans_on) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    blocks(k.msgrcv(b, id, 2, 0, 0));
    blocks(k.msgrcv(c, id, 64, 0, 0));
    ok(k.msgsnd(a, id, 1, "too big for b", 0));
    EXPECT_EQ(t(b).regs.err, E2BIG);
    EXPECT_EQ(t(c).regs.data, "too big for b");
    EXPECT_EQ(q(id).q_qnum, 0u);
    EXPECT_TRUE(receivers(id).empty());
}

TEST_F(Msg, the_fit_check_comes_before_a_waiting_receiver) {
    auto id = queue(4);
    ok(k.msgsnd(a, id, 1, "full", 0));
    blocks(k.msgrcv(b, id, 64, 2, 0));
    blocks(k.msgsnd(a, id, 2, "x", 0));  // b wants it, but the queue is full: the sender sleeps
    EXPECT_EQ(t(b).state, TaskState::blocked);
    ok(k.msgrcv(c, id, 64, 1, 0));       // room: the sender retries and hands its message to b
    EXPECT_EQ(t(a).state, TaskState::ready);
    EXPECT_EQ(t(b).regs.data, "x");
    EXPECT_EQ(q(id).q_qnum, 0u);
}

TEST_F(Msg, receivers_are_served_in_the_order_they_went_to_sleep) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    blocks(k.msgrcv(b, id, 64, 0, 0));
    blocks(k.msgrcv(c, id, 64, 0, 0));
    ok(k.msgsnd(a, id, 1, "first", 0));
    EXPECT_EQ(t(b).regs.data, "first");
    EXPECT_EQ(t(c).state, TaskState::blocked);
}

TEST_F(Msg, type_rules_any_equal_lessequal_except) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    for (auto [type, text] : {std::pair{3, "three"}, {1, "one"}, {2, "two"}, {1, "one again"}})
        ok(k.msgsnd(a, id, type, text, 0));
    EXPECT_EQ(k.msgrcv(b, id, 64, 2, 0).data, "two");
    EXPECT_EQ(k.msgrcv(b, id, 64, -3, 0).data, "one");          // lowest type <= 3, first among equals
    EXPECT_EQ(k.msgrcv(b, id, 64, 1, MSG_EXCEPT).data, "three");
    EXPECT_EQ(k.msgrcv(b, id, 64, 0, MSG_EXCEPT).data, "one again");  // MSG_EXCEPT ignored for msgtyp 0
    EXPECT_EQ(k.msgrcv(b, id, 64, 0, IPC_NOWAIT).err, ENOMSG);
}

TEST_F(Msg, e2big_leaves_the_message_and_msg_noerror_truncates_and_removes) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    ok(k.msgsnd(a, id, 1, "0123456789", 0));
    EXPECT_EQ(k.msgrcv(b, id, 4, 0, 0).err, E2BIG);
    EXPECT_EQ(q(id).q_qnum, 1u);
    auto r = k.msgrcv(b, id, 4, 0, MSG_NOERROR);
    EXPECT_EQ(r.ret, 4);
    EXPECT_EQ(r.data, "0123");
    EXPECT_EQ(q(id).q_cbytes, 0u);
}

TEST_F(Msg, msg_copy_needs_ipc_nowait_refuses_except_and_cannot_truncate) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    ok(k.msgsnd(a, id, 1, "hello", 0));
    ok(k.msgsnd(a, id, 2, "world", 0));
    EXPECT_EQ(k.msgrcv(b, id, 64, 1, MSG_COPY | IPC_NOWAIT).data, "world");
    EXPECT_EQ(q(id).q_qnum, 2u);
    EXPECT_EQ(k.msgrcv(b, id, 64, 2, MSG_COPY | IPC_NOWAIT).err, ENOMSG);
    EXPECT_EQ(k.msgrcv(b, id, 64, 0, MSG_COPY).err, EINVAL);
    EXPECT_EQ(k.msgrcv(b, id, 64, 0, MSG_COPY | IPC_NOWAIT | MSG_EXCEPT).err, EINVAL);
    EXPECT_EQ(k.msgrcv(b, id, 2, 0, MSG_COPY | IPC_NOWAIT).err, E2BIG);
    EXPECT_EQ(k.msgrcv(b, id, 2, 0, MSG_COPY | IPC_NOWAIT | MSG_NOERROR).err, EINVAL);
}

TEST_F(Msg, woken_senders_race_in_wake_order_and_the_loser_sleeps_again_at_the_tail) {
    auto id = queue(16);
    ok(k.msgsnd(a, id, 1, "0123456789", 0));
    blocks(k.msgsnd(b, id, 1, "abcdefgh", 0));
    blocks(k.msgsnd(c, id, 1, "ABCDEFGHI", 0));
    auto r = k.msgrcv(a, id, 64, 0, 0);
    EXPECT_TRUE(has_event(r, EventKind::race));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(c).state, TaskState::blocked);
    EXPECT_EQ(senders(id), std::vector<int>{c});
}

TEST_F(Msg, a_receive_wakes_a_later_sender_that_fits_and_leaves_an_earlier_one_that_does_not) {
    auto id = queue(10);
    ok(k.msgsnd(a, id, 1, "01234", 0));
    ok(k.msgsnd(a, id, 1, "56789", 0));
    blocks(k.msgsnd(b, id, 1, "12345678", 0));  // 8 bytes: still too many after one receive
    blocks(k.msgsnd(c, id, 1, "xyz", 0));       // 3 bytes: fits once 5 are freed
    auto r = k.msgrcv(a, id, 64, 0, 0);
    EXPECT_FALSE(has_event(r, EventKind::race));
    EXPECT_EQ(t(b).state, TaskState::blocked);
    EXPECT_EQ(t(c).state, TaskState::ready);
    EXPECT_EQ(senders(id), std::vector<int>{b});
    EXPECT_EQ(q(id).q_cbytes, 8u);
}

TEST_F(Msg, ipc_rmid_wakes_every_sleeper_with_eidrm_and_the_id_then_gives_einval) {
    auto id = queue(1);
    ok(k.msgsnd(a, id, 1, "x", 0));
    blocks(k.msgsnd(b, id, 1, "y", 0));
    blocks(k.msgrcv(c, id, 64, 5, 0));
    ok(k.msgctl(a, id, IPC_RMID, {}));
    EXPECT_EQ(t(b).regs.err, EIDRM);
    EXPECT_EQ(t(c).regs.err, EIDRM);
    EXPECT_EQ(k.msgsnd(a, id, 1, "z", 0).err, EINVAL);
    EXPECT_EQ(k.msgctl(a, id, IPC_STAT, {}).err, EINVAL);
}

TEST_F(Msg, ipc_set_wakes_receivers_who_then_find_their_permission_gone) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    blocks(k.msgrcv(user, id, 64, 0, 0));
    IpcSetFields f;
    f.mode = 0600;
    ok(k.msgctl(a, id, IPC_SET, f));
    EXPECT_EQ(t(user).regs.err, EACCES);
    EXPECT_TRUE(receivers(id).empty());
}

TEST_F(Msg, ipc_set_raising_qbytes_wakes_a_sender_that_now_fits) {
    auto id = queue(4);
    ok(k.msgsnd(a, id, 1, "full", 0));
    blocks(k.msgsnd(b, id, 1, "more", 0));
    IpcSetFields f;
    f.qbytes = 8;
    ok(k.msgctl(a, id, IPC_SET, f));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(q(id).q_cbytes, 8u);
}

TEST_F(Msg, msgctl_owner_rules_and_the_msgmnb_rule) {
    auto id = ok(k.msgget(a, IPC_PRIVATE, 0666));
    IpcSetFields f;
    f.qbytes = 20000;
    EXPECT_EQ(k.msgctl(a, id, IPC_SET, f).err, EPERM);  // even root: no CAP_SYS_RESOURCE here
    EXPECT_EQ(k.msgctl(user, id, IPC_RMID, {}).err, EPERM);
    EXPECT_EQ(ok(k.msgctl(user, id, IPC_STAT, {})), 0);  // 0666 lets anyone read
    EXPECT_EQ(ok(k.msgctl(a, 0, MSG_STAT, {})), id);
    EXPECT_EQ(ok(k.msgctl(a, 0, IPC_INFO, {})), 0);
    ok(k.msgget(a, IPC_PRIVATE, 0666));
    EXPECT_EQ(ok(k.msgctl(a, 0, MSG_INFO, {})), 1);
    EXPECT_EQ(k.msgctl(a, id, 99, {}).err, EINVAL);
}

TEST_F(Msg, a_handled_signal_ends_a_sleep_with_eintr_and_sigkill_leaves_the_queue) {
    auto id = queue(1);
    ok(k.msgsnd(a, id, 1, "x", 0));
    blocks(k.msgsnd(b, id, 1, "y", 0));
    blocks(k.msgrcv(c, id, 64, 9, 0));
    ok(k.kill(a, b, SIGUSR1));
    EXPECT_EQ(t(b).state, TaskState::ready);
    EXPECT_EQ(t(b).regs.err, EINTR);
    EXPECT_TRUE(senders(id).empty());
    ok(k.kill(a, c, SIGKILL));
    EXPECT_EQ(t(c).state, TaskState::killed);
    EXPECT_TRUE(receivers(id).empty());
}
