// The model as a Backend: a Kernel plus the scenario's names for its pids. A value: copying it
// is a checkpoint of the whole simulated system.
#pragma once

#include <map>
#include <string>

#include "sim/backend.h"
#include "sim/kernel.h"

namespace sim {

class ModelBackend final : public Backend {
public:
    void setup(const scenario::Scenario& s) override;
    StepOutcome execute(const Invocation& call) override;
    Observation observe() const override;
    bool sees_inside_queues() const override { return true; }

    const Kernel& kernel() const { return m_kernel; }
    int pid_of(const std::string& name) const;
    bool operator==(const ModelBackend& o) const { return m_kernel == o.m_kernel && m_pids == o.m_pids; }

private:
    SyscallResult dispatch(int pid, const Invocation& call);
    Kernel m_kernel;
    std::map<std::string, int> m_pids;
};

// The observation of a model kernel (what IPC_STAT, /proc/sysvipc and pagemap would show).
Observation observe(const Kernel& k);

}  // namespace sim
