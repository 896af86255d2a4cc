// Which C program a step comes from (`source`, version 2): a fork's child runs on in its parent's
// program, as fork() does, unless the file gives it one of its own.
#include <map>

#include "sim/scenario/ast.h"

namespace sim::scenario {

const std::string* program_of(const Scenario& s, std::size_t i) {
    if (s.sources.empty() || i >= s.steps.size()) return nullptr;
    std::map<std::string, const std::string*> program;
    for (const auto& d : s.sources) program[d.proc] = &d.path;
    for (std::size_t k = 0; k < i; ++k) {
        const Step& st = s.steps[k];
        if (st.call.kind != CallKind::Fork || st.call.args.empty()) continue;
        auto parent = program.find(st.proc);
        if (parent != program.end()) program.emplace(st.call.args[0].text, parent->second);
    }
    auto it = program.find(s.steps[i].proc);
    return it == program.end() ? nullptr : it->second;
}

}  // namespace sim::scenario
