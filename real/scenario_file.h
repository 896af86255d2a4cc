// Reading a scenario file. Lessons travel between students, so every file is untrusted: only a
// regular file is read, and at most kMaxScenarioBytes of it, whatever it claims or does meanwhile.
#pragma once

#include <cstddef>
#include <string>

#include "sim/message.h"

namespace real {

inline constexpr std::size_t kMaxScenarioBytes = std::size_t{64} << 20;

struct ScenarioFile {
    std::string text;   // the bytes read (at most max_bytes + 1, also when there is an error)
    std::string error;  // "FILE: error: MESSAGE", without a newline; empty when the text is whole
    sim::Message why;   // MESSAGE, for the language the user reads
    bool ok() const { return error.empty(); }
};

// Reads `path` if it is a regular file of at most max_bytes. A FIFO, a device, a directory or a
// socket is refused without blocking; a file that grows while read is cut at max_bytes + 1 and refused.
ScenarioFile read_scenario_file(const std::string& path, std::size_t max_bytes = kMaxScenarioBytes);

}  // namespace real
