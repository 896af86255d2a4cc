// libFuzzer over the parser and the model together: parse any bytes, and run what parses for a
// bounded number of steps. Nothing a student types may crash, hang or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = sim::scenario::parse("fuzz.ipc", std::string_view(reinterpret_cast<const char*>(data), size));
    if (!parsed.ok()) return 0;
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(parsed.scenario, model);
    for (int i = 0; i < 200 && st.next < parsed.scenario.steps.size(); ++i)
        if (sim::run_step(parsed.scenario, model, st).error) break;
    return 0;
}
