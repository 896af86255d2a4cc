#include "viz/walk.h"

#include <algorithm>
#include <vector>

namespace viz {
namespace {

using sim::EventKind;
using sim::ObjKind;

constexpr int kShift[4] = {39, 30, 21, 12};

// The PTE an event touches, if any: (pid, page address).
std::optional<std::pair<int, std::uint64_t>> pte_of(const sim::KernelEvent& e) {
    for (const auto& r : e.touched)
        if (r.kind == ObjKind::pte) return std::pair{static_cast<int>(r.id), r.sub};
    return std::nullopt;
}

// The address the step's access walks to: the last PTE touched at or before the cursor, else the
// first one touched after it (the walk has not begun).
std::optional<std::pair<int, std::uint64_t>> access_of(const View& v) {
    const auto& ev = v.events();
    std::optional<std::pair<int, std::uint64_t>> found;
    for (int i = 0; i < static_cast<int>(ev.size()); ++i) {
        auto p = pte_of(ev[static_cast<std::size_t>(i)]);
        if (!p) continue;
        if (i <= v.event || !found) found = p;
        if (i > v.event) break;
    }
    // The byte the access starts at, when the walk is to its first page: the offset is part of the lesson.
    bool access = v.record && (v.record->call.kind == sim::scenario::CallKind::Store || v.record->call.kind == sim::scenario::CallKind::Load);
    if (found && access && !v.record->call.args.empty()) {
        auto start = static_cast<std::uint64_t>(v.record->call.args[0]);
        if (sim::page_align_down(start) == found->second) found->second = start;
    }
    return found;
}

// The level a pgtable_alloc event allocates, from the function that does it (sim/pgtable.cpp).
int alloc_level(const sim::KernelEvent& e) {
    if (e.function == "__pud_alloc") return 1;
    if (e.function == "__pmd_alloc") return 2;
    return 3;  // __do_fault's pte_alloc_one
}

// Whether event i of the step allocates the table of `level` that maps vaddr.
bool allocates(const sim::KernelEvent& e, int pid, int level, std::uint64_t vaddr) {
    if (e.kind != EventKind::pgtable_alloc || e.touched.empty() || e.touched[0].id != pid || alloc_level(e) != level) return false;
    auto start = e.arg("start");
    return start && (*start >> kShift[level - 1]) == (vaddr >> kShift[level - 1]);
}

// Whether a later event of the step allocates the table of `level` whose region is `region`.
bool allocated_later(const View& v, int pid, int level, std::uint64_t region) {
    const auto& ev = v.events();
    for (int i = v.event + 1; i < static_cast<int>(ev.size()); ++i)
        if (allocates(ev[static_cast<std::size_t>(i)], pid, level, region << kShift[level - 1])) return true;
    return false;
}

// The entries in use in the table of `level` on vaddr's walk, at the cursor, by index: its child
// tables, or for a PTE table its present entries, less those a later event of the step makes.
std::vector<unsigned> used_entries(const View& v, const sim::task_struct& t, int level, std::uint64_t vaddr) {
    const auto& tables = t.mm.pgtables.tables;
    std::vector<unsigned> out;
    if (level < 3) {
        for (std::uint64_t r : tables[level])
            if ((level == 0 || (r >> 9) == vaddr >> kShift[level - 1]) && !allocated_later(v, t.pid, level + 1, r))
                out.push_back(static_cast<unsigned>(r & 511));
        return out;
    }
    std::uint64_t base = vaddr & ~((std::uint64_t{1} << 21) - 1);
    for (unsigned i = 0; i < 512; ++i) {
        std::uint64_t a = base + i * sim::PAGE_SIZE;
        if (t.mm.page_table.find(a) != t.mm.page_table.end() && !v.pending({ObjKind::pte, t.pid, a})) out.push_back(i);
    }
    return out;
}

}  // namespace

std::optional<Walk> walk_of(const View& v) {
    if (!v.kernel) return std::nullopt;
    static std::optional<std::pair<int, std::uint64_t>> none;
    const auto& picked = v.picked ? *v.picked : none;
    std::optional<std::pair<int, std::uint64_t>> at = picked;
    if (!at || !v.kernel->task(at->first)) at = access_of(v);
    if (!at) return std::nullopt;
    const sim::task_struct* t = v.kernel->task(at->first);
    if (!t) return std::nullopt;
    Walk w;
    w.pid = at->first;
    w.vaddr = at->second;
    const auto& ev = v.events();
    const sim::KernelEvent* now = v.current_event();
    sim::ObjRef ref{ObjKind::pte, w.pid, sim::page_align_down(w.vaddr)};
    for (int level = 0; level < 4; ++level) {
        WalkTable& table = w.tables[static_cast<std::size_t>(level)];
        table.index = static_cast<unsigned>((w.vaddr >> kShift[level]) & 511);
        table.used_at = used_entries(v, *t, level, w.vaddr);
        table.used = static_cast<unsigned>(table.used_at.size());
        if (level == 0) {
            table.exists = true;  // every process has its PGD
            continue;
        }
        auto& regions = t->mm.pgtables.tables[level - 1];
        table.exists = std::binary_search(regions.begin(), regions.end(), w.vaddr >> kShift[level - 1]);
        for (int i = v.event + 1; i < static_cast<int>(ev.size()); ++i)
            if (allocates(ev[static_cast<std::size_t>(i)], w.pid, level, w.vaddr)) table.exists = false;
        table.allocating = now && allocates(*now, w.pid, level, w.vaddr);
    }
    auto pte = t->mm.page_table.find(ref.sub);
    if (pte != t->mm.page_table.end() && !v.pending(ref)) w.pte = pte->second;
    w.installing = now && now->kind == EventKind::pte_install && pte_of(*now) == std::pair{w.pid, ref.sub};
    w.faulting = now && now->kind == EventKind::page_fault && pte_of(*now) == std::pair{w.pid, ref.sub};
    w.pgtable_pages = t->mm.pgtables.pages();
    for (int level = 1; level < 4 && !w.stops_at; ++level)
        if (!w.tables[static_cast<std::size_t>(level)].exists) w.stops_at = static_cast<WalkLevel>(level);
    w.write = !picked && v.record && v.record->call.kind == sim::scenario::CallKind::Store;
    if (!w.stops_at && (!w.pte || w.pte->protnone || (w.write && !w.pte->writable))) w.stops_at = WalkLevel::pte;
    // The walk lights up stop by stop while the current event is the MMU's (a fault or a hit).
    bool walking = now && pte_of(*now) == std::pair{w.pid, ref.sub} && (now->kind == EventKind::page_fault || now->function == "MMU");
    bool before_access = !picked && v.event >= 0 && [&] {
        for (int i = 0; i <= v.event && i < static_cast<int>(ev.size()); ++i)
            if (pte_of(ev[static_cast<std::size_t>(i)])) return false;
        return true;
    }();
    if (walking) w.lit = 5.0f * v.anim;
    else if (before_access) w.lit = 0;
    return w;
}

}  // namespace viz
