// The model as a Backend: a Kernel plus the scenario's names for its pids. A value: copying it
// is a checkpoint of the whole simulated system.
#pragma once

#include <map>
#include <string>

#include "sim/backend.h"
#include "sim/kernel.h"

namespace sim {

class ModelBackend final : public Backend, public ObservationQuery {
public:
    void setup(const scenario::Scenario& s) override;
    StepOutcome execute(const Invocation& call) override;
    Observation observe() const override;
    const ObservationQuery& query() const override { return *this; }
    bool sees_inside_queues() const override { return true; }

    std::optional<ProcView> proc(const std::string& name) const override;
    std::optional<TaskState> state_of(const std::string& name) const override;
    std::optional<ShmView> shm(int shmid) const override;
    std::optional<MsqView> msq(int msqid) const override;
    std::size_t shm_count() const override { return m_kernel.ns().shm_ids.entries.size(); }
    std::size_t msq_count() const override { return m_kernel.ns().msg_ids.entries.size(); }
    std::optional<SemView> sem(int semid) const override;
    std::size_t sem_count() const override { return m_kernel.ns().sem_ids.entries.size(); }
    std::string pid_name(int pid) const override;
    std::optional<std::uint64_t> ptpages(const std::string& name) const override;
    StepTime now() const override;

    const Kernel& kernel() const { return m_kernel; }
    void record_events(bool on) { m_kernel.record_events(on); }
    void set_wake_order(Kernel::WakeOrder o) { m_kernel.set_wake_order(o); }
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
