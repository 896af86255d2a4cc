#include "real/protocol.h"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>
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

bool read_all(int fd, void* buf, std::size_t n, int timeout_ms) {
    auto p = static_cast<char*>(buf);
    auto start = std::chrono::steady_clock::now();
    while (n > 0) {
        if (timeout_ms >= 0) {
            auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
            pollfd pfd{fd, POLLIN, 0};
            int ready = spent < timeout_ms ? ::poll(&pfd, 1, static_cast<int>(timeout_ms - spent)) : 0;
            if (ready < 0 && errno == EINTR) continue;
            if (ready <= 0) return false;
        }
        ssize_t r = ::read(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

bool send_request(int fd, const Request& r, const std::string& text, const std::vector<std::int64_t>& array) {
    if (array.size() > kMaxRequestArray) return false;
    Request h = r;
    h.text_len = text.size();
    h.array_len = array.size();
    return write_all(fd, &h, sizeof h) && write_all(fd, text.data(), text.size()) &&
           write_all(fd, array.data(), array.size() * sizeof(std::int64_t));
}

bool read_request_tail(int fd, const Request& r, std::string& text, std::vector<std::int64_t>& array) {
    if (r.array_len > kMaxRequestArray) return false;
    text.assign(r.text_len, '\0');
    array.assign(r.array_len, 0);
    return read_all(fd, text.data(), text.size()) && read_all(fd, array.data(), array.size() * sizeof(std::int64_t));
}

namespace {

// Reply without its vector: what is written to the channel as bytes.
struct ReplyHeader {
    std::int64_t ret = 0;
    std::int32_t err = 0;
    std::int64_t mtype = 0;
    std::uint64_t minflt = 0;
    std::uint64_t data_len = 0;
    sim::CtlFields buf;
    std::int32_t caught = 0;
    std::uint64_t semall_len = 0;  // then as many int32: GETALL's values
};

}  // namespace

bool send_reply(int fd, const Reply& r, const std::string& data) {
    ReplyHeader h{r.ret, r.err, r.mtype, r.minflt, data.size(), r.buf, r.caught, r.buf.semall.size()};
    return write_all(fd, &h, sizeof h) && write_all(fd, data.data(), data.size()) &&
           write_all(fd, r.buf.semall.data(), r.buf.semall.size() * sizeof(std::int32_t));
}

bool read_reply(int fd, Reply& r, std::string& data, int timeout_ms) {
    ReplyHeader h;
    if (!read_all(fd, &h, sizeof h, timeout_ms) || h.semall_len > sim::kSemallMax || h.data_len > (std::uint64_t{1} << 32)) return false;
    r.ret = h.ret, r.err = h.err, r.mtype = h.mtype, r.minflt = h.minflt, r.data_len = h.data_len, r.caught = h.caught;
    static_cast<sim::CtlFields&>(r.buf) = h.buf;
    data.assign(h.data_len, '\0');
    r.buf.semall.assign(h.semall_len, 0);
    return read_all(fd, data.data(), data.size(), timeout_ms) &&
           read_all(fd, r.buf.semall.data(), r.buf.semall.size() * sizeof(std::int32_t), timeout_ms);
}

namespace {

// One byte with room beside it for a control message (SCM_RIGHTS, SCM_CREDENTIALS): what sending a
// descriptor and receiving one, or a sender's credentials, have in common.
struct OneByteMessage {
    char byte = 'f';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred))] = {};
    msghdr msg{};
    explicit OneByteMessage(std::size_t payload) {
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(payload);
    }
    OneByteMessage(const OneByteMessage&) = delete;
    OneByteMessage& operator=(const OneByteMessage&) = delete;
};

// Receives the one byte that carries a control message of `type`, copied into `out`.
bool receive_control(int sock, int type, void* out, std::size_t size) {
    OneByteMessage m(size);
    ssize_t n;
    while ((n = ::recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    if (n != 1) return false;
    for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg); c; c = CMSG_NXTHDR(&m.msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != type || c->cmsg_len != CMSG_LEN(size)) continue;
        std::memcpy(out, CMSG_DATA(c), size);
        return true;
    }
    return false;
}

}  // namespace

bool send_fd(int sock, int fd) {
    OneByteMessage m(sizeof fd);
    cmsghdr* c = CMSG_FIRSTHDR(&m.msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fd);
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t n;
    while ((n = ::sendmsg(sock, &m.msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
    }
    return n == 1;
}

int receive_fd(int sock) {
    int fd = -1;
    return receive_control(sock, SCM_RIGHTS, &fd, sizeof fd) ? fd : -1;
}

bool send_hello(int sock) {
    char byte = 'h';
    return write_all(sock, &byte, 1);
}

int receive_hello_pid(int sock) {
    ucred cred{};
    return receive_control(sock, SCM_CREDENTIALS, &cred, sizeof cred) ? cred.pid : 0;
}

}  // namespace real
