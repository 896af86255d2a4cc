// The ipcsim commands; each returns the process's exit status (cli::Exit).
#pragma once

#include <string>
#include <vector>

#include "cli/load.h"

namespace cli {

// The lesson's title and notes in `lang`; kernel paths and tables are English for now. With a
// `perfetto` path, also writes the run there as a Chrome Trace Event file (cli/perfetto.h).
int run_command(const std::string& file, bool json, sim::scenario::Lang lang, const std::string& perfetto = {});
// On the model, or with on_kernel on the real kernel in a private IPC namespace. `lint` also lists
// the titles and notes without a zh text and the steps that no expect follows.
int check_command(const std::vector<std::string>& files, bool on_kernel, bool lint);
// Model and kernel side by side, compared after every step.
int compare_command(const std::vector<std::string>& files);

}  // namespace cli
