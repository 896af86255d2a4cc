// shmget, shmat, shmdt, shmctl: the rules and the errno order of ipc/shm.c and ipc/util.c.
#include <algorithm>
#include <utility>

#include "sim/kernel.h"
#include "sim/scenario/constants.h"

namespace sim {
namespace {

ObjRef seg_ref(int shmid) { return {ObjKind::shmid_kernel, shmid}; }
ObjRef vma_ref(int pid, std::uint64_t start) { return {ObjKind::vm_area_struct, pid, start}; }
const ObjRef kShmIds{ObjKind::ipc_ids, 0};

}  // namespace

const SyscallResult& Kernel::shmget(int pid, std::int64_t key, std::int64_t size, std::int64_t shmflg) {
    key = static_cast<std::int32_t>(key);  // key_t is an int
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls shmget(key={key}, size={size}, shmflg={shmflg})"), ev::num<"key">(key), ev::num<"size">(size),
          ev::oct<"shmflg">(static_cast<std::uint64_t>(shmflg)));
    IpcGetOps ops{kShmIds, ObjKind::shmid_kernel,
                  [&](std::int64_t k) { shmid_kernel* s = m_ns.shm_ids.find_key(k); return s ? &s->shm_perm : nullptr; },
                  [&]() -> SyscallResult& { return newseg(key, size, shmflg); },
                  // shm_more_checks: an existing segment must be at least as large as asked.
                  [&](kern_ipc_perm& p) {
                      const shmid_kernel& seg = *m_ns.shm_ids.find_id(p.id);
                      if (seg.shm_segsz >= static_cast<std::uint64_t>(size)) return false;
                      FAILS(EINVAL, "shm_more_checks", N_("asks for {size} bytes, more than the segment's {segsz}"),
                            ev::unum<"size">(static_cast<std::uint64_t>(size)), ev::unum<"segsz">(seg.shm_segsz));
                      return true;
                  }};
    ipcget(ops, key, shmflg);
    return take();
}

// newseg: size rules, shmall, shmmni, then a fresh shmid_kernel with no pages yet.
SyscallResult& Kernel::newseg(std::int64_t key, std::int64_t size, std::int64_t shmflg) {
    auto usize = static_cast<std::uint64_t>(size);
    if (usize < SHMMIN || usize > m_ns.shm_ctlmax)
        return FAILS(EINVAL, "newseg", N_("size {size} is outside [SHMMIN=1, shmmax={shmmax}]"), ev::unum<"size">(usize),
                     ev::unum<"shmmax">(m_ns.shm_ctlmax));
    std::uint64_t numpages = page_align_up(usize) / PAGE_SIZE;
    if (numpages == 0 || m_ns.shm_tot + numpages < m_ns.shm_tot || m_ns.shm_tot + numpages > m_ns.shm_ctlall)
        return FAILS(ENOSPC, "newseg", N_("shm_tot {shm_tot} + {npages} pages would pass shmall={shmall}"), ev::unum<"shm_tot">(m_ns.shm_tot),
                     ev::unum<"npages">(numpages), ev::unum<"shmall">(m_ns.shm_ctlall));
    // hugetlb_file_setup: the model is a machine with no huge pages reserved (vm.nr_hugepages 0).
    if (shmflg & SHM_HUGETLB)
        return FAILS(ENOMEM, "hugetlb_file_setup", N_("SHM_HUGETLB asks for huge pages, and none are reserved (vm.nr_hugepages is 0)"));
    shmid_kernel seg;
    seg.shm_perm = new_perm(key, shmflg, current().cred);
    seg.shm_segsz = usize;
    seg.shm_cprid = m_current;
    seg.shm_ctim = m_now;
    std::optional<int> added = m_ns.shm_ids.add(std::move(seg), m_ns.shm_ctlmni);
    if (!added)
        return FAILS(ENOSPC, "ipc_addid", N_("{n} segments exist; shmmni allows {shmmni}"), ev::num<"n">(m_ns.shm_ids.in_use),
                     ev::num<"shmmni">(m_ns.shm_ctlmni));
    int id = *added;
    m_ns.shm_tot += numpages;
    EVENT(EventKind::id_alloc, "ipc_idr_alloc", ObjRefs({kShmIds, seg_ref(id)}),
          N_("takes index {idx} (seq {seq}), so shmid = {seq} * 32768 + {idx} = {id}"), ev::num<"idx">(ipcid_to_idx(id)),
          ev::num<"seq">(ipcid_to_seq(id)), ev::num<"id">(id));
    EVENT(EventKind::create, "newseg", {seg_ref(id)},
          N_("creates shmid_kernel {id}: {size} bytes in {npages} page(s), mode {mode}; no page frame yet: each page gets one when it is first touched"),
          ev::num<"id">(id), ev::unum<"size">(usize), ev::unum<"npages">(numpages), ev::oct<"mode">(static_cast<std::uint64_t>(shmflg) & 0777));
    return finish(id);
}

const SyscallResult& Kernel::shmat(int pid, std::int64_t shmid, std::uint64_t addr, std::int64_t shmflg) {
    begin(pid);
    ENTER(addr ? N_("{who} (pid {who_pid}) calls shmat(shmid={shmid}, addr={addr}, shmflg={shmflg})")
               : N_("{who} (pid {who_pid}) calls shmat(shmid={shmid}, addr=NULL, shmflg={shmflg})"),
          ev::num<"shmid">(shmid), ev::hex<"addr">(addr), ev::oct<"shmflg">(static_cast<std::uint64_t>(shmflg)));
    do_shmat(shmid, addr, shmflg);
    return take();
}

SyscallResult& Kernel::do_shmat(std::int64_t shmid, std::uint64_t addr, std::int64_t shmflg) {
    int pid = m_current;
    if (shmid < 0) return FAILS(EINVAL, "do_shmat", N_("a negative shmid"));
    // "Fixed or not" is decided on the address the caller passed, before SHM_RND rounds it: an
    // address below SHMLBA rounds to 0 and is still a fixed mapping there (MAP_FIXED at 0).
    bool fixed = addr != 0;
    bool remap = shmflg & SHM_REMAP;
    if (addr & (SHMLBA - 1)) {
        if (!(shmflg & SHM_RND))
            return FAILS(EINVAL, "do_shmat", N_("{addr} is not a multiple of SHMLBA (4096) and SHM_RND is not set"), ev::hex<"addr">(addr));
        addr &= ~(SHMLBA - 1);
        EVENT(EventKind::check, "do_shmat", {}, N_("SHM_RND rounds the address down to {addr}"), ev::hex<"addr">(addr));
        if (!addr && remap) return FAILS(EINVAL, "do_shmat", N_("SHM_RND rounded the address to 0, and SHM_REMAP needs an address to replace"));
    } else if (!fixed && remap) {
        return FAILS(EINVAL, "do_shmat", N_("SHM_REMAP needs an address: NULL has nothing to replace"));
    }
    bool rdonly = shmflg & SHM_RDONLY;
    int acc_mode = rdonly ? 0444 : 0666;
    shmid_kernel* shp = m_ns.shm_ids.find_id(static_cast<int>(shmid));
    if (!shp || shmid > INT32_MAX)
        return FAILS(EINVAL, "shm_obtain_object_check", N_("no segment has shmid {shmid}"), ev::num<"shmid">(shmid));
    int id = shp->shm_perm.id;
    EVENT(EventKind::lookup, "shm_obtain_object_check", ObjRefs({kShmIds, seg_ref(id)}), N_("finds shmid_kernel {shmid}"), ev::num<"shmid">(id));
    if (m_record_events) ipcperms_event(ObjKind::shmid_kernel, id, shp->shm_perm, acc_mode);
    if (!ipcperms(shp->shm_perm, current().cred, acc_mode))
        return FAILS(EACCES, "do_shmat", rdonly ? N_("SHM_RDONLY needs read permission") : N_("a read-write attach needs read and write permission"));
    std::uint64_t len = page_align_up(shp->shm_segsz);
    mm_struct& mm = current().mm;
    if (fixed) {
        if (addr && !remap && (addr + len < addr || mm.intersects(addr, addr + len)))
            return FAILS(EINVAL, "do_shmat", N_("[{start}, {end}) overlaps a mapping and SHM_REMAP is not set"), ev::hex<"start">(addr),
                         ev::hex<"end">(addr + len));
        // do_mmap -> __get_unmapped_area: a fixed address must leave the mapping below TASK_SIZE.
        if (len > TASK_SIZE || addr > TASK_SIZE - len)
            return FAILS(ENOMEM, "get_unmapped_area", N_("[{start}, {end}) reaches past the top of user space (TASK_SIZE {task_size})"),
                         ev::hex<"start">(addr), ev::hex<"end">(addr + len), ev::hex<"task_size">(TASK_SIZE));
        if (addr < MMAP_MIN_ADDR && !current().cred.is_root())
            return FAILS(EPERM, "cap_mmap_addr", N_("{addr} is below vm.mmap_min_addr, which only CAP_SYS_RAWIO may map"), ev::hex<"addr">(addr));
        // mmap_region: MAP_FIXED first unmaps whatever the range holds (SHM_REMAP's replacement).
        unmap_range(addr, addr + len, "SHM_REMAP");
    } else {
        auto area = mm.get_unmapped_area(len);
        if (!area) return FAILS(ENOMEM, "get_unmapped_area", N_("no gap in the address space is large enough"));
        addr = *area;
        EVENT(EventKind::lookup, "get_unmapped_area", {{ObjKind::mm_struct, pid}}, N_("picks the highest free gap below {task}'s mmap_base {base}: {addr}"),
              ev::task<"task">(pid), ev::hex<"base">(mm.mmap_base), ev::hex<"addr">(addr));
    }
    vm_area_struct vma{addr, addr + len, !rdonly, id, 0};
    vma.vm_exec = shmflg & SHM_EXEC;
    vma.vm_maywrite = !rdonly;  // the segment's file is opened read-only, so do_mmap clears VM_MAYWRITE
    mm.mmap[addr] = vma;
    EVENT(EventKind::attach, "do_mmap", ObjRefs({{ObjKind::mm_struct, pid}, vma_ref(pid, addr)}),
          N_("adds vm_area_struct [{start}, {end}) {perms} to {task}'s mm; no page-table entry is made: pages are mapped on first touch"),
          ev::hex<"start">(addr), ev::hex<"end">(addr + len), ev::vmflags<"perms">(vma.prot_bits()), ev::task<"task">(pid));
    shm_open(*shp, pid, addr, "shmat");
    m_ret_address = true;
    return finish(static_cast<std::int64_t>(addr));
}

// do_vmi_munmap over [start, end) of the current task: a mapping inside it goes (shm_close); one
// that reaches past either end is split there (__split_vma: shm_open for the new piece) and only
// the inside piece goes, so its segment's nattch counts the pieces that are left.
void Kernel::unmap_range(std::uint64_t start, std::uint64_t end, const char* why) {
    mm_struct& mm = current().mm;
    std::vector<vm_area_struct> hit;
    for (auto it = mm.mmap.begin(); it != mm.mmap.end(); ++it)
        if (it->second.vm_start < end && it->second.vm_end > start) hit.push_back(it->second);
    for (const auto& vma : hit) cut_vma(vma, std::max(start, vma.vm_start), std::min(end, vma.vm_end), why);
}

// Takes [start, end) out of one mapping, as the unmap does it: split_vma (which mprotect shares)
// cuts off what lies outside the range, each new piece one more shm_open, and the piece in between
// goes (shm_close).
void Kernel::cut_vma(vm_area_struct vma, std::uint64_t start, std::uint64_t end, const char* why) {
    int pid = m_current;
    mm_struct& mm = current().mm;
    shmid_kernel* shp = m_ns.shm_ids.find_id(vma.shmid);
    if (vma.vm_start < start) split_vma(vma.vm_start, start, "__split_vma");  // the piece from start on is new
    if (end < vma.vm_end) split_vma(start, end, "__split_vma");
    mm.mmap.erase(start);
    std::uint64_t zapped = mm.zap_range(start, end);
    auto [floor, ceiling] = mm.floor_ceiling(start, end);
    bool whole = vma.vm_start == start && vma.vm_end == end;
    EVENT(EventKind::detach, "do_vmi_munmap", ObjRefs({{ObjKind::mm_struct, pid}, vma_ref(pid, vma.vm_start)}),
          whole ? N_("{via}: removes vm_area_struct [{start}, {end}) and clears {ptes}; the frames stay with the segment")
                : N_("{via}: unmaps [{start}, {end}) of vm_area_struct [{vm_start}, {vm_end}) and clears {ptes}; the rest stays mapped"),
          ev::word<"via">(why), ev::hex<"start">(start), ev::hex<"end">(end), ev::hex<"vm_start">(vma.vm_start), ev::hex<"vm_end">(vma.vm_end),
          ev::unum<"n">(zapped), ev::word<"ptes">(zapped == 1 ? N_("{n} page-table entry") : N_("{n} page-table entries")));
    free_pgtables(current(), start, end, floor, ceiling);
    if (shp) shm_close(vma.shmid, pid, start, why);
}

// shm_open: a new mapping of the segment (shmat or fork). lpid becomes the caller, as the kernel does.
// `why` (here and in shm_close, cut_vma) is a literal naming the kernel path, shown as it is: {via}.
void Kernel::shm_open(shmid_kernel& shp, int pid, std::uint64_t vm_start, const char* why) {
    shp.shm_nattch++;
    shp.shm_lprid = m_current;
    shp.shm_atim = m_now;
    shp.attaches.emplace_back(pid, vm_start);
    EVENT(EventKind::field_change, "shm_open", ObjRefs({seg_ref(shp.shm_perm.id), vma_ref(pid, vm_start)}),
          N_("{via}: shm_nattch {old} -> {nattch}, shm_lpid = {lpid_pid} ({lpid})"), ev::word<"via">(why),
          ev::unum<"old">(shp.shm_nattch - 1), ev::unum<"nattch">(shp.shm_nattch), ev::task<"lpid">(m_current));
}

// shm_close: a mapping went away (shmdt, exit, death). The last one of a SHM_DEST segment frees it.
void Kernel::shm_close(int shmid, int pid, std::uint64_t vm_start, const char* why) {
    shmid_kernel* shp = m_ns.shm_ids.find_id(shmid);
    if (!shp) return;
    shp->shm_nattch--;
    shp->shm_lprid = m_current;
    shp->shm_dtim = m_now;
    std::erase(shp->attaches, std::pair<int, std::uint64_t>{pid, vm_start});
    EVENT(EventKind::detach, "shm_close", ObjRefs({seg_ref(shmid), vma_ref(pid, vm_start)}),
          N_("{via}: shm_nattch {old} -> {nattch}, shm_lpid = {lpid_pid} ({lpid})"), ev::word<"via">(why),
          ev::unum<"old">(shp->shm_nattch + 1), ev::unum<"nattch">(shp->shm_nattch), ev::task<"lpid">(m_current));
    if (shp->shm_nattch == 0 && (shp->shm_perm.mode & SHM_DEST)) shm_destroy(*shp);
}

void Kernel::shm_destroy(shmid_kernel& shp) {
    int id = shp.shm_perm.id;
    std::uint64_t freed = shp.pages.size();
    for (const auto& [pgoff, pfn] : shp.pages) free_frame(pfn);
    m_ns.shm_tot -= shp.npages();
    user_shm_unlock(shp);  // a segment destroyed while locked gives its pages back
    EVENT(EventKind::destroy, "shm_destroy", ObjRefs({seg_ref(id), kShmIds}),
          N_("frees shmid_kernel {shmid} and its {frames} resident frame(s); the id is no longer valid"), ev::num<"shmid">(id),
          ev::unum<"frames">(freed));
    m_ns.shm_ids.remove(id);
}

const SyscallResult& Kernel::shmdt(int pid, std::uint64_t addr) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls shmdt({addr})"), ev::hex<"addr">(addr));
    do_shmdt(addr);
    return take();
}

// ksys_shmdt: the first System V mapping at or above addr that an attach at addr could have left
// ((vm_start - addr) / PAGE_SIZE == vm_pgoff: the whole attachment, or a piece of it a munmap
// left), and then every other such piece of the same segment within its size.
SyscallResult& Kernel::do_shmdt(std::uint64_t addr) {
    if (addr & (PAGE_SIZE - 1)) return FAILS(EINVAL, "ksys_shmdt", N_("{addr} is not page aligned"), ev::hex<"addr">(addr));
    mm_struct& mm = current().mm;
    auto from_attach_at = [&](const vm_area_struct& v) { return v.vm_start >= addr && (v.vm_start - addr) / PAGE_SIZE == v.vm_pgoff; };
    auto it = std::find_if(mm.mmap.lower_bound(addr), mm.mmap.end(), [&](const auto& kv) { return from_attach_at(kv.second); });
    if (it == mm.mmap.end()) return FAILS(EINVAL, "ksys_shmdt", N_("no segment's attachment starts at {addr}"), ev::hex<"addr">(addr));
    vm_area_struct first = it->second;
    const shmid_kernel* shp = m_ns.shm_ids.find_id(first.shmid);
    std::uint64_t size = shp ? page_align_up(shp->shm_segsz) : first.vm_end - first.vm_start;
    std::vector<vm_area_struct> pieces{first};
    for (auto next = std::next(it); next != mm.mmap.end() && next->second.vm_end - addr <= size; ++next)
        if (next->second.shmid == first.shmid && from_attach_at(next->second)) pieces.push_back(next->second);
    for (const auto& v : pieces) cut_vma(v, v.vm_start, v.vm_end, "shmdt");
    return finish(0);
}

// munmap on an attachment (__vm_munmap, do_vmi_munmap): the pages of [addr, addr + len) go, and a
// vm_area_struct that reaches past the range is split, so nattch counts the pieces left.
const SyscallResult& Kernel::munmap(int pid, std::uint64_t addr, std::uint64_t len) {
    begin(pid);
    ENTER(N_("{who} (pid {who_pid}) calls munmap({addr}, {len})"), ev::hex<"addr">(addr), ev::unum<"len">(len));
    std::uint64_t end = addr + page_align_up(len);
    if ((addr & (PAGE_SIZE - 1)) || addr > TASK_SIZE || len > TASK_SIZE - addr)
        FAILS(EINVAL, "do_vmi_munmap", N_("{addr} is not page aligned, or the range reaches past TASK_SIZE"), ev::hex<"addr">(addr));
    else if (end == addr)
        FAILS(EINVAL, "do_vmi_munmap", N_("a length of 0 unmaps nothing"));
    else {
        unmap_range(addr, end, "munmap");
        finish(0);
    }
    return take();
}

const SyscallResult& Kernel::shmctl(int pid, std::int64_t shmid, std::int64_t cmd, const IpcSetFields& set, bool into_buf) {
    begin(pid);
    m_into_buf = into_buf;
    ENTER(N_("{who} (pid {who_pid}) calls shmctl(shmid={shmid}, cmd={cmd})"), ev::num<"shmid">(shmid), ev::shm_cmd<"cmd">(cmd));
    if (cmd < 0 || shmid < 0) FAILS(EINVAL, "ksys_shmctl", N_("a negative shmid or cmd"));
    else dispatch_shmctl(shmid, cmd, set);
    m_into_buf = true;
    return take();
}

void Kernel::dispatch_shmctl(std::int64_t shmid, std::int64_t cmd, const IpcSetFields& set) {
    switch (cmd) {
    case IPC_INFO:
    case SHM_INFO:
        EVENT(EventKind::lookup, cmd == IPC_INFO ? "shmctl_ipc_info" : "shmctl_shm_info", {kShmIds},
              cmd == IPC_INFO ? N_("copies the limits (shminfo); returns the highest index in use")
                              : N_("copies the totals (shm_info); returns the highest index in use"));
        copy_to_buf(shminfo_buf(cmd));
        finish(m_ns.shm_ids.max_idx());
        break;
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY:
        shmctl_stat(shmid, cmd);
        break;
    case IPC_SET:
    case IPC_RMID:
        shmctl_down(shmid, cmd, set);
        break;
    case SHM_LOCK:
    case SHM_UNLOCK:
        shmctl_lock(shmid, cmd);
        break;
    default:
        FAILS(EINVAL, "ksys_shmctl", N_("cmd {cmd} is not a shmctl command"), ev::shm_cmd<"cmd">(cmd));
    }
}

// shmctl_ipc_info and shmctl_shm_info. Measured (Linux 6.18): IPC_INFO gives shmmax and shmall
// as the sysctls, shmmin 1, and shmmni and shmseg both as the shmmni sysctl; SHM_INFO gives
// used_ids (segments), shm_tot (their pages), shm_rss (resident pages) and shm_swp (0 here).
CtlBuf Kernel::shminfo_buf(std::int64_t cmd) const {
    CtlBuf b;
    b.cmd = static_cast<std::int32_t>(cmd);
    if (cmd == IPC_INFO) {
        b.kind = BufKind::shminfo;
        b.shmmax = m_ns.shm_ctlmax;
        b.shmmin = SHMMIN;
        b.shmmni = b.shmseg = static_cast<std::uint64_t>(m_ns.shm_ctlmni);
        b.shmall = m_ns.shm_ctlall;
        return b;
    }
    b.kind = BufKind::shm_info;
    b.used_ids = static_cast<std::uint64_t>(m_ns.shm_ids.in_use);
    b.shm_tot = m_ns.shm_tot;
    for (const auto& [idx, shp] : m_ns.shm_ids.entries) b.shm_rss += shp.pages.size();
    return b;
}

// IPC_STAT by id; SHM_STAT and SHM_STAT_ANY by index, returning the id. SHM_STAT_ANY skips the
// read-permission check (shmctl_stat).
SyscallResult& Kernel::shmctl_stat(std::int64_t id, std::int64_t cmd) {
    bool by_index = cmd != IPC_STAT;
    shmid_kernel* shp = by_index ? m_ns.shm_ids.find_stat_idx(id) : m_ns.shm_ids.find_id(static_cast<int>(id));
    if (!shp || id > INT32_MAX)
        return FAILS(EINVAL, "shm_obtain_object", by_index ? N_("no segment at index {index}") : N_("no segment has shmid {shmid}"),
                     ev::num<"index">(id), ev::num<"shmid">(id));
    int sid = shp->shm_perm.id;
    if (!stat_permitted(shp->shm_perm, seg_ref(sid), cmd == SHM_STAT_ANY, "shmctl_stat")) return m_result;
    EVENT(EventKind::copy, "shmctl_stat", {seg_ref(sid)}, N_("copies shmid_ds: nattch {nattch}, segsz {segsz}, mode {mode}"),
          ev::unum<"nattch">(shp->shm_nattch), ev::unum<"segsz">(shp->shm_segsz), ev::oct<"mode">(shp->shm_perm.mode));
    CtlBuf b = perm_buf(shp->shm_perm, BufKind::shmid_ds, cmd);
    b.segsz = shp->shm_segsz;
    b.nattch = shp->shm_nattch;
    b.cpid = shp->shm_cprid, b.lpid = shp->shm_lprid;
    b.atime = static_cast<std::int64_t>(shp->shm_atim);
    b.dtime = static_cast<std::int64_t>(shp->shm_dtim);
    b.ctime = static_cast<std::int64_t>(shp->shm_ctim);
    copy_to_buf(b);
    return finish(by_index ? sid : 0);
}

SyscallResult& Kernel::shmctl_down(std::int64_t id, std::int64_t cmd, const IpcSetFields& set) {
    shmid_kernel* shp = m_ns.shm_ids.find_id(static_cast<int>(id));
    if (!shp || id > INT32_MAX) return FAILS(EINVAL, "ipcctl_obtain_check", N_("no segment has shmid {shmid}"), ev::num<"shmid">(id));
    int sid = shp->shm_perm.id;
    const cred& c = current().cred;
    EVENT(EventKind::perm_check, "ipcctl_obtain_check", {seg_ref(sid)},
          c.is_root() ? N_("euid {euid} holds CAP_SYS_ADMIN; the segment's cuid is {cuid} and uid {uid} (the mode does not matter here)")
                      : N_("euid {euid}; the segment's cuid is {cuid} and uid {uid} (the mode does not matter here)"),
          ev::unum<"euid">(c.euid), ev::unum<"cuid">(shp->shm_perm.cuid), ev::unum<"uid">(shp->shm_perm.uid));
    if (!ipc_owner(shp->shm_perm, c))
        return FAILS(EPERM, "ipcctl_obtain_check", N_("only the creator, the owner or CAP_SYS_ADMIN may do this"));
    if (cmd == IPC_SET) {
        if (!set.ids_valid()) return FAILS(EINVAL, "ipc_update_perm", N_("uid or gid (uid_t) -1 names no user or group (uid_valid): nothing is changed"));
        // Only IPC_SET changes shm_ctim; IPC_RMID of an attached segment leaves it (measured).
        shp->shm_ctim = m_now;
        kern_ipc_perm& p = shp->shm_perm;
        if (set.uid) p.uid = *set.uid;
        if (set.gid) p.gid = *set.gid;
        if (set.mode) p.mode = (p.mode & ~0777u) | (*set.mode & 0777u);
        EVENT(EventKind::field_change, "ipc_update_perm", {seg_ref(sid)}, N_("sets uid {uid}, gid {gid}, mode {mode} (only the low nine bits of mode change)"),
              ev::unum<"uid">(p.uid), ev::unum<"gid">(p.gid), ev::oct<"mode">(p.mode));
        return finish(0);
    }
    if (shp->shm_nattch == 0) {
        shm_destroy(*shp);
        return finish(0);
    }
    shp->shm_perm.mode |= SHM_DEST;
    shp->shm_perm.key = IPC_PRIVATE;
    EVENT(EventKind::mark_destroy, "do_shm_rmid", {seg_ref(sid)},
          N_("shm_nattch is {nattch}, so the segment only gets SHM_DEST (mode {mode}) and key 0; shmat by id still works and the last detach frees it"),
          ev::unum<"nattch">(shp->shm_nattch), ev::oct<"mode">(shp->shm_perm.mode));
    return finish(0);
}

// SHM_LOCK and SHM_UNLOCK (ksys_shmctl, shmem_lock, user_shm_lock): without CAP_IPC_LOCK only the
// owner or creator may, and a lock counts the segment's pages against the caller's RLIMIT_MEMLOCK,
// summed over every segment that user has locked.
SyscallResult& Kernel::shmctl_lock(std::int64_t id, std::int64_t cmd) {
    shmid_kernel* shp = m_ns.shm_ids.find_id(static_cast<int>(id));
    if (!shp || id > INT32_MAX) return FAILS(EINVAL, "shm_obtain_object_check", N_("no segment has shmid {shmid}"), ev::num<"shmid">(id));
    const task_struct& t = current();
    const cred& c = t.cred;
    if (!c.is_root() && c.euid != shp->shm_perm.uid && c.euid != shp->shm_perm.cuid)
        return FAILS(EPERM, "ksys_shmctl", N_("without CAP_IPC_LOCK only the owner or creator may lock"));
    if (!c.is_root() && cmd == SHM_LOCK && t.rlim_memlock == 0)
        return FAILS(EPERM, "ksys_shmctl", N_("without CAP_IPC_LOCK, an RLIMIT_MEMLOCK of 0 forbids any lock"));
    std::uint64_t pages = shp->npages();
    if (cmd == SHM_LOCK && !shp->mlock_uid) {
        // The count is the real user's (current_ucounts(), keyed by cred->uid); measured: with uid 1000
        // and euid 2000, a lock counts against uid 1000's 8 MiB.
        std::uint64_t limit = t.rlim_memlock / PAGE_SIZE, locked = m_locked_pages[c.uid] + pages;
        EVENT(EventKind::check, "user_shm_lock", {seg_ref(shp->shm_perm.id)},
              c.is_root() ? N_("user {uid} would have {locked} page(s) locked; RLIMIT_MEMLOCK allows {limit}, and CAP_IPC_LOCK lets root pass it")
                          : N_("user {uid} would have {locked} page(s) locked; RLIMIT_MEMLOCK allows {limit}"),
              ev::unum<"uid">(c.uid), ev::unum<"locked">(locked), ev::unum<"limit">(limit));
        if (!c.is_root() && locked > limit) return FAILS(ENOMEM, "user_shm_lock", N_("locking this segment would pass RLIMIT_MEMLOCK"));
        m_locked_pages[c.uid] = locked;
        shp->mlock_uid = c.uid;
    } else if (cmd == SHM_UNLOCK && shp->mlock_uid) {
        user_shm_unlock(*shp);
    }
    if (cmd == SHM_LOCK) shp->shm_perm.mode |= SHM_LOCKED;
    else shp->shm_perm.mode &= ~static_cast<std::uint32_t>(SHM_LOCKED);
    EVENT(EventKind::field_change, "ksys_shmctl", {seg_ref(shp->shm_perm.id)},
          cmd == SHM_LOCK ? N_("sets SHM_LOCKED (02000): mode is now {mode}") : N_("clears SHM_LOCKED (02000): mode is now {mode}"),
          ev::oct<"mode">(shp->shm_perm.mode));
    return finish(0);
}

// Gives the pages a lock charged back to the user who locked them (user_shm_unlock).
void Kernel::user_shm_unlock(shmid_kernel& shp) {
    if (!shp.mlock_uid) return;
    std::uint64_t& locked = m_locked_pages[*shp.mlock_uid];
    locked -= std::min(locked, shp.npages());
    if (locked == 0) m_locked_pages.erase(*shp.mlock_uid);
    shp.mlock_uid.reset();
}

}  // namespace sim
