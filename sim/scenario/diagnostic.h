// A scenario error, printed as a compiler prints one: FILE:LINE:COL: error: MESSAGE, the line, a caret.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/message.h"
#include "sim/scenario/ast.h"

namespace sim::scenario {

// `message` is the English; `text`, when not empty, is the same sentence as a catalog key and its
// values, which explain/ shows in the language asked for.
struct Diagnostic {
    // Secondary places ("note: blocked since here"), printed after the error in the same form.
    struct Note {
        Note() = default;
        Note(SourcePos p, std::string m) : pos(p), message(std::move(m)) {}
        Note(SourcePos p, Message m) : pos(p), message(english(m)), text(std::move(m)) {}
        SourcePos pos;
        std::string message;
        Message text;
    };
    Diagnostic() = default;
    Diagnostic(SourcePos p, std::string m, std::vector<Note> n = {}) : pos(p), message(std::move(m)), notes(std::move(n)) {}
    Diagnostic(SourcePos p, Message m, std::vector<Note> n = {})
        : pos(p), message(english(m)), notes(std::move(n)), text(std::move(m)) {}

    SourcePos pos;
    std::string message;
    std::vector<Note> notes;
    Message text;
};

// How format_diagnostic words an entry: English by default; explain/ gives the chosen language's.
struct Wording {
    std::string_view error = "error: ";  // gcc under zh_CN: "错误："
    std::string_view note = "note: ";    // "附注："
    std::function<std::string(const Message&)> say;  // a Message in words; null: english()
};

// Formats one diagnostic against the scenario's source lines:
//   lesson.ipc:3:9: error: unknown call 'shmgett'
//       a: shmgett(1, 2, 3)
//          ^
// Lines are shown with tabs kept, so the caret lines up under the column, and a long line only
// around the column. The file name and the messages are shown as printable() makes them.
std::string format_diagnostic(const std::string& file, const SourceLines& lines, const Diagnostic& d,
                              const Wording& w = {});
std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines,
                              const Diagnostic& d, const Wording& w = {});

// `text` as a terminal may show it: C0 controls (tab aside), DEL, C1 controls (U+0080..U+009F) and
// bytes that are not UTF-8 become \xHH, a newline \n. A scenario's title, notes and strings are
// untrusted: raw, "\x1b]0;...\x07" would retitle the terminal and "\x1b[2J" clear it.
std::string printable(std::string_view text);

}  // namespace sim::scenario
