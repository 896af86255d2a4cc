// Time travel: any earlier step shows again, exactly, also far into a long run.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "sim/scenario/parser.h"
#include "sim/stepper.h"

using namespace sim;

namespace {

// A long scenario that keeps changing every kind of state: faults, attaches, forks, exits,
// segments created and removed.
std::string long_scenario(int steps) {
    std::string s = "proc a\nproc b\n"
                    "a: id = shmget(IPC_PRIVATE, 64 * PAGE_SIZE, 0600)\n"
                    "a: p = shmat(id, NULL, 0)\n"
                    "b: q = shmat(id, NULL, 0)\n";
    int made = 3, child = 0;
    for (int i = 0; made < steps; ++i) {
        std::string page = std::to_string((i * 37) % 64);
        switch (i % 6) {
        case 0: s += "a: store(p + " + page + " * PAGE_SIZE + " + std::to_string(i % 97) + ", \"step" + std::to_string(i) + "\")\n"; break;
        case 1: s += "b: load(q + " + page + " * PAGE_SIZE, 8)\n"; break;
        case 2: s += "b: t" + std::to_string(i) + " = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\n"
                     "b: shmctl(t" + std::to_string(i) + ", IPC_RMID)\n"; made++; break;
        case 3:
            if (i % 30 != 3) {  // a fork now and then: every process stays in the model for good
                s += "a: shmctl(id, IPC_STAT)\n";
                break;
            }
            s += "a: fork(c" + std::to_string(child) + ")\n"
                     "c" + std::to_string(child) + ": store(p + " + page + " * PAGE_SIZE, \"child\")\n"
                     "c" + std::to_string(child) + ": exit(0)\n"; made += 2; child++; break;
        case 4: s += "b: shmdt(q)\n"
                     "b: q = shmat(id, NULL, 0)\n"; made++; break;
        case 5: s += "a: shmctl(id, IPC_STAT)\n"; break;
        }
        made++;
    }
    return s;
}

scenario::Scenario parse_ok(const std::string& text) {
    auto r = scenario::parse("long.ipc", text);
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
    return std::move(r.scenario);
}

}  // namespace

TEST(Stepper, going_back_and_forth_over_100000_steps_reproduces_every_state_exactly) {
    auto sc = parse_ok(long_scenario(100000));
    ASSERT_GE(sc.steps.size(), 100000u);
    const std::size_t total = sc.steps.size();

    // The straight run: remember the whole model at a spread of positions.
    std::map<std::size_t, ModelBackend> seen;
    std::map<std::size_t, StepRecord> records;
    Stepper straight(sc, 256);
    std::mt19937_64 rng(42);
    for (int n = 0; n < 200; ++n) seen[rng() % (total + 1)] = {};
    seen[0] = {};
    seen[total] = {};
    for (auto& [pos, model] : seen) {
        ASSERT_EQ(straight.seek(pos), pos);
        model = straight.model();
        if (straight.last()) records[pos] = *straight.last();
    }
    EXPECT_FALSE(straight.error());

    // Jump around in a shuffled order, backwards as often as forwards.
    Stepper jumper(sc, 256);
    std::vector<std::size_t> order;
    for (const auto& [pos, model] : seen) order.push_back(pos);
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t pos : order) {
        ASSERT_EQ(jumper.seek(pos), pos);
        EXPECT_TRUE(jumper.model() == seen[pos]) << "state differs after seeking to step " << pos;
        if (pos > 0) {
            ASSERT_TRUE(jumper.last().has_value());
            EXPECT_TRUE(*jumper.last() == records[pos]) << "the record of step " << pos << " differs";
        }
    }
}

TEST(Stepper, keeps_a_checkpoint_every_k_steps_not_a_copy_per_step) {
    auto sc = parse_ok(long_scenario(5000));
    Stepper s(sc, 256);
    s.seek(sc.steps.size());
    EXPECT_GE(s.checkpoints(), 2u);
    EXPECT_LE(s.checkpoints(), sc.steps.size() / 256 + 1);
}

TEST(Stepper, one_step_back_shows_the_previous_step_and_its_events_again) {
    auto sc = parse_ok("proc a\n"
                       "a: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\n"
                       "a: p = shmat(id, NULL, 0)\n"
                       "a: store(p, \"x\")\n");
    Stepper s(sc, 2);
    s.seek(3);
    auto fault = *s.last();
    EXPECT_EQ(s.model().kernel().task_by_name("a")->min_flt, 1u);
    s.seek(2);
    EXPECT_EQ(s.model().kernel().task_by_name("a")->min_flt, 0u);
    EXPECT_EQ(s.last()->index, 1u);
    s.seek(3);
    EXPECT_TRUE(*s.last() == fault);
}

TEST(Stepper, stops_at_a_step_the_process_cannot_take) {
    auto sc = parse_ok("proc a\na: exit(0)\na: shmget(IPC_PRIVATE, 1, 0600)\n");
    Stepper s(sc);
    EXPECT_EQ(s.seek(2), 1u);
    ASSERT_TRUE(s.error().has_value());
    EXPECT_EQ(s.error()->pos.line, 3);
}
