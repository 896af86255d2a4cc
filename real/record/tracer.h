// The recorder's tracer: runs a command under ptrace, one traced process at a time, and writes what
// they do to System V IPC objects and segments into a Recording as it happens.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "real/record/recording.h"
#include "real/record/source_line.h"

namespace real::record {

struct TraceOptions {
    std::vector<std::string> argv;
    double timeout_s = 10;
    int max_steps = 10000;
    bool output_to_stderr = false;
};

// One attachment of a segment in one process: what its address variable is called.
struct Attachment {
    std::uint64_t start = 0, size = 0;
    int shmid = -1;
    std::string var;
};

// A System V call between its entry and its exit (or its wake-up, when it slept).
struct CallInFlight {
    long nr = -1;
    std::uint64_t args[6] = {};
    std::string text;     // `[VAR =] CALL`, without the outcome
    std::string var;      // the variable the result goes to, when it makes one
};

struct Tracee {
    int pid = 0;
    int proc = -1;  // its RecProc
    enum class State { stopped, running, in_syscall, blocked_ipc, gone };
    State state = State::stopped;
    // The stop it sits in while stopped: what the next resume continues from.
    enum class Stop { start, syscall_entry, syscall_exit, event, signal, stepped, breakpoint };
    Stop stop = Stop::start;
    int signal = 0;  // a signal-delivery stop's signal: delivered at the next resume
    long syscall_nr = -1;
    std::uint64_t syscall_args[6] = {};
    std::int64_t syscall_ret = 0;
    bool syscall_error = false;
    CallInFlight call;
    bool woken = false;  // its blocked call returned; the result is written after the step that woke it
    long restart_nr = -1;  // the kernel restarts this call (a signal it ignores ended its sleep): no new step
    std::map<std::uint64_t, Attachment> attachments;  // by start address
    std::set<std::uint64_t> present;                  // page addresses present at the last look
    // Line by line (line_steps.cpp): in its program's own code, a process with attachments runs one
    // instruction at a time, and its memory is looked at whenever the line changes, so each store is
    // written with the C line that made it. A call into a library runs free to a breakpoint at its return.
    enum class Mode { free, stepping, to_breakpoint };
    Mode mode = Mode::free;
    bool single_stepped = false;     // the last resume was PTRACE_SINGLESTEP: its SIGTRAP is ours
    std::uint64_t breakpoint = 0;    // where our int3 is, 0 when none
    std::uint64_t saved_word = 0;    // the text it replaced
    std::uint64_t rearm = 0;         // a breakpoint taken out for a fork, to put back after it
    std::optional<SourceLine> line;  // the line being run, while stepping
    bool moved = false;                   // the line changed during this turn
    std::optional<SourceLine> loop_line;  // a line that loops writing memory: run free while on it
};

class Tracer {
public:
    Tracer(Recording& rec, TraceOptions opt);
    // Forks and execs the command under ptrace (the caller has already entered the recording's
    // namespaces) and traces until every process is gone, the time is up, or the steps run out.
    // Returns why it could not trace, when it could not.
    std::optional<std::string> run();
    // Why the command itself could not be run (no such file, not executable), after run().
    const std::optional<std::string>& command_error() const { return m_command_error; }
    // The recording ended at --timeout, --max-steps or a deadlock, with processes killed.
    bool cut_short() const { return m_ended; }

private:
    using Clock = std::chrono::steady_clock;

    // tracer.cpp: processes and the scheduler
    std::optional<std::string> start();
    void loop();
    Tracee* next_runnable();
    void turn(Tracee& t);
    void at_syscall(Tracee& t);
    void at_interrupt(Tracee& t);
    void at_slice_end(Tracee& t);
    void resume(Tracee& t);
    bool wait_for(Tracee& t, Clock::time_point until);
    void collect(int timeout_ms);
    void on_status(int pid, int status);
    void on_syscall_stop(Tracee& t);
    void on_event(Tracee& t, int event);
    void on_new_child(Tracee& parent, int child_pid, bool thread, bool borrows_mm);
    void on_exec(Tracee& t);
    void on_gone(Tracee& t, int status);
    bool all_stuck() const;
    void kill_all();
    void end_note(const std::string& en, const std::string& zh);
    Tracee* find(int pid);
    int step_count = 0;

    // ipc_calls.cpp: System V calls, their outcomes, and the wake-ups they cause
    bool is_ipc(long nr) const;
    std::optional<std::pair<int, int>> signal_to_recorded(const Tracee& t) const;  // (target's RecProc, signal)
    void disposition_step(int target_pid, int proc, int sig);
    void ipc_call(Tracee& t);
    bool wait_exit_or_block(Tracee& t);
    void settle();
    std::string outcome(Tracee& t, std::vector<std::string>& expects);
    void after_call(Tracee& t);
    void update_attachments(Tracee& t);
    void write_wakeup(Tracee& t);
    bool interrupted(Tracee& t);
    void restart_call(Tracee& t);
    void exit_step(Tracee& t);
    void fault_step(Tracee& t);
    std::string call_text(Tracee& t);
    std::string id_arg(char kind, std::int64_t id) const;
    std::string addr_arg(const Tracee& t, std::uint64_t addr) const;
    std::string ctl_text(Tracee& t, char kind);
    std::string ctl_fields(Tracee& t, std::uint64_t buf, bool qbytes);
    std::string msgsnd_text(Tracee& t);
    std::string semop_text(Tracee& t);
    std::string semctl_text(Tracee& t);
    std::int64_t nsems_of(int semid) const;

    // shm_watch.cpp: the segments' pages and bytes, compared at every switch
    // (`line`: the C line the changes are written with, when known better than t's stack says)
    bool observe(Tracee& t, const std::optional<SourceLine>& line = std::nullopt);  // true when it wrote a step
    struct StepLine {
        std::optional<SourceLine> line;
        bool known = false;  // looked up (or given): an empty line then means there is none
    };
    bool observe_mapping(Tracee& t, const Attachment& a, std::uint64_t start, std::uint64_t end, std::set<std::uint64_t>& now,
                         StepLine& at);

    // line_steps.cpp: line by line through the program's own code
    bool worth_stepping(const Tracee& t) const;
    void on_trap(Tracee& t);
    void on_step(Tracee& t);
    void on_breakpoint(Tracee& t);
    void arm_at_return(Tracee& t);
    bool insert_breakpoint(Tracee& t, std::uint64_t at);
    void remove_breakpoint(Tracee& t);
    void before_syscall(Tracee& t);

    // shared
    // A step or note of t, with the C line t stops at (or `where`, found earlier, for a call that slept).
    // (look_up false: `where` is final, even when empty.)
    void emit(Tracee& t, RecEntry::Kind kind, std::string text, std::optional<SourceLine> where = std::nullopt, bool look_up = true);
    void emit_expect(std::string text);
    void include(Tracee& t);
    std::optional<std::string> read_bytes(int pid, std::uint64_t addr, std::size_t n) const;

    Recording& m_rec;
    TraceOptions m_opt;
    std::map<int, Tracee> m_tracees;  // by pid
    std::vector<int> m_order;         // pids in the order they appeared: the round robin's order
    std::size_t m_next = 0;
    Clock::time_point m_deadline;
    bool m_ended = false;
    SourceLines m_lines;
    std::map<std::pair<char, std::int64_t>, std::string> m_ids;  // ('m'|'q'|'s', id) -> variable
    std::map<char, int> m_var_count;
    int m_addr_count = 0;
    std::map<int, std::map<std::uint64_t, std::string>> m_segment_pages;  // shmid -> page index -> bytes
    std::set<std::pair<int, int>> m_dispositions;  // (RecProc, signal) whose `signal` step is written
    int m_exec_failed[2] = {-1, -1};  // the command's process writes execvp's errno here
    std::optional<std::string> m_command_error;
};

}  // namespace real::record
