// The kernel run's coordinator: a process of its own (ipcsim-coordinator), inside the run's
// sandbox (sandbox.h), that makes one real process per scenario process, sends each step to the
// process that makes it, waits for the system to settle, and reads what can be seen from /proc.
// The program that shows the run talks to it through RealBackend and never enters the sandbox.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "real/sandbox.h"
#include "real/wire.h"

namespace real {

// The most semaphores, in all its sets, a run may hold: each is read after every step.
inline constexpr std::uint64_t kMaxObservedSemaphores = std::uint64_t{1} << 18;

class Coordinator {
public:
    // Enters the sandbox, starts the namespace's init and the processes that exist at the start.
    // Throws RunError when any of it cannot be done.
    explicit Coordinator(const RunSetup& setup);
    ~Coordinator();  // kills the namespace's init, so every process of the run, and reaps them
    Coordinator(const Coordinator&) = delete;
    Coordinator& operator=(const Coordinator&) = delete;

    // Runs one call and lets the system settle. Throws RunError when the step never settles.
    sim::StepOutcome execute(const sim::Invocation& call);
    const sim::Observation& observation() const { return m_obs; }
    bool sees_frames() const { return m_frames_visible; }

private:
    struct Proc {
        std::string name;
        int pid = 0;          // in the coordinator's (the machine's) PID namespace; 0 before it exists
        int pidfd = -1;       // signals reach it only through this, and only while it lives
        int channel = -1;     // the coordinator's end of its socket
        int child_end = -1;   // the end the process itself uses (inherited by every child)
        sim::TaskState state = sim::TaskState::ready;
        int term_signal = 0;
        bool waiting = false; // a request is out and not yet answered
        std::int64_t ret = 0;
        int err = 0;
        std::string data;
        std::int64_t mtype = 0;
        std::uint64_t minflt = 0;
        sim::CtlBuf buf;      // PROC.buf, with its pids as the coordinator sees them
        int inner_pid = 0;    // its pid inside the run's PID namespace, which IPC_STAT shows
        int caught = 0;       // the signal whose handler abandoned its last access (SIGSEGV), else 0
        bool alive() const { return pid > 0 && (state == sim::TaskState::ready || state == sim::TaskState::blocked); }
    };

    Proc& proc(const std::string& name);
    Proc* proc_by_pid(int pid);
    void make_channels(const RunSetup& setup);
    void spawn(Proc& p, std::uint32_t uid, std::uint32_t gid);
    int adopt_forked_child(Proc& child, std::chrono::steady_clock::time_point deadline);
    void settle(Proc& caller, Proc* doomed);
    bool kill_ends(const Proc& target, int sig) const;
    bool read_reply(Proc& p);
    void reap();
    void mark_gone(Proc& p, int status);
    bool asleep_in_ipc(const Proc& p) const;
    void refresh();
    void outer_pids(sim::CtlBuf& b) const;
    int outer_pid(int inner) const;  // a pid of the run's PID namespace, as the coordinator sees it
    std::vector<sim::SemValue> semaphores(int semid, std::uint64_t nsems) const;
    void remove_ipc_objects();
    std::vector<int> fds_a_child_keeps(const Proc& p) const;

    std::chrono::milliseconds m_timeout;
    std::int64_t m_max_resident_bytes;
    NamespaceInit m_init;
    bool m_frames_visible = false;
    std::int64_t m_msgmax = 8192;   // the namespace's, after the run's sysctls: the largest message
    std::vector<Proc> m_procs;      // in the order they came to be (forked ones once they are)
    std::map<std::string, std::size_t> m_index;
    int m_cpu = -1;
    std::int64_t m_step_start = 0;  // time() just before the step in progress was sent
    sim::Observation m_obs;
};

// The coordinator process's main loop over its socket to the front: a RunSetup, then one
// Invocation after another, each answered with a RunReply. Returns the exit status.
int coordinator_main(int channel);
// `ipcsim-coordinator --probe`: whether the sandbox can be made here (0), or why not (printed, 3).
int coordinator_probe(int channel);

}  // namespace real
