// The message catalog (po/zh_CN/*.po, joined by msgcat and compiled by msgfmt): every message the programs say has its
// Chinese, and each translation keeps the English's named placeholders, in any order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "explain/catalog.h"
#include "real/procfs.h"
#include "tests/scenario_files.h"

namespace {

std::set<std::string> placeholders(const std::string& text) {
    std::set<std::string> out;
    static const std::regex name(R"(\{([a-z_]+)\})");
    for (std::sregex_iterator it(text.begin(), text.end(), name), end; it != end; ++it) out.insert((*it)[1]);
    return out;
}


// Every literal that `pattern` (with the literal as its group 1) finds in the files of `dirs`
// whose names end in one of `suffixes`.
std::set<std::string> literals(const std::regex& pattern, std::initializer_list<const char*> dirs,
                               std::initializer_list<const char*> suffixes) {
    namespace fs = std::filesystem;
    std::set<std::string> out;
    for (const char* dir : dirs)
        for (const auto& f : fs::directory_iterator(fs::path(IPCSIM_SOURCE_DIR) / dir)) {
            std::string name = f.path().filename().string();
            bool wanted = false;
            for (const char* s : suffixes) wanted = wanted || name.ends_with(s);
            if (!wanted) continue;
            std::string text = real::read_file(f.path().string()).value_or("");
            for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) out.insert(testing_files::unescaped((*it)[1]));
        }
    return out;
}

// The first argument of every explain::say("...") and explain::tr("...") in the programs' sources.
std::set<std::string> messages_in_sources() {
    static const std::regex call(R"re(explain::(?:say|tr)\(\s*"((?:[^"\\]|\\.)*)")re");
    return literals(call, {"cli", "viz", "explain"}, {".cpp", ".h"});
}

// The descriptions ipcsim and ipcviz give CLI11 (the programs' own, and those of their options and
// commands), which their help looks up in the catalog when it is printed: the first string (adjacent
// literals joined) that closes an add_option/add_flag/add_subcommand call, and a CLI::App's.
std::set<std::string> help_texts_in_sources() {
    static const std::string lit = R"re("(?:[^"\\]|\\.)*")re";
    static const std::regex sequence("(" + lit + "(?:\\s*" + lit + ")*)");
    static const std::regex call(R"re(\badd_(?:option|flag|subcommand)\(([^;]*)|CLI::App \w+\{([^;]*)\};)re");
    auto joined = [](std::string seq) {
        std::string out;
        static const std::regex one(R"re("((?:[^"\\]|\\.)*)")re");
        for (std::sregex_iterator it(seq.begin(), seq.end(), one), end; it != end; ++it) out += testing_files::unescaped((*it)[1]);
        return out;
    };
    std::set<std::string> out;
    for (const char* file : {"cli/main.cpp", "viz/main.cpp", "viz/slides.cpp"}) {
        std::string text = real::read_file(std::string(IPCSIM_SOURCE_DIR) + "/" + file).value_or("");
        for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
            std::string args = (*it)[1].matched ? (*it)[1].str() : (*it)[2].str();
            for (std::sregex_iterator s(args.begin(), args.end(), sequence); s != end; ++s) {
                std::size_t after = static_cast<std::size_t>(s->position() + s->length());
                std::size_t next = args.find_first_not_of(" \t\n", after);
                bool closes = (*it)[2].matched || (next != std::string::npos && args[next] == ')');
                if (closes) {
                    out.insert(joined(s->str()));
                    break;
                }
            }
        }
    }
    return out;
}

// Every N_("...") (sim/msgid.h) of the sources that make a scenario's errors, what an expectation
// found, and the command lines' words: sim/ keeps them as catalog keys, explain/ translates them.
// (The kernel path's sentences, N_ keys in the model's other files, have a catalog of their own.)
std::set<std::string> msgids_in_sources() {
    static const std::regex marked(R"re(\bN_\(\s*"((?:[^"\\]|\\.)*)"\s*\))re");
    std::set<std::string> out = literals(marked, {"sim/scenario"}, {".cpp"});
    for (const char* file : {"sim/runner.cpp", "sim/eval.cpp", "sim/value.cpp", "sim/message.cpp", "real/scenario_file.cpp", "real/real_backend.cpp",
                             "explain/cli_words.h", "explain/message.cpp"}) {
        std::string text = real::read_file(std::string(IPCSIM_SOURCE_DIR) + "/" + file).value_or("");
        EXPECT_FALSE(text.empty()) << file;
        for (std::sregex_iterator it(text.begin(), text.end(), marked), end; it != end; ++it) out.insert(testing_files::unescaped((*it)[1]));
    }
    return out;
}

}  // namespace

TEST(Catalog, every_chinese_message_keeps_the_english_placeholders) {
    auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    ASSERT_TRUE(zh) << "po/zh_CN/*.po was not compiled";
    ASSERT_GT(zh->size(), 5u);
    for (const auto& [id, str] : zh->entries()) {
        EXPECT_FALSE(str.empty()) << "no Chinese for: " << id;
        EXPECT_EQ(placeholders(id), placeholders(str)) << id << "\n -> " << str;
    }
}

TEST(Catalog, every_message_the_programs_say_is_in_the_chinese_catalog) {
    auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    ASSERT_TRUE(zh);
    std::set<std::string> said = messages_in_sources();
    ASSERT_GT(said.size(), 5u) << "the scan found no explain::say calls";
    for (const auto& m : said) EXPECT_NE(zh->find(m), nullptr) << "not in po/zh_CN/*.po: \"" << m << "\"";
}

TEST(Catalog, every_help_text_is_in_the_chinese_catalog) {
    auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    ASSERT_TRUE(zh);
    std::set<std::string> help = help_texts_in_sources();
    EXPECT_TRUE(help.count("print one JSON object per step instead of text")) << "the scan missed ipcsim's options";
    EXPECT_TRUE(help.count("window size, WxH")) << "the scan missed ipcviz's options";
    EXPECT_TRUE(help.count("ipcsim: System V shared memory and message queues, modelled step by step.\nRuns .ipc scenarios (see "
                           "docs/scenario-language.md) and shows the kernel path of every call."))
        << "the scan missed the program's own description, or did not join its literals";
    EXPECT_GT(help.size(), 15u);
    for (const auto& m : help) EXPECT_NE(zh->find(m), nullptr) << "not in po/zh_CN/*.po: \"" << m << "\"";
}

TEST(Catalog, every_diagnostic_msgid_is_in_the_chinese_catalog) {
    auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    ASSERT_TRUE(zh);
    std::set<std::string> marked = msgids_in_sources();
    ASSERT_GT(marked.size(), 100u) << "the scan found too few N_(\"...\") literals";
    EXPECT_TRUE(marked.count("unknown call '{name}'{hint}")) << "the scan missed the parser";
    EXPECT_TRUE(marked.count("\\x needs two hex digits, as in \\x41")) << "escapes are resolved as the compiler does";
    for (const char* m : {"no segment {id}", "deadlock: {name} is asleep and nobody can wake it", "cannot open: {why}", "OPTIONS"})
        EXPECT_TRUE(marked.count(m)) << "the scan missed: " << m;
    for (const auto& m : marked) EXPECT_NE(zh->find(m), nullptr) << "not in po/zh_CN/*.po: \"" << m << "\"";
}

// A scenario error made from a plain string would reach a Chinese class in English: the parser, the
// lexer and the runner give every error as msg(N_("..."), arg(...)) (sim/message.h), with its
// Chinese in po/zh_CN/diagnostics.po.
TEST(Catalog, no_scenario_error_is_made_from_a_plain_string) {
    static const std::regex plain(R"re(\bfail\([^;"]*?,\s*"|\bexpect\(TokenKind::\w+,\s*"|Diagnostic\{[^;"]*?,\s*(?:"|cat\()|\b(?:missing|unobservable)\(\s*")re");
    for (const char* file : {"sim/scenario/lexer.cpp", "sim/scenario/parser.cpp", "sim/runner.cpp", "sim/eval.cpp", "sim/value.cpp"}) {
        std::string text = real::read_file(std::string(IPCSIM_SOURCE_DIR) + "/" + file).value_or("");
        ASSERT_FALSE(text.empty()) << file;
        for (std::sregex_iterator it(text.begin(), text.end(), plain), end; it != end; ++it) {
            auto line = std::count(text.begin(), text.begin() + it->position(), '\n') + 1;
            ADD_FAILURE() << file << ":" << line << ": an error from a plain string: " << it->str() << "... (use msg(N_(\"...\"), arg(...)))";
        }
    }
}

TEST(Catalog, the_program_language_picks_the_catalog_or_the_english_key) {
    explain::set_language(explain::Lang::zh);
    EXPECT_EQ(explain::say("{passed} passed, {failed} failed", fmt::arg("passed", 3), fmt::arg("failed", 1)), "3 项通过，1 项失败");
    EXPECT_EQ(explain::tr("a message nobody translated"), "a message nobody translated");
    explain::set_language(explain::Lang::en);
    EXPECT_EQ(explain::say("{passed} passed, {failed} failed", fmt::arg("passed", 3), fmt::arg("failed", 1)), "3 passed, 1 failed");
}
