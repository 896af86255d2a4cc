// What the benchmark files share.
#pragma once

namespace bench {

// Resident memory of this process, in bytes (/proc/self/statm).
long rss_bytes();

}  // namespace bench
