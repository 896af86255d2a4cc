// Model against kernel: everything observable after a step, field by field. Pids compare as
// process names, addresses as offsets, and frames by which pages share one.
#pragma once

#include <string>
#include <vector>

#include "sim/backend.h"
#include "sim/eval.h"
#include "sim/observation.h"

namespace sim {

struct Difference {
    std::string what;    // "shm(0).rss", "a.minflt", "b.maps"
    std::string model;
    std::string kernel;
    bool operator==(const Difference&) const = default;
};

// The differences between two observations; `last_call` says how to read each process's ret.
// Frames are compared only when `frames` says the kernel side could read them.
std::vector<Difference> differences(const Observation& model, const Observation& kernel, const LastCalls& last_call,
                                    bool frames = true);
// The differences between the two outcomes of one step for its caller.
std::vector<Difference> differences(const std::string& proc, const StepOutcome& model, const StepOutcome& kernel,
                                    scenario::CallKind kind);
// The same, with what each side observed after the step: semctl(GETPID)'s pid compares as the
// process it names.
std::vector<Difference> differences(const std::string& proc, const StepOutcome& model, const StepOutcome& kernel, scenario::CallKind kind,
                                    const Observation& model_after, const Observation& kernel_after);
// How many values a comparison looked at (for "N values agreed").
std::size_t values_compared(const Observation& o);

}  // namespace sim
