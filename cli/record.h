// ipcsim record: a real program's System V IPC, written as a scenario (real/record/).
#pragma once

#include <string>
#include <vector>

namespace cli {

struct RecordArgs {
    std::vector<std::string> command;
    std::string out;       // -o: the scenario's file; empty: standard output
    double timeout_s = 10;
    int max_steps = 10000;
    bool host_ipc = false;
    bool check = false;    // replay it on the model at once and print the first difference
};

int record_command(const RecordArgs& a);

// Runs the scenario in `text` (named `file`) on the model and prints the first step whose result
// differs from what the kernel did, as FILE:LINE: expected X, got Y. 0 when none differs.
int check_recording(const std::string& file, const std::string& text);

}  // namespace cli
