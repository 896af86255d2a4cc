// Stepping by event shows the state after events 0..k (viz::View::task_state, value_at): at a
// step's first event every panel shows the model as it was before the step, at its last event as it
// is after it. Over every step of every lesson and scenario; and the SIGSEGV step of the issue.
#include <gtest/gtest.h>

#include "sim/stepper.h"
#include "tests/scenario_files.h"
#include "tests/step_view.h"
#include "viz/view.h"

namespace {


void expect_counters(const viz::View& v, const sim::Kernel& k, const std::string& where) {
    for (const auto& [pid, t] : k.tasks()) {
        if (!v.kernel->task(pid)) continue;
        EXPECT_EQ(v.task_state(pid), t.state) << where << " pid " << pid;
        EXPECT_EQ(v.value_at({sim::ObjKind::mm_struct, pid}, "min_flt", (v.before && v.before->task(pid) ? v.before->task(pid)->min_flt : 0),
                             v.kernel->task(pid)->min_flt),
                  t.min_flt)
            << where << " pid " << pid;
    }
    for (const auto& [idx, s] : k.ns().shm_ids.entries) {
        const sim::shmid_kernel* after = v.kernel->ns().shm_ids.find_id(s.shm_perm.id);
        const sim::shmid_kernel* was = v.before ? v.before->ns().shm_ids.find_id(s.shm_perm.id) : nullptr;
        if (!after) continue;
        sim::ObjRef ref{sim::ObjKind::shmid_kernel, s.shm_perm.id};
        EXPECT_EQ(v.value_at(ref, "nattch", was ? was->shm_nattch : 0, after->shm_nattch), s.shm_nattch) << where;
        EXPECT_EQ(v.value_at(ref, "rss", was ? was->pages.size() : 0, after->pages.size()), s.pages.size()) << where;
    }
    for (const auto& [idx, q] : k.ns().msg_ids.entries) {
        const sim::msg_queue* after = v.kernel->ns().msg_ids.find_id(q.q_perm.id);
        const sim::msg_queue* was = v.before ? v.before->ns().msg_ids.find_id(q.q_perm.id) : nullptr;
        if (!after) continue;
        sim::ObjRef ref{sim::ObjKind::msg_queue, q.q_perm.id};
        EXPECT_EQ(v.value_at(ref, "qnum", was ? was->q_qnum : 0, after->q_qnum), q.q_qnum) << where;
        EXPECT_EQ(v.value_at(ref, "cbytes", was ? was->q_cbytes : 0, after->q_cbytes), q.q_cbytes) << where;
    }
}

}  // namespace

TEST(ViewState, the_first_event_of_a_step_shows_the_state_before_it_and_the_last_the_state_after) {
    std::size_t checked = 0;
    for (const auto& path : testing_files::scenarios()) {
        const auto scenario = testing_files::parsed(path);
        sim::Stepper st(scenario);
        for (std::size_t n = 1; n <= st.total(); ++n) {
            StepView sv(scenario, st, n);
            if (!sv.ok || st.last()->outcome.events.empty()) break;
            viz::View& v = sv.v;
            const sim::Kernel& before = sv.before;
            std::string where = path.filename().string() + " step " + std::to_string(n);
            v.event = 0;
            expect_counters(v, before, where + " event 0");
            v.event = static_cast<int>(v.events().size()) - 1;
            expect_counters(v, *v.kernel, where + " last event");
            ++checked;
        }
    }
    EXPECT_GT(checked, 500u);
}

// The finding: at event 1 of the SIGSEGV step the reader was already "killed".
TEST(ViewState, a_process_killed_by_sigsegv_is_ready_until_the_event_that_kills_it) {
    auto parsed = sim::scenario::parse("t.ipc", "proc a\na: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\na: p = shmat(id, NULL, SHM_RDONLY)\n"
                                                "a: store(p, \"x\") => SIGSEGV\n");
    ASSERT_TRUE(parsed.ok());
    sim::Stepper st(parsed.scenario);
    StepView sv(parsed.scenario, st, 3);
    ASSERT_TRUE(sv.ok);
    viz::View& v = sv.v;
    int pid = static_cast<int>(st.last()->outcome.events.front().touched[0].id);
    std::vector<sim::TaskState> seen;
    for (v.event = 0; v.event < static_cast<int>(v.events().size()); ++v.event)
        if (seen.empty() || seen.back() != v.task_state(pid)) seen.push_back(v.task_state(pid));
    EXPECT_EQ(seen, (std::vector<sim::TaskState>{sim::TaskState::ready, sim::TaskState::killed}));
}
