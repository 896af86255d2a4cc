// The ipcsim commands; each returns the process's exit status (cli::Exit).
#pragma once

#include <string>
#include <vector>

#include "cli/load.h"

namespace cli {

int run_command(const std::string& file, bool json);
// On the model, or with on_kernel on the real kernel in a private IPC namespace.
int check_command(const std::vector<std::string>& files, bool on_kernel);
// Model and kernel side by side, compared after every step.
int compare_command(const std::vector<std::string>& files);

}  // namespace cli
