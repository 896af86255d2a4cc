// ipcsim's and ipcviz's command lines (CLI11) in the program's language: the help (its descriptions
// are the English msgids the programs give CLI11, looked up when the help is printed) and the errors
// CLI11 reports for a bad command line. The language has to be known before CLI11 parses, which may
// print either: lang_flag() finds --lang in argv first.
#pragma once

#include <CLI/CLI.hpp>

#include <cstring>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>

#include "explain/catalog.h"
#include "sim/msgid.h"

namespace explain {

// The value of --lang in argv ("--lang zh" or "--lang=zh"), or "" when it is not there. CLI11
// checks it again later, and refuses a value that is neither en nor zh.
inline std::string lang_flag(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0) break;
        if (std::strcmp(argv[i], "--lang") == 0 && i + 1 < argc) return argv[i + 1];
        if (std::strncmp(argv[i], "--lang=", 7) == 0) return argv[i] + 7;
    }
    return {};
}

// A CLI11 error's text in the program's language: its known forms come from the catalog, with
// the names CLI11 put in them; another keeps CLI11's English.
inline std::string cli11_error_text(const std::string& what) {
    struct Form {
        const char* pattern;
        const char* msgid;  // placeholders {a}, {b}, {c}: the pattern's groups, in order
    };
    static const Form forms[] = {
        {"The following argument was not expected: (.*)", N_("The following argument was not expected: {a}")},
        {"The following arguments were not expected: (.*)", N_("The following arguments were not expected: {a}")},
        {"A subcommand is required", N_("A subcommand is required")},
        {"(\\S+) is required", N_("{a} is required")},
        {"(\\S+): (.*) not in (\\{.*\\})", N_("{a}: {b} not in {c}")},
        {"Could not convert: (\\S+) = (.*)", N_("Could not convert: {a} = {b}")},
    };
    std::smatch m;
    std::string prefix, rest = what;
    // A subcommand's error starts with its name: "run: The following argument was not expected: b".
    for (int pass = 0; pass < 2; ++pass) {
        for (const auto& f : forms) {
            if (!std::regex_match(rest, m, std::regex(f.pattern))) continue;
            std::string out(tr(f.msgid));
            const char* names[] = {"{a}", "{b}", "{c}"};
            for (std::size_t g = 1; g < m.size() && g <= 3; ++g)
                if (auto at = out.find(names[g - 1]); at != std::string::npos) out.replace(at, 3, m[g].str());
            return prefix + out;
        }
        auto colon = what.find(": ");
        if (colon == std::string::npos || what.find(' ') < colon) break;
        prefix = what.substr(0, colon + 2);
        rest = what.substr(colon + 2);
    }
    return what;
}

// How many terminal cells UTF-8 text takes: a CJK character or a fullwidth form takes two.
inline std::size_t cells(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) == 0x80) continue;  // a continuation byte: counted with its lead byte
        if (b < 0xE0) {
            ++n;
            continue;
        }
        char32_t c = b < 0xF0 ? b & 0x0F : b & 0x07;
        for (std::size_t k = 1; k < (b < 0xF0 ? 3u : 4u) && i + k < s.size(); ++k) c = (c << 6) | (s[i + k] & 0x3F);
        bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
                    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
        n += wide ? 2 : 1;
    }
    return n;
}

// CLI11's help in the program's language: each description, heading and group name is looked up
// in the catalog when the help is made (the programs give them in English, as msgids), and in
// Chinese the columns line up by terminal cells rather than bytes and headings end in a fullwidth
// colon. In English the help is CLI11's own, byte for byte.
class HelpFormatter : public CLI::Formatter {
public:
    explicit HelpFormatter(bool wide) : m_wide(wide) {}

    std::string make_description(const CLI::App* app) const override {
        std::string out = CLI::Formatter::make_description(app);
        const std::string& d = app->get_description();
        if (!d.empty() && out.rfind(d, 0) == 0) out.replace(0, d.size(), tr(d));
        return out;
    }
    std::string make_option_desc(const CLI::Option* opt) const override { return std::string(tr(opt->get_description())); }
    std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
        std::string out = "\n" + std::string(tr(group)) + colon() + "\n";
        for (const CLI::Option* opt : opts) out += make_option(opt, is_positional);
        return out;
    }
    std::string make_usage(const CLI::App* app, std::string name) const override {
        std::string out = CLI::Formatter::make_usage(app, std::move(name));
        std::string label = get_label("Usage") + ": ";
        if (m_wide && out.rfind(label, 0) == 0) out.replace(0, label.size(), get_label("Usage") + "：");
        return out;
    }
    std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
        std::string out = CLI::Formatter::make_subcommands(app, mode);
        // A heading is a line of its own that starts unindented and ends in ':'.
        for (std::size_t at = out.find(":\n"); at != std::string::npos; at = out.find(":\n", at + 1)) {
            std::size_t start = out.rfind('\n', at);
            start = start == std::string::npos ? 0 : start + 1;
            if (start == at || out[start] == ' ') continue;
            std::string heading = std::string(tr(out.substr(start, at - start))) + colon();
            out.replace(start, at - start + 1, heading);
            at = start + heading.size() - 1;
        }
        return out;
    }
    std::string make_option(const CLI::Option* opt, bool is_positional) const override {
        if (!m_wide) return CLI::Formatter::make_option(opt, is_positional);
        return row(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
    }
    std::string make_subcommand(const CLI::App* sub) const override {
        if (!m_wide) {
            std::stringstream out;
            CLI::detail::format_help(out, sub->get_display_name(true), std::string(tr(sub->get_description())), get_column_width());
            return out.str();
        }
        return row(sub->get_display_name(true), std::string(tr(sub->get_description())));
    }

private:
    std::string colon() const { return m_wide ? "：" : ":"; }
    // CLI::detail::format_help, padding by cells.
    std::string row(const std::string& name, const std::string& description) const {
        std::string out = "  " + name;
        std::size_t width = cells(out), column = get_column_width();
        if (!description.empty()) {
            out += width >= column ? "\n" + std::string(column, ' ') : std::string(column - width, ' ');
            for (char c : description) out += c == '\n' ? "\n" + std::string(column, ' ') : std::string(1, c);
        }
        return out + "\n";
    }
    bool m_wide;
};

// The help and CLI11's errors in the program's language; call it on the app before it gets its
// options and subcommands, which inherit the formatter and the failure message. `help_on_error`: a
// bad command line prints the help after the error (ipcsim), or only the error and a pointer to
// --help (ipcviz); in English, as CLI11 words it.
inline void localize_help(CLI::App& app, bool help_on_error) {
    auto f = std::make_shared<HelpFormatter>(language() == Lang::zh);
    for (const char* label : {"Usage", "OPTIONS", "SUBCOMMAND", "SUBCOMMANDS", "Positionals", "REQUIRED"}) f->label(label, std::string(tr(label)));
    app.formatter(f);
    if (language() != Lang::zh) app.failure_message(help_on_error ? CLI::FailureMessage::help : CLI::FailureMessage::simple);
    else app.failure_message([help_on_error](const CLI::App* a, const CLI::Error& e) {
        std::string out = std::string(explain::tr("error: ")) + cli11_error_text(e.what()) + "\n";
        return out + (help_on_error ? a->help() : std::string(explain::tr("Run with --help for more information.")) + "\n");
    });
}

// The words CLI11 itself puts in the help, for the catalog (tests/catalog_test.cpp finds them here).
inline constexpr const char* kCli11Words[] = {N_("Usage"), N_("OPTIONS"), N_("SUBCOMMAND"), N_("SUBCOMMANDS"), N_("Positionals"),
                                              N_("REQUIRED"), N_("Options"), N_("Subcommands"), N_("Print this help message and exit")};

}  // namespace explain
