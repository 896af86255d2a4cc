#include "cli/load.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/scenario/parser.h"

namespace cli {

std::optional<sim::scenario::Scenario> load_scenario(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << path << ": error: cannot open: " << std::strerror(errno) << "\n";
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto result = sim::scenario::parse(path, text.str());
    for (const auto& d : result.diagnostics) print_diagnostic(result.scenario, d);
    if (!result.ok()) return std::nullopt;
    return std::move(result.scenario);
}

void print_diagnostic(const sim::scenario::Scenario& s, const sim::scenario::Diagnostic& d) {
    std::cerr << sim::scenario::format_diagnostic(s.file, s.lines, d);
}

}  // namespace cli
