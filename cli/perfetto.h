// `ipcsim run --perfetto OUT.json`: the run as a Chrome Trace Event file, which ui.perfetto.dev and
// chrome://tracing open.
//
// The model has no clock, so the trace has a synthetic one: step k occupies its own span of
// kStepSpan microseconds (more when it has many events), and the step's kernel-path events take
// equal slots of it, in the order the model recorded them. The trace has one process (pid 1, named
// after the lesson), a "steps" thread (tid 1: each step, its notes and checks) and one thread per
// scenario process (tid = the model's pid):
//   - a slice per call, named after it ("msgrcv"), whose children are its kernel path, one slice per
//     run of events in the same kernel function ("do_msgrcv", "ipcperms");
//   - a slice "asleep in msgrcv (q_receivers)" from the end of the call that went to sleep to the
//     slot in which the process runs again (or is killed), followed by the rest of the call;
//   - page faults as instants; a flow from each msgsnd to the msgrcv that took its message;
//   - counters: nattch per segment, qnum and cbytes per queue, after each step has settled.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/kernel.h"
#include "sim/runner.h"

namespace cli {

class PerfettoTrace {
public:
    static constexpr std::int64_t kStepSpan = 1000;  // microseconds of the synthetic clock per step
    static constexpr std::int64_t kMinSlot = 8;      // the least an event's slot takes (a big step grows)
    static constexpr int kTracePid = 1, kStepsTid = 1;

    PerfettoTrace(const sim::scenario::Scenario& s, sim::scenario::Lang lang) : m_s(s), m_lang(lang) {}
    // After each step has run: `k` is the model as the step left it.
    void add_step(const sim::StepRecord& r, const sim::Kernel& k);
    // The whole trace: closes the sleeps still open at the end and names the tracks.
    nlohmann::json finish(const sim::Kernel& k);

private:
    // A call's stretch on its process's track within one step: from its entry (or from where it
    // runs again after sleeping) to its return, its sleep or the end of the step.
    struct Segment {
        std::string name;
        std::vector<std::size_t> events;  // indices into the step's events
    };
    struct Sleep {
        std::int64_t since = 0;
        std::size_t step = 0;  // 1-based, where it went to sleep
        std::string list;      // q_receivers, q_senders
        std::int64_t until = 0;
    };
    struct Track {
        std::optional<Segment> open;
        std::optional<Sleep> asleep;
        std::string call;  // the call in progress, which a woken process continues
        sim::scenario::CallKind kind = sim::scenario::CallKind::Exit;
        nlohmann::json call_args = nlohmann::json::object();
    };
    struct StepContext {
        const sim::StepRecord* record = nullptr;
        const sim::Kernel* kernel = nullptr;
        std::int64_t base = 0, width = 0, slot = 0;
        int caller = 0;
        bool caller_started = false;
    };

    std::int64_t slot_start(std::size_t i) const { return m_step.base + static_cast<std::int64_t>(i + 1) * m_step.slot; }
    std::int64_t slot_end(std::size_t i) const { return slot_start(i) + m_step.slot; }
    std::int64_t slot_mid(std::size_t i) const { return slot_start(i) + m_step.slot / 2; }
    const sim::KernelEvent& event(std::size_t i) const { return m_step.record->outcome.events[i]; }

    void begin_step(const sim::StepRecord& r, const sim::Kernel& k);
    void take_event(std::size_t i, int& current);
    bool open_segment(int pid, std::size_t i, int current);
    void close_segment(int pid, const sim::KernelEvent* terminal);
    std::string outcome_of(int pid, const Track& t, const sim::KernelEvent* terminal) const;
    void emit_children(int pid, const Segment& seg);
    void emit_sleep(int pid, Track& t, std::int64_t until, const std::string& result);
    void annotate(int pid, std::size_t i);
    void fault_instant(int pid, std::size_t i);
    void task_exit(int pid, std::size_t i);
    void message_flow(int pid, std::size_t i);
    nlohmann::json flow_start(int pid, std::size_t i, const sim::ObjRef& msg);
    void flow_end(nlohmann::json start, int pid, std::size_t i);
    void orphan(std::size_t i);
    void counters(std::int64_t ts);
    void step_slice();

    const sim::scenario::Scenario& m_s;
    sim::scenario::Lang m_lang;
    nlohmann::json m_events = nlohmann::json::array();
    std::map<int, Track> m_tracks;
    StepContext m_step;
    std::int64_t m_now = 0;  // where the next step begins
    std::uint64_t m_next_flow = 1;
    std::map<std::pair<std::int64_t, std::uint64_t>, nlohmann::json> m_queued;  // (msqid, serial) -> its flow's start
    std::map<int, nlohmann::json> m_piped;  // receiver -> the start of the message pipelined_send handed it
    std::map<std::string, nlohmann::json> m_counters;  // the last values written
};

// Writes the trace to `path`; on failure prints why (FILE: error: ...), removes what it wrote, and
// returns false.
bool write_trace(const std::string& path, const nlohmann::json& trace);

}  // namespace cli
