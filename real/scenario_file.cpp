#include "real/scenario_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/scenario/diagnostic.h"

namespace real {
namespace {

std::string error_line(const std::string& path, const std::string& message) {
    return sim::scenario::printable(path) + ": error: " + message;
}

std::string too_large(std::size_t max_bytes) {
    if (max_bytes % (std::size_t{1} << 20) == 0)
        return "the file is larger than the " + std::to_string(max_bytes >> 20) + " MiB a scenario may be";
    return "the file is larger than the " + std::to_string(max_bytes) + " bytes a scenario may be";
}

// Reads fd to its end, but never more than max_bytes + 1 bytes: one more than allowed is enough
// to know the file is too large. Returns 0, or the errno of a read that failed.
int read_bounded(int fd, std::size_t size_hint, std::size_t max_bytes, std::string& out) {
    std::size_t got = 0;
    out.resize(std::min(size_hint, max_bytes) + 1);
    while (got <= max_bytes) {
        if (got == out.size()) out.resize(std::min(out.size() * 2, max_bytes + 1));
        ssize_t n = ::read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            out.resize(got);
            return err;
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return 0;
}

}  // namespace

ScenarioFile read_scenario_file(const std::string& path, std::size_t max_bytes) {
    ScenarioFile f;
    // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one forever.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        f.error = error_line(path, std::string("cannot open: ") + std::strerror(errno));
        return f;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) f.error = error_line(path, std::string("cannot stat: ") + std::strerror(errno));
    else if (!S_ISREG(st.st_mode)) f.error = error_line(path, "not a regular file");
    else if (static_cast<std::size_t>(st.st_size) > max_bytes) f.error = error_line(path, too_large(max_bytes));
    else if (int err = read_bounded(fd, static_cast<std::size_t>(st.st_size), max_bytes, f.text))
        f.error = error_line(path, std::string("cannot read: ") + std::strerror(err));
    else if (f.text.size() > max_bytes) f.error = error_line(path, too_large(max_bytes));  // it grew meanwhile
    ::close(fd);
    return f;
}

}  // namespace real
