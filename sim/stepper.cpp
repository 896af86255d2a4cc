#include "sim/stepper.h"

namespace sim {

Stepper::Stepper(const scenario::Scenario& s, std::size_t checkpoint_every)
    : m_s(s), m_every(checkpoint_every ? checkpoint_every : 1) {
    m_initial = start_run(m_s, m_model);
    m_checkpoints.push_back({m_model, m_run});
}

// One step forward, keeping a checkpoint at every multiple of m_every not yet kept.
bool Stepper::forward() {
    if (m_run.next >= m_s.steps.size() || (m_error_at && *m_error_at == m_run.next)) return false;
    StepRun r = run_step(m_s, m_model, m_run);
    if (r.error) {
        m_error = r.error;
        m_error_at = m_run.next;
        return false;
    }
    m_last = std::move(r.record);
    if (m_run.next % m_every == 0 && m_run.next / m_every == m_checkpoints.size())
        m_checkpoints.push_back({m_model, m_run});
    return true;
}

std::size_t Stepper::seek(std::size_t n) {
    if (n < m_run.next || n - m_run.next > m_every) {
        std::size_t cp = std::min(n / m_every, m_checkpoints.size() - 1);
        // Replaying one step is needed to recover its record, so land one step early when we can.
        if (cp > 0 && cp * m_every == n) --cp;
        if (cp * m_every > m_run.next || n < m_run.next) {
            m_model = m_checkpoints[cp].model;
            m_run = m_checkpoints[cp].run;
            m_last.reset();
        }
    }
    while (m_run.next < n && forward()) {
    }
    return m_run.next;
}

}  // namespace sim
