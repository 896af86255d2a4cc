// A process's address space (struct mm_struct): its vm_area_structs and its page table.
// Only shared-memory mappings are modelled; everything else a process maps is out of the picture.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>
#include <string>

#include "sim/radix_tree.h"
#include "sim/uapi.h"

namespace sim {

// One mapping of a segment (struct vm_area_struct); shmat makes one, shmdt removes it.
struct vm_area_struct {
    std::uint64_t vm_start = 0;   // first byte
    std::uint64_t vm_end = 0;     // one past the last byte; always page aligned
    bool vm_write = false;        // VM_WRITE: absent for SHM_RDONLY
    int shmid = -1;               // the segment behind it (vm_file -> shm_file_data -> id)
    std::uint64_t vm_pgoff = 0;   // the segment's page at vm_start: not 0 once a split cut its front
    bool vm_read = true;          // VM_READ: mprotect(PROT_NONE) or PROT_WRITE/PROT_EXEC alone clear it
    bool vm_exec = false;         // VM_EXEC: shmat's SHM_EXEC, or mprotect(PROT_EXEC)
    bool vm_maywrite = true;      // VM_MAYWRITE: absent for SHM_RDONLY, so mprotect may not add VM_WRITE
    bool operator==(const vm_area_struct&) const = default;
    std::uint64_t pages() const { return (vm_end - vm_start) / PAGE_SIZE; }
    // vma_is_accessible: any of VM_READ, VM_WRITE, VM_EXEC. On x86 a load needs only that.
    bool accessible() const { return vm_read || vm_write || vm_exec; }
    // The permissions as /proc/PID/maps prints them: "rw-s", "r--s", "---s".
    std::string perms() const {
        return std::string{vm_read ? 'r' : '-', vm_write ? 'w' : '-', vm_exec ? 'x' : '-', 's'};
    }
    // The same as three bits (r = 4, w = 2, x = 1), for an event's ev::vmflags argument.
    int prot_bits() const { return (vm_read ? 4 : 0) | (vm_write ? 2 : 0) | (vm_exec ? 1 : 0); }
};

// A page-table entry: present entries only; absence means "not present".
// One machine word, as on x86-64: the frame number, the R/W bit, and _PAGE_PROTNONE: an entry that
// mprotect(PROT_NONE) left is present to the kernel (pte_present, so pagemap reads it present) but
// not to the MMU, so every access faults. The MMU sets Accessed on every access through the entry
// and Dirty on every write; the kernel only clears them (reclaim, writeback), which no scenario does.
struct pte_t {
    std::uint64_t pfn : 60 = 0;
    std::uint64_t writable : 1 = 0;
    std::uint64_t protnone : 1 = 0;
    std::uint64_t accessed : 1 = 0;
    std::uint64_t dirty : 1 = 0;
    bool operator==(const pte_t&) const = default;
};

// The page-table pages below the PGD (which every process has), by the region each one maps:
// x86-64's PUD table maps 512 GiB, a PMD table 1 GiB, a PTE table 2 MiB. Only those under System V
// mappings are modelled; a fault allocates them (__pud_alloc, __pmd_alloc, __do_fault's pte_alloc_one) and an
// unmap frees those that no mapping shares (free_pgtables).
struct page_tables {
    enum level { pud, pmd, pte };
    static constexpr int kShift[3] = {39, 30, 21};  // PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT: what one table maps
    // Region start >> kShift[level], sorted: a fault looks its PTE table up on every first touch, and
    // a binary search over a few contiguous words beats a walk down a tree's nodes.
    std::vector<std::uint64_t> tables[3];
    std::size_t pages() const { return tables[pud].size() + tables[pmd].size() + tables[pte].size(); }
    bool operator==(const page_tables&) const = default;
};

struct mm_struct {
    std::map<std::uint64_t, vm_area_struct> mmap;  // by vm_start (the kernel's maple tree)
    std::uint64_t mmap_base = 0x7f0000000000ull;    // where top-down allocation starts (MMAP_BASE; mmap_base_for)
    // Virtual page address -> pte, present ones only: x86-64's four levels of 512 entries.
    radix_tree<pte_t, 9, 4, PAGE_SHIFT> page_table;
    page_tables pgtables;
    bool operator==(const mm_struct&) const = default;

    // find_vma's question, narrowed: the mapping that contains addr, if any.
    vm_area_struct* find_vma(std::uint64_t addr);
    const vm_area_struct* find_vma(std::uint64_t addr) const;
    // find_vma_intersection: is any byte of [start, end) mapped?
    bool intersects(std::uint64_t start, std::uint64_t end) const;
    // get_unmapped_area, top-down from mmap_base as x86-64 does it: the highest gap that fits.
    std::optional<std::uint64_t> get_unmapped_area(std::uint64_t len) const;
    // Drops every PTE in [start, end) (zap_page_range); returns how many were present.
    std::uint64_t zap_range(std::uint64_t start, std::uint64_t end);
    // Where free_pgtables may free after [start, end) is unmapped: from the end of the mapping
    // below it (floor) to the start of the one above it (ceiling; 0 for none, as USER_PGTABLES_CEILING).
    std::pair<std::uint64_t, std::uint64_t> floor_ceiling(std::uint64_t start, std::uint64_t end) const;
};

// Where top-down allocation starts for the first process: fixed, so that every run gives the same
// addresses (the kernel randomises it; scenarios compare addresses as offsets into their attachment).
inline constexpr std::uint64_t MMAP_BASE = 0x7f0000000000ull;
// Each program gets its own mmap_base, as ASLR gives each exec its own (arch_pick_mmap_layout):
// here the n-th process of a scenario starts n * 64 GiB lower, so that one segment shows at
// different addresses in different processes, as the seed says and the kernel run shows. A forked
// child keeps its parent's (fork copies the mm; only exec picks anew).
inline constexpr std::uint64_t MMAP_BASE_STEP = std::uint64_t{64} << 30;
inline std::uint64_t mmap_base_for(int nth) { return MMAP_BASE - static_cast<std::uint64_t>(nth % 1024) * MMAP_BASE_STEP; }
// The top of user space on x86-64 with 4-level paging (TASK_SIZE_MAX): one page below 2^47.
inline constexpr std::uint64_t TASK_SIZE = (std::uint64_t{1} << 47) - PAGE_SIZE;
inline constexpr std::uint64_t MMAP_MIN_ADDR = 0x10000ull;  // vm.mmap_min_addr

inline std::uint64_t page_align_up(std::uint64_t n) { return (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }
inline std::uint64_t page_align_down(std::uint64_t n) { return n & ~(PAGE_SIZE - 1); }

}  // namespace sim
