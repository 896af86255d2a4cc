// Model against kernel for semaphore sets (issue 15): every field of a set and of each semaphore,
// sempid by process name, times as set or not, and the model's `pending` never compared.
#include <gtest/gtest.h>
#include <sys/sem.h>

#include "sim/compare.h"
#include "sim/ctl_buf.h"

using namespace sim;

namespace {

// a (pid0) made a set of two; b (pid0 + 1) last changed semaphore 1 and c sleeps on semaphore 0.
Observation a_set_with_a_sleeper(int pid0, std::int64_t clock) {
    Observation o;
    o.procs.push_back(ProcView{"a", pid0, TaskState::ready, 0, 0, 0, "", 0, 0, {}, {}});
    o.procs.push_back(ProcView{"b", pid0 + 1, TaskState::ready, 0, 0, 0, "", 0, 0, {}, {}});
    o.procs.push_back(ProcView{"c", pid0 + 2, TaskState::blocked, 0, 0, 0, "", 0, 0, {}, {}});
    SemView s;
    s.semid = 0, s.key = 0x5e1, s.mode = 0600, s.nsems = 2, s.otime = clock, s.ctime = clock;
    s.sems = {{0, 0, 1, 0}, {3, pid0 + 1, 0, 0}};
    o.sems.push_back(s);
    return o;
}

}  // namespace

TEST(SemCompare, pids_times_and_the_models_pending_may_differ_when_the_sets_agree) {
    LastCalls last;
    auto model = a_set_with_a_sleeper(2, 5);
    model.sems[0].pending = std::vector<std::string>{"c"};
    auto kernel = a_set_with_a_sleeper(4242, 1796097134);
    EXPECT_TRUE(differences(model, kernel, last).empty());
    EXPECT_GT(values_compared(kernel), values_compared(Observation{}));
}

TEST(SemCompare, each_semaphores_value_counts_and_sempid_are_reported_by_name) {
    LastCalls last;
    auto model = a_set_with_a_sleeper(2, 5);
    auto kernel = a_set_with_a_sleeper(4242, 1796097134);
    kernel.sems[0].sems[1].val = 4;
    kernel.sems[0].sems[1].pid = 4242;  // a, where the model says b
    kernel.sems[0].sems[0].ncnt = 0;
    kernel.sems[0].sems[0].zcnt = 1;
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 4u);
    EXPECT_EQ(d[0].what, "sem(0)[0].ncnt");
    EXPECT_EQ(d[1].what, "sem(0)[0].zcnt");
    EXPECT_EQ(d[2].what, "sem(0)[1].val");
    EXPECT_EQ(d[2].model, "3");
    EXPECT_EQ(d[2].kernel, "4");
    EXPECT_EQ(d[3].what, "sem(0)[1].pid");
    EXPECT_EQ(d[3].model, "b");
    EXPECT_EQ(d[3].kernel, "a");
}

TEST(SemCompare, a_set_on_one_side_only_and_the_set_fields_differ) {
    LastCalls last;
    auto model = a_set_with_a_sleeper(2, 5);
    auto kernel = a_set_with_a_sleeper(4242, 1796097134);
    kernel.sems[0].mode = 0640;
    kernel.sems[0].otime = 0;
    SemView extra;
    extra.semid = 32768;
    kernel.sems.push_back(extra);
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].what, "sem(0).mode");
    EXPECT_EQ(d[0].model, "0600");
    EXPECT_EQ(d[1].what, "sem(0).otime");
    EXPECT_EQ(d[1].kernel, "0 (never set)");
    EXPECT_EQ(d[2].what, "sem(32768).exists");
    kernel.sems.clear();
    d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "sem(0).exists");
    EXPECT_EQ(d[0].model, "1");
}

TEST(SemCompare, semctl_getpid_returns_the_same_process_under_two_numbers) {
    auto model = a_set_with_a_sleeper(2, 5);
    auto kernel = a_set_with_a_sleeper(4242, 1796097134);
    model.procs[0].ret = 3, kernel.procs[0].ret = 4243;  // b on both sides
    LastCalls last{{"a", scenario::CallKind::Semctl}};
    EXPECT_TRUE(differences(model, kernel, last).empty());
    StepOutcome mo, ko;
    mo.ret = 3, ko.ret = 4243;
    EXPECT_TRUE(differences("a", mo, ko, scenario::CallKind::Semctl, model, kernel).empty());
    // A value that is a pid on one side only is a number that differs.
    kernel.procs[0].ret = 5;
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "a.ret");
    ko.ret = 3 + 4242;  // c in the kernel, b in the model
    EXPECT_EQ(differences("a", mo, ko, scenario::CallKind::Semctl, model, kernel).size(), 1u);
    // Any other call's return value compares as a number.
    EXPECT_EQ(differences("a", mo, StepOutcome{}, scenario::CallKind::Semop, model, kernel).size(), 1u);
}

TEST(SemCompare, getall_buffers_compare_their_count_and_each_value_kept) {
    LastCalls last{{"a", scenario::CallKind::Semctl}};
    auto model = a_set_with_a_sleeper(2, 5);
    auto kernel = a_set_with_a_sleeper(4242, 1796097134);
    std::int32_t values[3] = {7, 8, 9};
    set_semall(model.procs[0].buf, values, 3);
    set_semall(kernel.procs[0].buf, values, 3);
    EXPECT_TRUE(differences(model, kernel, last).empty());
    kernel.procs[0].buf.semall[1] = 0;
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "a.buf[1]");
    EXPECT_EQ(d[0].model, "8");
    EXPECT_EQ(d[0].kernel, "0");
    set_semall(kernel.procs[0].buf, values, 2);
    d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "a.buf values");
}
