// ipcsim's and ipcviz's command lines (CLI11) in the program's language: the help's headings and
// the errors CLI11 reports for a bad command line. The language has to be known before the CLI11
// app is built, since every description is given in it: lang_flag() finds --lang in argv first.
#pragma once

#include <CLI/CLI.hpp>

#include <cstring>
#include <memory>
#include <regex>
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

// CLI11's help with its columns lined up by terminal cells rather than bytes, and the fullwidth
// colon after a Chinese heading, for the help in Chinese.
class WideFormatter : public CLI::Formatter {
public:
    std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
        std::string out = "\n" + group + "：\n";
        for (const CLI::Option* opt : opts) out += make_option(opt, is_positional);
        return out;
    }
    std::string make_usage(const CLI::App* app, std::string name) const override {
        std::string out = CLI::Formatter::make_usage(app, std::move(name));
        std::string label = get_label("Usage") + ": ";
        if (out.rfind(label, 0) == 0) out.replace(0, label.size(), get_label("Usage") + "：");
        return out;
    }
    std::string make_subcommands(const CLI::App* app, CLI::AppFormatMode mode) const override {
        std::string out = CLI::Formatter::make_subcommands(app, mode);
        // A heading is a line of its own that starts unindented and ends in ':'.
        for (std::size_t at = out.find(":\n"); at != std::string::npos; at = out.find(":\n", at + 1)) {
            std::size_t start = out.rfind('\n', at);
            start = start == std::string::npos ? 0 : start + 1;
            if (start < at && out[start] != ' ') out.replace(at, 1, "：");
        }
        return out;
    }
    std::string make_option(const CLI::Option* opt, bool is_positional) const override {
        return row(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
    }
    std::string make_subcommand(const CLI::App* sub) const override { return row(sub->get_display_name(true), sub->get_description()); }

private:
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
};

// Headings and the help flag in the program's language; call it on the app before it gets its
// options and subcommands, which inherit the formatter, the help flag and the failure message.
// `help_on_error`: a bad command line prints the help after the error (ipcsim), or only the error
// and a pointer to --help (ipcviz); in English, as CLI11 words it.
inline void localize_help(CLI::App& app, bool help_on_error) {
    if (language() == Lang::zh) app.formatter(std::make_shared<WideFormatter>());
    auto f = app.get_formatter();
    f->label("Usage", std::string(explain::tr("Usage")));
    f->label("OPTIONS", std::string(explain::tr("OPTIONS")));
    f->label("SUBCOMMAND", std::string(explain::tr("SUBCOMMAND")));
    f->label("SUBCOMMANDS", std::string(explain::tr("SUBCOMMANDS")));
    f->label("Positionals", std::string(explain::tr("Positionals")));
    f->label("REQUIRED", std::string(explain::tr("REQUIRED")));
    app.set_help_flag("-h,--help", std::string(explain::tr("Print this help message and exit")));
    app.group(std::string(explain::tr("Subcommands")));  // the heading of the subcommands, which inherit it
    if (language() != Lang::zh) app.failure_message(help_on_error ? CLI::FailureMessage::help : CLI::FailureMessage::simple);
    else app.failure_message([help_on_error](const CLI::App* a, const CLI::Error& e) {
        std::string out = std::string(explain::tr("error: ")) + cli11_error_text(e.what()) + "\n";
        return out + (help_on_error ? a->help() : std::string(explain::tr("Run with --help for more information.")) + "\n");
    });
}

// Puts every option of app and of its subcommands, the help flags included, under the
// "Options" heading of the program's language; call it once everything is added.
inline void localize_groups(CLI::App& app) {
    for (CLI::Option* opt : app.get_options())
        if (opt->get_group() == "Options") opt->group(std::string(explain::tr("Options")));
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) localize_groups(*sub);
}

}  // namespace explain
