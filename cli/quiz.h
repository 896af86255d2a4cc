// `ipcsim quiz FILE`: the predict mode in a terminal. Before each step a question and its numbered
// choices; the answer is read from `in`, then the step is shown with its kernel path. At the end of
// the lesson, or of the input, the score.
#pragma once

#include <iosfwd>
#include <string>

#include "sim/scenario/ast.h"

namespace cli {

// `interactive`: the answers are typed on a terminal, which echoes them; piped answers are echoed here.
int quiz_command(const std::string& file, sim::scenario::Lang lang, std::istream& in, std::ostream& out, bool interactive);

}  // namespace cli
