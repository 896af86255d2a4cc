// Which outcomes of a scenario depend on the order in which woken processes run. The kernel leaves
// that order to the scheduler; the kernel run pins it (one CPU, SCHED_FIFO) where it may, and
// where it may not (no root) it must not claim a race's outcome as the kernel's.
#pragma once

#include <optional>

#include "sim/scenario/ast.h"

namespace sim {

// The first step after which the scenario, run with its racing wake-ups in the opposite order,
// shows something different (a caller's outcome, a process, an object), or nothing when no order
// changes what can be seen. Runs the model twice without kernel paths, to the first scenario error.
std::optional<std::size_t> first_step_the_wake_order_decides(const scenario::Scenario& s);

}  // namespace sim
