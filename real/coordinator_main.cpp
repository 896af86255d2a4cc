// ipcsim-coordinator: the kernel run's coordinator process. ipcsim and ipcviz start it (real_backend.cpp)
// and talk to it on file descriptor 3; it is not meant to be started by hand.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "real/coordinator.h"

namespace {

int run(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--run") == 0) return real::coordinator_main(std::atoi(argv[2]));
    if (argc == 3 && std::strcmp(argv[1], "--probe") == 0) return real::coordinator_probe(std::atoi(argv[2]));
    std::fprintf(stderr, "ipcsim-coordinator: the kernel run's coordinator; ipcsim and ipcviz start it themselves\n");
    return 2;
}

}  // namespace

// Ends with _exit, once the run is over and reaped: after unshare(CLONE_NEWPID) every new child
// goes into the run's PID namespace, and so would the tracer that LeakSanitizer clones at exit,
// which then cannot attach to this process from inside it and waits forever.
int main(int argc, char** argv) { ::_exit(run(argc, argv)); }
