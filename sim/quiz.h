// The predict mode's questions (issue 14): before a step is shown, ask what it will do, with 3 to 5
// choices the model makes from what the step really did. As OSTEP's simulators keep the answer back
// until -c, the window and `ipcsim quiz` hold the step until the question is answered.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "sim/message.h"
#include "sim/observation.h"
#include "sim/runner.h"
#include "sim/scenario/ast.h"

namespace sim {

enum class QuestionKind {
    outcome,        // what does the call return, or which errno
    fault,          // does this access fault, and is a frame allocated
    blocks,         // does msgsnd/msgrcv block (and where does the message go)
    wakes,          // who wakes, and in what order
    which_message,  // which message does msgrcv get
    semval,         // what is a semaphore's value after a semop
    nattch,         // shm_nattch after the step
    qnum,           // the queue's length after the step
    state,          // what becomes of kill's target
};

struct Question {
    QuestionKind kind = QuestionKind::outcome;
    Message text;                  // the lesson's `ask` replaces it where there is one
    std::vector<Message> choices;  // 3 to 5, all different
    std::size_t answer = 0;        // the right one
};

// The question for step `step` of s, made from the state before it, what it did, and the state after.
// Nothing for a step with nothing worth predicting (exit with no attachment, signal(), setuid()).
std::optional<Question> make_question(const scenario::Scenario& s, std::size_t step, const Observation& before, const StepRecord& rec,
                                      const Observation& after);

// The lesson's score so far.
struct QuizScore {
    std::size_t asked = 0, right = 0;
    void count(bool was_right) {
        ++asked;
        if (was_right) ++right;
    }
    bool operator==(const QuizScore&) const = default;
};

}  // namespace sim
