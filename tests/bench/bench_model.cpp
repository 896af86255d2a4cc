// The model's side of make bench: the same work as bench_kernel.cpp, on the model.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "explain/catalog.h"
#include "explain/present.h"
#include "sim/kernel.h"
#include "sim/scenario/parser.h"
#include "sim/stepper.h"
#include "tests/bench/common.h"

namespace {

using bench::long_scenario;
using bench::rss_bytes;

// range(0) = 1: record the kernel path, as `ipcsim run` and the window do; 0: state only, as a
// replay towards an earlier step does.
void BM_ModelMsgPair(benchmark::State& state) {
    sim::Kernel k;
    k.record_events(state.range(0) != 0);
    int a = k.spawn("a", 0, 0);
    auto q = k.msgget(a, 0, 0600).ret;
    const std::string hello = "hello";
    for (auto _ : state) {
        benchmark::DoNotOptimize(k.msgsnd(a, q, 1, hello, 0));
        benchmark::DoNotOptimize(k.msgrcv(a, q, 64, 0, 0));
    }
    state.SetLabel(state.range(0) ? "one msgsnd + msgrcv, with its kernel path" : "the same, state only");
}
BENCHMARK(BM_ModelMsgPair)->Arg(1)->Arg(0);

// The same lock as BM_KernelSemopPair: semop -1 then +1 on one semaphore of value 1, neither sleeping.
void BM_ModelSemopPair(benchmark::State& state) {
    sim::Kernel k;
    k.record_events(state.range(0) != 0);
    int a = k.spawn("a", 0, 0);
    auto s = k.semget(a, 0, 1, 0600).ret;
    const std::vector<sim::sembuf> down{{0, -1, 0}}, up{{0, 1, 0}};
    k.semop(a, s, up);
    for (auto _ : state) {
        benchmark::DoNotOptimize(k.semop(a, s, down));
        benchmark::DoNotOptimize(k.semop(a, s, up));
    }
    state.SetLabel(state.range(0) ? "semop -1 and +1, with the kernel path" : "the same, state only");
}
BENCHMARK(BM_ModelSemopPair)->Arg(1)->Arg(0);

// The same 256 MiB segments as BM_KernelFirstTouch, made anew when every page has been touched.
void BM_ModelFirstTouch(benchmark::State& state) {
    sim::Kernel k;
    k.record_events(state.range(0) != 0);
    int a = k.spawn("a", 0, 0);
    const std::int64_t size = std::int64_t{256} << 20;
    std::int64_t id = k.shmget(a, 0, size, 0600).ret;
    auto p = static_cast<std::uint64_t>(k.shmat(a, id, 0, 0).ret);
    std::uint64_t page = 0;
    const std::string x = "x";
    for (auto _ : state) {
        if (page * 4096 >= static_cast<std::uint64_t>(size)) {
            state.PauseTiming();
            k.shmdt(a, p);
            k.shmctl(a, id, sim::IPC_RMID, {});
            id = k.shmget(a, 0, size, 0600).ret;
            p = static_cast<std::uint64_t>(k.shmat(a, id, 0, 0).ret);
            page = 0;
            state.ResumeTiming();
        }
        benchmark::DoNotOptimize(k.store(a, p + 4096 * page++, x));
    }
    state.SetLabel(state.range(0) ? "store to a new page: fault, frame, PTE, with its kernel path" : "the same, state only");
}
BENCHMARK(BM_ModelFirstTouch)->Arg(1)->Arg(0);

void BM_Rewind(benchmark::State& state) {
    const int steps = static_cast<int>(state.range(0));
    auto parsed = sim::scenario::parse("rewind.ipc", long_scenario(steps));
    long before = rss_bytes();
    sim::Stepper stepper(parsed.scenario);
    stepper.seek(parsed.scenario.steps.size());
    double history = static_cast<double>(rss_bytes() - before) / static_cast<double>(parsed.scenario.steps.size());
    std::mt19937_64 rng(1);
    std::vector<double> us;
    for (auto _ : state) {
        auto target = rng() % parsed.scenario.steps.size();
        auto t0 = std::chrono::steady_clock::now();
        stepper.seek(target);
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    state.counters["median_ms"] = us[us.size() / 2] / 1000;
    state.counters["worst_ms"] = us.back() / 1000;
    state.counters["history_B_per_step"] = history;
    state.SetLabel("goals: median <= 5 ms, history <= 64 B/step");
}
BENCHMARK(BM_Rewind)->Arg(1000000)->Iterations(1000)->Unit(benchmark::kMillisecond);

// Turning every event of a 1,000-step lesson into its sentence, as `ipcsim run` and the window do:
// range(0) = 0 in English, 1 in Chinese.
void BM_PathToText(benchmark::State& state) {
    auto parsed = sim::scenario::parse("text.ipc", long_scenario(1000));
    sim::Stepper stepper(parsed.scenario);
    std::vector<sim::StepOutcome> steps;
    while (stepper.position() < parsed.scenario.steps.size()) {
        stepper.seek(stepper.position() + 1);
        steps.push_back(stepper.last()->outcome);
    }
    const sim::Kernel& names = stepper.model().kernel();  // every process exists by the end
    explain::set_language(state.range(0) ? sim::scenario::Lang::zh : sim::scenario::Lang::en);
    std::size_t events = 0, bytes = 0;
    for (auto _ : state) {
        events = bytes = 0;
        for (const auto& o : steps)
            for (const auto& e : o.events) bytes += explain::sentence(e, o.texts, names).size(), ++events;
    }
    explain::set_language(sim::scenario::Lang::en);
    state.counters["events"] = static_cast<double>(events);
    state.counters["bytes"] = static_cast<double>(bytes);
    state.SetLabel(state.range(0) ? "every event of a 1000-step lesson to Chinese text; goal <= 5 ms"
                                  : "every event of a 1000-step lesson to English text; goal <= 5 ms");
}
BENCHMARK(BM_PathToText)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_SparseTerabyte(benchmark::State& state) {
    for (auto _ : state) {
        long before = rss_bytes();
        auto k = std::make_unique<sim::Kernel>();
        int a = k->spawn("a", 0, 0);
        std::int64_t id = k->shmget(a, 0, std::int64_t{1} << 40, 0600).ret;
        auto p = static_cast<std::uint64_t>(k->shmat(a, id, 0, 0).ret);
        k->store(a, p + (std::uint64_t{1} << 39), "x");
        state.counters["model_KiB"] = static_cast<double>(rss_bytes() - before) / 1024;
        benchmark::DoNotOptimize(k);
    }
    state.SetLabel("1 TiB segment, one page touched; goal <= 1024 KiB");
}
BENCHMARK(BM_SparseTerabyte)->Iterations(1);

}  // namespace
