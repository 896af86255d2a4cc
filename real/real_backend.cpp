#include "real/real_backend.h"
#include "real/errno_text.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include "real/pidfd.h"
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "real/wire.h"
#include "sim/wake_order.h"

namespace real {

namespace {

// The coordinator's answers carry observations: the run's byte budget bounds their texts, and
// this bounds what a broken coordinator could make this process allocate.
constexpr std::uint64_t kMaxReplyBytes = std::uint64_t{512} << 20;
constexpr int kChannelFd = 3;  // where the coordinator finds its socket
// Real processes a run may make: a file of 20,000 `proc` lines is 200 KB of text, but 20,000
// processes would cost the machine gigabytes and its pid space.
constexpr std::size_t kMaxProcesses = 512;

// Waits for the coordinator to exit, at most `timeout_ms`; true when it did.
bool exited_within(int pidfd, int timeout_ms) {
    pollfd pfd{pidfd, POLLIN, 0};  // a pidfd is readable once its process has exited
    int r;
    while ((r = ::poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR) {
    }
    return r > 0;
}

}  // namespace

// Whether the run's processes may use SCHED_FIFO (child.cpp sets priority 1): with CAP_SYS_NICE,
// or within RLIMIT_RTPRIO.
bool can_pin_wake_order() {
    rlimit rt{};
    return ::geteuid() == 0 || (::getrlimit(RLIMIT_RTPRIO, &rt) == 0 && rt.rlim_cur >= 1);
}

std::string program_beside_self(const std::string& name) {
    char self[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return name;
    std::string path(self, static_cast<std::size_t>(n));
    return path.substr(0, path.rfind('/') + 1) + name;
}

std::string coordinator_path() { return program_beside_self("ipcsim-coordinator"); }

// The answer does not change while this process lives (its credentials do not), so it is made once.
// The reasons are catalog sentences, so that a Chinese class reads them in Chinese (explain::say).
std::optional<sim::Message> RealBackend::cannot_run(const sim::scenario::Scenario& s) {
    using sim::arg;
    using sim::msg;
    std::size_t processes = s.procs.size();
    for (const auto& st : s.steps) processes += st.call.kind == sim::scenario::CallKind::Fork;
    if (processes > kMaxProcesses)
        return msg(N_("the file makes {n} processes, and a kernel run makes at most {max} real ones (each costs the machine a process and some 250 KiB; the model has no such limit)"),
                   arg("n", processes), arg("max", kMaxProcesses));
    if (::geteuid() != 0) {
        for (const auto& p : s.procs)
            if (p.uid != 0 || p.gid != 0)
                return msg(N_("process '{name}' asks for uid=/gid=: dropping to another user for real needs root"), arg("name", p.name));
        using sim::scenario::CallKind;
        for (const auto& st : s.steps)
            if (st.call.kind == CallKind::Setuid || st.call.kind == CallKind::Setgid || st.call.kind == CallKind::Seteuid ||
                st.call.kind == CallKind::Setegid)
                return msg(N_("line {line} calls {call}: changing to another user for real needs root"), arg("line", st.pos.line),
                           arg("call", st.call.name));
    }
    if (!can_pin_wake_order())
        if (auto step = sim::first_step_the_wake_order_decides(s))
            return msg(N_("the processes that line {line} wakes race, and what follows depends on which runs first; the kernel run makes them run in wake order with real-time scheduling (SCHED_FIFO on one CPU), which needs root"),
                       arg("line", s.steps[*step].pos.line));
    // The probe's own words come from the coordinator, as the system gave them.
    static const std::optional<sim::Message> why = [] () -> std::optional<sim::Message> {
        RealBackend probe;
        try {
            probe.start_coordinator("--probe");
        } catch (const RunError& e) {
            return sim::verbatim(e.what());
        }
        std::string reason;
        char buf[256];
        pollfd pfd{probe.m_channel, POLLIN, 0};
        while (::poll(&pfd, 1, 5000) > 0) {
            ssize_t n = ::read(probe.m_channel, buf, sizeof buf);
            if (n <= 0) break;
            reason.append(buf, static_cast<std::size_t>(n));
        }
        int status = 0;
        if (!exited_within(probe.m_pidfd, 5000)) signal_pidfd(probe.m_pidfd, SIGKILL);
        ::waitpid(probe.m_pid, &status, 0);
        probe.m_pid = 0;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
        return reason.empty() ? msg(N_("could not make the run's namespaces")) : sim::verbatim(reason);
    }();
    return why;
}

RealBackend::RealBackend(std::chrono::milliseconds settle_timeout, std::int64_t max_resident_bytes)
    : m_timeout(settle_timeout), m_max_resident_bytes(max_resident_bytes) {}

RealBackend::~RealBackend() { stop_coordinator(); }

// fork and exec, so that the coordinator starts clean whatever this process is (a window with
// its GPU threads, a sanitizer's runtime): it holds its socket and nothing else of ours, and it
// dies when this process does (PR_SET_PDEATHSIG, which exec keeps).
void RealBackend::start_coordinator(const char* mode) {
    std::string path = coordinator_path();
    if (::access(path.c_str(), X_OK) != 0) throw RunError(because("cannot run " + path));
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw RunError(because("socketpair"));
    char fd_text[] = "3";
    char name[] = "ipcsim-coordinator";
    char* argv[] = {name, const_cast<char*>(mode), fd_text, nullptr};
    pid_t front = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw RunError(because("fork"));
    if (pid == 0) {  // only async-signal-safe calls until exec
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != front) ::_exit(1);
        if (::dup2(sv[1], kChannelFd) < 0) ::_exit(1);  // dup2 clears FD_CLOEXEC on the copy
        if (sv[1] == kChannelFd) ::fcntl(kChannelFd, F_SETFD, 0);
        ::close_range(kChannelFd + 1, ~0U, 0);
        ::execv(path.c_str(), argv);
        ::_exit(127);
    }
    ::close(sv[1]);
    m_pid = pid;
    m_channel = sv[0];
    m_pidfd = open_pidfd(pid);
    if (m_pidfd < 0) throw RunError(because("pidfd_open of the coordinator"));
}

// Sends one frame and waits, at most `timeout`, for the coordinator's answer.
std::string RealBackend::exchange(const std::string& payload, std::chrono::milliseconds timeout) {
    if (m_channel < 0 || !send_frame(m_channel, payload)) throw RunError("the kernel run's coordinator is gone");
    auto frame = receive_frame(m_channel, static_cast<int>(timeout.count()), kMaxReplyBytes);
    if (!frame) throw RunError("the kernel run's coordinator did not answer within " + std::to_string(timeout.count()) + " ms");
    return *frame;
}

void RealBackend::setup(const sim::scenario::Scenario& s) {
    RunSetup rs;
    rs.settle_timeout_ms = m_timeout.count();
    rs.max_resident_bytes = m_max_resident_bytes;
    for (const auto& sc : s.sysctls) rs.sysctls.emplace_back(sc.name, sc.value);
    for (const auto& p : s.procs) rs.procs.push_back({p.name, p.uid, p.gid, true});
    for (const auto& st : s.steps)
        if (st.call.kind == sim::scenario::CallKind::Fork && !st.call.args.empty()) rs.procs.push_back({st.call.args[0].text, 0, 0, false});
    stop_coordinator();
    start_coordinator("--run");
    WireWriter w;
    encode(w, rs);
    auto reply = decode_reply(exchange(w.bytes(), m_timeout + std::chrono::seconds(10)));
    if (!reply) throw RunError("the kernel run's coordinator sent an answer that does not parse");
    if (reply->error) throw RunError(*reply->error);
    m_frames = reply->sees_frames;
    m_obs = std::move(reply->observation);
}

sim::StepOutcome RealBackend::execute(const sim::Invocation& call) {
    WireWriter w;
    encode(w, call);
    // The coordinator waits at most m_timeout for the step to settle, then reads /proc.
    auto reply = decode_reply(exchange(w.bytes(), 2 * m_timeout + std::chrono::seconds(10)));
    if (!reply) throw RunError("the kernel run's coordinator sent an answer that does not parse");
    if (reply->error) throw RunError(*reply->error);
    m_obs = std::move(reply->observation);
    return std::move(reply->outcome);
}

// Closing the socket tells the coordinator to end the run; it kills its namespace's init and
// reaps every process before it exits. One that does not within 5 s is killed, and the
// namespace's init with it.
void RealBackend::stop_coordinator() {
    if (m_channel >= 0) ::close(m_channel);
    m_channel = -1;
    if (m_pid > 0) {
        if (!exited_within(m_pidfd, 5000)) signal_pidfd(m_pidfd, SIGKILL);
        while (::waitpid(m_pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    if (m_pidfd >= 0) ::close(m_pidfd);
    m_pid = 0;
    m_pidfd = -1;
}

}  // namespace real
