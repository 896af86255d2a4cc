// format_diagnostic: the compiler-style text that every command prints for a wrong scenario.
#include "sim/scenario/diagnostic.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "explain/catalog.h"
#include "explain/message.h"
#include "real/procfs.h"
#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

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

// Issue 12: the same diagnostic in Chinese, in the form gcc uses under zh_CN.
struct Chinese : ::testing::Test {
    void SetUp() override { explain::set_language(explain::Lang::zh); }
    void TearDown() override { explain::set_language(explain::Lang::en); }
};

TEST_F(Chinese, an_error_and_its_note_read_as_gcc_writes_them_under_zh_cn) {
    ParseResult r = parse("t.ipc", "proc a\nproc a\n");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(explain::format_diagnostic("t.ipc", r.scenario.lines, r.diagnostics[0]),
              "t.ipc:2:6: 错误：重复的进程 'a'\n"
              "proc a\n"
              "     ^\n"
              "t.ipc:1:6: 附注：'a' 第一次声明在这里\n"
              "proc a\n"
              "     ^\n");
    EXPECT_EQ(format_diagnostic("t.ipc", r.scenario.lines, r.diagnostics[0]).substr(0, 36), "t.ipc:2:6: error: duplicate process ")
        << "sim's own formatting stays English";
}

TEST_F(Chinese, the_caret_stays_under_the_column_of_the_line_shown_as_it_is) {
    ParseResult r = parse("t.ipc", "proc a\n\ta: shmgett(1, 2, 3)  # 错误\nnote \"中文\" x\n");
    ASSERT_EQ(r.diagnostics.size(), 2u);
    EXPECT_EQ(explain::format_diagnostic("t.ipc", r.scenario.lines, r.diagnostics[0]),
              "t.ipc:2:5: 错误：未知的调用 'shmgett'；是不是要写 'shmget'？\n"
              "\ta: shmgett(1, 2, 3)  # 错误\n"
              "\t   ^\n");
    EXPECT_EQ(explain::format_diagnostic("t.ipc", r.scenario.lines, r.diagnostics[1]),
              "t.ipc:3:15: 错误：note 的文本之后应为 zh \"...\" 或行尾，实际为 'x'\n"
              "note \"中文\" x\n"
              "          ^\n");
}

TEST_F(Chinese, a_token_named_in_a_message_is_translated_with_it) {
    ParseResult r = parse("t.ipc", "proc a\na: shmget(1, 2\n");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(explain::say(r.diagnostics[0].text), "缺少 ')'");
    EXPECT_EQ(explain::say(r.diagnostics[0].notes.at(0).text), "与这个 '(' 配对");
    // A space sets Latin text apart from Han characters where a nested sentence meets its words.
    r = parse("t.ipc", "proc\n");
    EXPECT_EQ(explain::say(r.diagnostics.at(0).text), "此处应为进程名，实际为行尾");
    r = parse("t.ipc", "sysctl msgmax 1\n");
    EXPECT_EQ(explain::say(r.diagnostics.at(0).text), "此处应为 sysctl 名称之后的 '='，实际为 '1'");
    r = parse("t.ipc", "proc a\nexpect shm(1).foo == 1\n");
    EXPECT_EQ(explain::say(r.diagnostics.at(0).text).rfind("shm(ID) 没有字段 'foo'；", 0), 0u);
}

// Scenarios wrong in many ways: every diagnostic's English is its message, and its Chinese fills
// every placeholder and comes from the catalog.
std::vector<std::string> broken_scenarios() {
    std::vector<std::string> out = {
        "proc a\na: shmgett(1, 2, 3)\n", "proc a\nproc a\n", "b: exit(0)\n", "proc a\na: x = shmget(1, 2)\n",
        "proc a\na: exit(0)\nproc b\n", "sysctl foo = 1\n", "sysctl msgmax = -1\n", "proc a uid=-1\n",
        "proc a\nexpect a.ret = 0\n", "proc a\nexpect shm(1).bogus == 0\n", "title \"a\" zh \"\"\n", "title \"a\"\ntitle \"b\"\n",
        "proc a\na: x = shmat(1, 0, 0)\nproc b\n", "proc a\na: kill(a, SIGSTOP)\n", "proc a\na: shmctl(1, 99x)\n",
        "proc a\na: signal(SIGUSR1, SIG_IGN)\n", "proc a\na: setrlimit(RLIMIT_NOFILE, 1)\n", "proc a\na: msgsnd(1, 1, \"x\", 0, msgsx=1)\n",
        "proc a\na: shmctl(1, IPC_STAT, mode=1)\n", "proc a\na: store(1, \"\\q\")\n", "proc a\na: store(1, \"abc)\n", "\x01\n",
        "proc a\nexpect a.buf.segsz == 0\n", "proc a\na: x = shmget(1, 2, 3)\nproc b\nexpect y == 1\n", "proc IPC_CREAT\n",
        "proc a\na: fork(b)\nb: x = shmat(1, 0, 0)\nexpect x == y\n", "proc a\nexpect shm(1).atime == 5\n", "proc a\nexpect now == 1\n",
        "proc a\na: exit(0)\na: exit(0)\n", "proc a\na: q = msgget(IPC_PRIVATE, 0600)\na: msgrcv(q, 16, 0, 0)\na: exit(0)\n",
        "proc a\na: load(0, 99999999999)\n", "proc a\na: shmget(0x, 1, 2)\n", "proc a\na: shmget(09, 1, 2)\n",
        "proc a\na: shmget(99999999999999999999, 1, 2)\n", "sysctl msg_next_id = 1\n", "proc a\na: exit(0)\nsysctl shmmax = 1\n",
    };
    for (const char* dir : {"tests/hostile", "tests/fuzz-regressions"})
        for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(IPCSIM_SOURCE_DIR) / dir))
            if (f.path().extension() == ".ipc") out.push_back(real::read_file(f.path().string()).value_or(""));
    return out;
}

// The diagnostics of parsing `text`, or else of running it on the model.
std::vector<Diagnostic> diagnostics_of(const std::string& text) {
    ParseResult r = parse("t.ipc", text);
    if (!r.ok()) return r.diagnostics;
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(r.scenario, model);
    for (std::size_t n = 0; st.next < r.scenario.steps.size() && n < 64; ++n)
        if (auto run = sim::run_step(r.scenario, model, st); run.error) return {*run.error};
    return {};
}

void expect_words(const std::string& english, const Message& text, std::set<std::string>& seen) {
    ASSERT_FALSE(text.empty()) << english;
    EXPECT_EQ(sim::english(text), english);
    std::string zh = explain::say(text);
    EXPECT_EQ(zh.find_first_of("{}"), std::string::npos) << text.msgid << "\n -> " << zh;
    if (std::string_view(text.msgid) != "{text}") {
        EXPECT_NE(zh, english) << "no Chinese for: " << text.msgid;
    }
    seen.insert(text.msgid);
}

TEST_F(Chinese, every_diagnostic_has_its_english_as_its_message_and_a_chinese_text) {
    std::set<std::string> seen;
    for (const auto& text : broken_scenarios())
        for (const auto& d : diagnostics_of(text)) {
            expect_words(d.message, d.text, seen);
            for (const auto& n : d.notes) expect_words(n.message, n.text, seen);
        }
    EXPECT_GT(seen.size(), 35u) << "the scenarios above cover fewer kinds of error than they should";
}

// What an expectation found ("got <no segment 99>") is kept as a Message too: its English is the
// Check's got, for every check of every lesson and test scenario and of a file of failing ones.
TEST_F(Chinese, every_check_has_its_english_got_as_a_message_and_a_chinese_text) {
    std::vector<std::string> texts = {
        "proc a\na: id = shmget(IPC_PRIVATE, 4096, 0600)\nexpect shm(99).nattch == 0\nexpect shm(id).atime != 0\n"
        "expect [shm(98).mode] == [1]\nexpect frame(a, 4096) == 1\nexpect shm(id).mode == shm(97).mode\na: kill(a, SIGKILL) => 0\n"};
    for (const char* dir : {"assets/lessons", "tests/scenarios"})
        for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(IPCSIM_SOURCE_DIR) / dir))
            if (f.path().extension() == ".ipc") texts.push_back(real::read_file(f.path().string()).value_or(""));
    std::size_t checks = 0, failing = 0;
    for (const auto& text : texts) {
        ParseResult r = parse("t.ipc", text);
        ASSERT_TRUE(r.ok()) << text;
        sim::ModelBackend model;
        sim::RunState st;
        auto each = [&](const std::vector<sim::Check>& cs) {
            for (const auto& c : cs) {
                ++checks;
                EXPECT_EQ(sim::english(c.got_text), c.got);
                if (c.verdict == sim::Verdict::fails) ++failing;
            }
        };
        each(sim::start_run(r.scenario, model));
        while (st.next < r.scenario.steps.size()) {
            auto run = sim::run_step(r.scenario, model, st);
            if (run.error) break;
            each(run.record->checks);
        }
    }
    EXPECT_GT(checks, 300u);
    EXPECT_EQ(failing, 6u) << "the lessons hold; the first file fails six ways";
    ParseResult r = parse("t.ipc", texts[0]);
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(r.scenario, model);
    auto first = sim::run_step(r.scenario, model, st);
    ASSERT_TRUE(first.record);
    ASSERT_EQ(first.record->checks.size(), 5u);
    EXPECT_EQ(explain::say(first.record->checks[0].got_text), "<没有共享内存段 99>");
    EXPECT_EQ(explain::say(first.record->checks[1].got_text), "0（从未设置）");
    EXPECT_EQ(explain::say(first.record->checks[2].got_text), "[<没有共享内存段 98>]（右边是 [1]）");
    EXPECT_EQ(explain::say(first.record->checks[3].got_text), "<a 在那里没有映射>");
    auto last = sim::run_step(r.scenario, model, st);
    ASSERT_TRUE(last.record);
    EXPECT_EQ(explain::say(last.record->checks.at(0).got_text), "被 SIGKILL 杀死");
}

}  // namespace
}  // namespace sim::scenario
