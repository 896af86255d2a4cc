// The limits that protect the machine: a run stops with an error at the step that would move more
// than the run may move in all, before anything of that step runs.
#include <gtest/gtest.h>

#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

TEST(RunnerLimits, the_step_that_would_pass_the_run_budget_is_an_error_and_does_not_run) {
    std::string text = "proc a\na: q = msgget(IPC_PRIVATE, 0600)\n";
    for (int i = 0; i < 5; ++i) text += "a: msgsnd(q, 1, bytes(1024 * 1024), 0)\n";
    auto parsed = sim::scenario::parse("budget.ipc", text);
    ASSERT_TRUE(parsed.ok());
    sim::ModelBackend model;
    sim::RunState st;
    st.max_bytes_moved = 4 << 20;
    sim::start_run(parsed.scenario, model);
    for (int i = 0; i < 5; ++i) ASSERT_FALSE(sim::run_step(parsed.scenario, model, st).error) << "step " << i;
    auto last = sim::run_step(parsed.scenario, model, st);
    ASSERT_TRUE(last.error);
    EXPECT_EQ(last.error->pos.line, 7);
    EXPECT_EQ(last.error->message, "bytes(1048576) would take the run past the 4 MiB it may move in all (4194304 bytes so far)");
    EXPECT_EQ(st.next, 5u);  // the step did not run
}

// Semaphore sets the kernel would make: past the model's 262,144 semaphores in all, the semget is an
// error before it runs; past 33,554,427 in one set the kernel itself says ENOMEM, and so does the model.
TEST(RunnerLimits, a_semget_past_the_semaphores_the_model_keeps_is_an_error_and_a_huge_one_is_enomem) {
    std::string text = "sysctl sem = 2000000000 2000000000 500 32000\nproc a\n"
                       "a: semget(IPC_PRIVATE, 2000000000, 0600) => ENOMEM\n"
                       "a: semget(IPC_PRIVATE, 200000, 0600) => ok\n"
                       "a: semget(IPC_PRIVATE, 70000, 0600) => ok\n";
    auto parsed = sim::scenario::parse("sems.ipc", text);
    ASSERT_TRUE(parsed.ok());
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(parsed.scenario, model);
    auto huge = sim::run_step(parsed.scenario, model, st);
    ASSERT_FALSE(huge.error);
    EXPECT_EQ(huge.record->outcome.err, 12);  // ENOMEM
    ASSERT_FALSE(sim::run_step(parsed.scenario, model, st).error);
    auto last = sim::run_step(parsed.scenario, model, st);
    ASSERT_TRUE(last.error);
    EXPECT_EQ(last.error->pos.line, 5);
    EXPECT_EQ(last.error->message, "semget of 70000 semaphores would take the run past the 262144 semaphores the model keeps in all (200000 so far)");
    EXPECT_EQ(model.observe().sems.size(), 1u);  // the step did not run
}
