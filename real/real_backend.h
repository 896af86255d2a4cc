// The kernel run, as the program that shows it sees it: a scenario's processes as real processes
// making the real calls, driven by a coordinator process (ipcsim-coordinator) inside the run's own
// namespaces. This process only talks to the coordinator over a socket: it never changes its own
// namespaces, so a window's MIT-SHM segment, and the user's own IPC objects, stay where they are.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "sim/backend.h"
#include "sim/message.h"

namespace real {

// The kernel run went wrong in a way the scenario did not ask for (a step that never settles).
struct RunError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class RealBackend final : public sim::Backend {
public:
    // Why the kernel run cannot be made here (exit status 3), or nothing when it can.
    static std::optional<sim::Message> cannot_run(const sim::scenario::Scenario& s);

    explicit RealBackend(std::chrono::milliseconds settle_timeout = std::chrono::seconds(5), std::int64_t max_resident_bytes = std::int64_t{2} << 30);
    ~RealBackend() override;  // the coordinator goes, and the whole run with it
    RealBackend(const RealBackend&) = delete;
    RealBackend& operator=(const RealBackend&) = delete;

    void setup(const sim::scenario::Scenario& s) override;
    sim::StepOutcome execute(const sim::Invocation& call) override;
    sim::Observation observe() const override { return m_obs; }
    const sim::ObservationQuery& query() const override { return m_answers; }
    bool sees_inside_queues() const override { return false; }
    bool sees_frames() const override { return m_frames; }

    // The coordinator's pid, while it runs (0 otherwise): for tests that kill it midway.
    int coordinator_pid() const { return m_pid; }

private:
    void start_coordinator(const char* mode);
    std::string exchange(const std::string& payload, std::chrono::milliseconds timeout);
    void stop_coordinator();

    std::chrono::milliseconds m_timeout;
    std::int64_t m_max_resident_bytes;
    int m_pid = 0;
    int m_pidfd = -1;
    int m_channel = -1;
    bool m_frames = false;
    sim::Observation m_obs;
    sim::ObservationAnswers m_answers{m_obs};
};

// A program installed beside the running one (ipcsim beside ipcviz), by its name.
std::string program_beside_self(const std::string& name);
// Where ipcsim-coordinator is: beside the running program.
std::string coordinator_path();
// Whether this process's kernel runs can make woken processes run in wake order (SCHED_FIFO).
bool can_pin_wake_order();

}  // namespace real
