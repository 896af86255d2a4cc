// Which outcomes hang on the order in which woken processes run: the kernel run shows a race's
// outcome only where it can pin that order (SCHED_FIFO), so it must know which those are.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"
#include "sim/wake_order.h"

namespace {

sim::scenario::Scenario lesson(const std::string& name) {
    std::ifstream in(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/" + name);
    std::stringstream text;
    text << in.rdbuf();
    auto r = sim::scenario::parse(name, text.str());
    EXPECT_TRUE(r.ok());
    return std::move(r.scenario);
}

sim::scenario::Scenario parse_ok(const std::string& text) {
    auto r = sim::scenario::parse("test.ipc", text);
    EXPECT_TRUE(r.ok());
    return std::move(r.scenario);
}

}  // namespace

// Two senders woken by one receive race for 8 free bytes: whoever runs first gets in.
TEST(WakeOrder, two_senders_racing_for_room_decide_the_rest_of_lesson_10) {
    auto s = lesson("10-full-queue.ipc");
    auto step = sim::first_step_the_wake_order_decides(s);
    ASSERT_TRUE(step);
    EXPECT_EQ(s.steps[*step].pos.line, 23);
}

// IPC_RMID wakes every sleeper with EIDRM: in any order, the same.
TEST(WakeOrder, sleepers_woken_by_ipc_rmid_end_alike_in_any_order) {
    EXPECT_FALSE(sim::first_step_the_wake_order_decides(lesson("12-rmid-sleepers.ipc")));
}

TEST(WakeOrder, reversed_order_runs_the_last_woken_sender_first) {
    auto s = parse_ok("proc p1\nproc p2\nproc c\n"
                      "p1: q = msgget(IPC_PRIVATE, 0666)\np1: msgctl(q, IPC_SET, qbytes=16)\n"
                      "p1: msgsnd(q, 1, \"0123456789\", 0)\np1: msgsnd(q, 1, \"abcdefgh\", 0)\np2: msgsnd(q, 2, \"ABCDEFGHI\", 0)\n"
                      "c: msgrcv(q, 64, 0, 0)\n");
    sim::ModelBackend m;
    m.set_wake_order(sim::Kernel::WakeOrder::reversed);
    sim::RunState st;
    sim::start_run(s, m);
    while (st.next < s.steps.size()) sim::run_step(s, m, st);
    EXPECT_EQ(m.state_of("p2"), sim::TaskState::ready);
    EXPECT_EQ(m.state_of("p1"), sim::TaskState::blocked);
    EXPECT_EQ(m.kernel().races(), 1u);
}
