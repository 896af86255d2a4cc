#include "cli/record.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/load.h"
#include "explain/catalog.h"
#include "explain/message.h"
#include "real/record/record.h"
#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

namespace cli {

using sim::scenario::printable;

namespace {

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    return static_cast<bool>(f.flush());
}

std::string directory_of(const std::string& path) {
    auto dir = std::filesystem::absolute(path).parent_path();
    return dir.string();
}

// The first failing check of a model run; false when the run stopped on an error first.
std::optional<sim::Check> first_failure(const sim::scenario::Scenario& s, std::size_t& steps) {
    sim::ModelBackend model;
    sim::RunState st;
    for (auto& c : sim::start_run(s, model))
        if (c.verdict == sim::Verdict::fails) return c;
    while (st.next < s.steps.size()) {
        auto r = sim::run_step(s, model, st);
        if (r.error) {
            print_diagnostic(s, *r.error);
            return sim::Check{};
        }
        ++steps;
        for (auto& c : r.record->checks)
            if (c.verdict == sim::Verdict::fails) return c;
    }
    return std::nullopt;
}

}  // namespace

int check_recording(const std::string& file, const std::string& text) {
    auto parsed = sim::scenario::parse(file, text);
    for (const auto& d : parsed.diagnostics) print_diagnostic(parsed.scenario, d);
    if (!parsed.ok()) return exit_scenario;
    std::size_t steps = 0;
    auto failed = first_failure(parsed.scenario, steps);
    if (!failed) {
        std::cerr << printable(explain::say("{file}: the model agrees with the kernel at each of {steps} steps", fmt::arg("file", file),
                                            fmt::arg("steps", steps)))
                  << "\n";
        return exit_ok;
    }
    if (failed->pos.line == 0) return exit_scenario;  // the diagnostic is printed
    std::cerr << printable(explain::say("{file}:{line}: the model differs from what the kernel did: expected {expected}, got {got}",
                                        fmt::arg("file", file), fmt::arg("line", failed->pos.line), fmt::arg("expected", failed->expected),
                                        fmt::arg("got", failed->got_text.empty() ? failed->got : explain::say(failed->got_text))))
              << "\n";
    return exit_failed;
}

int record_command(const RecordArgs& a) {
    real::record::RecordOptions opt{a.command, a.out.empty() ? std::filesystem::current_path().string() : directory_of(a.out), a.timeout_s,
                                    a.max_steps, a.host_ipc, a.out.empty()};
    auto r = real::record::record(opt);
    if (r.why_not) {
        std::cerr << printable(explain::say("ipcsim record: the recording cannot be made here: {why}", fmt::arg("why", *r.why_not))) << "\n";
        return exit_no_kernel;
    }
    if (r.bad_command) {
        std::cerr << printable(explain::say("ipcsim record: cannot run {command}: {why}", fmt::arg("command", a.command.front()),
                                            fmt::arg("why", *r.bad_command)))
                  << "\n";
        return exit_scenario;
    }
    for (const auto& object : r.removed)
        std::cerr << printable(explain::say("ipcsim record: removed {object}, which the processes killed at the end had made", fmt::arg("object", object)))
                  << "\n";
    std::string name = a.out.empty() ? "<recording>" : a.out;
    if (a.out.empty()) std::cout << r.scenario << std::flush;
    else if (!write_file(a.out, r.scenario)) {
        std::cerr << printable(explain::say("ipcsim record: cannot write {file}", fmt::arg("file", a.out))) << "\n";
        return exit_scenario;
    }
    return a.check ? check_recording(name, r.scenario) : exit_ok;
}

}  // namespace cli
