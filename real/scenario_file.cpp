#include "real/scenario_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/msgid.h"
#include "sim/scenario/diagnostic.h"

namespace real {
namespace {

void fail(ScenarioFile& f, const std::string& path, sim::Message why) {
    f.error = sim::scenario::printable(path) + ": error: " + sim::english(why);
    f.why = std::move(why);
}

sim::Message too_large(std::size_t max_bytes) {
    if (max_bytes % (std::size_t{1} << 20) == 0)
        return sim::msg(N_("the file is larger than the {n} MiB a scenario may be"), sim::arg("n", max_bytes >> 20));
    return sim::msg(N_("the file is larger than the {n} bytes a scenario may be"), sim::arg("n", max_bytes));
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
        fail(f, path, sim::msg(N_("cannot open: {why}"), sim::arg("why", std::strerror(errno))));
        return f;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(f, path, sim::msg(N_("cannot stat: {why}"), sim::arg("why", std::strerror(errno))));
    else if (!S_ISREG(st.st_mode)) fail(f, path, sim::msg(N_("not a regular file")));
    else if (static_cast<std::size_t>(st.st_size) > max_bytes) fail(f, path, too_large(max_bytes));
    else if (int err = read_bounded(fd, static_cast<std::size_t>(st.st_size), max_bytes, f.text))
        fail(f, path, sim::msg(N_("cannot read: {why}"), sim::arg("why", std::strerror(err))));
    else if (f.text.size() > max_bytes) fail(f, path, too_large(max_bytes));  // it grew meanwhile
    ::close(fd);
    return f;
}

}  // namespace real
