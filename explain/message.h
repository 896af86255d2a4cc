// sim's Messages (a catalog key and the values for its placeholders) in the program's language,
// and the scenario's diagnostics in the compiler's form of that language: gcc under zh_CN writes
// "FILE:LINE:COL: 错误：MESSAGE" and "附注：" where it writes "error: " and "note: " in English.
#pragma once

#include <string>
#include <vector>

#include "explain/catalog.h"
#include "sim/message.h"
#include "sim/scenario/diagnostic.h"

namespace explain {

// The sentence in the program's language: its msgid translated, then filled; a nested sentence
// (an argument that is a Message) is translated the same way.
std::string say(const sim::Message& m);

// The error: and note: labels, and say(), of the program's language.
sim::scenario::Wording wording();

// sim::scenario::format_diagnostic in the program's language.
std::string format_diagnostic(const std::string& file, const sim::scenario::SourceLines& lines, const sim::scenario::Diagnostic& d);
std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines, const sim::scenario::Diagnostic& d);

// "FILE: error: MESSAGE" of a file that cannot be read (real::read_scenario_file), in the program's
// language; `why` is MESSAGE.
std::string file_error(const std::string& file, const sim::Message& why);

}  // namespace explain
