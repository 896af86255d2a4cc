// The names a scenario may use for numbers, with their Linux x86-64 values (docs/scenario-language.md, "Lexical rules").
// Kept here rather than taken from <sys/ipc.h> so the model means the same on any host.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sim::scenario {

enum class ConstantClass { Ipc, Errno, Signal, Other };

struct Constant {
    std::string_view name;
    std::int64_t value;
    ConstantClass cls;
};

std::optional<Constant> find_constant(std::string_view name);
// errno and signal names by number, for printing results ("EACCES", "SIGSEGV"); "" when unknown.
std::string_view errno_name(std::int64_t err);
std::string_view signal_name(std::int64_t sig);
// shmctl's and msgctl's commands by number ("IPC_RMID", "SHM_LOCK"; 11 is SHM_LOCK to shmctl and
// MSG_STAT to msgctl); "" when the call has no such command.
std::string_view shmctl_command_name(std::int64_t cmd);
std::string_view msgctl_command_name(std::int64_t cmd);
std::string_view semctl_command_name(std::int64_t cmd);
// A one-line description ("Permission denied"), as strerror would say it.
std::string_view errno_text(std::int64_t err);

}  // namespace sim::scenario
