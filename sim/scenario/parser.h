// The .ipc parser: text in, a Scenario or the diagnostics that stop it.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/scenario/ast.h"
#include "sim/scenario/diagnostic.h"

namespace sim::scenario {

struct ParseResult {
    Scenario scenario;                   // complete only when diagnostics is empty
    std::vector<Diagnostic> diagnostics; // in source order; at most one per line
    bool ok() const { return diagnostics.empty(); }
};

// Parses `text` (the file's whole contents) named `file` for diagnostics. Never throws on bad
// input: every lexical, syntactic and static semantic error becomes a Diagnostic.
ParseResult parse(std::string file, std::string_view text);
// The same, keeping `text` itself as the scenario's source rather than a copy of it.
ParseResult parse(std::string file, std::string&& text);
// A literal is text to copy (without this, it could become either a string_view or a string).
inline ParseResult parse(std::string file, const char* text) { return parse(std::move(file), std::string_view(text)); }

// Whether `name` may name a process or a variable: a name, and neither a reserved word nor a constant.
bool is_free_name(std::string_view name);

}  // namespace sim::scenario
