// `ipcsim run --json`: one JSON object per step (JSON Lines), built with nlohmann::json.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/runner.h"

namespace cli {

nlohmann::json step_json(const sim::scenario::Scenario& s, const sim::StepRecord& r);

}  // namespace cli
