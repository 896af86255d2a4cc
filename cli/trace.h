// How `ipcsim run` shows a run: each step, its kernel path, its checks; at the end the tables.
#pragma once

#include <string>
#include <vector>

#include "sim/kernel.h"
#include "sim/runner.h"

namespace cli {

// The source text of a step's call, as written: "shmget(1234, 2052, 0666 | IPC_CREAT)".
std::string call_source(const sim::scenario::Scenario& s, const sim::scenario::Step& step);

// "id = shmget(...)": the step's call as written, with the variable it sets.
std::string call_text(const sim::scenario::Scenario& s, const sim::scenario::Step& step);
// What the call did, in the program's language: "returned 0", and a fork's child by name.
std::string result_text(const sim::scenario::Scenario& s, const sim::StepRecord& r);

// One line of a step's kernel path as `ipcsim run` prints it: the kernel function and its sentence.
struct PathLine {
    std::string function, sentence;
};
// The lines `ipcsim run` prints for a step: every event but the syscall entry and the caller's return.
std::vector<PathLine> kernel_path(const sim::StepRecord& r, const sim::Kernel& names);

std::string format_step(const sim::scenario::Scenario& s, const sim::StepRecord& r, sim::scenario::Lang lang,
                        const sim::Kernel& names);
std::string format_check(const sim::Check& c);
// ipcs -m and ipcs -q style tables, each queue's messages and wait lists, then each process's
// attachments and page tables.
std::string format_tables(const sim::Kernel& k);

}  // namespace cli
