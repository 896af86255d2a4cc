// The page-table pages under System V mappings: a fault makes the tables its walk needs, and an
// unmap frees the ones no remaining mapping shares (mm/memory.c free_pgtables, free_pgd_range).
// __handle_mm_fault makes the PUD and PMD tables (__pud_alloc, __pmd_alloc); for a mapping with a
// fault handler, as a segment's is, __do_fault preallocates the PTE table (pte_alloc_one, before
// the handler may sleep) and finish_fault installs it (pmd_install), where anonymous memory would
// call __pte_alloc.
#include "sim/kernel.h"
#include "sim/text.h"

namespace sim {
namespace {

constexpr const char* kAlloc[3] = {"__pud_alloc", "__pmd_alloc", "__do_fault"};
constexpr const char* kName[3] = {"PUD", "PMD", "PTE"};
constexpr const char* kParent[3] = {"PGD", "PUD", "PMD"};
constexpr const char* kSpan[3] = {"512 GiB", "1 GiB", "2 MiB"};

std::string tables_text(std::size_t n) { return cat(n, " page-table page", n == 1 ? "" : "s"); }

}  // namespace

// Walks down from the PGD and makes each missing table, top first, as the fault path does
// before it can install the PTE.
void Kernel::alloc_page_tables(task_struct& t, std::uint64_t vaddr) {
    for (int level = page_tables::pud; level <= page_tables::pte; ++level) {
        std::uint64_t region = vaddr >> page_tables::kShift[level];
        if (!t.mm.pgtables.tables[level].insert(region).second) continue;
        std::uint64_t start = region << page_tables::kShift[level];
        EMIT(EventKind::pgtable_alloc, kAlloc[level], {{ObjKind::mm_struct, t.pid}},
             cat("no ", kName[level], " table maps [", hex(start), ", +", kSpan[level], ") yet: ",
                 level == page_tables::pte ? "pte_alloc_one allocates" : "allocates", " a zeroed page of 512 entries",
                 level == page_tables::pte ? " before the segment's fault handler runs; finish_fault points the PMD entry at it ("
                                           : cat(" and points the ", kParent[level], " entry at it ("),
                 t.comm, " now has ", tables_text(t.mm.pgtables.pages()), ")"));
    }
}

// After [start, end) is unmapped: a table goes when the region it maps touches the range and lies
// between floor and ceiling (no other mapping in it). `ceiling` 0 is the top of the address space.
void Kernel::free_pgtables(task_struct& t, std::uint64_t start, std::uint64_t end, std::uint64_t floor, std::uint64_t ceiling) {
    std::size_t freed[3] = {}, kept = 0;
    for (int level = page_tables::pud; level <= page_tables::pte; ++level) {
        int shift = page_tables::kShift[level];
        auto& set = t.mm.pgtables.tables[level];
        for (auto it = set.lower_bound(start >> shift); it != set.end() && (*it << shift) < end;) {
            std::uint64_t lo = *it << shift, hi = lo + (std::uint64_t{1} << shift);
            bool shared = lo < floor || (ceiling != 0 && hi > ceiling);
            if (shared) ++kept, ++it;
            else ++freed[level], it = set.erase(it);
        }
    }
    std::size_t total = freed[0] + freed[1] + freed[2];
    if (total == 0 && kept == 0) return;
    std::string what;
    for (int level = page_tables::pud; level <= page_tables::pte; ++level)
        if (freed[level]) what += cat(what.empty() ? "" : ", ", freed[level], " ", kName[level], " table", freed[level] == 1 ? "" : "s");
    EMIT(EventKind::pgtable_free, "free_pgtables", {{ObjKind::mm_struct, t.pid}},
         cat(total ? "frees " + what + " that no other mapping uses" : std::string("frees no page table"),
             kept ? cat("; keeps ", kept, " that a neighbouring mapping shares") : std::string(), " (", t.comm, " has ",
             tables_text(t.mm.pgtables.pages()), " left)"));
}

}  // namespace sim
