#include "sim/stepper.h"

#include <algorithm>

namespace sim {

namespace {

// How many objects a checkpoint copies: what one costs, in the units a step roughly costs.
std::size_t model_size(const ModelBackend& m) {
    const Kernel& k = m.kernel();
    return k.tasks().size() + k.ns().shm_ids.entries.size() + k.frames().size();
}

}  // namespace

Stepper::Stepper(const scenario::Scenario& s, std::size_t checkpoint_every)
    : m_s(s), m_every(checkpoint_every ? checkpoint_every : 1) {
    m_initial = start_run(m_s, m_model);
    m_checkpoints.push_back({0, m_model, m_run});
}

// One step forward, keeping a checkpoint once the last one is far enough behind.
bool Stepper::forward(bool record_events) {
    if (m_run.next >= m_s.steps.size() || (m_error_at && *m_error_at == m_run.next)) return false;
    m_model.record_events(record_events);
    StepRun r = run_step(m_s, m_model, m_run);
    m_model.record_events(true);
    if (r.error) {
        m_error = r.error;
        m_error_at = m_run.next;
        return false;
    }
    m_last = std::move(r.record);
    const Checkpoint& newest = m_checkpoints.back();
    if (m_run.next >= newest.at + std::max(m_every, 4 * model_size(m_model)))
        m_checkpoints.push_back({m_run.next, m_model, m_run});
    return true;
}

// Restores the newest checkpoint taken before step n (strictly before, so that replaying the
// step that ends at n recovers its record), unless going forward from here is shorter.
void Stepper::restore_before(std::size_t n) {
    auto it = std::lower_bound(m_checkpoints.begin(), m_checkpoints.end(), n,
                               [](const Checkpoint& c, std::size_t v) { return c.at < v; });
    if (it != m_checkpoints.begin()) --it;
    if (n >= m_run.next && it->at <= m_run.next) return;
    m_model = it->model;
    m_run = it->run;
    m_last.reset();
}

std::size_t Stepper::seek(std::size_t n) {
    if (n != m_run.next) restore_before(n);
    // Only the step that ends at n is shown, so only it records its kernel path.
    while (m_run.next < n && forward(m_run.next + 1 == n)) {
    }
    return m_run.next;
}

}  // namespace sim
