// format_diagnostic: the compiler-style text that every command prints for a wrong scenario.
#include "sim/scenario/diagnostic.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sim::scenario {
namespace {

const std::vector<std::string> kLines = {
    "proc a",
    "a: shmgett(1, 2, 3)",
    "\t\ta: shmgett(1, 2, 3)",
};

TEST(Diagnostic, error_shows_position_line_and_caret) {
    Diagnostic d{{2, 4}, "unknown call 'shmgett'", {}};
    EXPECT_EQ(format_diagnostic("lesson.ipc", kLines, d),
              "lesson.ipc:2:4: error: unknown call 'shmgett'\n"
              "a: shmgett(1, 2, 3)\n"
              "   ^\n");
}

TEST(Diagnostic, tabs_before_the_column_stay_tabs_so_the_caret_lines_up) {
    Diagnostic d{{3, 6}, "unknown call 'shmgett'", {}};
    EXPECT_EQ(format_diagnostic("lesson.ipc", kLines, d),
              "lesson.ipc:3:6: error: unknown call 'shmgett'\n"
              "\t\ta: shmgett(1, 2, 3)\n"
              "\t\t   ^\n");
}

TEST(Diagnostic, notes_follow_the_error_in_the_same_form) {
    Diagnostic d{{1, 6}, "duplicate process 'a'", {{{1, 6}, "'a' is first declared here"}}};
    EXPECT_EQ(format_diagnostic("f.ipc", kLines, d),
              "f.ipc:1:6: error: duplicate process 'a'\n"
              "proc a\n"
              "     ^\n"
              "f.ipc:1:6: note: 'a' is first declared here\n"
              "proc a\n"
              "     ^\n");
}

TEST(Diagnostic, line_zero_or_past_the_end_prints_only_the_header) {
    EXPECT_EQ(format_diagnostic("f.ipc", kLines, Diagnostic{{0, 0}, "cannot open", {}}),
              "f.ipc:0:0: error: cannot open\n");
    EXPECT_EQ(format_diagnostic("f.ipc", kLines, Diagnostic{{4, 1}, "late", {{{9, 1}, "later"}}}),
              "f.ipc:4:1: error: late\n"
              "f.ipc:9:1: note: later\n");
}

TEST(Diagnostic, unprintable_bytes_in_the_echoed_line_become_question_marks) {
    std::vector<std::string> lines = {std::string("a: \"x\xff\x1b[2J\0y\"", 13)};
    Diagnostic d{{1, 6}, "invalid byte 0xff", {}};
    EXPECT_EQ(format_diagnostic("f.ipc", lines, d),
              "f.ipc:1:6: error: invalid byte 0xff\n"
              "a: \"x??[2J?y\"\n"
              "     ^\n");
}

TEST(Diagnostic, c1_control_characters_are_hidden_too) {
    std::vector<std::string> lines = {"# \xc2\x9b" "2J"};
    Diagnostic d{{1, 1}, "m", {}};
    EXPECT_EQ(format_diagnostic("f.ipc", lines, d), "f.ipc:1:1: error: m\n# ?2J\n^\n");
}

TEST(Diagnostic, caret_counts_characters_not_bytes_before_the_column) {
    // "é" is two bytes but one cell on the terminal; the 'x' is at byte column 11, cell 10.
    std::vector<std::string> lines = {"note \"\xc3\xa9\" x"};
    Diagnostic d{{1, 11}, "unexpected 'x' after the statement", {}};
    EXPECT_EQ(format_diagnostic("f.ipc", lines, d),
              "f.ipc:1:11: error: unexpected 'x' after the statement\n"
              "note \"\xc3\xa9\" x\n"
              "         ^\n");
}

TEST(Diagnostic, column_just_past_the_end_puts_the_caret_after_the_line) {
    std::vector<std::string> lines = {"a: shmget(1"};
    Diagnostic d{{1, 12}, "missing ')'", {}};
    EXPECT_EQ(format_diagnostic("f.ipc", lines, d),
              "f.ipc:1:12: error: missing ')'\n"
              "a: shmget(1\n"
              "           ^\n");
}

TEST(Diagnostic, absurd_column_is_clamped_to_the_end_of_the_line) {
    std::vector<std::string> lines = {"ab"};
    Diagnostic d{{1, 1000000000}, "m", {}};
    EXPECT_EQ(format_diagnostic("f.ipc", lines, d), "f.ipc:1:1000000000: error: m\nab\n  ^\n");
}

}  // namespace
}  // namespace sim::scenario
