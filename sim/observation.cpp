#include "sim/observation.h"

namespace sim {

std::string_view to_string(TaskState s) {
    switch (s) {
    case TaskState::ready: return "ready";
    case TaskState::blocked: return "blocked";
    case TaskState::exited: return "exited";
    case TaskState::killed: return "killed";
    }
    return "?";
}

const ProcView* Observation::proc(const std::string& name) const {
    for (const auto& p : procs)
        if (p.name == name) return &p;
    return nullptr;
}

const ProcView* Observation::proc_by_pid(int pid) const {
    for (const auto& p : procs)
        if (p.pid == pid) return &p;
    return nullptr;
}

const ShmView* Observation::shm(int shmid) const {
    for (const auto& s : shms)
        if (s.shmid == shmid) return &s;
    return nullptr;
}

const MsqView* Observation::msq(int msqid) const {
    for (const auto& q : msqs)
        if (q.msqid == msqid) return &q;
    return nullptr;
}

const SemView* Observation::sem(int semid) const {
    for (const auto& a : sems)
        if (a.semid == semid) return &a;
    return nullptr;
}

std::string Observation::pid_name(int pid) const {
    if (pid == 0) return "";
    if (const ProcView* p = proc_by_pid(pid)) return p->name;
    return "pid " + std::to_string(pid);
}

template <typename T>
static std::optional<T> copy_of(const T* p) {
    return p ? std::optional<T>(*p) : std::nullopt;
}

std::optional<ProcView> ObservationAnswers::proc(const std::string& name) const { return copy_of(m_o.proc(name)); }
std::optional<ShmView> ObservationAnswers::shm(int shmid) const { return copy_of(m_o.shm(shmid)); }
std::optional<MsqView> ObservationAnswers::msq(int msqid) const { return copy_of(m_o.msq(msqid)); }
std::optional<SemView> ObservationAnswers::sem(int semid) const { return copy_of(m_o.sem(semid)); }

void Observation::forget_queue_insides() {
    for (auto& q : msqs) {
        q.receivers.reset();
        q.senders.reset();
        q.messages.reset();
    }
    for (auto& a : sems) a.pending.reset();
}

}  // namespace sim
