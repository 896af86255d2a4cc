// The page-table walk panel's state (viz/walk.cpp) against the model: at the first event of a step
// it is the state before the step, at its last event the state after it, and in between each table
// and entry appears at the event that makes it. Over every event of every lesson and scenario.
#include <gtest/gtest.h>

#include <algorithm>

#include "sim/stepper.h"
#include "tests/scenario_files.h"
#include "tests/step_view.h"
#include "viz/walk.h"

namespace {

using sim::EventKind;

// Whether the step changes page tables other than by making them (an unmap, an exit): the walk
// shows those as they are after the step all along.
bool takes_away(const std::vector<sim::KernelEvent>& events) {
    return std::any_of(events.begin(), events.end(), [](const sim::KernelEvent& e) {
        return e.kind == EventKind::pgtable_free || e.kind == EventKind::detach || e.kind == EventKind::task_change ||
               e.kind == EventKind::field_change;
    });
}

// The walk's tables and entry as `k` (a model) has them: what the panel must show when no event
// of the step is pending.
void expect_as_in(const viz::Walk& w, const sim::Kernel& k, const std::string& where) {
    const sim::task_struct* t = k.task(w.pid);
    ASSERT_NE(t, nullptr) << where;
    const int shift[3] = {39, 30, 21};
    for (int level = 1; level < 4; ++level) {
        const auto& regions = t->mm.pgtables.tables[level - 1];
        bool exists = std::binary_search(regions.begin(), regions.end(), w.vaddr >> shift[level - 1]);
        EXPECT_EQ(w.tables[static_cast<std::size_t>(level)].exists || w.tables[static_cast<std::size_t>(level)].allocating, exists)
            << where << " level " << level;
    }
    auto pte = t->mm.page_table.find(sim::page_align_down(w.vaddr));
    EXPECT_EQ(w.pte.has_value(), pte != t->mm.page_table.end()) << where;
    if (w.pte && pte != t->mm.page_table.end()) {
        EXPECT_EQ(w.pte->pfn, pte->second.pfn) << where;
    }
}

}  // namespace

TEST(Walk, every_event_of_every_scenario_shows_the_tables_and_the_entry_the_model_has_at_that_event) {
    std::size_t walks = 0, faults = 0;
    for (const auto& path : testing_files::scenarios()) {
        const auto scenario = testing_files::parsed(path);
        sim::Stepper st(scenario);
        for (std::size_t n = 1; n <= st.total(); ++n) {
            StepView sv(scenario, st, n);
            if (!sv.ok) break;
            viz::View& v = sv.v;
            const sim::Kernel& before = sv.before;
            const auto& ev = v.events();
            for (int e = 0; e < static_cast<int>(ev.size()); ++e) {
                v.event = e;
                std::string where = path.filename().string() + " step " + std::to_string(n) + " event " + std::to_string(e);
                auto w = viz::walk_of(v);
                if (!w) continue;
                ++walks;
                if (e == 0 && !takes_away(ev) && before.task(w->pid)) expect_as_in(*w, before, where + " (before the step)");
                if (e + 1 == static_cast<int>(ev.size())) expect_as_in(*w, *v.kernel, where + " (after the step)");
                const auto& now = ev[static_cast<std::size_t>(e)];
                bool on_this_page = !now.touched.empty() && now.touched[0].kind == sim::ObjKind::pte &&
                                    now.touched[0].sub == sim::page_align_down(w->vaddr);
                if (now.kind == EventKind::pte_install && on_this_page) {
                    EXPECT_TRUE(w->installing && w->pte && !w->stops_at) << where;
                }
                if (now.kind == EventKind::page_fault && on_this_page) {
                    ++faults;
                    EXPECT_TRUE(w->faulting) << where;
                    EXPECT_TRUE(w->stops_at.has_value()) << where << ": a fault is a walk that cannot reach the frame";
                }
                if (now.kind == EventKind::pgtable_alloc) {
                    int allocating = 0;
                    for (const auto& t : w->tables) allocating += t.allocating;
                    EXPECT_EQ(allocating, 1) << where;
                }
            }
        }
    }
    EXPECT_GT(walks, 500u);
    EXPECT_GT(faults, 50u);
}

// Lesson 1's first touch, event by event: the PUD, PMD and PTE tables appear in that order, the
// entry last, and the counts of used entries follow.
TEST(Walk, a_first_touch_allocates_the_tables_top_down_then_sets_the_entry) {
    auto parsed = sim::scenario::parse("t.ipc", "proc a\na: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\na: p = shmat(id, NULL, 0)\n"
                                                "a: store(p + 5, \"x\")\n");
    ASSERT_TRUE(parsed.ok());
    sim::Stepper st(parsed.scenario);
    StepView sv(parsed.scenario, st, 3);
    ASSERT_TRUE(sv.ok);
    viz::View& v = sv.v;
    std::vector<std::string> seen;
    for (v.event = 0; v.event < static_cast<int>(v.events().size()); ++v.event) {
        auto w = viz::walk_of(v);
        ASSERT_TRUE(w);
        EXPECT_EQ(w->vaddr & 0xfff, 5u) << "the walk is to the byte the store starts at";
        std::string s;
        for (const auto& t : w->tables) s += t.allocating ? '+' : t.exists ? 'T' : '.';
        s += w->pte ? 'E' : '.';
        if (seen.empty() || seen.back() != s) seen.push_back(s);
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"T....", "T+...", "TT+..", "TTT+.", "TTTT.", "TTTTE"}));
    auto last = viz::walk_of(v);
    v.event = static_cast<int>(v.events().size()) - 1;
    last = viz::walk_of(v);
    ASSERT_TRUE(last && last->pte);
    EXPECT_TRUE(last->pte->accessed && last->pte->dirty);
    EXPECT_EQ(last->tables[0].used, 1u);
    EXPECT_EQ(last->tables[3].used, 1u);
    EXPECT_EQ(last->tables[0].used_at, std::vector<unsigned>{253}) << "0x7efffffff005 >> 39 & 511";
    EXPECT_EQ(last->tables[3].used_at, std::vector<unsigned>{511}) << "the top page below mmap_base";
    EXPECT_EQ(last->pgtable_pages, 3u);
}
