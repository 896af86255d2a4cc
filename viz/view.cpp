#include "viz/view.h"

#include <algorithm>

#include "explain/present.h"

namespace viz {

using sim::EventKind;
using sim::ObjKind;

const std::vector<sim::KernelEvent>& View::events() const {
    static const std::vector<sim::KernelEvent> none;
    return record ? record->outcome.events : none;
}

const std::vector<sim::scenario::LessonText>* View::notes_in_force() const {
    if (!record) return nullptr;
    std::size_t i = record->index;
    while (i > 0 && scenario->steps[i].notes.empty()) --i;
    return &scenario->steps[i].notes;
}

namespace {

// The state an event gives a task, if it changes one (sim/msg.cpp, wait.cpp, task.cpp).
std::optional<sim::TaskState> state_given(const sim::KernelEvent& e, int pid) {
    auto is = [&](ObjKind kind) {
        return std::any_of(e.touched.begin(), e.touched.end(), [&](const sim::ObjRef& r) { return r.kind == kind && r.id == pid; });
    };
    switch (e.kind) {
    case EventKind::sleep:
        if (is(ObjKind::msg_receiver) || is(ObjKind::msg_sender) || is(ObjKind::sem_queue)) return sim::TaskState::blocked;
        return std::nullopt;
    case EventKind::wake:
    case EventKind::resume:
        if (is(ObjKind::task_struct)) return sim::TaskState::ready;
        return std::nullopt;
    case EventKind::task_change:
        if (e.function == "do_exit" && is(ObjKind::task_struct)) return e.arg("sig") ? sim::TaskState::killed : sim::TaskState::exited;
        return std::nullopt;
    default: return std::nullopt;
    }
}

}  // namespace

sim::TaskState View::task_state(int pid) const {
    const sim::task_struct* after = kernel ? kernel->task(pid) : nullptr;
    const sim::task_struct* was = before ? before->task(pid) : nullptr;
    std::optional<sim::TaskState> at_cursor;
    bool later = false;
    const auto& ev = events();
    for (int i = 0; i < static_cast<int>(ev.size()); ++i) {
        auto s = state_given(ev[static_cast<std::size_t>(i)], pid);
        if (s && i <= event) at_cursor = s;
        else if (s) later = true;
    }
    sim::TaskState final_state = after ? after->state : sim::TaskState::exited;
    if (!later) return final_state;
    return at_cursor ? *at_cursor : was ? was->state : final_state;
}

std::uint64_t View::value_at(const sim::ObjRef& ref, std::string_view name, std::uint64_t before_value, std::uint64_t after_value) const {
    std::optional<std::uint64_t> at_cursor;
    bool later = false;
    const auto& ev = events();
    for (int i = 0; i < static_cast<int>(ev.size()); ++i) {
        const auto& e = ev[static_cast<std::size_t>(i)];
        if (std::find(e.touched.begin(), e.touched.end(), ref) == e.touched.end()) continue;
        auto v = e.arg(name);
        if (!v) continue;
        if (i <= event) at_cursor = v;
        else later = true;
    }
    if (!later) return after_value;
    return at_cursor ? *at_cursor : before_value;
}

const sim::KernelEvent* View::current_event() const {
    const auto& ev = events();
    return event >= 0 && static_cast<std::size_t>(event) < ev.size() ? &ev[static_cast<std::size_t>(event)] : nullptr;
}

std::string View::sentence(const sim::KernelEvent& e) const {
    static const std::vector<std::string> none;
    return kernel ? explain::sentence(e, record ? record->outcome.texts : none, *kernel) : std::string();
}

// The first object the event touches of the first kind in `kinds` that it touches at all:
// the kinds are in order of preference (a new message, not the queue it joins).
std::string comm(const sim::Kernel& k, int pid) {
    const sim::task_struct* t = k.task(pid);
    return pid == 0 ? "-" : t ? t->comm : std::to_string(pid);
}

static std::optional<sim::ObjRef> first_of(const sim::KernelEvent& e, std::initializer_list<ObjKind> kinds) {
    for (ObjKind k : kinds)
        for (const auto& r : e.touched)
            if (r.kind == k) return r;
    return std::nullopt;
}

std::optional<sim::ObjRef> created_by(const sim::KernelEvent& e) {
    switch (e.kind) {
    case EventKind::pte_install: return first_of(e, {ObjKind::pte});
    case EventKind::frame_alloc: return first_of(e, {ObjKind::page});
    case EventKind::sleep: return first_of(e, {ObjKind::msg_receiver, ObjKind::msg_sender, ObjKind::sem_queue});
    case EventKind::attach: return first_of(e, {ObjKind::vm_area_struct});
    case EventKind::create: return first_of(e, {ObjKind::msg_msg, ObjKind::shmid_kernel, ObjKind::msg_queue, ObjKind::sem_array, ObjKind::sem_undo});
    default: return std::nullopt;
    }
}

bool removes(const sim::KernelEvent& e, const sim::ObjRef& r, const sim::Kernel* before) {
    auto touches = [&](const sim::ObjRef& x) { return std::find(e.touched.begin(), e.touched.end(), x) != e.touched.end(); };
    switch (r.kind) {
    case ObjKind::vm_area_struct: return e.kind == EventKind::detach && touches(r);
    case ObjKind::shmid_kernel:
    case ObjKind::msg_queue: return e.kind == EventKind::destroy && touches(r);
    case ObjKind::msg_msg: return e.kind == EventKind::destroy && touches(r);
    case ObjKind::sem_array:
    case ObjKind::sem_undo: return e.kind == EventKind::destroy && touches(r);
    case ObjKind::msg_receiver:
    case ObjKind::msg_sender:
    case ObjKind::sem_queue:  // a sleeper leaves its list when it is woken or dies
        return (e.kind == EventKind::wake || e.kind == EventKind::task_change) && touches({ObjKind::task_struct, r.id});
    case ObjKind::page: {  // a frame goes with its segment
        if (e.kind != EventKind::destroy || !before) return false;
        auto it = before->frames().find(static_cast<std::uint64_t>(r.id));
        return it != before->frames().end() && touches({ObjKind::shmid_kernel, it->second.owner_shmid});
    }
    default: return false;
    }
}

float View::leaving(const sim::ObjRef& r) const {
    const auto& ev = events();
    for (std::size_t j = 0; j < ev.size(); ++j) {
        if (!removes(ev[j], r, before)) continue;
        int at = static_cast<int>(j);
        return event < at ? 1.0f : event == at ? 1.0f - anim : 0.0f;
    }
    return 0.0f;
}

// Whether the object was there before the step began.
static bool existed(const sim::Kernel* k, const sim::ObjRef& r) {
    if (!k) return false;
    auto pid = static_cast<int>(r.id);
    const sim::task_struct* t = k->task(pid);
    auto in_queue = [&](auto has) {
        for (const auto& [idx, q] : k->ns().msg_ids.entries)
            if (has(q)) return true;
        return false;
    };
    switch (r.kind) {
    case ObjKind::pte: return t && t->mm.page_table.count(r.sub);
    case ObjKind::vm_area_struct: return t && t->mm.mmap.count(r.sub);
    case ObjKind::page: return k->frames().count(static_cast<std::uint64_t>(r.id)) > 0;
    case ObjKind::shmid_kernel: return k->ns().shm_ids.find_id(pid) != nullptr;
    case ObjKind::msg_queue: return k->ns().msg_ids.find_id(pid) != nullptr;
    case ObjKind::msg_msg:
        return in_queue([&](const sim::msg_queue& q) {
            return std::any_of(q.q_messages.begin(), q.q_messages.end(), [&](const sim::msg_msg& m) { return m.serial == r.sub; });
        });
    case ObjKind::msg_receiver:
        return in_queue([&](const sim::msg_queue& q) {
            return std::any_of(q.q_receivers.begin(), q.q_receivers.end(), [&](const sim::msg_receiver& x) { return x.r_tsk == pid; });
        });
    case ObjKind::msg_sender:
        return in_queue([&](const sim::msg_queue& q) {
            return std::any_of(q.q_senders.begin(), q.q_senders.end(), [&](const sim::msg_sender& x) { return x.tsk == pid; });
        });
    case ObjKind::sem_array: return k->ns().sem_ids.find_id(pid) != nullptr;
    case ObjKind::sem_queue:
        for (const auto& [idx, sma] : k->ns().sem_ids.entries)
            if (sma.queue_of(pid)) return true;
        return false;
    case ObjKind::sem_undo: {
        const sim::sem_array* sma = k->ns().sem_ids.find_id(pid);
        return sma && std::any_of(sma->list_id.begin(), sma->list_id.end(), [&](const sim::sem_undo& u) { return u.pid == static_cast<int>(r.sub); });
    }
    default: return false;
    }
}

// Not there yet: a later event of the step makes it, and it was not there all along (a sender
// that is woken, loses the race and sleeps again never left as far as the picture goes).
bool View::pending(const sim::ObjRef& r) const {
    const auto& ev = events();
    for (std::size_t j = static_cast<std::size_t>(event + 1); j < ev.size(); ++j)
        if (auto made = created_by(ev[j]); made && *made == r) return !existed(before, r);
    return false;
}

bool View::touched_now(const sim::ObjRef& r) const {
    const sim::KernelEvent* e = current_event();
    return e && std::find(e->touched.begin(), e->touched.end(), r) != e->touched.end();
}

}  // namespace viz
