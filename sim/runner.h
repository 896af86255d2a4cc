// Running a scenario on a Backend, one step at a time: evaluate the arguments, make the call,
// let the system settle, then check the step's `=>` and its `expect` lines.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/backend.h"
#include "sim/eval.h"
#include "sim/scenario/ast.h"
#include "sim/scenario/diagnostic.h"

namespace sim {

// The result of one `=>` or `expect`.
struct Check {
    scenario::SourcePos pos;
    Verdict verdict = Verdict::holds;
    std::string expected;  // "EEXIST", "nattch == 2"
    std::string got;       // "3", "1"
    bool is_outcome = false;  // a `=>` rather than an `expect`
    Message got_text = {};    // got, for the language the user reads
    bool operator==(const Check&) const = default;
};

// Everything a step produced: for `ipcsim run`, the JSON and the window.
struct StepRecord {
    std::size_t index = 0;          // into Scenario::steps
    Invocation call;
    StepOutcome outcome;
    std::vector<Check> checks;      // the `=>` first, then each expect
    bool operator==(const StepRecord&) const = default;
};

// What the runner remembers between steps besides the backend: small, and a value.
struct RunState {
    Env env;
    LastCalls last_call;
    std::map<std::string, int> blocked_since;  // process -> line where it went to sleep
    std::map<std::string, int> gone_since;     // process -> line where it exited or died
    std::size_t next = 0;                    // the next step to run
    std::int64_t bytes_moved = 0;            // by bytes(N) and load so far
    // What a run may move in all: 2 GiB, room for 64 processes each writing a 16 MiB segment
    // (the window's benchmark scene), and a bound on the model's memory and time.
    std::int64_t max_bytes_moved = std::int64_t{2} << 30;
    // Semaphores that semget calls may have made, and how many the model keeps in all: as many as
    // the kernel run observes after each step.
    std::int64_t sems_made = 0;
    std::int64_t max_sems = std::int64_t{1} << 18;
    bool operator==(const RunState&) const = default;
};

// Sets the backend up and checks the expectations that stand before the first step.
std::vector<Check> start_run(const scenario::Scenario& s, Backend& b);

// Runs step s.steps[st.next] and advances. A step by a process that cannot take one is a
// scenario error: it comes back as a Diagnostic (with a note at the line that stopped it),
// and nothing runs.
struct StepRun {
    std::optional<StepRecord> record;
    std::optional<scenario::Diagnostic> error;
};
StepRun run_step(const scenario::Scenario& s, Backend& b, RunState& st);

// Checks a list of expects against the backend's current state.
std::vector<Check> check_expects(const std::vector<scenario::Expect>& expects, const Backend& b, const RunState& st,
                                 const scenario::Scenario& s);

// When no process can take a step any more (every one still alive is asleep in the kernel),
// the sleepers' names; empty otherwise.
std::vector<std::string> deadlocked(const Observation& obs);
// "deadlock: a, b are asleep and nobody can wake them"
std::string deadlock_text(const std::vector<std::string>& asleep);
// The same as a Message, for the language the user reads.
Message deadlock_message(const std::vector<std::string>& asleep);

// An expect line's text from its left operand on, without a trailing comment: "shm(id).nattch == 2".
std::string expect_text(const scenario::Scenario& s, const scenario::Expect& e);

// How the caller's outcome reads: "returned 3", "-1 EACCES", "blocks", "killed by SIGSEGV".
std::string describe(const StepOutcome& o, scenario::CallKind kind);
// The same as a Message, for the language the user reads.
Message described(const StepOutcome& o, scenario::CallKind kind);

// The operator as written: "==".
const char* op_text(scenario::CompareOp op);

}  // namespace sim
