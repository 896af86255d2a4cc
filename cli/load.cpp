#include "cli/load.h"

#include <iostream>

#include "explain/message.h"
#include "real/scenario_file.h"
#include "sim/scenario/parser.h"

namespace cli {

std::optional<sim::scenario::Scenario> load_scenario(const std::string& path) {
    auto file = real::read_scenario_file(path);
    if (!file.ok()) {
        std::cerr << explain::file_error(path, file.why) << "\n";
        return std::nullopt;
    }
    auto result = sim::scenario::parse(path, std::move(file.text));
    for (const auto& d : result.diagnostics) print_diagnostic(result.scenario, d);
    if (!result.ok()) return std::nullopt;
    return std::move(result.scenario);
}

void print_diagnostic(const sim::scenario::Scenario& s, const sim::scenario::Diagnostic& d) {
    std::cerr << explain::format_diagnostic(s.file, s.lines, d);
}

}  // namespace cli
