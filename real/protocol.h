// What the coordinator and a scenario process say to each other over their socket: one Request,
// then one Reply (none for exit, and none from a fork's new child). Fixed headers, then bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/observation.h"

namespace real {

struct Request {
    std::int32_t kind = 0;         // sim::scenario::CallKind
    std::int64_t a[4] = {};        // the integer arguments; kill's target comes as a pidfd (send_fd)
    std::uint32_t set_mask = 0;    // IPC_SET fields present: 1 mode, 2 uid, 4 gid, 8 qbytes
    std::int64_t set[4] = {};      // their values, in that order
    std::int32_t new_channel = -1; // fork: the channel (fd) the new process talks on
    std::int64_t recv_limit = 0;   // msgrcv, msgsnd: the largest message the namespace lets anyone send (msgmax)
    std::uint64_t text_len = 0;    // then the bytes of store's or msgsnd's text
    std::uint64_t array_len = 0;   // then as many int64: semop's sembufs (sem_num, sem_op, sem_flg each), SETALL's values
};

// The most values a request's array carries: 65,536 sembufs, or a SETALL of 196,608 semaphores
// (Linux's default semmsl is 32,000). A longer array is refused before it is sent.
inline constexpr std::uint64_t kMaxRequestArray = std::uint64_t{3} << 16;

struct Reply {
    std::int64_t ret = 0;
    std::int32_t err = 0;
    std::int64_t mtype = 0;
    std::uint64_t minflt = 0;      // faults inside store/load so far (getrusage around the access alone)
    std::uint64_t data_len = 0;    // then the bytes a load or msgrcv produced
    sim::CtlBuf buf;               // shmctl/msgctl/semctl: the structure it filled (kind none: nothing)
    std::int32_t caught = 0;       // store/load: the signal whose handler abandoned the access (SIGSEGV), else 0
};

// Whole-buffer I/O on a stream socket; false on EOF or error. read_all waits at most
// `timeout_ms` in all (-1: as long as it takes), and false when that passes.
bool write_all(int fd, const void* buf, std::size_t n);
bool read_all(int fd, void* buf, std::size_t n, int timeout_ms = -1);
bool send_request(int fd, const Request& r, const std::string& text, const std::vector<std::int64_t>& array = {});
// The text and the array that follow a request's header; false on EOF, error or an array over kMaxRequestArray.
bool read_request_tail(int fd, const Request& r, std::string& text, std::vector<std::int64_t>& array);
// A reply crosses as its fixed fields, then the data, then GETALL's values.
bool send_reply(int fd, const Reply& r, const std::string& data);
bool read_reply(int fd, Reply& r, std::string& data, int timeout_ms = -1);

// A file descriptor over the socket (SCM_RIGHTS), with one byte to carry it: how kill's caller
// gets the target's pidfd, so that a signal can only reach the process it was meant for.
bool send_fd(int sock, int fd);
int receive_fd(int sock);  // -1 on error
// A new process's first byte on its channel: the kernel attaches its pid as the coordinator's
// PID namespace sees it (SCM_CREDENTIALS, with SO_PASSCRED on the receiving end). 0 on error.
bool send_hello(int sock);
int receive_hello_pid(int sock);

}  // namespace real
