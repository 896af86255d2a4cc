// Kernel-path events: the small steps a call takes inside the kernel. The window animates them and
// `ipcsim run` prints them; each names the structures it touched and says in one sentence why.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// A structure an event touched. `id` and `sub` say which one:
//   task_struct/mm_struct: id = pid      vm_area_struct: id = pid, sub = vm_start
//   pte: id = pid, sub = page-aligned virtual address       page: id = pfn
//   shmid_kernel: id = shmid             ipc_ids: id = 0 for shm, 1 for msg
//   msg_queue: id = msqid                msg_msg: id = msqid, sub = the message's serial number
enum class ObjKind {
    task_struct, mm_struct, vm_area_struct, pte, page,
    ipc_ids, kern_ipc_perm, shmid_kernel, msg_queue, msg_msg, msg_receiver, msg_sender,
};

struct ObjRef {
    ObjKind kind;
    std::int64_t id = 0;
    std::uint64_t sub = 0;
    bool operator==(const ObjRef&) const = default;
};

enum class EventKind {
    syscall,          // entry: the call and its arguments
    check,            // a rule passed (size, limits, flags)
    perm_check,       // ipcperms / owner check
    lookup,           // ipc_obtain_object / ipc_findkey / find_vma
    id_alloc,         // ipc_idr_alloc handed out an id
    create,           // a new kernel object
    attach,           // a vm_area_struct joined a segment
    detach,           // a vm_area_struct left a segment
    field_change,     // nattch, lpid, mode, key ... changed
    page_fault,       // the MMU found no PTE
    page_lookup,      // the fault looked the page up in the segment
    frame_alloc,      // a physical frame was allocated and zeroed
    pgtable_alloc,    // a fault allocated a page-table page (PUD, PMD or PTE table)
    pte_install,      // set_pte_at
    pgtable_free,     // free_pgtables freed page-table pages after an unmap
    copy,             // bytes crossed between user and kernel or through a mapping
    mark_destroy,     // IPC_RMID with attachments: SHM_DEST
    destroy,          // an object and its frames were freed
    frame_free,
    signal,           // a signal was sent or delivered
    task_change,      // fork, exit, kill
    sleep,            // a task went to sleep on a wait queue
    wake,             // a task was woken (it runs later in the same step)
    resume,           // a woken task runs on from schedule()
    race,             // several woken tasks compete; the order is the scheduler's
    error,            // the call failed here: the errno and why
    ret,              // the call returned
};

std::string_view to_string(EventKind k);
std::string_view to_string(ObjKind k);

// The structures one event touched: at most four, kept inline. An event is recorded on every
// call's path, and a heap allocation for each would cost more than the rule it records.
class ObjRefs {
public:
    static constexpr std::size_t kMax = 4;
    ObjRefs() = default;
    ObjRefs(std::initializer_list<ObjRef> refs) {
        if (refs.size() > kMax) throw std::length_error("an event touches at most four structures");
        for (const auto& r : refs) m_refs[m_n++] = r;
    }
    const ObjRef* begin() const { return m_refs.data(); }
    const ObjRef* end() const { return m_refs.data() + m_n; }
    std::size_t size() const { return m_n; }
    bool empty() const { return m_n == 0; }
    const ObjRef& operator[](std::size_t i) const { return m_refs[i]; }
    bool operator==(const ObjRefs& o) const { return std::equal(begin(), end(), o.begin(), o.end()); }

private:
    std::array<ObjRef, kMax> m_refs{};
    std::uint8_t m_n = 0;
};

struct KernelEvent {
    EventKind kind;
    std::string_view function;     // the kernel function the step belongs to: "shmem_fault" (a literal)
    ObjRefs touched;
    std::string text;              // one plain sentence
    bool operator==(const KernelEvent&) const = default;
};

}  // namespace sim
