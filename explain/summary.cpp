#include "explain/summary.h"

#include <fmt/format.h>

#include "explain/catalog.h"
#include "explain/present.h"
#include "sim/scenario/constants.h"

namespace explain {
namespace {

using sim::EventKind;
using sim::KernelEvent;
using sim::ObjKind;

std::uint64_t arg_or(const KernelEvent& e, std::string_view name, std::uint64_t otherwise = 0) { return e.arg(name).value_or(otherwise); }

std::string name_of(const sim::Kernel& k, std::int64_t pid) {
    const sim::task_struct* t = k.task(static_cast<int>(pid));
    return t ? t->comm : fmt::format("pid {}", pid);
}

std::string hex(std::uint64_t v) { return fmt::format("{:#x}", v); }

// The first ref of `kind` an event touched.
const sim::ObjRef* ref(const KernelEvent& e, ObjKind kind) {
    for (const auto& r : e.touched)
        if (r.kind == kind) return &r;
    return nullptr;
}

// What the page faults of a step came to: how many, the first one's address, and what served them.
struct Faults {
    int faults = 0, frames = 0, found = 0, tables = 0, protection = 0;
    const KernelEvent* first = nullptr;       // the first fault
    const KernelEvent* first_frame = nullptr;  // the first frame allocated, or the first found in the page cache
    bool mapped_already = false;              // an access the page table served with no fault
};

Faults faults_of(const std::vector<KernelEvent>& events) {
    Faults f;
    for (const auto& e : events) {
        if (e.kind == EventKind::page_fault && e.arg("vaddr")) {
            ++f.faults;
            if (e.arg("pfn")) ++f.protection;
            if (!f.first) f.first = &e;
        } else if (e.kind == EventKind::frame_alloc) {
            if (!f.first_frame) f.first_frame = &e;
            ++f.frames;
        } else if (e.kind == EventKind::page_lookup && e.arg("pfn")) {
            if (!f.first_frame) f.first_frame = &e;
            ++f.found;
        } else if (e.kind == EventKind::pgtable_alloc) {
            ++f.tables;
        } else if (e.kind == EventKind::lookup && e.function == "MMU") {
            f.mapped_already = true;
        }
    }
    return f;
}

std::string fault_phrase(const Faults& f, const sim::Kernel& k) {
    if (!f.first) return {};
    std::string who = name_of(k, static_cast<std::int64_t>(arg_or(*f.first, "task")));
    std::string at = hex(arg_or(*f.first, "vaddr"));
    if (f.protection) return say("{who} faults at {vaddr}: the page is mapped, but not for this access", fmt::arg("who", who), fmt::arg("vaddr", at));
    std::string served;
    if (f.frames > 0 && f.found == 0)
        served = f.frames == 1 ? say("frame {pfn} is allocated and zeroed", fmt::arg("pfn", hex(arg_or(*f.first_frame, "pfn"))))
                               : say("{n} frames are allocated and zeroed", fmt::arg("n", f.frames));
    else if (f.found > 0 && f.frames == 0)
        served = say("the page is already in segment {shmid} (frame {pfn}), so no frame is allocated",
                     fmt::arg("shmid", arg_or(*f.first_frame, "shmid")), fmt::arg("pfn", hex(arg_or(*f.first_frame, "pfn"))));
    else if (f.found > 0)
        served = say("{found} page(s) are already in the segment and {frames} get a new frame", fmt::arg("found", f.found), fmt::arg("frames", f.frames));
    std::string line = f.faults == 1 ? say("{who} faults at {vaddr}", fmt::arg("who", who), fmt::arg("vaddr", at))
                                     : say("{who} faults {n} times, first at {vaddr}", fmt::arg("who", who), fmt::arg("n", f.faults), fmt::arg("vaddr", at));
    if (!served.empty()) line = say("{fault}: {served}", fmt::arg("fault", line), fmt::arg("served", served));
    if (f.tables > 0) line = say("{before}; {n} page-table page(s) allocated", fmt::arg("before", line), fmt::arg("n", f.tables));
    return line;
}

// The phrase of one event that matters to a summary, or nothing.
std::string phrase(const KernelEvent& e, const sim::StepOutcome& o, const sim::Kernel& k) {
    switch (e.kind) {
    case EventKind::error:
        return say("{who}'s call fails with {errno}: {why}", fmt::arg("who", name_of(k, e.touched.empty() ? 0 : e.touched[0].id)),
                   fmt::arg("errno", sim::scenario::errno_name(static_cast<int>(arg_or(e, "errno")))), fmt::arg("why", reason(e, o.texts, k)));
    case EventKind::signal:
    case EventKind::task_change:
    case EventKind::mark_destroy: return sentence(e, o.texts, k);
    case EventKind::create:
        if (const auto* m = ref(e, ObjKind::msg_msg))
            return say("a message of type {mtype} joins queue {msqid}", fmt::arg("mtype", static_cast<std::int64_t>(arg_or(e, "mtype"))),
                       fmt::arg("msqid", m->id));
        if (const auto* s = ref(e, ObjKind::shmid_kernel)) return say("segment {shmid} is created, with no frame yet", fmt::arg("shmid", s->id));
        if (const auto* q = ref(e, ObjKind::msg_queue)) return say("queue {msqid} is created, empty", fmt::arg("msqid", q->id));
        if (ref(e, ObjKind::sem_undo)) return {};
        if (const auto* s = ref(e, ObjKind::sem_array)) return say("semaphore set {semid} is created, every value 0", fmt::arg("semid", s->id));
        return {};
    case EventKind::attach:
        if (e.function != "do_mmap") return {};
        return say("{who} gets vm_area_struct [{start}, {end})", fmt::arg("who", name_of(k, static_cast<std::int64_t>(arg_or(e, "task")))),
                   fmt::arg("start", hex(arg_or(e, "start"))), fmt::arg("end", hex(arg_or(e, "end"))));
    case EventKind::detach:
        if (e.function != "shm_close") return {};
        return say("segment {shmid}: shm_nattch {old} -> {nattch}", fmt::arg("shmid", ref(e, ObjKind::shmid_kernel)->id), fmt::arg("old", arg_or(e, "old")),
                   fmt::arg("nattch", arg_or(e, "nattch")));
    case EventKind::copy:
        if (e.function == "pipelined_send")
            return say("the message goes straight to {receiver}, who sleeps waiting for it",
                       fmt::arg("receiver", name_of(k, static_cast<std::int64_t>(arg_or(e, "receiver")))));
        return {};
    case EventKind::destroy:
        if (const auto* m = ref(e, ObjKind::msg_msg))
            return say("{who} takes the message off queue {msqid}", fmt::arg("who", name_of(k, static_cast<std::int64_t>(arg_or(e, "who")))),
                       fmt::arg("msqid", m->id));
        if (const auto* s = ref(e, ObjKind::shmid_kernel)) return say("segment {shmid} and its frames are freed", fmt::arg("shmid", s->id));
        if (const auto* q = ref(e, ObjKind::msg_queue)) return say("queue {msqid} is freed", fmt::arg("msqid", q->id));
        if (ref(e, ObjKind::sem_undo)) return {};
        if (const auto* s = ref(e, ObjKind::sem_array); s && e.function == "freeary" && ref(e, ObjKind::ipc_ids))
            return say("semaphore set {semid} is freed", fmt::arg("semid", s->id));
        return {};
    case EventKind::sleep: {
        const sim::ObjRef* t = e.touched.size() > 1 ? &e.touched[1] : nullptr;
        if (!t) return {};
        if (t->kind == ObjKind::msg_sender) return say("{who} sleeps on q_senders: the queue is full", fmt::arg("who", name_of(k, t->id)));
        if (t->kind == ObjKind::msg_receiver) return say("{who} sleeps on q_receivers: no message matches", fmt::arg("who", name_of(k, t->id)));
        if (t->kind == ObjKind::sem_queue) return say("{who} sleeps in semop: its operations cannot all be done yet", fmt::arg("who", name_of(k, t->id)));
        return {};
    }
    case EventKind::wake: return say("{who} is woken", fmt::arg("who", name_of(k, e.touched.empty() ? 0 : e.touched[0].id)));
    default: return {};
    }
}

}  // namespace

std::string step_summary(const sim::StepOutcome& o, const sim::Kernel& k) {
    std::vector<std::string> parts;
    Faults f = faults_of(o.events);
    if (std::string fault = fault_phrase(f, k); !fault.empty()) parts.push_back(std::move(fault));
    else if (f.mapped_already) parts.push_back(std::string(tr("no page fault: the page table already maps every page touched")));
    const KernelEvent* first_close = nullptr;  // detaches of one segment in a row say where nattch went from and to
    for (const auto& e : o.events) {
        bool closes = e.kind == EventKind::detach && e.function == "shm_close";
        if (closes && first_close && ref(*first_close, ObjKind::shmid_kernel)->id == ref(e, ObjKind::shmid_kernel)->id) {
            parts.back() = say("segment {shmid}: shm_nattch {old} -> {nattch}", fmt::arg("shmid", ref(e, ObjKind::shmid_kernel)->id),
                               fmt::arg("old", arg_or(*first_close, "old")), fmt::arg("nattch", arg_or(e, "nattch")));
            continue;
        }
        std::string p = phrase(e, o, k);
        if (p.empty()) continue;
        first_close = closes ? &e : nullptr;
        if (parts.empty() || parts.back() != p) parts.push_back(std::move(p));
    }
    if (parts.empty()) {
        // Nothing moved but the call itself: the last thing it did before returning says most.
        // Checks that passed say least: a lookup or a change says more.
        auto last = [&](auto wanted) -> const KernelEvent* {
            for (auto it = o.events.rbegin(); it != o.events.rend(); ++it)
                if (wanted(it->kind)) return &*it;
            return nullptr;
        };
        auto moves = [](EventKind kd) { return kd != EventKind::ret && kd != EventKind::syscall && kd != EventKind::check && kd != EventKind::perm_check; };
        const KernelEvent* e = last(moves);
        if (!e) e = last([](EventKind kd) { return kd != EventKind::ret && kd != EventKind::syscall; });
        return e ? sentence(*e, o.texts, k) : std::string(tr("nothing in the kernel's structures changes"));
    }
    std::string out = parts.front();
    for (std::size_t i = 1; i < parts.size(); ++i) out = say("{before}; {next}", fmt::arg("before", out), fmt::arg("next", parts[i]));
    return out;
}

}  // namespace explain
