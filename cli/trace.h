// How `ipcsim run` shows a run: each step, its kernel path, its checks; at the end the tables.
#pragma once

#include <string>

#include "sim/kernel.h"
#include "sim/runner.h"

namespace cli {

// The source text of a step's call, as written: "shmget(1234, 2052, 0666 | IPC_CREAT)".
std::string call_source(const sim::scenario::Scenario& s, const sim::scenario::Step& step);

std::string format_step(const sim::scenario::Scenario& s, const sim::StepRecord& r, sim::scenario::Lang lang,
                        const sim::Kernel& names);
std::string format_check(const sim::Check& c);
// ipcs -m and ipcs -q style tables, each queue's messages and wait lists, then each process's
// attachments and page tables.
std::string format_tables(const sim::Kernel& k);

}  // namespace cli
