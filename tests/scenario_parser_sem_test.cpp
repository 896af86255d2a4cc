// The semaphore forms of the .ipc language (SCENARIO.md version 2): semget, semop with its sembufs,
// semctl with val= and array=, sysctl sem, sem(ID).F, sem(ID)[N].F and PROC.buf[N], and their errors.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "sim/scenario/diagnostic.h"
#include "sim/scenario/parser.h"
#include "sim/uapi.h"

namespace sim::scenario {
namespace {

constexpr std::string_view kSet = "proc a\nproc b\na: s = semget(IPC_PRIVATE, 2, 0600)\n";

ParseResult parse_text(std::string_view tail) { return parse("t.ipc", std::string(kSet) + std::string(tail)); }

std::string first_error(const ParseResult& r) {
    if (r.diagnostics.empty()) return "";
    return std::to_string(r.diagnostics[0].pos.line) + ":" + std::to_string(r.diagnostics[0].pos.col) + ": " + r.diagnostics[0].message;
}

TEST(ParserSem, semop_keeps_each_sembuf_as_three_numbers) {
    ParseResult r = parse_text("a: semop(s, {0, -1, SEM_UNDO}, {1, 0, IPC_NOWAIT | SEM_UNDO})\n");
    ASSERT_TRUE(r.ok()) << first_error(r);
    const Call& c = r.scenario.steps.at(1).call;
    EXPECT_EQ(c.kind, CallKind::Semop);
    ASSERT_EQ(c.args.size(), 3u);
    EXPECT_EQ(c.args[1].kind, ExprKind::Tuple);
    ASSERT_EQ(c.args[1].args.size(), 3u);
    EXPECT_EQ(c.args[1].args[2].value, SEM_UNDO);
}

TEST(ParserSem, semop_with_no_sembuf_is_allowed_as_the_kernel_answers_it) {
    EXPECT_TRUE(parse_text("a: semop(s) => EINVAL\n").ok());
    EXPECT_EQ(first_error(parse_text("a: semop()\n")), "4:10: semop takes a semid and then any number of sembufs, as in semop(s, {0, -1, SEM_UNDO})");
}

TEST(ParserSem, a_sembuf_has_exactly_three_members) {
    EXPECT_EQ(first_error(parse_text("a: semop(s, {0, -1})\n")), "4:19: a sembuf has 3 members (sem_num, sem_op, sem_flg), got 2");
    EXPECT_EQ(first_error(parse_text("a: semop(s, 0, -1, 0)\n")), "4:13: expected a sembuf {sem_num, sem_op, sem_flg}, found '0'");
}

TEST(ParserSem, setval_needs_val_and_setall_needs_array) {
    EXPECT_TRUE(parse_text("a: semctl(s, 0, SETVAL, val=1)\na: semctl(s, 0, SETALL, array=[1, 2])\n").ok());
    EXPECT_EQ(first_error(parse_text("a: semctl(s, 0, SETVAL)\n")),
              "4:17: semctl SETVAL needs val=V, the value to set, as in semctl(s, 0, SETVAL, val=1)");
    EXPECT_EQ(first_error(parse_text("a: semctl(s, 0, GETVAL, val=1)\n")), "4:25: val= is allowed only with SETVAL");
}

TEST(ParserSem, sysctl_sem_takes_the_four_numbers_of_proc_sys_kernel_sem) {
    ParseResult r = parse("t.ipc", "sysctl sem = 250 32000 2 128\nproc a\n");
    ASSERT_TRUE(r.ok()) << first_error(r);
    ASSERT_EQ(r.scenario.sysctls.size(), 4u);
    EXPECT_EQ(r.scenario.sysctls[2].name, "semopm");
    EXPECT_EQ(r.scenario.sysctls[2].value, 2);
    EXPECT_EQ(first_error(parse("t.ipc", "sysctl sem = 250 32000\n")),
              "1:23: sysctl sem takes four numbers, semmsl semmns semopm semmni as in /proc/sys/kernel/sem; got 2");
}

TEST(ParserSem, sem_fields_of_the_set_and_of_one_semaphore) {
    EXPECT_TRUE(parse_text("a: semctl(s, 0, GETVAL) => 0\nexpect sem(s).nsems == 2\nexpect sem(s)[1].val == 0\nexpect sem(s)[0].pid == 0\n"
                           "expect sem(s).pending == []\nexpect exists(sem, s) == 1\nexpect count(sem) == 1\n")
                    .ok());
    EXPECT_EQ(first_error(parse_text("a: semctl(s, 0, GETVAL)\nexpect sem(s)[0].nsems == 2\n")),
              "5:18: unknown field 'nsems' of sem(ID)[N]; expected one of: val pid ncnt zcnt");
}

TEST(ParserSem, buf_index_reads_getall_and_only_getall) {
    EXPECT_TRUE(parse_text("a: semctl(s, 0, GETALL)\nexpect a.buf[1] == 0\n").ok());
    EXPECT_TRUE(parse_text("a: semctl(s, 0, IPC_STAT)\nexpect a.buf.nsems == 2\n").ok());
    std::string e = first_error(parse_text("a: semctl(s, 0, IPC_STAT)\nexpect a.buf[0] == 0\n"));
    EXPECT_NE(e.find("reads the values of a semctl GETALL"), std::string::npos) << e;
}

}  // namespace
}  // namespace sim::scenario
