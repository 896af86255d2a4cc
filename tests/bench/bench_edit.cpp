// The window's editor (issue 14): each change re-parses the file and re-runs the model up to the
// step on show, within one frame.
#include <benchmark/benchmark.h>

#include "common.h"
#include "viz/app.h"

namespace {

using bench::long_scenario;

// An edit of a 1,000-step lesson seen at its last step: App::edit parses, makes a new stepper and
// replays to the step (the kernel run waits for a save).
void BM_EditRerun(benchmark::State& state) {
    std::string text = long_scenario(1000);
    std::string edited = text + "\n# an edit\n";
    viz::App app(IPCSIM_SOURCE_DIR "/assets");
    app.open_text("edit.ipc", text, false);
    app.go_to(app.view().total);
    bool flip = false;
    for (auto _ : state) {
        app.edit((flip = !flip) ? edited : text);
        benchmark::DoNotOptimize(app.position());
    }
    if (app.position() != app.view().total) state.SkipWithError("the edit lost the step");
    state.SetLabel("re-run a 1000-step lesson at its last step after an edit; goal <= 16 ms");
}
BENCHMARK(BM_EditRerun)->Unit(benchmark::kMillisecond);

}  // namespace
