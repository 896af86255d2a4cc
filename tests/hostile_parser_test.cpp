// The parser's side of untrusted lessons: the line index that replaced a string per line, the
// file-wide statement limit, and printable(), which every terminal-bound text goes through.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "sim/scenario/diagnostic.h"
#include "sim/scenario/parser.h"

namespace sim::scenario {
namespace {

// The old split_lines, as the reference: no '\n', a trailing '\r' stripped, none after a final '\n'.
std::vector<std::string> naive_lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

TEST(HostileParser, source_lines_match_a_plain_split_for_short_long_and_crlf_lines) {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        std::string text;
        int lines = static_cast<int>(rng() % 300);
        for (int i = 0; i < lines; ++i) {
            std::size_t len = rng() % 8 == 0 ? rng() % 9000 : rng() % 20;  // some past the 4 KiB mark
            text += std::string(len, static_cast<char>('a' + i % 26));
            text += rng() % 5 == 0 ? "\r\n" : "\n";
        }
        if (rng() % 2) text += "tail";
        auto want = naive_lines(text);
        SourceLines got(text);
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "line " << i;
        std::size_t i = 0;
        for (auto line : got) ASSERT_EQ(line, want[i++]);
    }
}

TEST(HostileParser, a_file_past_a_million_statements_stops_with_a_diagnostic) {
    std::string text;
    for (int i = 0; i < (1 << 20) + 5; ++i) text += "note \"n\"\n";
    ParseResult r = parse("t.ipc", std::move(text));
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].message, "too many statements: a scenario may have at most 1048576");
    EXPECT_EQ(r.diagnostics[0].pos, (SourcePos{(1 << 20) + 1, 1}));
}

TEST(HostileParser, printable_escapes_every_control_but_tab_and_keeps_utf8) {
    EXPECT_EQ(printable("a\x1b]0;t\x07 b\x1b[2J\n\r\t\x7f"), "a\\x1b]0;t\\x07 b\\x1b[2J\\n\\x0d\t\\x7f");
    EXPECT_EQ(printable("\xc2\x9b" "31m \xff \xc3\xa9 \xe4\xb8\xad"), "\\xc2\\x9b31m \\xff \xc3\xa9 \xe4\xb8\xad");
}

TEST(HostileParser, a_diagnostic_on_a_long_line_echoes_only_around_the_column) {
    std::string line = "expect " + std::string(1000, '(');
    Diagnostic d{{1, 501}, "m", {}};
    std::string out = format_diagnostic("f.ipc", std::vector<std::string>{line}, d);
    std::string shown = "..." + std::string(160, '(') + "...";
    EXPECT_EQ(out, "f.ipc:1:501: error: m\n" + shown + "\n" + std::string(3 + 80, ' ') + "^\n");
}

}  // namespace
}  // namespace sim::scenario
