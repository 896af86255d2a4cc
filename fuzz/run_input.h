// What the fuzzer does with one input, shared with the test that replays its findings: parse any
// bytes, and run what parses for a bounded number of steps.
#pragma once

#include <string_view>

#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

namespace fuzz {

inline constexpr int kMaxSteps = 200;
// An input may move 256 MiB, not a run's 2 GiB: under ASan that keeps it well inside the fuzzer's
// 10 s timeout, which is meant for hangs, not for scenarios that are merely large.
inline constexpr std::int64_t kMaxBytesMoved = std::int64_t{256} << 20;

inline void run_input(std::string_view bytes) {
    auto parsed = sim::scenario::parse("fuzz.ipc", bytes);
    if (!parsed.ok()) return;
    sim::ModelBackend model;
    sim::RunState st;
    st.max_bytes_moved = kMaxBytesMoved;
    sim::start_run(parsed.scenario, model);
    for (int i = 0; i < kMaxSteps && st.next < parsed.scenario.steps.size(); ++i)
        if (sim::run_step(parsed.scenario, model, st).error) break;
}

}  // namespace fuzz
