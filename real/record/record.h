// `ipcsim record`: runs a command under ptrace and writes what its processes did to System V IPC
// objects and segments as a scenario (docs/scenario-language.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace real::record {

struct RecordOptions {
    std::vector<std::string> argv;  // the command and its arguments
    std::string out_dir;            // where the scenario goes: `source` paths are relative to it
    double timeout_s = 10;
    int max_steps = 10000;
    bool host_ipc = false;          // record in this IPC namespace instead of a private one
    bool output_to_stderr = false;  // the command's standard output goes to stderr (the scenario takes stdout)
};

struct RecordResult {
    std::string scenario;             // the recording, when there is one
    std::optional<std::string> why_not;  // why it could not be made here (ptrace or namespaces refused)
    std::optional<std::string> bad_command;  // why the command could not be run (no such file)
    std::vector<std::string> removed;       // --host-ipc, cut short: the objects it made and left ("shm 32769")
};

// Moves this process into the recording's namespaces first (a private IPC namespace unless
// host_ipc), so that the recorder sees the objects its processes make.
RecordResult record(const RecordOptions& opt);

}  // namespace real::record
