// What the window shows at one moment: the model after the current step, that step's kernel path,
// and how far along the path the cursor is. Panels draw from this and nothing else.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/compare.h"
#include "sim/kernel.h"
#include "sim/quiz.h"
#include "sim/runner.h"
#include "sim/scenario/ast.h"

namespace viz {

// What the kernel run saw at this step, beside the model, when it could be made. The observations
// are kept trimmed (no page tables or queue contents, PROC.data cut to its first 256 bytes): their
// full values were compared into `differences`.
struct KernelSide {
    std::optional<std::string> unavailable;  // why there is no kernel run, if there is none
    const sim::Observation* kernel = nullptr;
    const sim::Observation* model = nullptr;
    const std::vector<sim::Difference>* differences = nullptr;
};

// The predict mode's question about the next step (issue 14): asked, the step held back until it is
// answered; then the verdict stays on show with the step.
struct Prediction {
    std::size_t step = 0;  // index into the scenario's steps
    sim::Question question;
    std::optional<std::size_t> chosen;  // none: still asked
};

// A `source` program as the window shows it: its lines, or why it cannot be shown.
struct Program {
    sim::scenario::SourceLines lines;
    std::string error;
};

struct View {
    const sim::scenario::Scenario* scenario = nullptr;
    const sim::Kernel* kernel = nullptr;      // the model after the current step
    const sim::Kernel* before = nullptr;      // the model before it (null at step 0)
    const sim::StepRecord* record = nullptr;  // the current step; null before the first
    std::size_t step = 0;                     // steps done, 0..total
    std::size_t total = 0;
    int event = -1;                           // events [0, event] of the step have happened
    float anim = 1.0f;                        // 0..1: how far the current event's animation has got
    float zoom = 1.0f;
    KernelSide compare;
    // The PTE a click picked, (pid, address), which the walk panel follows; the App's, so that a
    // panel may set it (the only thing a panel sets: it is not the model's).
    std::optional<std::pair<int, std::uint64_t>>* picked = nullptr;
    bool predict = false;                         // the predict mode is on
    const Prediction* prediction = nullptr;       // the question of the moment, if any
    const sim::QuizScore* score = nullptr;
    const std::map<std::string, Program>* programs = nullptr;  // by the path `source` gives

    const std::vector<sim::KernelEvent>& events() const;
    // The notes in force: the last notes at or before the current step, which hold until the next
    // note (a lesson says a thing once, for the steps that follow). Null before the first step.
    const std::vector<sim::scenario::LessonText>* notes_in_force() const;
    const sim::KernelEvent* current_event() const;
    // Event i's sentence, in the chosen language (explain::sentence).
    std::string sentence(const sim::KernelEvent& e) const;
    // A task's state after events [0, event] of the step: the state its last sleep, wake-up, resume or
    // death at or before the cursor gave it; before any, the state it had before the step.
    sim::TaskState task_state(int pid) const;
    // A counter of an object after events [0, event]: the value of the argument `name` in the last
    // event at or before the cursor that touched `ref` and carries it; before any, `before_value`.
    // `after_value` when no later event of the step changes it (the model's own value then).
    std::uint64_t value_at(const sim::ObjRef& ref, std::string_view name, std::uint64_t before_value, std::uint64_t after_value) const;
    // True when a later event of this step makes the object: it is not there yet.
    bool pending(const sim::ObjRef& r) const;
    // True when the current event touches the object.
    bool touched_now(const sim::ObjRef& r) const;
    // For an object this step removes (it is in `before`, not in `kernel`): how visible it still is.
    // 1 before the event that removes it, fading during that event, 0 after.
    float leaving(const sim::ObjRef& r) const;
};

// The scenario's name for a pid ("-" for none), as the panels print pids.
std::string comm(const sim::Kernel& k, int pid);

// The object an event brings into being, if it brings one (a PTE, a frame, a sleeper...).
std::optional<sim::ObjRef> created_by(const sim::KernelEvent& e);
// Whether an event takes the object away (a vma detached, a message received, a sleeper woken, a
// segment and its frames destroyed).
bool removes(const sim::KernelEvent& e, const sim::ObjRef& r, const sim::Kernel* before);

// Screen positions shared between panels, for lines that cross them (a PTE to its frame).
struct Anchors {
    using Point = std::pair<float, float>;
    std::map<std::pair<int, std::uint64_t>, Point> pte;  // (pid, vpage) -> the bottom of its cell
    std::map<std::uint64_t, Point> frame;                // pfn -> the top of its cell
    std::map<int, Point> task;                           // pid -> the start of its row in Processes
    std::map<int, Point> task_end;                       // pid -> just after its row's text (wait lists point here)
    std::map<std::tuple<int, std::int64_t, std::uint64_t>, Point> box;  // (ObjKind, id, sub) -> a box's centre
    std::map<std::pair<int, std::uint64_t>, Point> attach;  // (pid, vm_start) -> its node in a segment's attach chain
    Point links_note{};
    // The y range of the panel the PTE lines pass behind (the walk panel, between Processes and
    // Physical memory); {0, 0} for none.
    Point behind{};  // where a note on how the lines are drawn goes: beside the Physical memory title
    static std::tuple<int, std::int64_t, std::uint64_t> key(const sim::ObjRef& r) { return {static_cast<int>(r.kind), r.id, r.sub}; }
};

}  // namespace viz
