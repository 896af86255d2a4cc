// A scenario error, printed as a compiler prints one: FILE:LINE:COL: error: MESSAGE, the line, a caret.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/ast.h"

namespace sim::scenario {

struct Diagnostic {
    SourcePos pos;
    std::string message;
    // Secondary places ("note: blocked since here"), printed after the error in the same form.
    struct Note {
        SourcePos pos;
        std::string message;
    };
    std::vector<Note> notes;
};

// Formats one diagnostic against the scenario's source lines:
//   lesson.ipc:3:9: error: unknown call 'shmgett'
//       a: shmgett(1, 2, 3)
//          ^
// Lines are shown with tabs kept, so the caret lines up under the column, and a long line only
// around the column. The file name and the messages are shown as printable() makes them.
std::string format_diagnostic(const std::string& file, const SourceLines& lines, const Diagnostic& d);
std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines,
                              const Diagnostic& d);

// `text` as a terminal may show it: C0 controls (tab aside), DEL, C1 controls (U+0080..U+009F) and
// bytes that are not UTF-8 become \xHH, a newline \n. A scenario's title, notes and strings are
// untrusted: raw, "\x1b]0;...\x07" would retitle the terminal and "\x1b[2J" clear it.
std::string printable(std::string_view text);

}  // namespace sim::scenario
