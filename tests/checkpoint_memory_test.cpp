// What if a scenario fills a queue with 64 MiB, leaves a sender asleep holding 4 MiB more, and then
// takes thousands of steps: the stepper's checkpoints count those bytes, so it keeps few copies.
#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/parser.h"
#include "sim/stepper.h"
#include "tests/peak_rss.h"

using namespace sim;

namespace {

constexpr long kMiB = 1 << 20;

std::string full_queue_then_steps(int more) {
    std::string s = "sysctl msgmax = 4194304\nsysctl msgmnb = 67108864\nproc a\nproc b\n"
                    "a: q = msgget(IPC_PRIVATE, 0600)\n";
    for (int i = 0; i < 16; ++i) s += "a: msgsnd(q, 1, bytes(4194304), 0)\n";
    s += "b: msgsnd(q, 2, bytes(4194304), 0) => blocks\n";
    for (int i = 0; i < more; ++i) s += "a: msgctl(q, IPC_STAT)\n";
    return s;
}

scenario::Scenario parse_ok(const std::string& text) {
    auto r = scenario::parse("full.ipc", text);
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
    return std::move(r.scenario);
}

}  // namespace

TEST(CheckpointMemory, a_queue_holding_68_MiB_over_3000_steps_is_not_copied_into_every_checkpoint) {
    auto sc = parse_ok(full_queue_then_steps(3000));
    const std::size_t total = sc.steps.size();
    auto m = peak_rss::measure([&]() -> std::uint64_t {
        Stepper s(sc, 256);
        if (s.seek(total) != total) return 0;
        // Rewinding still shows the queue as it was, and coming back shows the end again.
        if (s.seek(20) != 20 || s.model().kernel().ns().msg_ids.entries.begin()->second.q_qnum != 16) return 0;
        if (s.seek(total) != total || s.error()) return 0;
        return s.checkpoint_units();
    });
    ASSERT_TRUE(m.ok) << "the child died or the run went wrong: peak RSS " << m.peak_bytes / kMiB << " MiB";
    ASSERT_GT(m.value, 0u);
    // Each checkpoint is taken at least 4 units' worth of steps after the one before: in all, at
    // most a quarter of a page per step, here 3 MiB, on top of the first (a nearly empty model).
    EXPECT_LE(m.value, 2 + total / 4);
    // The model holds 68 MiB, and the step just made (its record) 4 MiB. Every checkpoint taken
    // 256 steps apart, as before, would hold 68 MiB more each: 12 of them, 800 MiB.
    EXPECT_LT(m.work_bytes(), 512 * kMiB)
        << "peak " << m.peak_bytes / kMiB << " MiB, of which " << m.start_bytes / kMiB << " MiB before the fork";
    std::printf("checkpoints hold %llu pages' worth; peak RSS %ld MiB (%ld MiB at the fork)\n",
                static_cast<unsigned long long>(m.value), m.peak_bytes / kMiB, m.start_bytes / kMiB);
}

TEST(CheckpointMemory, a_model_holding_little_keeps_a_checkpoint_every_k_steps) {
    std::string text = "proc a\na: q = msgget(IPC_PRIVATE, 0600)\n";
    for (int i = 0; i < 2000; ++i) text += "a: msgsnd(q, 1, \"hi\", 0)\na: msgrcv(q, 8, 0, 0)\n";
    auto sc = parse_ok(text);
    Stepper s(sc, 256);
    s.seek(sc.steps.size());
    EXPECT_EQ(s.checkpoints(), sc.steps.size() / 256 + 1);
}
