// The ipcsim commands; each returns the process's exit status (cli::Exit).
#pragma once

#include <string>
#include <vector>

#include "cli/load.h"

namespace cli {

int run_command(const std::string& file, bool json);
int check_command(const std::vector<std::string>& files);

}  // namespace cli
