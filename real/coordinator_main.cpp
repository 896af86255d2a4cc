// ipcsim-coordinator: the kernel run's coordinator process. ipcsim and ipcviz start it (real_backend.cpp)
// and talk to it on file descriptor 3; it is not meant to be started by hand.
#include <cstdio>
#include <cstring>

#include "real/coordinator.h"

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "--run") == 0) return real::coordinator_main(std::atoi(argv[2]));
    if (argc == 3 && std::strcmp(argv[1], "--probe") == 0) return real::coordinator_probe(std::atoi(argv[2]));
    std::fprintf(stderr, "ipcsim-coordinator: the kernel run's coordinator; ipcsim and ipcviz start it themselves\n");
    return 2;
}
