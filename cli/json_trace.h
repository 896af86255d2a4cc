// `ipcsim run --json`: one JSON object per step (JSON Lines), built with nlohmann::json.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/kernel.h"
#include "sim/runner.h"

namespace cli {

// The notes in `lang`; everything else is language-neutral data.
nlohmann::json step_json(const sim::scenario::Scenario& s, const sim::StepRecord& r, sim::scenario::Lang lang,
                         const sim::Kernel& names);

}  // namespace cli
