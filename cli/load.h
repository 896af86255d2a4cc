// Reading a scenario file for any command: parse it, or print its diagnostics.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario/ast.h"
#include "sim/scenario/diagnostic.h"

namespace cli {

// Exit statuses shared by every command (docs/scenario-language.md).
enum Exit { exit_ok = 0, exit_failed = 1, exit_scenario = 2, exit_no_kernel = 3 };

// The parsed scenario, or nothing after printing why to stderr: the file cannot be read
// (real::read_scenario_file), or each of its diagnostics.
std::optional<sim::scenario::Scenario> load_scenario(const std::string& path);

// Prints one diagnostic to stderr, compiler style.
void print_diagnostic(const sim::scenario::Scenario& s, const sim::scenario::Diagnostic& d);

}  // namespace cli
