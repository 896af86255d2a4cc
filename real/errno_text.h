// "what: strerror(errno)", the form of every system-call failure the kernel run reports.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>

namespace real {

inline std::string because(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace real
