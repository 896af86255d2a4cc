// What the benchmark files share.
#pragma once

#include <string>

namespace bench {

// Resident memory of this process, in bytes (/proc/self/statm).
long rss_bytes();

// A generated scenario of `steps` steps that keeps touching, sending and receiving.
std::string long_scenario(int steps);

}  // namespace bench
