// The kernel run: a scenario's processes as real processes making the real calls, in a private
// IPC namespace, driven step by step by this coordinator and observed from outside.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/backend.h"

namespace real {

// The kernel run went wrong in a way the scenario did not ask for (a step that never settles).
struct RunError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class RealBackend final : public sim::Backend {
public:
    // Why the kernel run cannot be made here (exit status 3), or nothing when it can.
    static std::optional<std::string> cannot_run(const sim::scenario::Scenario& s);

    explicit RealBackend(std::chrono::milliseconds settle_timeout = std::chrono::seconds(5));
    ~RealBackend() override;  // kills and reaps every process still alive
    RealBackend(const RealBackend&) = delete;
    RealBackend& operator=(const RealBackend&) = delete;

    void setup(const sim::scenario::Scenario& s) override;
    sim::StepOutcome execute(const sim::Invocation& call) override;
    sim::Observation observe() const override { return m_obs; }
    const sim::ObservationQuery& query() const override { return m_answers; }
    bool sees_inside_queues() const override { return false; }
    bool sees_frames() const override { return m_root; }

private:
    struct Proc {
        std::string name;
        int pid = 0;
        int channel = -1;     // the coordinator's end of its socket
        int child_end = -1;   // the end the process itself uses (inherited by every child)
        sim::TaskState state = sim::TaskState::ready;
        int term_signal = 0;
        bool waiting = false; // a request is out and not yet answered
        std::int64_t ret = 0;
        int err = 0;
        std::string data;
        std::int64_t mtype = 0;
        std::uint64_t minflt = 0;
    };

    Proc& proc(const std::string& name);
    Proc* proc_by_pid(int pid);
    void spawn(Proc& p, std::uint32_t uid, std::uint32_t gid);
    void settle(const sim::Invocation& call, Proc& caller);
    bool read_reply(Proc& p);
    void reap();
    bool asleep_in_ipc(const Proc& p) const;
    void refresh();

    std::chrono::milliseconds m_timeout;
    bool m_root;  // root in the machine's own user namespace: pagemap shows frame numbers
    std::vector<Proc> m_procs;  // in the order they came to be (forked ones once they are)
    std::map<std::string, std::size_t> m_index;
    int m_cpu = -1;
    sim::Observation m_obs;
    sim::ObservationAnswers m_answers{m_obs};
};

}  // namespace real
