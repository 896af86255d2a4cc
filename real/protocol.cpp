#include "real/protocol.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace real {

bool write_all(int fd, const void* buf, std::size_t n) {
    auto p = static_cast<const char*>(buf);
    while (n > 0) {
        ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);  // a dead peer is an error, not SIGPIPE
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<std::size_t>(w);
    }
    return true;
}

bool read_all(int fd, void* buf, std::size_t n) {
    auto p = static_cast<char*>(buf);
    while (n > 0) {
        ssize_t r = ::read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

bool send_request(int fd, const Request& r, const std::string& text) {
    Request h = r;
    h.text_len = text.size();
    return write_all(fd, &h, sizeof h) && write_all(fd, text.data(), text.size());
}

bool send_reply(int fd, const Reply& r, const std::string& data) {
    Reply h = r;
    h.data_len = data.size();
    return write_all(fd, &h, sizeof h) && write_all(fd, data.data(), data.size());
}

}  // namespace real
