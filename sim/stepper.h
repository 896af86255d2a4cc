// Time travel over a scenario on the model: any step can be shown again at once. As GGPO does it,
// a checkpoint (a copy of the whole model) every K steps; going to step n restores the nearest
// checkpoint at or before n and replays the rest, which the model's determinism makes exact.
// Checkpoints are spaced at least four times as many steps apart as a checkpoint copies pages'
// worth of state (objects, queued texts, loaded data, page tables), so that their memory stays
// linear in the number of steps even when a scenario makes thousands of processes or fills queues.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sim/model_backend.h"
#include "sim/runner.h"

namespace sim {

class Stepper {
public:
    explicit Stepper(const scenario::Scenario& s, std::size_t checkpoint_every = 256);

    // Moves to the state after n steps (0: before the first). Stops early at a scenario error
    // or the end; returns the position reached.
    std::size_t seek(std::size_t n);
    std::size_t position() const { return m_run.next; }
    std::size_t total() const { return m_s.steps.size(); }

    const ModelBackend& model() const { return m_model; }
    const RunState& run_state() const { return m_run; }
    // The step that led to the current position (none at 0).
    const std::optional<StepRecord>& last() const { return m_last; }
    const std::vector<Check>& initial_checks() const { return m_initial; }
    // The scenario error that stops the run, once a seek has reached it.
    const std::optional<scenario::Diagnostic>& error() const { return m_error; }
    std::size_t checkpoints() const { return m_checkpoints.size(); }
    // What the checkpoints hold in all, in pages' worth (see units_held in stepper.cpp).
    std::size_t checkpoint_units() const;

private:
    struct Checkpoint {
        std::size_t at;  // steps done when it was taken
        ModelBackend model;
        RunState run;
        std::size_t units;  // what it copied, in pages' worth
    };
    bool forward(bool record_events);
    bool checkpoint_due();
    void restore_before(std::size_t n);

    const scenario::Scenario& m_s;
    std::size_t m_every;
    std::vector<Checkpoint> m_checkpoints;  // by `at`, ascending
    ModelBackend m_model;
    RunState m_run;
    std::optional<StepRecord> m_last;
    std::vector<Check> m_initial;
    std::optional<scenario::Diagnostic> m_error;
    std::optional<std::size_t> m_error_at;  // the step index that cannot run
    std::size_t m_next_look = 0;  // the first step at which checkpoint_due measures the model again
};

}  // namespace sim
