// mprotect on attachments: the rules of do_mprotect_pkey and mprotect_fixup (mm/mprotect.c) for a
// System V mapping. Measured on Linux 6.18 (x86-64, no protection keys):
// - an unaligned address is EINVAL; a length of 0 returns 0 before the protection is even looked
//   at; a range that wraps is ENOMEM; bits other than PROT_READ|WRITE|EXEC|SEM are EINVAL.
// - the vm_area_structs of the range change one by one, in address order: a hole (or a range that
//   starts unmapped) stops the walk with ENOMEM, and PROT_WRITE on a SHM_RDONLY piece (no VM_MAYWRITE)
//   stops it with EACCES; the pieces before keep their change. PROT_EXEC is allowed everywhere.
// - a piece the range covers in part is split (__split_vma calls shm_open: nattch counts each piece,
//   lpid and atime are set); the pieces are never merged back (shm's vm_ops has a close, so
//   is_mergeable_vma says no). A change to the flags a piece already has splits nothing.
// - change_protection rewrites the present PTEs: PROT_READ makes them read-only, so a store takes a
//   protection fault and SIGSEGV; PROT_READ|PROT_WRITE makes them writable at once (shmem needs no
//   write notification), so the store after takes no fault at all; PROT_NONE keeps them present to
//   the kernel (pagemap still reads them present, frame and all) but every access faults.
#include <algorithm>

#include "sim/kernel.h"

namespace sim {
namespace {

ObjRef vma_ref(int pid, std::uint64_t start) { return {ObjKind::vm_area_struct, pid, start}; }

// mprotect's prot as a word of an event with a {prot_hex} argument: the PROT_ names when it holds
// only PROT_READ, PROT_WRITE and PROT_EXEC, else the number. The names are kernel names, shown as they are.
const char* prot_word(std::int64_t prot) {
    static const char* const names[8] = {"PROT_NONE", "PROT_READ", "PROT_WRITE", "PROT_READ|PROT_WRITE",
                                         "PROT_EXEC", "PROT_READ|PROT_EXEC", "PROT_WRITE|PROT_EXEC", "PROT_READ|PROT_WRITE|PROT_EXEC"};
    return (prot & ~std::int64_t{7}) ? "{prot_hex}" : names[prot];
}

// What change_protection left the present PTEs as, a word of an event with an {n} argument.
const char* ptes_word(const vm_area_struct& vma, std::uint64_t n) {
    if (!vma.accessible())
        return n == 1 ? N_("1 present PTE is PROT_NONE: still present, but no access passes the MMU")
                      : N_("{n} present PTEs are PROT_NONE: still present, but no access passes the MMU");
    if (vma.vm_write) return n == 1 ? N_("1 present PTE is writable") : N_("{n} present PTEs are writable");
    return n == 1 ? N_("1 present PTE is read-only") : N_("{n} present PTEs are read-only");
}

}  // namespace

const SyscallResult& Kernel::mprotect(int pid, std::uint64_t addr, std::uint64_t len, std::int64_t prot) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls mprotect({addr}, {len}, {prot})"), ev::hex<"addr">(addr), ev::unum<"len">(len),
          ev::hex<"prot_hex">(static_cast<std::uint64_t>(prot)), ev::word<"prot">(prot_word(prot)));
    std::int64_t grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
    std::uint64_t end = addr + page_align_up(len);
    if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
        FAILS(EINVAL, "do_mprotect_pkey", N_("PROT_GROWSDOWN and PROT_GROWSUP together"));
    else if (addr & (PAGE_SIZE - 1))
        FAILS(EINVAL, "do_mprotect_pkey", N_("{addr} is not page aligned"), ev::hex<"addr">(addr));
    else if (len == 0) {
        EVENT(EventKind::check, "do_mprotect_pkey", {}, N_("a length of 0 changes nothing, and the protection is not even checked"));
        finish(0);
    } else if (end <= addr)
        FAILS(ENOMEM, "do_mprotect_pkey", N_("the range wraps around the end of the address space"));
    else if (prot & ~std::int64_t{PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP})
        FAILS(EINVAL, "arch_validate_prot", N_("{prot} holds bits that are no protection"), ev::hex<"prot">(static_cast<std::uint64_t>(prot)));
    else
        do_mprotect(addr, end, prot);
    return take();
}

// The walk over the vm_area_structs of [start, end), each changed by mprotect_vma until one fails.
SyscallResult& Kernel::do_mprotect(std::uint64_t start, std::uint64_t end, std::int64_t prot) {
    mm_struct& mm = current().mm;
    std::vector<vm_area_struct> hit;  // copies: the splits below change the map
    for (auto it = mm.mmap.begin(); it != mm.mmap.end(); ++it)
        if (it->second.vm_start < end && it->second.vm_end > start) hit.push_back(it->second);
    if (hit.empty())
        return FAILS(ENOMEM, "do_mprotect_pkey", N_("nothing is mapped in [{start}, {end})"), ev::hex<"start">(start), ev::hex<"end">(end));
    // No System V mapping grows: PROT_GROWSDOWN finds no VM_GROWSDOWN, x86 has no VM_GROWSUP.
    if (prot & PROT_GROWSDOWN) return FAILS(EINVAL, "do_mprotect_pkey", N_("PROT_GROWSDOWN on a mapping that is no stack"));
    std::uint64_t tmp = hit.front().vm_start;
    if (tmp > start) return FAILS(ENOMEM, "do_mprotect_pkey", N_("{start} is not mapped: the range starts in a hole"), ev::hex<"start">(start));
    if (prot & PROT_GROWSUP) return FAILS(EINVAL, "do_mprotect_pkey", N_("PROT_GROWSUP on a mapping that is no stack"));
    std::uint64_t nstart = start;
    for (const vm_area_struct& vma : hit) {
        if (vma.vm_start != tmp)
            return FAILS(ENOMEM, "do_mprotect_pkey", N_("[{start}, {end}) is a hole; the mappings before it keep their change"), ev::hex<"start">(tmp),
                         ev::hex<"end">(vma.vm_start));
        tmp = std::min(vma.vm_end, end);
        if (SyscallResult* failed = mprotect_vma(vma, nstart, tmp, prot)) return *failed;
        nstart = tmp;
    }
    if (tmp < end)
        return FAILS(ENOMEM, "do_mprotect_pkey", N_("[{start}, {end}) is not mapped; the mappings before it keep their change"), ev::hex<"start">(tmp),
                     ev::hex<"end">(end));
    return finish(0);
}

// One vm_area_struct: the VM_MAY* check, then mprotect_fixup: split off what the range leaves out,
// set the flags, rewrite the PTEs. Null when it went well, else the failed call.
SyscallResult* Kernel::mprotect_vma(const vm_area_struct& vma, std::uint64_t start, std::uint64_t end, std::int64_t prot) {
    int pid = m_current;
    vm_area_struct want = vma;
    want.vm_read = prot & PROT_READ;
    want.vm_write = prot & PROT_WRITE;
    want.vm_exec = prot & PROT_EXEC;
    EVENT(EventKind::check, "do_mprotect_pkey", {vma_ref(pid, vma.vm_start)},
          vma.vm_maywrite ? N_("vm_area_struct [{start}, {end}) {perms} is to become {want}")
                          : N_("vm_area_struct [{start}, {end}) {perms} is to become {want}; it has no VM_MAYWRITE (attached SHM_RDONLY)"),
          ev::hex<"start">(vma.vm_start), ev::hex<"end">(vma.vm_end), ev::vmflags<"perms">(vma.prot_bits()), ev::vmflags<"want">(want.prot_bits()));
    if (want.vm_write && !vma.vm_maywrite)
        return &FAILS(EACCES, "do_mprotect_pkey", N_("VM_WRITE without VM_MAYWRITE: a SHM_RDONLY attachment never becomes writable"));
    if (want == vma) {
        EVENT(EventKind::check, "mprotect_fixup", {vma_ref(pid, vma.vm_start)}, N_("the flags are already these: nothing changes, nothing is split"));
        return nullptr;
    }
    if (vma.vm_start < start) split_vma(vma.vm_start, start, "mprotect");
    if (end < vma.vm_end) split_vma(start, end, "mprotect");
    vm_area_struct& piece = current().mm.mmap.at(start);
    piece.vm_read = want.vm_read;
    piece.vm_write = want.vm_write;
    piece.vm_exec = want.vm_exec;
    change_protection(piece, start, end);
    return nullptr;
}

// __split_vma: [vm_start, at) stays the old vm_area_struct and [at, vm_end) becomes a new one, its
// vm_pgoff moved on; the new one is one more mapping of the segment (vm_ops->open is shm_open).
void Kernel::split_vma(std::uint64_t vm_start, std::uint64_t at, const char* why) {
    mm_struct& mm = current().mm;
    vm_area_struct& vma = mm.mmap.at(vm_start);
    vm_area_struct right = vma;
    right.vm_start = at;
    right.vm_pgoff = vma.vm_pgoff + (at - vma.vm_start) / PAGE_SIZE;
    vma.vm_end = at;
    mm.mmap[at] = right;
    EVENT(EventKind::attach, "__split_vma", ObjRefs({{ObjKind::mm_struct, m_current}, vma_ref(m_current, vm_start), vma_ref(m_current, at)}),
          N_("splits vm_area_struct [{start}, {end}) at {at}: [{start}, {at}) and [{at}, {end}) with vm_pgoff {pgoff}"), ev::hex<"start">(vm_start),
          ev::hex<"end">(right.vm_end), ev::hex<"at">(at), ev::unum<"pgoff">(right.vm_pgoff));
    if (shmid_kernel* shp = m_ns.shm_ids.find_id(right.shmid)) shm_open(*shp, m_current, at, why);
}

// change_protection: every present PTE of [start, end) gets the new vm_page_prot. A shared shmem
// mapping needs no write notification, so VM_WRITE gives writable entries straight away.
void Kernel::change_protection(const vm_area_struct& vma, std::uint64_t start, std::uint64_t end) {
    task_struct& t = current();
    const auto& table = t.mm.page_table;
    std::vector<std::uint64_t> present;
    for (auto it = table.lower_bound(start); it != table.end() && it->first < end; ++it) present.push_back(it->first);
    for (std::uint64_t vpage : present) {
        pte_t* pte = t.mm.page_table.lookup(vpage);
        pte->writable = vma.vm_write;
        pte->protnone = !vma.accessible();
    }
    std::uint64_t changed = present.size();
    EVENT(EventKind::field_change, "change_protection", ObjRefs({{ObjKind::mm_struct, t.pid}, vma_ref(t.pid, start)}),
          changed ? N_("vm_area_struct [{start}, {end}) is now {perms}; its {ptes}")
                  : N_("vm_area_struct [{start}, {end}) is now {perms}; no page of it is mapped yet, so no PTE changes"),
          ev::hex<"start">(start), ev::hex<"end">(end), ev::vmflags<"perms">(vma.prot_bits()), ev::unum<"n">(changed),
          ev::word<"ptes">(ptes_word(vma, changed)));
}

}  // namespace sim
