#include "explain/catalog.h"
#include "cli/perfetto.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <tuple>

#include "cli/trace.h"
#include "explain/present.h"
#include "sim/scenario/diagnostic.h"
#include "sim/text.h"

namespace cli {

using nlohmann::json;
using sim::EventKind;
using sim::ObjKind;

namespace {

// The task an event is about, when its first structure is one.
std::optional<int> task_of(const sim::KernelEvent& e) {
    if (e.touched.empty() || e.touched[0].kind != ObjKind::task_struct) return std::nullopt;
    return static_cast<int>(e.touched[0].id);
}

// The wait list a process joins when it goes to sleep in msgsnd or msgrcv (do_exit's "leaves the
// wait queue" is a sleep event too, but about leaving).
std::optional<std::string> sleep_list(const sim::KernelEvent& e) {
    if (e.kind != EventKind::sleep) return std::nullopt;
    for (const auto& t : e.touched) {
        if (t.kind == ObjKind::msg_receiver) return "q_receivers";
        if (t.kind == ObjKind::msg_sender) return "q_senders";
    }
    return std::nullopt;
}

bool terminal(const sim::KernelEvent& e) { return e.kind == EventKind::ret || e.kind == EventKind::error || sleep_list(e); }

const sim::ObjRef* touched(const sim::KernelEvent& e, ObjKind kind) {
    for (const auto& t : e.touched)
        if (t.kind == kind) return &t;
    return nullptr;
}

json slice(const std::string& name, int tid, std::int64_t ts, std::int64_t end, json args) {
    return {{"ph", "X"}, {"name", name}, {"cat", "ipc"}, {"pid", PerfettoTrace::kTracePid}, {"tid", tid},
            {"ts", ts}, {"dur", std::max<std::int64_t>(0, end - ts)}, {"args", std::move(args)}};
}

json instant(const std::string& name, int tid, std::int64_t ts, json args) {
    return {{"ph", "i"}, {"s", "t"}, {"name", name}, {"cat", "ipc"}, {"pid", PerfettoTrace::kTracePid}, {"tid", tid},
            {"ts", ts}, {"args", std::move(args)}};
}

json metadata(const char* what, int tid, json args) {
    return {{"ph", "M"}, {"name", what}, {"pid", PerfettoTrace::kTracePid}, {"tid", tid}, {"args", std::move(args)}};
}

}  // namespace

void PerfettoTrace::add_step(const sim::StepRecord& r, const sim::Kernel& k) {
    begin_step(r, k);
    int current = m_step.caller;
    for (std::size_t i = 0; i < r.outcome.events.size(); ++i) take_event(i, current);
    for (auto& [pid, t] : m_tracks)
        if (t.open) close_segment(pid, nullptr);
    counters(slot_start(r.outcome.events.size()));
    step_slice();
    m_now += m_step.width;
}

void PerfettoTrace::begin_step(const sim::StepRecord& r, const sim::Kernel& k) {
    auto n = static_cast<std::int64_t>(r.outcome.events.size());
    // Room for every event and a slot of air at each end, in whole steps of kStepSpan.
    std::int64_t width = std::max(kStepSpan, ((n + 2) * kMinSlot + kStepSpan - 1) / kStepSpan * kStepSpan);
    const sim::task_struct* caller = k.task_by_name(m_s.steps[r.index].proc);
    int pid = caller ? caller->pid : 0;
    if (!caller && !r.outcome.events.empty()) pid = task_of(r.outcome.events[0]).value_or(0);
    m_step = {&r, &k, m_now, width, width / (n + 2), pid, false};
}

// Whose event i is: the task whose kernel code runs (the caller, until a woken task resumes), or
// the task a return or error names when that is another (a signal ends its sleep: EINTR).
void PerfettoTrace::take_event(std::size_t i, int& current) {
    const auto& e = event(i);
    auto who = task_of(e);
    int owner = current;
    if (e.kind == EventKind::resume && who) owner = current = *who;
    else if ((e.kind == EventKind::ret || e.kind == EventKind::error) && who && *who != current) owner = *who;
    Track& t = m_tracks[owner];
    if (t.open && e.kind == EventKind::resume) close_segment(owner, nullptr);
    if (!t.open && !open_segment(owner, i, current)) {
        orphan(i);
        return;
    }
    t.open->events.push_back(i);
    annotate(owner, i);
    if (terminal(e)) close_segment(owner, &e);
}

// A call's stretch begins with its entry, with a woken task's resume, or with the return an other
// task's action makes for it; the caller's first event begins its call anyway.
bool PerfettoTrace::open_segment(int pid, std::size_t i, int current) {
    const auto& e = event(i);
    Track& t = m_tracks[pid];
    bool caller_call = pid == m_step.caller && (e.kind == EventKind::syscall || !m_step.caller_started);
    if (!caller_call && e.kind != EventKind::resume && pid == current) return false;
    if (caller_call) {
        const auto& step = m_s.steps[m_step.record->index];
        m_step.caller_started = true;
        t.call = step.call.name;
        t.kind = step.call.kind;
        t.call_args = {{"call", (step.var ? *step.var + " = " : "") + call_source(m_s, step)}, {"line", step.pos.line},
                       {"called in step", m_step.record->index + 1}};
    }
    if (t.asleep) t.asleep->until = slot_start(i);
    t.open = Segment{t.call.empty() ? std::string(e.function) : t.call, {}};
    return true;
}

void PerfettoTrace::close_segment(int pid, const sim::KernelEvent* end) {
    Track& t = m_tracks[pid];
    Segment seg = std::move(*t.open);
    t.open.reset();
    if (seg.events.empty()) return;
    std::string outcome = outcome_of(pid, t, end);
    if (t.asleep) emit_sleep(pid, t, t.asleep->until, outcome);
    json args = t.call_args;
    args["outcome"] = outcome;
    if (pid != m_step.caller) args["runs again in step"] = m_step.record->index + 1;
    m_events.push_back(slice(seg.name, pid, slot_start(seg.events.front()), slot_end(seg.events.back()), std::move(args)));
    emit_children(pid, seg);
    if (end && sleep_list(*end)) {
        t.asleep = Sleep{slot_end(seg.events.back()), m_step.record->index + 1, *sleep_list(*end), 0};
    }
}

// How the stretch ended: the return or errno its last event gives, going to sleep, or (for the
// caller's call, which may also exit or die) the step's own outcome.
std::string PerfettoTrace::outcome_of(int pid, const Track& t, const sim::KernelEvent* end) const {
    sim::StepOutcome o;
    if (!end) {
        if (pid == m_step.caller) return explain::outcome_text(m_step.record->outcome, t.kind);
        return "";
    }
    if (sleep_list(*end)) o.fate = sim::Fate::blocked;
    else if (end->kind == EventKind::error) {
        o.ret = -1;
        o.err = static_cast<int>(end->arg("errno").value_or(0));
    } else if (const sim::task_struct* task = m_step.kernel->task(pid); task && pid != m_step.caller) {
        o.ret = task->regs.ret;  // a woken task's call is the last it finished: its registers hold it
        o.data = task->regs.data;
        o.mtype = task->regs.mtype;
    } else {
        o.ret = static_cast<std::int64_t>(end->arg("ret").value_or(end->arg("addr").value_or(0)));
    }
    if (pid == m_step.caller && end == &m_step.record->outcome.events.back() && o.fate != sim::Fate::blocked)
        return explain::outcome_text(m_step.record->outcome, t.kind);
    return explain::outcome_text(o, t.kind);
}

// One child slice per run of events in the same kernel function, each inside its events' slots.
void PerfettoTrace::emit_children(int pid, const Segment& seg) {
    const auto& texts = m_step.record->outcome.texts;
    for (std::size_t a = 0; a < seg.events.size();) {
        std::size_t b = a;
        while (b + 1 < seg.events.size() && event(seg.events[b + 1]).function == event(seg.events[a]).function) ++b;
        json what = json::array(), kinds = json::array();
        for (std::size_t j = a; j <= b; ++j) {
            what.push_back(explain::sentence(event(seg.events[j]), texts, *m_step.kernel));
            kinds.push_back(sim::to_string(event(seg.events[j]).kind));
        }
        json args = {{"what", what.size() == 1 ? what[0] : what}, {"kind", kinds.size() == 1 ? kinds[0] : kinds}};
        m_events.push_back(slice(std::string(event(seg.events[a]).function), pid, slot_start(seg.events[a]) + 1,
                                 slot_end(seg.events[b]) - 1, std::move(args)));
        a = b + 1;
    }
}

void PerfettoTrace::emit_sleep(int pid, Track& t, std::int64_t until, const std::string& result) {
    json args = t.call_args;
    args["wait list"] = t.asleep->list;
    args["asleep since step"] = t.asleep->step;
    args["result"] = result;
    m_events.push_back(slice(fmt::format("asleep in {} ({})", t.call, t.asleep->list), pid, t.asleep->since, until, std::move(args)));
    t.asleep.reset();
}

// What an event adds beside its slice: a fault's instant, a process's end, a message's flow.
void PerfettoTrace::annotate(int pid, std::size_t i) {
    const auto& e = event(i);
    if (e.kind == EventKind::page_fault) fault_instant(pid, i);
    if (e.kind == EventKind::task_change && e.function == "do_exit") task_exit(pid, i);
    message_flow(pid, i);
}

// A fault: the page's address, and whether it took a new frame (the fault's events run up to the
// next access, fault or return).
void PerfettoTrace::fault_instant(int pid, std::size_t i) {
    const auto& e = event(i);
    json args = {{"what", explain::sentence(e, m_step.record->outcome.texts, *m_step.kernel)}};
    if (auto pages = e.arg("pages")) {  // handle_mm_fault sums up the pages after the first ones
        args["pages"] = *pages;
        args["faults"] = e.arg("faults").value_or(0);
        args["frames allocated"] = e.arg("frames").value_or(0);
        m_events.push_back(instant("page_fault", pid, slot_mid(i), std::move(args)));
        return;
    }
    args["address"] = sim::hex(e.arg("vaddr").value_or(0));
    bool allocated = false;
    const auto& events = m_step.record->outcome.events;
    for (std::size_t j = i + 1; j < events.size(); ++j) {
        const auto& f = events[j];
        if (f.kind == EventKind::page_fault || f.kind == EventKind::ret || f.kind == EventKind::error || f.function == "MMU") break;
        if (f.kind == EventKind::frame_alloc) {
            allocated = true;
            args["frame"] = sim::hex(f.arg("pfn").value_or(0));
        }
    }
    args["frame allocated"] = allocated;
    m_events.push_back(instant("page_fault", pid, slot_mid(i), std::move(args)));
}

// do_exit: an instant on the track of the process that ends; a sleep it ends, ends there.
void PerfettoTrace::task_exit(int pid, std::size_t i) {
    const auto& e = event(i);
    int dying = task_of(e).value_or(pid);
    Track& t = m_tracks[dying];
    sim::StepOutcome o;
    o.fate = e.arg("sig").value_or(0) ? sim::Fate::killed : sim::Fate::exited;
    o.signo = static_cast<int>(e.arg("sig").value_or(0));
    std::string result = explain::outcome_text(o, t.kind);
    if (t.asleep && !t.open) emit_sleep(dying, t, slot_start(i), result);
    m_events.push_back(instant("do_exit", dying, slot_mid(i), {{"what", explain::sentence(e, m_step.record->outcome.texts, *m_step.kernel)}}));
}

// A message's way from msgsnd to msgrcv, by its identity in the model (msqid, serial): queued by
// do_msgsnd and taken by do_msgrcv, or handed by pipelined_send to a sleeping receiver, which takes it
// when it runs again. A message nobody receives (freed by IPC_RMID) draws no arrow.
void PerfettoTrace::message_flow(int pid, std::size_t i) {
    const auto& e = event(i);
    const sim::ObjRef* msg = touched(e, ObjKind::msg_msg);
    if (e.kind == EventKind::resume) {
        if (auto it = m_piped.find(pid); it != m_piped.end()) {
            flow_end(std::move(it->second), pid, i);
            m_piped.erase(it);
        }
        return;
    }
    if (!msg) return;
    auto key = std::make_pair(msg->id, msg->sub);
    if (e.kind == EventKind::copy && e.function == "pipelined_send") {
        if (const sim::ObjRef* r = touched(e, ObjKind::msg_receiver)) m_piped[static_cast<int>(r->id)] = flow_start(pid, i, *msg);
    } else if (e.kind == EventKind::create && e.function == "do_msgsnd") {
        m_queued[key] = flow_start(pid, i, *msg);
    } else if (e.kind == EventKind::destroy && e.function == "do_msgrcv") {
        if (auto it = m_queued.find(key); it != m_queued.end()) {
            flow_end(std::move(it->second), pid, i);
            m_queued.erase(it);
        }
    }
}

json PerfettoTrace::flow_start(int pid, std::size_t i, const sim::ObjRef& msg) {
    return {{"ph", "s"}, {"name", "msg_msg"}, {"cat", "message"}, {"id", m_next_flow++}, {"pid", kTracePid}, {"tid", pid},
            {"ts", slot_mid(i)}, {"args", {{"msqid", msg.id}, {"serial", msg.sub}, {"sent in step", m_step.record->index + 1}}}};
}

// Both ends go out together, so that every arrow that starts also arrives.
void PerfettoTrace::flow_end(json start, int pid, std::size_t i) {
    json end = {{"ph", "f"}, {"bp", "e"}, {"name", "msg_msg"}, {"cat", "message"}, {"id", start["id"]}, {"pid", kTracePid},
                {"tid", pid}, {"ts", slot_mid(i)}, {"args", start["args"]}};
    end["args"]["received in step"] = m_step.record->index + 1;
    m_events.push_back(std::move(start));
    m_events.push_back(std::move(end));
}

// An event outside any call (the scheduler's race between woken tasks): on the steps track.
void PerfettoTrace::orphan(std::size_t i) {
    const auto& e = event(i);
    m_events.push_back(instant(std::string(e.function), kStepsTid, slot_mid(i),
                               {{"what", explain::sentence(e, m_step.record->outcome.texts, *m_step.kernel)}}));
}

// nattch per segment, qnum and cbytes per queue, when they change; an object that is gone drops to 0.
void PerfettoTrace::counters(std::int64_t ts) {
    std::map<std::string, json> now;
    const auto& ns = m_step.kernel->ns();
    for (const auto& [idx, seg] : ns.shm_ids.entries) now[fmt::format("shmid {}", seg.shm_perm.id)] = {{"nattch", seg.shm_nattch}};
    for (const auto& [idx, q] : ns.msg_ids.entries)
        now[fmt::format("msqid {}", q.q_perm.id)] = {{"qnum", q.q_qnum}, {"cbytes", q.q_cbytes}};
    for (auto it = m_counters.begin(); it != m_counters.end();) {
        if (now.contains(it->first)) {
            ++it;
            continue;
        }
        json zero = it->second;
        for (auto& [k, v] : zero.items()) v = 0;
        if (zero != it->second) m_events.push_back({{"ph", "C"}, {"name", it->first}, {"pid", kTracePid}, {"ts", ts}, {"args", zero}});
        it = m_counters.erase(it);
    }
    for (auto& [name, values] : now) {
        if (auto it = m_counters.find(name); it != m_counters.end() && it->second == values) continue;
        m_events.push_back({{"ph", "C"}, {"name", name}, {"pid", kTracePid}, {"ts", ts}, {"args", values}});
        m_counters[name] = values;
    }
}

// The step on the steps track: what was called, the notes shown with it, and its checks.
void PerfettoTrace::step_slice() {
    const auto& r = *m_step.record;
    const auto& step = m_s.steps[r.index];
    json notes = json::array(), checks = json::array();
    for (const auto& n : step.notes) notes.push_back(n.in(m_lang));
    for (const auto& c : r.checks) {
        std::string text = format_check(c);
        auto first = text.find_first_not_of(' '), last = text.find_last_not_of("\n ");
        checks.push_back(first == std::string::npos ? text : text.substr(first, last + 1 - first));
    }
    json args = {{"line", step.pos.line}, {"outcome", explain::outcome_text(r.outcome, step.call.kind)}};
    if (!notes.empty()) args["notes"] = notes;
    if (!checks.empty()) args["checks"] = checks;
    std::string name = fmt::format("[{}] {}: {}{}", r.index + 1, step.proc, step.var ? *step.var + " = " : "", call_source(m_s, step));
    m_events.push_back(slice(name, kStepsTid, m_step.base, m_step.base + m_step.width, std::move(args)));
}

json PerfettoTrace::finish(const sim::Kernel& k) {
    std::string still = std::string(explain::tr("still asleep when the scenario ends"));
    for (auto& [pid, t] : m_tracks)
        if (t.asleep) emit_sleep(pid, t, m_now, still);
    const std::string& title = m_s.title.in(m_lang);
    m_events.push_back(metadata("process_name", kStepsTid, {{"name", title.empty() ? m_s.file : title}}));
    m_events.push_back(metadata("thread_name", kStepsTid, {{"name", std::string(explain::tr("steps"))}}));
    m_events.push_back(metadata("thread_sort_index", kStepsTid, {{"sort_index", 0}}));
    for (const auto& [pid, task] : k.tasks()) {
        m_events.push_back(metadata("thread_name", pid, {{"name", task.comm}}));
        m_events.push_back(metadata("thread_sort_index", pid, {{"sort_index", pid}}));
    }
    // In time order, the names first, and a parent before the children that start with it: what
    // chrome://tracing expects, and easier to read.
    std::stable_sort(m_events.begin(), m_events.end(), [](const json& a, const json& b) {
        auto key = [](const json& e) {
            return std::make_tuple(e["ph"] != "M", e.value("ts", std::int64_t{0}), -e.value("dur", std::int64_t{0}));
        };
        return key(a) < key(b);
    });
    return {{"traceEvents", std::move(m_events)}, {"displayTimeUnit", "ms"},
            {"otherData", {{"scenario", m_s.file}, {"clock", fmt::format("synthetic: {} us per step", kStepSpan)}}}};
}

bool write_trace(const std::string& path, const json& trace) {
    std::string text = trace.dump(-1, ' ', false, json::error_handler_t::replace);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    bool opened = out.is_open();
    if (opened) out << text << "\n" << std::flush;
    if (out) return true;
    std::string why = errno ? std::strerror(errno) : "write error";
    if (opened) {
        out.close();
        std::error_code ignored;
        std::filesystem::remove(path, ignored);  // no half-written trace stays behind
    }
    std::cerr << sim::scenario::printable(explain::say("{file}: error: cannot write the trace: {why}", fmt::arg("file", path), fmt::arg("why", why))) << "\n";
    return false;
}

}  // namespace cli
