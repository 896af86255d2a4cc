// A scenario process in the kernel run: it makes each call it is sent, for real, and reports.
#pragma once

#include <cstdint>

namespace real {

struct ChildSetup {
    int channel = -1;        // its end of the socket to the coordinator
    std::uint32_t uid = 0;   // dropped to for real (setresgid, setresuid) unless 0
    std::uint32_t gid = 0;
    int cpu = -1;            // pinned here under SCHED_FIFO, so woken processes run in wake order
};

// Never returns: the process exits when the scenario exits it, kills it, or the coordinator goes.
// Runs in the run's PID namespace, whose init is the guarantee that it dies with the coordinator.
[[noreturn]] void child_main(const ChildSetup& setup);

}  // namespace real
