#include "explain/catalog.h"
#include "cli/commands.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/json_trace.h"
#include "cli/perfetto.h"
#include "explain/message.h"
#include "cli/trace.h"
#include "real/real_backend.h"
#include "sim/compare.h"
#include "sim/model_backend.h"

namespace cli {

using sim::scenario::printable;

namespace {

bool any_failed(const std::vector<sim::Check>& checks) {
    for (const auto& c : checks)
        if (c.verdict == sim::Verdict::fails) return true;
    return false;
}

// ASCII only (ensure_ascii): every control character, C1 ones (U+0080..U+009F) included, goes as
// \uXXXX, so the stream is safe on a terminal too; a JSON parser gets the text back as it was.
void print_json_line(const nlohmann::json& j) {
    std::cout << j.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace) << "\n";
}

struct Totals {
    int held = 0, failed = 0, unobservable = 0;
    int ran_on_kernel = 0, not_here = 0;  // files, for --real and compare
    int status = exit_ok;  // the worst exit status so far
    void worst(int s) { status = std::max(status, s); }
    // A file the kernel run cannot be made for here (uid= without root) is skipped with its reason;
    // it decides the exit status (3) only when no file could run at all.
    int exit_status() const { return not_here > 0 && ran_on_kernel == 0 ? std::max(status, int{exit_no_kernel}) : status; }
};

// Prints FILE:LINE: expected X, got Y for each failing check, and counts them all.
void report(const std::string& file, const std::vector<sim::Check>& checks, Totals& t) {
    for (const auto& c : checks) {
        if (c.verdict == sim::Verdict::holds) ++t.held;
        if (c.verdict == sim::Verdict::unobservable) ++t.unobservable;
        if (c.verdict != sim::Verdict::fails) continue;
        ++t.failed;
        t.worst(exit_failed);
        std::cout << printable(explain::say("{file}:{line}: expected {expected}, got {got}", fmt::arg("file", file), fmt::arg("line", c.pos.line),
                                            fmt::arg("expected", c.expected), fmt::arg("got", c.got_text.empty() ? c.got : explain::say(c.got_text))))
                  << "\n";
    }
}

// The kernel run broke down at the step before st.next (run_step had already moved on).
void kernel_run_failed(const sim::scenario::Scenario& s, const sim::RunState& st, const std::exception& e, Totals& t) {
    int line = st.next > 0 && st.next <= s.steps.size() ? s.steps[st.next - 1].pos.line : 0;
    std::cerr << printable(explain::say("{file}:{line}: error: kernel run: {what}", fmt::arg("file", s.file), fmt::arg("line", line),
                                        fmt::arg("what", e.what())))
              << "\n";
    t.worst(exit_failed);
}

// Runs every step of s on b and reports its checks. False when a step could not run.
bool check_on(const sim::scenario::Scenario& s, sim::Backend& b, Totals& t) {
    sim::RunState st;
    try {
        report(s.file, sim::start_run(s, b), t);
        while (st.next < s.steps.size()) {
            auto r = sim::run_step(s, b, st);
            if (r.error) {
                print_diagnostic(s, *r.error);
                t.worst(exit_scenario);
                return false;
            }
            report(s.file, r.record->checks, t);
        }
    } catch (const real::RunError& e) {
        kernel_run_failed(s, st, e, t);
        return false;
    }
    return true;
}

// The kernel run's refusal to start: the file is skipped, with the reason.
bool kernel_run_possible(const sim::scenario::Scenario& s, Totals& t) {
    if (auto why = real::RealBackend::cannot_run(s)) {
        std::cerr << printable(explain::say("{file}: error: the kernel run cannot be made here: {why}", fmt::arg("file", s.file), fmt::arg("why", explain::say(*why))))
                  << "\n";
        ++t.not_here;
        return false;
    }
    ++t.ran_on_kernel;
    return true;
}

}  // namespace

int run_command(const std::string& file, bool json, sim::scenario::Lang lang, const std::string& perfetto) {
    auto s = load_scenario(file);
    if (!s) return exit_scenario;
    std::optional<PerfettoTrace> trace;
    if (!perfetto.empty()) trace.emplace(*s, lang);
    sim::ModelBackend model;
    sim::RunState st;
    auto initial = sim::start_run(*s, model);
    bool failed = any_failed(initial);
    if (!json) {
        std::cout << printable(s->title.en.empty() ? file : s->title.in(lang)) << "\n";
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
        if (trace) trace->add_step(*r.record, model.kernel());
        if (json) print_json_line(step_json(*s, *r.record, lang, model.kernel()));
        else std::cout << format_step(*s, *r.record, lang, model.kernel());
    }
    if (!json) {
        for (const auto& n : s->trailing_notes) std::cout << "\n  " << explain::say("note: {text}", fmt::arg("text", printable(n.in(lang)))) << "\n";
        std::cout << "\n" << format_tables(model.kernel());
        if (auto asleep = sim::deadlocked(model.observe()); !asleep.empty()) std::cout << "\n" << explain::say(sim::deadlock_message(asleep)) << "\n";
    }
    if (trace && !write_trace(perfetto, trace->finish(model.kernel()))) return exit_scenario;
    return failed ? exit_failed : exit_ok;
}

// Loads each file in turn and hands the ones that parse to `each`; the others count as exit 2.
template <typename Fn>
void for_each_scenario(const std::vector<std::string>& files, Totals& t, Fn each) {
    for (const auto& file : files) {
        auto s = load_scenario(file);
        if (s) each(*s);
        else t.worst(exit_scenario);
    }
}

// --lint: what a lesson still lacks, FILE:LINE: lint: ..., in line order. It fails nothing.
void lint(const sim::scenario::Scenario& s) {
    std::vector<std::pair<int, std::string>> found;
    for (const auto& pos : s.lacks_zh) found.emplace_back(pos.line, std::string(explain::tr("no zh text: the Chinese class sees the English")));
    for (const auto& step : s.steps)
        if (step.expects.empty()) found.emplace_back(step.pos.line, std::string(explain::tr("no expect follows this step")));
    std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [line, what] : found) std::cout << printable(fmt::format("{}:{}: lint: {}", s.file, line, what)) << "\n";
}

int check_command(const std::vector<std::string>& files, bool on_kernel, bool with_lint) {
    Totals t;
    for_each_scenario(files, t, [&](const sim::scenario::Scenario& s) {
        if (with_lint) lint(s);
        if (!on_kernel) {
            sim::ModelBackend model;
            check_on(s, model, t);
        } else if (kernel_run_possible(s, t)) {
            real::RealBackend kernel;
            check_on(s, kernel, t);
        }
    });
    std::cout << explain::say("{passed} passed, {failed} failed", fmt::arg("passed", t.held), fmt::arg("failed", t.failed));
    if (t.unobservable) std::cout << explain::say(" ({n} not observable on the kernel)", fmt::arg("n", t.unobservable));
    if (t.not_here) std::cout << explain::say("; {n} file(s) skipped: the kernel run cannot be made for them here", fmt::arg("n", t.not_here));
    std::cout << "\n";
    return t.exit_status();
}

namespace {

// Prints the first differences of a step, FILE:LINE: after step N, WHAT: model X, kernel Y.
void print_differences(const sim::scenario::Scenario& s, std::size_t step, const std::vector<sim::Difference>& diffs) {
    int line = step ? s.steps[step - 1].pos.line : 0;
    for (std::size_t i = 0; i < diffs.size() && i < 10; ++i)
        std::cout << printable(explain::say("{file}:{line}: after step {step}, {what}: model {model}, kernel {kernel}", fmt::arg("file", s.file),
                                            fmt::arg("line", line), fmt::arg("step", step), fmt::arg("what", diffs[i].what),
                                            fmt::arg("model", diffs[i].model), fmt::arg("kernel", diffs[i].kernel)))
                  << "\n";
}

// Runs s on both, comparing after every step; stops at the first step that differs.
bool compare_steps(const sim::scenario::Scenario& s, sim::RunState& ms, sim::RunState& ks, Totals& t) {
    sim::ModelBackend model;
    real::RealBackend kernel;
    sim::start_run(s, model);
    sim::start_run(s, kernel);
    std::size_t values = 0;
    auto diffs = sim::differences(model.observe(), kernel.observe(), ms.last_call, kernel.sees_frames());
    for (std::size_t n = 1; diffs.empty() && ks.next < s.steps.size(); ++n) {
        auto mr = sim::run_step(s, model, ms);
        auto kr = sim::run_step(s, kernel, ks);
        if (mr.error || kr.error) {
            print_diagnostic(s, mr.error ? *mr.error : *kr.error);
            t.worst(exit_scenario);
            return false;
        }
        const auto& step = s.steps[mr.record->index];
        const sim::Observation model_after = model.observe(), kernel_after = kernel.observe();
        diffs = sim::differences(step.proc, mr.record->outcome, kr.record->outcome, step.call.kind, model_after, kernel_after);
        auto after = sim::differences(model_after, kernel_after, ms.last_call, kernel.sees_frames());
        diffs.insert(diffs.end(), after.begin(), after.end());
        values += sim::values_compared(kernel.observe());
        if (!diffs.empty()) print_differences(s, n, diffs);
    }
    if (!diffs.empty()) {
        t.worst(exit_failed);
        return false;
    }
    std::cout << explain::say("{file}: model and kernel agree after each of {steps} steps ({values} values compared)", fmt::arg("file", printable(s.file)),
                              fmt::arg("steps", s.steps.size()), fmt::arg("values", values))
              << "\n";
    return true;
}

bool compare_one(const sim::scenario::Scenario& s, Totals& t) {
    sim::RunState ms, ks;
    try {
        return compare_steps(s, ms, ks, t);
    } catch (const real::RunError& e) {
        kernel_run_failed(s, ks, e, t);
        return false;
    }
}

}  // namespace

int compare_command(const std::vector<std::string>& files) {
    Totals t;
    for_each_scenario(files, t, [&](const sim::scenario::Scenario& s) {
        if (kernel_run_possible(s, t)) compare_one(s, t);
    });
    return t.exit_status();
}

}  // namespace cli
