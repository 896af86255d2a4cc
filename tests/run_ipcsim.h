// Running ipcsim as a user does, for the tests of its commands: the exit status and what it printed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "real/procfs.h"

namespace testing_cli {

struct Ran {
    int status = -1;
    std::string out, err;
};

// Runs `ipcsim ARGS` through the shell, capturing stdout and stderr.
inline Ran ipcsim(const std::string& args) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("ipcsim_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string cmd = std::string(IPCSIM_BINARY) + " " + args + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
    int raw = std::system(cmd.c_str());
    Ran r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, real::read_file((dir / "out").string()).value_or(""),
          real::read_file((dir / "err").string()).value_or("")};
    fs::remove_all(dir);
    return r;
}

// Writes a scenario to a temporary file and returns its path.
inline std::string scenario_file(const std::string& name, const std::string& text) {
    std::filesystem::path p = std::filesystem::temp_directory_path() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

}  // namespace testing_cli
