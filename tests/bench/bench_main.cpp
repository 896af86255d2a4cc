// make bench: the model against the kernel, rewind at scale, sparse memory, the kernel run.
// Each figure is printed with its goal (issue 6); the summary at the end gives the ratios.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

// Keeps each benchmark's time per iteration for the ratios printed at the end.
class Summary : public benchmark::ConsoleReporter {
public:
    std::map<std::string, double> ns;
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& r : runs) ns[r.benchmark_name()] = r.GetAdjustedRealTime() * (r.time_unit == benchmark::kMillisecond ? 1e6 : 1);
        ConsoleReporter::ReportRuns(runs);
    }
};

void ratio(const Summary& s, const char* what, const char* model, const char* kernel) {
    auto m = s.ns.find(model), k = s.ns.find(kernel);
    if (m == s.ns.end() || k == s.ns.end() || m->second <= 0) return;
    std::printf("%-34s model %9.1f ns, kernel %9.1f ns: the model is %6.2fx the kernel's speed (goal >= 30x)\n", what, m->second,
                k->second, k->second / m->second);
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    Summary summary;
    benchmark::RunSpecifiedBenchmarks(&summary);
    std::printf("\n");
    ratio(summary, "msgsnd + msgrcv pair:", "BM_ModelMsgPair/1", "BM_KernelMsgPair");
    ratio(summary, "  state only:", "BM_ModelMsgPair/0", "BM_KernelMsgPair");
    ratio(summary, "semop -1 and +1 pair:", "BM_ModelSemopPair/1", "BM_KernelSemopPair");
    ratio(summary, "  state only:", "BM_ModelSemopPair/0", "BM_KernelSemopPair");
    ratio(summary, "first-touch fault:", "BM_ModelFirstTouch/1", "BM_KernelFirstTouch");
    ratio(summary, "  state only:", "BM_ModelFirstTouch/0", "BM_KernelFirstTouch");
    // Before events became data (issue 12), on the machine the issue measured: 164 ns and 118 ns.
    std::printf("state only, goal: no slower than 164 ns (msgsnd + msgrcv) and 118 ns (first touch) were\n");
    for (const char* lang : {"0", "1"})
        if (auto t = summary.ns.find(std::string("BM_PathToText/") + lang); t != summary.ns.end())
            std::printf("a 1000-step lesson's events to %s text: %.2f ms (goal <= 5 ms)\n", *lang == '0' ? "English" : "Chinese", t->second / 1e6);
    benchmark::Shutdown();
    return 0;
}
