// The page-table pages under System V mappings: a fault makes the tables its walk needs, and an
// unmap frees the ones no remaining mapping shares (mm/memory.c free_pgtables, free_pgd_range).
// __handle_mm_fault makes the PUD and PMD tables (__pud_alloc, __pmd_alloc); for a mapping with a
// fault handler, as a segment's is, __do_fault preallocates the PTE table (pte_alloc_one, before
// the handler may sleep) and finish_fault installs it (pmd_install), where anonymous memory would
// call __pte_alloc.
#include <algorithm>

#include "sim/kernel.h"

namespace sim {
namespace {

constexpr const char* kAlloc[3] = {"__pud_alloc", "__pmd_alloc", "__do_fault"};
// What each level's allocation says: the span one table maps, and where its parent entry is set.
constexpr const char* kAllocSays[3] = {
    N_("no PUD table maps [{start}, +512 GiB) yet: allocates a zeroed page of 512 entries and points the PGD entry at it ({task} now has {tables})"),
    N_("no PMD table maps [{start}, +1 GiB) yet: allocates a zeroed page of 512 entries and points the PUD entry at it ({task} now has {tables})"),
    N_("no PTE table maps [{start}, +2 MiB) yet: pte_alloc_one allocates a zeroed page of 512 entries before the segment's fault handler runs; finish_fault points the PMD entry at it ({task} now has {tables})"),
};

// "{ntables} page-table pages" as a word of an event with an {ntables} argument.
const char* tables_word(std::size_t n) { return n == 1 ? N_("1 page-table page") : N_("{ntables} page-table pages"); }

// The tables free_pgtables freed, as a word of an event with {pud}, {pmd} and {pte} arguments:
// the lower levels of what it frees go with the upper ones, so these are the shapes an unmap gives.
const char* freed_word(const std::size_t (&n)[3]) {
    if (n[0] == 0 && n[1] == 0) return n[2] == 1 ? N_("1 PTE table") : N_("{pte} PTE tables");
    if (n[0] == 0 && n[1] == 1) return n[2] == 1 ? N_("1 PMD table, 1 PTE table") : N_("1 PMD table, {pte} PTE tables");
    if (n[0] == 1 && n[1] == 1) return n[2] == 1 ? N_("1 PUD table, 1 PMD table, 1 PTE table") : N_("1 PUD table, 1 PMD table, {pte} PTE tables");
    return N_("{pud} PUD table(s), {pmd} PMD table(s), {pte} PTE table(s)");
}

}  // namespace

// Walks down from the PGD and makes each missing table, top first, as the fault path does
// before it can install the PTE.
void Kernel::alloc_page_tables(task_struct& t, std::uint64_t vaddr) {
    // A PTE table hangs below its PMD and PUD tables: when it exists, so do they (most faults).
    const auto& ptes = t.mm.pgtables.tables[page_tables::pte];
    if (std::binary_search(ptes.begin(), ptes.end(), vaddr >> page_tables::kShift[page_tables::pte])) return;
    for (int level = page_tables::pud; level <= page_tables::pte; ++level) {
        std::uint64_t region = vaddr >> page_tables::kShift[level];
        auto& set = t.mm.pgtables.tables[level];
        auto at = std::lower_bound(set.begin(), set.end(), region);
        if (at != set.end() && *at == region) continue;
        set.insert(at, region);
        std::size_t ntables = t.mm.pgtables.pages();
        EVENT(EventKind::pgtable_alloc, kAlloc[level], {{ObjKind::mm_struct, t.pid}}, kAllocSays[level],
              ev::hex<"start">(region << page_tables::kShift[level]), ev::task<"task">(t.pid), ev::unum<"ntables">(ntables),
              ev::word<"tables">(tables_word(ntables)));
    }
}

// After [start, end) is unmapped: a table goes when the region it maps touches the range and lies
// between floor and ceiling (no other mapping in it). `ceiling` 0 is the top of the address space.
void Kernel::free_pgtables(task_struct& t, std::uint64_t start, std::uint64_t end, std::uint64_t floor, std::uint64_t ceiling) {
    std::size_t freed[3] = {}, kept = 0;
    for (int level = page_tables::pud; level <= page_tables::pte; ++level) {
        int shift = page_tables::kShift[level];
        auto& set = t.mm.pgtables.tables[level];
        for (auto it = std::lower_bound(set.begin(), set.end(), start >> shift); it != set.end() && (*it << shift) < end;) {
            std::uint64_t lo = *it << shift, hi = lo + (std::uint64_t{1} << shift);
            bool shared = lo < floor || (ceiling != 0 && hi > ceiling);
            if (shared) ++kept, ++it;
            else ++freed[level], it = set.erase(it);
        }
    }
    std::size_t total = freed[0] + freed[1] + freed[2];
    if (total == 0 && kept == 0) return;
    std::size_t ntables = t.mm.pgtables.pages();
    EVENT(EventKind::pgtable_free, "free_pgtables", {{ObjKind::mm_struct, t.pid}},
          total == 0  ? N_("frees no page table; keeps {kept} that a neighbouring mapping shares ({task} has {tables} left)")
          : kept == 0 ? N_("frees {freed} that no other mapping uses ({task} has {tables} left)")
                      : N_("frees {freed} that no other mapping uses; keeps {kept} that a neighbouring mapping shares ({task} has {tables} left)"),
          ev::unum<"pud">(freed[0]), ev::unum<"pmd">(freed[1]), ev::unum<"pte">(freed[2]), ev::word<"freed">(freed_word(freed)),
          ev::unum<"kept">(kept), ev::task<"task">(t.pid), ev::unum<"ntables">(ntables), ev::word<"tables">(tables_word(ntables)));
}

}  // namespace sim
