#include "sim/wake_order.h"

#include "sim/compare.h"
#include "sim/model_backend.h"
#include "sim/runner.h"

namespace sim {

namespace {

Observation seen_from_outside(Observation o) {
    o.forget_queue_insides();
    return o;
}

}  // namespace

std::optional<std::size_t> first_step_the_wake_order_decides(const scenario::Scenario& s) {
    ModelBackend as_woken, reversed;
    reversed.set_wake_order(Kernel::WakeOrder::reversed);
    as_woken.record_events(false);
    reversed.record_events(false);
    RunState a, b;
    start_run(s, as_woken);
    start_run(s, reversed);
    while (a.next < s.steps.size()) {
        std::size_t step = a.next;
        StepRun ra = run_step(s, as_woken, a), rb = run_step(s, reversed, b);
        if (ra.error || rb.error) return ra.error && rb.error ? std::nullopt : std::optional<std::size_t>(step);
        // Until a race has happened the two runs are one and the same.
        if (as_woken.kernel().races() == 0) continue;
        if (!differences(s.steps[step].proc, ra.record->outcome, rb.record->outcome, s.steps[step].call.kind).empty() ||
            !differences(seen_from_outside(as_woken.observe()), seen_from_outside(reversed.observe()), a.last_call, false).empty())
            return step;
    }
    return std::nullopt;
}

}  // namespace sim
