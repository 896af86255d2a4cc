// The kernel's side of make bench: real calls in a private IPC namespace, and the kernel run.
#include <benchmark/benchmark.h>
#include <sched.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "real/real_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"
#include "tests/bench/common.h"

namespace bench {

// Resident memory of this process, in bytes (/proc/self/statm).
// A generated scenario of `steps` steps that keeps touching, sending and receiving.
std::string long_scenario(int steps) {
    std::string s = "proc a\nproc b\na: id = shmget(IPC_PRIVATE, 256 * PAGE_SIZE, 0600)\na: p = shmat(id, NULL, 0)\n"
                    "b: q = msgget(IPC_PRIVATE, 0666)\n";
    for (int i = 5; i < steps; i += 3)
        s += "a: store(p + " + std::to_string((i * 37) % 256) + " * PAGE_SIZE, \"x\")\nb: msgsnd(q, 1, \"m\", 0)\na: msgrcv(q, 8, 0, 0)\n";
    return s;
}

long rss_bytes() {
    long pages = 0, resident = 0;
    std::ifstream("/proc/self/statm") >> pages >> resident;
    return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace bench

namespace {

// The kernel's own objects go into a private IPC namespace, never the machine's.
bool private_namespace() {
    static bool ok = unshare(CLONE_NEWIPC) == 0;
    return ok;
}

void BM_KernelMsgPair(benchmark::State& state) {
    if (!private_namespace()) return state.SkipWithError("needs root for a private IPC namespace");
    int q = msgget(IPC_PRIVATE, 0600);
    struct {
        long mtype;
        char text[64];
    } m{1, "hello"};
    for (auto _ : state) {
        msgsnd(q, &m, 5, 0);
        msgrcv(q, &m, 64, 0, 0);
    }
    msgctl(q, IPC_RMID, nullptr);
}
BENCHMARK(BM_KernelMsgPair);

// A lock taken and given back: semop -1 then +1 on one semaphore, neither sleeping.
void BM_KernelSemopPair(benchmark::State& state) {
    if (!private_namespace()) return state.SkipWithError("needs root for a private IPC namespace");
    int s = semget(IPC_PRIVATE, 1, 0600);
    struct sembuf down{0, 1, 0}, up{0, -1, 0};
    semop(s, &down, 1);  // the value starts at 1: the lock is free
    down.sem_op = -1, up.sem_op = 1;
    for (auto _ : state) {
        semop(s, &down, 1);
        semop(s, &up, 1);
    }
    semctl(s, 0, IPC_RMID);
}
BENCHMARK(BM_KernelSemopPair);

void BM_KernelFirstTouch(benchmark::State& state) {
    if (!private_namespace()) return state.SkipWithError("needs root for a private IPC namespace");
    const std::size_t size = std::size_t{256} << 20;
    int id = shmget(IPC_PRIVATE, size, 0600);
    auto* p = static_cast<volatile char*>(shmat(id, nullptr, 0));
    std::size_t page = 0;
    for (auto _ : state) {
        if (page * 4096 >= size) {  // a fresh segment: every touch must be a first touch
            state.PauseTiming();
            shmdt(const_cast<char*>(p));
            shmctl(id, IPC_RMID, nullptr);
            id = shmget(IPC_PRIVATE, size, 0600);
            p = static_cast<volatile char*>(shmat(id, nullptr, 0));
            page = 0;
            state.ResumeTiming();
        }
        p[4096 * page++] = 1;
    }
    shmdt(const_cast<char*>(p));
    shmctl(id, IPC_RMID, nullptr);
}
BENCHMARK(BM_KernelFirstTouch);

void BM_KernelRun100Steps(benchmark::State& state) {
    std::string s;
    for (int p = 0; p < 6; ++p) s += "proc p" + std::to_string(p) + "\n";
    s += "p0: q = msgget(IPC_PRIVATE, 0666)\np0: id = shmget(IPC_PRIVATE, 64 * PAGE_SIZE, 0666)\n";
    for (int p = 0; p < 6; ++p) s += "p" + std::to_string(p) + ": a" + std::to_string(p) + " = shmat(id, NULL, 0)\n";
    for (int i = 8; i < 100; ++i) {
        std::string who = "p" + std::to_string(i % 6);
        s += who + ": store(a" + std::to_string(i % 6) + " + " + std::to_string(i % 64) + " * PAGE_SIZE, \"x\")\n";
    }
    auto parsed = sim::scenario::parse("run.ipc", s);
    if (real::RealBackend::cannot_run(parsed.scenario)) return state.SkipWithError("no kernel run here");
    for (auto _ : state) {
        real::RealBackend k;
        sim::RunState st;
        sim::start_run(parsed.scenario, k);
        while (st.next < parsed.scenario.steps.size()) sim::run_step(parsed.scenario, k, st);
    }
    state.SetLabel("100 steps, 6 processes, end to end; goal <= 500 ms");
}
BENCHMARK(BM_KernelRun100Steps)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
