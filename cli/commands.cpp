#include "cli/commands.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/json_trace.h"
#include "cli/trace.h"
#include "sim/model_backend.h"

namespace cli {

namespace {

bool any_failed(const std::vector<sim::Check>& checks) {
    for (const auto& c : checks)
        if (c.verdict == sim::Verdict::fails) return true;
    return false;
}

void print_json_line(const nlohmann::json& j) {
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace

int run_command(const std::string& file, bool json) {
    auto s = load_scenario(file);
    if (!s) return exit_scenario;
    sim::ModelBackend model;
    sim::RunState st;
    auto initial = sim::start_run(*s, model);
    bool failed = any_failed(initial);
    if (!json) {
        std::cout << (s->title.empty() ? file : s->title) << "\n";
        for (const auto& c : initial) std::cout << format_check(c);
    }
    while (st.next < s->steps.size()) {
        auto r = sim::run_step(*s, model, st);
        if (r.error) {
            std::cout.flush();
            print_diagnostic(*s, *r.error);
            return exit_scenario;
        }
        failed = failed || any_failed(r.record->checks);
        if (json) print_json_line(step_json(*s, *r.record));
        else std::cout << format_step(*s, *r.record);
    }
    if (!json) {
        for (const auto& n : s->trailing_notes) std::cout << fmt::format("\n  note: {}\n", n);
        std::cout << "\n" << format_tables(model.kernel());
        if (auto asleep = sim::deadlocked(model.observe()); !asleep.empty()) std::cout << "\n" << sim::deadlock_text(asleep) << "\n";
    }
    return failed ? exit_failed : exit_ok;
}

// Prints FILE:LINE: expected X, got Y for each failing check; returns how many failed.
static int report(const std::string& file, const std::vector<sim::Check>& checks, int& held) {
    int failed = 0;
    for (const auto& c : checks) {
        if (c.verdict == sim::Verdict::holds) ++held;
        if (c.verdict != sim::Verdict::fails) continue;
        ++failed;
        std::cout << fmt::format("{}:{}: expected {}, got {}\n", file, c.pos.line, c.expected, c.got);
    }
    return failed;
}

int check_command(const std::vector<std::string>& files) {
    int held = 0, failed = 0;
    bool bad_scenario = false;
    for (const auto& file : files) {
        auto s = load_scenario(file);
        if (!s) {
            bad_scenario = true;
            continue;
        }
        sim::ModelBackend model;
        sim::RunState st;
        failed += report(file, sim::start_run(*s, model), held);
        while (st.next < s->steps.size()) {
            auto r = sim::run_step(*s, model, st);
            if (r.error) {
                print_diagnostic(*s, *r.error);
                bad_scenario = true;
                break;
            }
            failed += report(file, r.record->checks, held);
        }
    }
    std::cout << fmt::format("{} passed, {} failed\n", held, failed);
    if (bad_scenario) return exit_scenario;
    return failed ? exit_failed : exit_ok;
}

}  // namespace cli
