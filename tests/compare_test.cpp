// Model against kernel: what counts as a difference, and what by design does not.
#include <gtest/gtest.h>

#include "sim/compare.h"

using namespace sim;

namespace {

Observation two_processes_sharing_a_page(std::uint64_t base, int pid0, std::uint64_t pfn) {
    Observation o;
    MappingView m{0, base, base + 8192, false, {{0, pfn}}, 0, "rw-s"};
    o.procs.push_back(ProcView{"a", pid0, TaskState::ready, 0, static_cast<std::int64_t>(base), 0, "", 0, 1, {m}, {}});
    o.procs.push_back(ProcView{"b", pid0 + 1, TaskState::ready, 0, static_cast<std::int64_t>(base), 0, "", 0, 1, {m}, {}});
    o.shms.push_back(ShmView{0, 1234, 0666, 8192, 2, pid0, pid0 + 1, 0, 0, 0, 0, 1, 0, 0, 0});
    return o;
}

}  // namespace

TEST(Compare, addresses_pids_and_frame_numbers_may_differ_when_the_structure_agrees) {
    LastCalls last{{"a", scenario::CallKind::Shmat}, {"b", scenario::CallKind::Shmat}};
    auto model = two_processes_sharing_a_page(0x7f0000000000, 1000, 0x1a000);
    auto kernel = two_processes_sharing_a_page(0x7f3a12345000, 4242, 0x115a71);
    EXPECT_TRUE(differences(model, kernel, last).empty());
}

TEST(Compare, a_different_rss_is_reported_by_field_with_both_values) {
    LastCalls last;
    auto model = two_processes_sharing_a_page(0x7f0000000000, 1000, 0x1a000);
    auto kernel = two_processes_sharing_a_page(0x7f0000000000, 1000, 0x1a000);
    kernel.shms[0].rss = 2;
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "shm(0).rss");
    EXPECT_EQ(d[0].model, "1");
    EXPECT_EQ(d[0].kernel, "2");
}

TEST(Compare, pages_that_share_a_frame_in_one_and_not_the_other_differ) {
    LastCalls last;
    auto model = two_processes_sharing_a_page(0x7f0000000000, 1000, 0x1a000);
    auto kernel = model;
    kernel.procs[1].maps[0].present[0] = 0x1b000;
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "frames");
    EXPECT_TRUE(differences(model, kernel, last, false).empty());  // where frames cannot be read
}

TEST(Compare, a_page_mapped_in_one_page_table_only_differs) {
    LastCalls last;
    auto model = two_processes_sharing_a_page(0x7f0000000000, 1000, 0x1a000);
    auto kernel = model;
    kernel.procs[0].maps[0].present[1] = 0x1a001;
    auto d = differences(model, kernel, last);
    ASSERT_FALSE(d.empty());
    EXPECT_EQ(d[0].what, "a.attachments");
}

TEST(Compare, a_step_outcome_differs_but_a_different_address_from_shmat_does_not) {
    StepOutcome m{Fate::returned, 0x7f0000000000, 0, 0, "", 0, {}, {}};
    StepOutcome k{Fate::returned, 0x7f3a12345000, 0, 0, "", 0, {}, {}};
    EXPECT_TRUE(differences("a", m, k, scenario::CallKind::Shmat).empty());
    StepOutcome blocked{Fate::blocked, 0, 0, 0, "", 0, {}, {}};
    auto d = differences("a", m, blocked, scenario::CallKind::Msgrcv);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].kernel, "blocks");
}

// mprotect: a piece's permissions are observed (/proc/PID/maps in the kernel run), and the pages of
// split pieces are matched by the segment page they map, whatever order their frames come in.
TEST(Compare, a_piece_with_other_permissions_differs_and_split_pieces_match_by_segment_page) {
    LastCalls last;
    auto split = [](std::uint64_t base, std::uint64_t pfn0, std::uint64_t pfn1) {
        Observation o;
        MappingView lo{0, base, base + 4096, false, {{0, pfn0}}, 0, "rw-s"};
        MappingView hi{0, base + 4096, base + 8192, true, {{0, pfn1}}, 1, "r--s"};
        o.procs.push_back(ProcView{"a", 1000, TaskState::ready, 0, 0, 0, "", 0, 2, {lo, hi}, {}});
        return o;
    };
    auto model = split(0x7f0000000000, 0x1a000, 0x1a001);
    EXPECT_TRUE(differences(model, split(0x7f3a12345000, 0x115a71, 0x10003), last).empty());
    auto kernel = model;
    kernel.procs[0].maps[1].perms = "---s";
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].what, "a.attachments");
    EXPECT_NE(d[0].model.find("r--s from page 1"), std::string::npos) << d[0].model;
    EXPECT_NE(d[0].kernel.find("---s from page 1"), std::string::npos) << d[0].kernel;
}

TEST(Compare, buffers_compare_field_by_field_with_pids_as_names_and_times_only_as_set_or_not) {
    LastCalls last;
    auto model = two_processes_sharing_a_page(0x7f0000000000, 1000, 0x1a000);
    auto kernel = two_processes_sharing_a_page(0x7f0000000000, 4242, 0x1a000);
    CtlBuf b;
    b.kind = BufKind::shmid_ds;
    b.segsz = 8192;
    b.cpid = 1000;
    b.atime = 7;  // step 7
    model.procs[0].buf = b;
    b.cpid = 4242;
    b.atime = 1764514400;  // seconds
    kernel.procs[0].buf = b;
    EXPECT_TRUE(differences(model, kernel, last).empty());
    kernel.procs[0].buf.segsz = 4096;
    kernel.procs[0].buf.atime = 0;
    kernel.shms[0].ctime = 5;
    auto d = differences(model, kernel, last);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_EQ(d[0].what, "a.buf.segsz");
    EXPECT_EQ(d[1].what, "a.buf.atime");
    EXPECT_EQ(d[1].model, "set");
    EXPECT_EQ(d[1].kernel, "0 (never set)");
    EXPECT_EQ(d[2].what, "shm(0).ctime");
    kernel.procs[0].buf.kind = BufKind::shminfo;
    d = differences(model, kernel, last);
    ASSERT_FALSE(d.empty());
    EXPECT_EQ(d[0].what, "a.buf");
    EXPECT_EQ(d[0].model, "shmid_ds");
    EXPECT_EQ(d[0].kernel, "shminfo");
}
