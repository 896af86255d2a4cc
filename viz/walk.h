// What the page-table walk panel shows, worked out from the View: which address of which process,
// how far the MMU's walk has got at the cursor, and which tables and entries exist by then. Kept
// apart from the drawing so that a test can check it against the model.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "viz/view.h"

namespace viz {

// The four levels of x86-64's page table, then the frame.
enum class WalkLevel { pgd, pud, pmd, pte, frame };

struct WalkTable {
    bool exists = false;       // at the cursor: a later event of this step may still allocate it
    bool allocating = false;   // the current event allocates it
    unsigned index = 0;        // the entry the walk reads (bits of the address)
    unsigned used = 0;         // entries in use in this table page
    std::vector<unsigned> used_at;  // their indexes, ascending
};

struct Walk {
    int pid = 0;
    std::uint64_t vaddr = 0;
    std::array<WalkTable, 4> tables{};  // PGD, PUD, PMD, PTE tables
    std::optional<sim::pte_t> pte;      // the entry at the cursor, if present
    bool installing = false;            // the current event sets the PTE
    bool faulting = false;              // the current event is the fault this walk raised
    bool write = false;                 // the step's access is a store: a read-only entry stops it
    // How many of the walk's five stops (the four tables and the frame) are lit: 0 before the
    // access, counting up while the MMU walks, 5 once it reached the frame.
    float lit = 5;
    std::size_t pgtable_pages = 0;      // the process's page-table pages below the PGD
    // The first stop the walk cannot pass at the cursor: a missing table, a PTE not present (the
    // fault), or nothing (it reaches the frame).
    std::optional<WalkLevel> stops_at;
};

// The walk to show: the PTE picked by a click, else the one the step's access touches (at or before
// the cursor first), else none.
std::optional<Walk> walk_of(const View& v);

}  // namespace viz
