// A scenario error, printed as a compiler prints one: FILE:LINE:COL: error: MESSAGE, the line, a caret.
#pragma once

#include <string>
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
// Lines are shown with tabs kept, so the caret lines up under the column.
std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines,
                              const Diagnostic& d);

}  // namespace sim::scenario
