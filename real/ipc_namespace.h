// Isolation for the kernel run: a fresh IPC namespace per run, so ids start at 0, the sysctls are
// the run's own, and every object dies with the run. Never the machine's own namespace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace real {

// Moves this process into a new IPC namespace: as root with CLONE_NEWIPC alone, otherwise inside a
// new user namespace that maps the caller's own uid to root. Returns why not, when it cannot.
std::optional<std::string> enter_private_ipc_namespace();
// Whether that would work here, tried in a throwaway child so this process is left as it was.
std::optional<std::string> probe_private_ipc_namespace();
// Writes /proc/sys/kernel/NAME inside the current IPC namespace.
std::optional<std::string> write_ipc_sysctl(const std::string& name, std::int64_t value);

}  // namespace real
