// One line that says what a step did, made from its kernel-path events: what a student reads first,
// before the path itself. In the language chosen with explain::set_language.
#pragma once

#include <string>

#include "sim/backend.h"
#include "sim/kernel.h"

namespace explain {

// "shm2 faults at 0x7f...: the page is already in segment 0 (frame 0x1), so no frame is allocated;
// the PTE is set". `names` gives the processes' names (the model after the step).
std::string step_summary(const sim::StepOutcome& o, const sim::Kernel& names);

}  // namespace explain
