#include "viz/view.h"

#include <algorithm>

namespace viz {

using sim::EventKind;
using sim::ObjKind;

const std::vector<sim::KernelEvent>& View::events() const {
    static const std::vector<sim::KernelEvent> none;
    return record ? record->outcome.events : none;
}

const sim::KernelEvent* View::current_event() const {
    const auto& ev = events();
    return event >= 0 && static_cast<std::size_t>(event) < ev.size() ? &ev[static_cast<std::size_t>(event)] : nullptr;
}

static std::optional<sim::ObjRef> first_of(const sim::KernelEvent& e, std::initializer_list<ObjKind> kinds) {
    for (const auto& r : e.touched)
        if (std::find(kinds.begin(), kinds.end(), r.kind) != kinds.end()) return r;
    return std::nullopt;
}

std::optional<sim::ObjRef> created_by(const sim::KernelEvent& e) {
    switch (e.kind) {
    case EventKind::pte_install: return first_of(e, {ObjKind::pte});
    case EventKind::frame_alloc: return first_of(e, {ObjKind::page});
    case EventKind::sleep: return first_of(e, {ObjKind::msg_receiver, ObjKind::msg_sender});
    case EventKind::attach: return first_of(e, {ObjKind::vm_area_struct});
    case EventKind::create: return first_of(e, {ObjKind::msg_msg, ObjKind::shmid_kernel, ObjKind::msg_queue});
    default: return std::nullopt;
    }
}

bool View::pending(const sim::ObjRef& r) const {
    const auto& ev = events();
    for (std::size_t j = static_cast<std::size_t>(event + 1); j < ev.size(); ++j)
        if (auto made = created_by(ev[j]); made && *made == r) return true;
    return false;
}

bool View::touched_now(const sim::ObjRef& r) const {
    const sim::KernelEvent* e = current_event();
    return e && std::find(e->touched.begin(), e->touched.end(), r) != e->touched.end();
}

}  // namespace viz
