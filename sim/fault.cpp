// Touching shared memory: store and load walk the pages in address order, and a page with no
// PTE takes the fault path of mm/memory.c and mm/shmem.c: find the vma, look the page up in the
// segment, allocate and zero a frame only if the segment has none, install the PTE.
#include <algorithm>

#include "sim/kernel.h"
#include "sim/text.h"

namespace sim {
namespace {

ObjRef pte_ref(int pid, std::uint64_t vpage) { return {ObjKind::pte, pid, vpage}; }
ObjRef page_ref(std::uint64_t pfn) { return {ObjKind::page, static_cast<std::int64_t>(pfn)}; }

}  // namespace

page& Kernel::alloc_frame(int shmid, std::uint64_t& pfn) {
    if (!m_free_frames.empty()) {
        pfn = m_free_frames.back();  // the page allocator hands out the most recently freed page first
        m_free_frames.pop_back();
    } else {
        pfn = m_next_pfn++;
    }
    page& frame = *m_frames.try_emplace(pfn).first;  // pfn < 2^36: inside the tree's reach
    frame = page{{}, shmid};
    return frame;
}

void Kernel::free_frame(std::uint64_t pfn) {
    m_frames.erase(pfn);
    m_free_frames.push_back(pfn);
}

// shmem_get_folio: the segment's page at pgoff, allocated and zeroed on first use. A read of a
// never-written page allocates too (SysV shm does not map the shared zero page: measured).
std::uint64_t Kernel::shmem_get_page(shmid_kernel& shp, std::uint64_t pgoff, page*& frame) {
    int id = shp.shm_perm.id;
    auto [slot, fresh] = shp.pages.try_emplace(pgoff);  // pgoff < npages, inside the tree's reach
    if (!fresh) {
        EVENT(EventKind::page_lookup, "shmem_fault", ObjRefs({{ObjKind::shmid_kernel, id}, page_ref(*slot)}),
              N_("looks up page {pgoff} in segment {shmid}'s page cache: frame {pfn} already holds it, so nothing is allocated"),
              ev::unum<"pgoff">(pgoff), ev::num<"shmid">(id), ev::hex<"pfn">(*slot));
        frame = m_frames.lookup(*slot);
        return *slot;
    }
    EVENT(EventKind::page_lookup, "shmem_fault", {{ObjKind::shmid_kernel, id}},
          N_("looks up page {pgoff} in segment {shmid}'s page cache: not there yet"), ev::unum<"pgoff">(pgoff), ev::num<"shmid">(id));
    std::uint64_t pfn = 0;
    frame = &alloc_frame(id, pfn);
    *slot = pfn;
    std::uint64_t rss = shp.pages.size();
    EVENT(EventKind::frame_alloc, "shmem_alloc_and_add_folio", ObjRefs({{ObjKind::shmid_kernel, id}, page_ref(pfn)}),
          N_("allocates frame {pfn}, fills it with zeroes and adds it to the segment as page {pgoff} (the segment's rss is now {rss_pages})"),
          ev::hex<"pfn">(pfn), ev::unum<"pgoff">(pgoff), ev::unum<"rss">(rss), ev::word<"rss_pages">(rss == 1 ? N_("{rss} page") : N_("{rss} pages")));
    return pfn;
}

// handle_mm_fault for a shared-memory vma: counted as a minor fault (no disk I/O), then the PTE.
page* Kernel::handle_mm_fault(vm_area_struct& vma, std::uint64_t vaddr, bool write) {
    (void)write;
    task_struct& t = current();
    shmid_kernel* shp = m_ns.shm_ids.find_id(vma.shmid);
    if (!shp) return nullptr;  // a mapped segment outlives its id only as long as it is attached
    t.min_flt++;
    std::uint64_t vpage = page_align_down(vaddr);
    std::uint64_t pgoff = (vpage - vma.vm_start) / PAGE_SIZE + vma.vm_pgoff;
    page* frame = nullptr;
    alloc_page_tables(t, vpage);
    std::uint64_t pfn = shmem_get_page(*shp, pgoff, frame);
    // A shared writable mapping gets a writable PTE even on a read fault: shmem needs no dirty
    // tracking, so a later store to the page takes no second fault (measured).
    t.mm.page_table.set(vpage, pte_t{pfn, vma.vm_write});
    EVENT(EventKind::pte_install, "finish_fault", ObjRefs({pte_ref(t.pid, vpage), page_ref(pfn), {ObjKind::mm_struct, t.pid}}),
          vma.vm_write ? N_("set_pte_at: {task}'s page table now maps {vaddr} -> frame {pfn} (read-write); minor faults for {task}: {min_flt}")
                       : N_("set_pte_at: {task}'s page table now maps {vaddr} -> frame {pfn} (read-only); minor faults for {task}: {min_flt}"),
          ev::task<"task">(t.pid), ev::hex<"vaddr">(vpage), ev::hex<"pfn">(pfn), ev::unum<"min_flt">(t.min_flt));
    return frame;
}

// One page touched by the CPU: the frame it reaches, or null when its SIGSEGV ended the access
// (killed the process, or was caught by a handler that abandons the access).
page* Kernel::touch_page(std::uint64_t vaddr, bool write) {
    task_struct& t = current();
    std::uint64_t vpage = page_align_down(vaddr);
    auto pte = t.mm.page_table.find(vpage);
    if (pte != t.mm.page_table.end() && !pte->second.protnone && (!write || pte->second.writable)) {
        EVENT(EventKind::lookup, "MMU", ObjRefs({pte_ref(t.pid, vpage), page_ref(pte->second.pfn)}),
              N_("the page table already maps {vaddr} -> frame {pfn}: no fault"), ev::hex<"vaddr">(vpage), ev::hex<"pfn">(pte->second.pfn));
        mark_accessed(pte->second, write);
        return m_frames.lookup(pte->second.pfn);
    }
    if (pte != t.mm.page_table.end()) explain_present_fault(vpage, pte->second, write);
    else
        EVENT(EventKind::page_fault, "do_user_addr_fault", {pte_ref(t.pid, vpage)},
              write ? N_("no PTE for {vaddr} in {task}'s page table: the MMU raises a page fault (write access)")
                    : N_("no PTE for {vaddr} in {task}'s page table: the MMU raises a page fault (read access)"),
              ev::hex<"vaddr">(vpage), ev::task<"task">(t.pid));
    vm_area_struct* vma = t.mm.find_vma(vaddr);
    if (!vma) {
        force_sigsegv(vaddr, N_("no vm_area_struct covers {vaddr} (bad_area, SEGV_MAPERR)"));
        return nullptr;
    }
    EVENT(EventKind::lookup, "lock_mm_and_find_vma", {{ObjKind::vm_area_struct, t.pid, vma->vm_start}},
          N_("finds vm_area_struct [{start}, {end}) {perms} of segment {shmid}"), ev::hex<"start">(vma->vm_start), ev::hex<"end">(vma->vm_end),
          ev::vmflags<"perms">(vma->prot_bits()), ev::num<"shmid">(vma->shmid));
    // access_error: a write needs VM_WRITE; on x86 a read needs any of VM_READ, VM_WRITE, VM_EXEC.
    if (write && !vma->vm_write) {
        force_sigsegv(vaddr, vma->vm_maywrite ? N_("the vm_area_struct has no VM_WRITE (mprotect took it away): access_error, SEGV_ACCERR")
                                              : N_("the vm_area_struct has no VM_WRITE (attached SHM_RDONLY): access_error, SEGV_ACCERR"));
        return nullptr;
    }
    if (!vma->accessible()) {
        force_sigsegv(vaddr, N_("the vm_area_struct has none of VM_READ, VM_WRITE, VM_EXEC (PROT_NONE): access_error, SEGV_ACCERR"));
        return nullptr;
    }
    page* frame = handle_mm_fault(*vma, vaddr, write);
    // The access is retried after the fault, and this time the MMU walks to the new entry.
    if (frame) mark_accessed(*t.mm.page_table.lookup(vpage), write);
    return frame;
}

// What the MMU writes into an entry it walked to: Accessed, and Dirty for a write.
void Kernel::mark_accessed(pte_t& pte, bool write) {
    pte.accessed = 1;
    if (write) pte.dirty = 1;
}

// A present PTE that still faults: a write to a read-only entry (a protection fault, X86_PF_PROT in
// the error code), or any access to a PROT_NONE entry, whose hardware present bit is clear.
void Kernel::explain_present_fault(std::uint64_t vpage, const pte_t& pte, bool write) {
    const task_struct& t = current();
    EVENT(EventKind::page_fault, "do_user_addr_fault", ObjRefs({pte_ref(t.pid, vpage), page_ref(pte.pfn)}),
          !pte.protnone ? N_("the PTE for {vaddr} in {task}'s page table is present (frame {pfn}) but read-only: the write raises a protection fault (X86_PF_PROT | X86_PF_WRITE)")
          : write       ? N_("the PTE for {vaddr} in {task}'s page table is present (frame {pfn}) but PROT_NONE: the MMU sees no present bit, so the write raises a page fault")
                        : N_("the PTE for {vaddr} in {task}'s page table is present (frame {pfn}) but PROT_NONE: the MMU sees no present bit, so the read raises a page fault"),
          ev::hex<"vaddr">(vpage), ev::task<"task">(t.pid), ev::hex<"pfn">(pte.pfn));
}

// An access over many pages shows the path of its first pages one by one and sums the rest up in
// one event: a 64 MiB store would otherwise record some 80,000 events in a single step.
constexpr std::uint64_t kPagesShown = 16;

void Kernel::begin_summary() {
    m_summary = page_summary{0, current().min_flt, m_frames.size()};
    m_record_events = false;
}

void Kernel::end_summary() {
    if (!m_summary) return;
    page_summary s = *m_summary;
    m_summary.reset();
    m_record_events = true;
    task_struct& t = current();
    std::uint64_t faults = t.min_flt - s.faults_before, frames = m_frames.size() - s.frames_before;
    EVENT(faults ? EventKind::page_fault : EventKind::lookup, "handle_mm_fault", ObjRefs({{ObjKind::task_struct, t.pid}, {ObjKind::mm_struct, t.pid}}),
          N_("... and {pages} more page(s) the same way, not shown one by one: {faults} page fault(s), {frames} frame(s) allocated; minor faults for {task}: {min_flt}"),
          ev::unum<"pages">(s.pages), ev::unum<"faults">(faults), ev::unum<"frames">(frames), ev::task<"task">(t.pid), ev::unum<"min_flt">(t.min_flt));
}

// Touches the pages of [addr, addr+n) in address order and hands each chunk, with its frame, to
// fn; false when a page's SIGSEGV ended the access.
template <typename Fn>
bool Kernel::walk_pages(std::uint64_t addr, std::uint64_t n, bool write, Fn fn) {
    std::uint64_t end = addr + n, done = 0;
    for (std::uint64_t a = addr; a < end; a = page_align_down(a) + PAGE_SIZE, ++done) {
        if (done == kPagesShown && m_record_events) begin_summary();
        page* frame = touch_page(a, write);
        if (!frame) {
            end_summary();  // no-op after force_sigsegv, which shows the summary before the signal
            return false;
        }
        if (m_summary) m_summary->pages++;
        fn(a, std::min(end, page_align_down(a) + PAGE_SIZE), *frame);
    }
    end_summary();
    return true;
}

const SyscallResult& Kernel::store(int pid, std::uint64_t addr, const std::string& bytes) {
    begin(pid, Entry::memory_access);
    ENTER(N_("{who} (pid {who_pid}) stores {n} byte(s) {bytes} at {addr}: no system call, the CPU writes and the MMU translates each page"),
          ev::unum<"n">(bytes.size()), ev::text<"bytes">(keep(std::string_view(bytes).substr(0, 33))), ev::hex<"addr">(addr));
    std::size_t done = 0;
    bool alive = walk_pages(addr, bytes.size(), true, [&](std::uint64_t a, std::uint64_t chunk_end, page& frame) {
        std::string& data = frame.data;
        std::size_t off = a - page_align_down(a), len = chunk_end - a;
        if (data.size() < off + len) data.resize(off + len, '\0');
        data.replace(off, len, bytes, done, len);
        done += len;
    });
    if (!alive) return take();
    EVENT(EventKind::copy, "store", {{ObjKind::task_struct, pid}},
          N_("{n} byte(s) are now in the segment's frames, visible to every process that maps them"), ev::unum<"n">(bytes.size()));
    finish(0);
    return take();
}

const SyscallResult& Kernel::load(int pid, std::uint64_t addr, std::int64_t n) {
    begin(pid, Entry::memory_access);
    ENTER(N_("{who} (pid {who_pid}) loads {n} byte(s) from {addr}: no system call, the CPU reads and the MMU translates each page"),
          ev::num<"n">(n), ev::hex<"addr">(addr));
    if (n < 0) return FAILS(EINVAL, "load", N_("a negative length")), take();
    std::string out;
    bool alive = walk_pages(addr, static_cast<std::uint64_t>(n), false, [&](std::uint64_t a, std::uint64_t chunk_end, const page& frame) {
        const std::string& data = frame.data;
        std::size_t off = a - page_align_down(a), len = chunk_end - a;
        std::size_t have = off < data.size() ? std::min(len, data.size() - off) : 0;
        if (have) out.append(data, off, have);  // only the written prefix is kept: the rest reads as zeroes
        out.append(len - have, '\0');
    });
    if (!alive) return take();
    EVENT(EventKind::copy, "load", {{ObjKind::task_struct, pid}}, N_("reads {bytes}"), ev::text<"bytes">(keep(std::string_view(out).substr(0, 33))));
    finish(n, out);
    return take();
}

}  // namespace sim
