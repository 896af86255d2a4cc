// What if a lesson loads 16 MiB, queues 16 MiB more, and then takes many steps: the window keeps,
// for every step of its kernel run, only what the comparison panel shows, within a budget.
#include <gtest/gtest.h>
#include <imgui.h>

#include <limits>
#include <string>

#include "tests/peak_rss.h"
#include "tests/headless_imgui.h"
#include "viz/app.h"

namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kNoKernelValues = std::numeric_limits<std::uint64_t>::max();

// a sends 16 MiB to a queue and loads a 16 MiB segment into a.data; then b takes `more` steps (a
// step of a's own would replace a.data).
std::string big_texts_then_steps(int more) {
    std::string s = "sysctl msgmax = 16777216\nsysctl msgmnb = 16777216\nproc a\nproc b\n"
                    "a: id = shmget(IPC_PRIVATE, 16777216, 0600)\n"
                    "a: p = shmat(id, NULL, 0)\n"
                    "a: store(p, bytes(16777216))\n"
                    "a: q = msgget(IPC_PRIVATE, 0600)\n"
                    "a: msgsnd(q, 1, bytes(16777216), 0)\n"
                    "a: load(p, 16777216)\n";
    for (int i = 0; i < more; ++i) s += i % 2 ? "b: shmctl(id, IPC_STAT)\n" : "b: msgctl(q, IPC_STAT)\n";
    return s;
}

// Opens the scenario, goes to its last step and draws the window there. Returns the bytes the
// kernel run's history keeps, or kNoKernelValues when the last step shows no agreeing kernel
// values, or the model does not hold a.data there (the scenario would not test what it says).
std::uint64_t open_and_show_last_step(const std::string& text) {
    Headless imgui;
    viz::App app(assets());
    if (!app.open_text("big.ipc", text)) return kNoKernelValues;
    app.go_to(app.view().total);
    imgui.frame(app);
    auto v = app.view();
    if (!v.compare.kernel || !v.compare.differences->empty()) return kNoKernelValues;
    if (v.kernel->task_by_name("a")->regs.data.size() != 16 * kMiB) return kNoKernelValues;
    return app.kernel_history_bytes();
}

}  // namespace

TEST(WindowMemory, a_lesson_holding_32_MiB_of_texts_over_40_steps_keeps_little_and_stays_under_512_MiB) {
    const std::string text = big_texts_then_steps(40);
    auto m = peak_rss::measure([&] { return open_and_show_last_step(text); });
    ASSERT_TRUE(m.ok) << "the child died: its peak RSS was " << m.peak_bytes / kMiB << " MiB";
    ASSERT_NE(m.value, kNoKernelValues) << "the last step shows no kernel values, they differ from the model's, or a.data is not 16 MiB";
    // 48 steps, two small observations each: the texts are kept as 256-byte prefixes.
    EXPECT_LT(m.value, 1 * kMiB);
    // The peak is the model (twice: the window's and the kernel run's), the step before, and one
    // observation at a time: 151 MiB here. Before, every step's two observations, 2.1 GiB.
    EXPECT_LT(m.work_bytes(), static_cast<long>(512 * kMiB))
        << "peak " << m.peak_bytes / kMiB << " MiB, of which " << m.start_bytes / kMiB << " MiB before the fork";
    std::printf("kept %llu bytes; peak RSS %ld MiB (%ld MiB at the fork)\n", static_cast<unsigned long long>(m.value),
                m.peak_bytes / long(kMiB), m.start_bytes / long(kMiB));
}

TEST(WindowMemory, past_its_budget_the_window_keeps_no_more_kernel_values_and_says_up_to_which_step) {
    std::string text = "proc a\nproc b\na: q = msgget(IPC_PRIVATE, 0600)\n";
    for (int i = 0; i < 60; ++i) text += i % 2 ? "a: msgsnd(q, 1, \"hi\", 0)\n" : "b: msgrcv(q, 8, 0, IPC_NOWAIT)\n";
    Headless imgui;
    viz::App app(assets());
    app.kernel_history_budget = 16 << 10;
    ASSERT_TRUE(app.open_text("long.ipc", text));
    EXPECT_LE(app.kernel_history_bytes(), app.kernel_history_budget);
    EXPECT_GT(app.kernel_history_bytes(), app.kernel_history_budget / 2);

    app.go_to(1);
    ASSERT_NE(app.view().compare.kernel, nullptr);
    EXPECT_TRUE(app.view().compare.differences->empty());

    app.go_to(app.view().total);
    imgui.frame(app);
    auto v = app.view();
    EXPECT_EQ(v.compare.kernel, nullptr);
    ASSERT_TRUE(v.compare.unavailable.has_value());
    EXPECT_NE(v.compare.unavailable->find("the kernel's values are kept up to step "), std::string::npos) << *v.compare.unavailable;
    EXPECT_NE(v.compare.unavailable->find("16384 bytes"), std::string::npos) << *v.compare.unavailable;
    EXPECT_NE(v.compare.unavailable->find("ipcsim compare"), std::string::npos) << *v.compare.unavailable;
}

TEST(WindowMemory, a_normal_lesson_keeps_the_kernel_values_of_every_step) {
    viz::App app(assets());
    ASSERT_TRUE(app.open(assets() + "/lessons/08-msg1-msg2.ipc"));
    for (std::size_t n = 0; n <= app.view().total; ++n) {
        app.go_to(n);
        auto v = app.view();
        ASSERT_NE(v.compare.kernel, nullptr) << "step " << n << ": " << v.compare.unavailable.value_or("");
        EXPECT_TRUE(v.compare.differences->empty()) << "step " << n;
    }
    EXPECT_LT(app.kernel_history_bytes(), 256u << 10);
}
