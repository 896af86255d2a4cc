#include "sim/mm.h"

namespace sim {

vm_area_struct* mm_struct::find_vma(std::uint64_t addr) {
    auto it = mmap.upper_bound(addr);
    if (it == mmap.begin()) return nullptr;
    --it;
    return addr < it->second.vm_end ? &it->second : nullptr;
}

const vm_area_struct* mm_struct::find_vma(std::uint64_t addr) const {
    return const_cast<mm_struct*>(this)->find_vma(addr);
}

bool mm_struct::intersects(std::uint64_t start, std::uint64_t end) const {
    auto it = mmap.lower_bound(end);  // first vma starting at or after end cannot intersect
    if (it == mmap.begin()) return false;
    --it;
    return it->second.vm_end > start;
}

std::optional<std::uint64_t> mm_struct::get_unmapped_area(std::uint64_t len) const {
    std::uint64_t top = mmap_base;
    // Walk mappings from the highest down, looking for a gap of len below `top`.
    for (auto it = mmap.rbegin(); it != mmap.rend(); ++it) {
        const auto& vma = it->second;
        if (vma.vm_start >= top) continue;
        if (vma.vm_end <= top && top - vma.vm_end >= len) return top - len;
        top = vma.vm_start;
    }
    if (top >= MMAP_MIN_ADDR + len) return top - len;
    return std::nullopt;
}

std::uint64_t mm_struct::zap_range(std::uint64_t start, std::uint64_t end) {
    return page_table.erase_range(start, end);
}

std::pair<std::uint64_t, std::uint64_t> mm_struct::floor_ceiling(std::uint64_t start, std::uint64_t end) const {
    std::uint64_t floor = 0, ceiling = 0;
    auto above = mmap.lower_bound(end);
    if (above != mmap.end()) ceiling = above->second.vm_start;
    auto below = mmap.lower_bound(start);
    if (below != mmap.begin()) floor = std::prev(below)->second.vm_end;
    return {floor, ceiling};
}

}  // namespace sim
