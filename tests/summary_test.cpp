// A step's one-line summary (explain/summary.cpp): what a student reads before the kernel path.
#include <gtest/gtest.h>

#include "explain/catalog.h"
#include "explain/summary.h"
#include "sim/scenario/parser.h"
#include "sim/stepper.h"
#include "tests/scenario_files.h"

using sim::scenario::Lang;

namespace {

struct InLanguage {
    explicit InLanguage(Lang l) { explain::set_language(l); }
    ~InLanguage() { explain::set_language(Lang::en); }
};

// The summary of each step of `text`, in `lang`.
std::vector<std::string> summaries(const std::string& text, Lang lang = Lang::en) {
    auto parsed = sim::scenario::parse("t.ipc", text);
    EXPECT_TRUE(parsed.diagnostics.empty());
    sim::Stepper st(parsed.scenario);
    InLanguage in(lang);
    std::vector<std::string> out;
    for (std::size_t n = 1; n <= st.total(); ++n) {
        st.seek(n);
        out.push_back(explain::step_summary(st.last()->outcome, st.model().kernel()));
    }
    return out;
}


}  // namespace

// The seed's first lesson in one line per step: the first touch allocates, the second finds.
TEST(Summary, a_first_touch_allocates_a_frame_and_a_second_process_finds_it_in_the_segment) {
    auto s = summaries("proc a\nproc b\n"
                       "a: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\n"
                       "a: p = shmat(id, NULL, 0)\n"
                       "a: store(p, \"x\")\n"
                       "b: q = shmat(id, NULL, 0)\n"
                       "b: load(q, 1)\n"
                       "b: load(q, 1)\n"
                       "b: shmdt(q)\n");
    ASSERT_EQ(s.size(), 7u);
    EXPECT_EQ(s[0], "segment 0 is created, with no frame yet");
    EXPECT_NE(s[1].find("a gets vm_area_struct [0x"), std::string::npos) << s[1];
    EXPECT_NE(s[2].find("a faults at 0x"), std::string::npos) << s[2];
    EXPECT_NE(s[2].find("is allocated and zeroed; 3 page-table page(s) allocated"), std::string::npos) << s[2];
    EXPECT_NE(s[4].find("the page is already in segment 0"), std::string::npos) << s[4];
    EXPECT_NE(s[4].find("so no frame is allocated"), std::string::npos) << s[4];
    EXPECT_EQ(s[5], "no page fault: the page table already maps every page touched");
    EXPECT_EQ(s[6], "segment 0: shm_nattch 2 -> 1");
}

TEST(Summary, sleepers_a_message_handed_over_and_a_failed_call_each_get_their_line) {
    auto s = summaries("proc r\nproc w\n"
                       "r: q = msgget(IPC_PRIVATE, 0600)\n"
                       "r: msgrcv(q, 64, 2, 0)\n"
                       "w: msgsnd(q, 2, \"hi\", 0)\n"
                       "w: msgrcv(q, 64, 5, IPC_NOWAIT)\n");
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0], "queue 0 is created, empty");
    EXPECT_EQ(s[1], "r sleeps on q_receivers: no message matches");
    EXPECT_EQ(s[2], "the message goes straight to r, who sleeps waiting for it; r is woken");
    EXPECT_EQ(s[3], "w's call fails with ENOMSG: nothing matches and IPC_NOWAIT is set");
}

TEST(Summary, is_said_in_chinese_too) {
    auto s = summaries("proc a\na: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\na: p = shmat(id, NULL, 0)\na: store(p, \"x\")\n", Lang::zh);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0], "创建共享内存段 0，此时还没有物理页面");
    EXPECT_NE(s[2].find("发生缺页异常"), std::string::npos) << s[2];
}

// Every step of every lesson and scenario has a summary, in both languages.
TEST(Summary, every_step_of_every_scenario_has_one) {
    for (const auto& path : testing_files::scenarios()) {
        const auto scenario = testing_files::parsed(path);
        sim::Stepper st(scenario);
        for (std::size_t n = 1; n <= st.total(); ++n) {
            if (st.seek(n) != n || !st.last()) break;
            EXPECT_FALSE(explain::step_summary(st.last()->outcome, st.model().kernel()).empty()) << path << " step " << n;
            InLanguage zh(Lang::zh);
            EXPECT_FALSE(explain::step_summary(st.last()->outcome, st.model().kernel()).empty()) << path << " step " << n;
        }
    }
}
