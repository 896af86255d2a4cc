// Something that runs scenario steps: the model (ModelBackend) or the real kernel (real/).
// The runner evaluates arguments, hands the backend concrete numbers, and reads back what happened.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/event.h"
#include "sim/observation.h"
#include "sim/scenario/ast.h"

namespace sim {

// One call, with its arguments evaluated in this backend's own address space.
struct Invocation {
    std::string proc;                 // the caller's name
    scenario::CallKind kind = scenario::CallKind::Exit;
    std::vector<std::int64_t> args;   // integer arguments, in order (TEXT args are skipped); semop: semid, then
                                      // sem_num, sem_op, sem_flg of each sembuf in turn
    std::string text;                 // store's bytes, msgsnd's message text
    std::string target;               // fork's child name, kill's target name
    std::vector<std::pair<std::string, std::int64_t>> fields;  // IPC_SET field=value, msgsnd's msgsz=, semctl's val=
    std::vector<std::int64_t> array;  // semctl's array=[...] (SETALL)
    std::vector<std::pair<std::string, std::int64_t>> sysctls;  // *_next_id to set before the call
    bool operator==(const Invocation&) const = default;
};

// abandoned: a signal's handler took the caller out of its access (a SIGSEGV handler that
// siglongjmps): no value was returned, and the caller carries on, ready; signo says which signal.
enum class Fate { returned, blocked, killed, exited, abandoned };

// What the step did to its caller, and the kernel path it took (empty for the kernel run).
struct StepOutcome {
    Fate fate = Fate::returned;
    std::int64_t ret = 0;
    int err = 0;
    int signo = 0;
    std::string data;
    std::int64_t mtype = 0;
    std::vector<KernelEvent> events;
    std::vector<std::string> texts;  // the bytes the events' text arguments show (ArgType::text)
    bool operator==(const StepOutcome&) const = default;
};

// Appends `from`'s kernel path to `to`'s, keeping each text argument pointing at its own bytes.
inline void append_path(StepOutcome& to, StepOutcome&& from) {
    std::size_t base = to.texts.size();
    for (auto& e : from.events) {
        for (std::size_t i = 0; i < e.nargs; ++i)
            if (e.specs[i].type == ArgType::text) e.args[i] += base;
        to.events.push_back(e);
    }
    for (auto& t : from.texts) to.texts.push_back(std::move(t));
}

class Backend {
public:
    virtual ~Backend() = default;
    // Before the first step: the sysctls and the processes that exist at the start.
    virtual void setup(const scenario::Scenario& s) = 0;
    // Runs one call and lets the system settle (docs/scenario-language.md, "Settling").
    virtual StepOutcome execute(const Invocation& call) = 0;
    // Everything observable, for comparing backends and for tables.
    virtual Observation observe() const = 0;
    // The same state, for one question at a time (what expectations ask).
    virtual const ObservationQuery& query() const = 0;
    // False for the kernel run: wait lists and queued messages cannot be seen from outside.
    virtual bool sees_inside_queues() const = 0;
    // False where frame numbers read as 0 (pagemap hides them without CAP_SYS_ADMIN).
    virtual bool sees_frames() const { return true; }
};

}  // namespace sim
