// The kernel run's other figure: `ipcsim compare` over every lesson. Apart from bench_kernel.cpp,
// which includes <sys/ipc.h>, since the model's uapi.h defines the same names.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "real/real_backend.h"
#include "sim/compare.h"
#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

namespace {

// What `ipcsim compare` does for every lesson: model and kernel in lockstep, every observable value
// compared after every step.
void BM_CompareAllLessons(benchmark::State& state) {
    std::vector<sim::scenario::Scenario> lessons;
    for (const auto& e : std::filesystem::directory_iterator(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons")) {
        std::ifstream in(e.path());
        std::stringstream text;
        text << in.rdbuf();
        lessons.push_back(sim::scenario::parse(e.path().string(), text.str()).scenario);
    }
    if (real::RealBackend::cannot_run(lessons.front())) return state.SkipWithError("no kernel run here");
    std::size_t differences = 0;
    for (auto _ : state) {
        for (const auto& s : lessons) {
            sim::ModelBackend model;
            real::RealBackend kernel;
            sim::RunState ms, ks;
            sim::start_run(s, model);
            sim::start_run(s, kernel);
            while (ks.next < s.steps.size()) {
                if (sim::run_step(s, model, ms).error || sim::run_step(s, kernel, ks).error) break;
                differences += sim::differences(model.observe(), kernel.observe(), ms.last_call, kernel.sees_frames()).size();
            }
        }
    }
    state.counters["lessons"] = static_cast<double>(lessons.size());
    state.counters["differences"] = static_cast<double>(differences);
    state.SetLabel("ipcsim compare over every lesson, end to end");
}
BENCHMARK(BM_CompareAllLessons)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
