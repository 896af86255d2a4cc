// The one presentation layer for kernel-path events: ipcsim and ipcviz both turn an event's data
// (sim/event.h) into its sentence here, in the language chosen with explain::set_language.
#pragma once

#include <string>
#include <vector>

#include "sim/event.h"
#include "sim/kernel.h"

namespace explain {

// The sentence of event `e` of a step, whose text arguments index `texts` (StepOutcome::texts).
// `names` gives the processes' names; a pid it does not know is shown as "pid N". An error event
// says why the call failed, then which errno it returns. Throws std::invalid_argument when the
// sentence names a placeholder the event has no argument for.
std::string sentence(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names);

// An error event's sentence without the errno it returns: why the call failed, and only that.
std::string reason(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names);

// The same sentence in English whatever the language: the key a catalog test or a JSON reader uses.
std::string english_sentence(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names);

// One argument as JSON-neutral text: numbers in decimal, an errno or signal by name, a word by its
// English key, bytes C-quoted. For `ipcsim run --json`.
std::string neutral_value(const sim::KernelEvent& e, std::size_t i, const std::vector<std::string>& texts);

// What a step did to its caller, as its line in `ipcsim run` and the window show it (sim::described,
// in the reader's language): "returned 0",
// "-1 EINVAL", "blocks", "killed by SIGSEGV".
std::string outcome_text(const sim::StepOutcome& o, sim::scenario::CallKind kind);

}  // namespace explain
