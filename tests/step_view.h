// A viz::View of one step of a Stepper, as the window builds it: the model after the step, the
// model before it, and the step's record. For the tests of what the panels show event by event.
#pragma once

#include "sim/stepper.h"
#include "viz/view.h"

struct StepView {
    sim::Kernel before;
    viz::View v;
    bool ok = false;  // false when step n cannot run

    // Leaves `st` at step n; v.event is -1 (the step's events still to come).
    StepView(const sim::scenario::Scenario& s, sim::Stepper& st, std::size_t n) {
        st.seek(n - 1);
        before = st.model().kernel();
        ok = st.seek(n) == n && st.last();
        if (!ok) return;
        v.scenario = &s;
        v.kernel = &st.model().kernel();
        v.before = &before;
        v.record = &*st.last();
        v.step = n;
        v.total = st.total();
    }
    StepView(const StepView&) = delete;  // v points at `before`
    StepView& operator=(const StepView&) = delete;
};
