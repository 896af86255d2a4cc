// Kernel-path events: the small steps a call takes inside the kernel. The window animates them and
// `ipcsim run` prints them; each names the structures it touched and keeps the numbers that say why.

// N_ marks a catalog key: an English sentence with {named} placeholders, translated when shown
// (po/zh_CN/*.po). It is the text itself, as gettext's N_ is.
#ifndef N_
#define N_(s) s
#endif
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// A structure an event touched. `id` and `sub` say which one:
//   task_struct/mm_struct: id = pid      vm_area_struct: id = pid, sub = vm_start
//   pte: id = pid, sub = page-aligned virtual address       page: id = pfn
//   shmid_kernel: id = shmid             ipc_ids: id = 0 for shm, 1 for msg
//   msg_queue: id = msqid                msg_msg: id = msqid, sub = the message's serial number
//   sem_array: id = semid                sem: id = semid, sub = the semaphore's number
//   sem_queue: id = pid of the sleeper   sem_undo: id = semid, sub = pid        ipc_ids: id = 2 for sem
enum class ObjKind {
    task_struct, mm_struct, vm_area_struct, pte, page,
    ipc_ids, kern_ipc_perm, shmid_kernel, msg_queue, msg_msg, msg_receiver, msg_sender,
    sem_array, sem, sem_queue, sem_undo,
};

struct ObjRef {
    ObjKind kind;
    std::int64_t id;    // not zeroed by default: an array of refs is written on every call's path
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
    static constexpr std::size_t kMax = 3;
    // One constructor per count, so that {a, b} stores two refs with no loop and no check. Field by
    // field: a ref the caller has just built with 8-byte stores, read back in 16-byte halves, would
    // stall store forwarding on every event.
    ObjRefs() = default;
    ObjRefs(const ObjRef& a) : m_n(1) { put(0, a); }
    ObjRefs(const ObjRef& a, const ObjRef& b) : m_n(2) { put(0, a), put(1, b); }
    ObjRefs(const ObjRef& a, const ObjRef& b, const ObjRef& c) : m_n(3) { put(0, a), put(1, b), put(2, c); }
    const ObjRef* begin() const { return m_refs.data(); }
    const ObjRef* end() const { return m_refs.data() + m_n; }
    std::size_t size() const { return m_n; }
    bool empty() const { return m_n == 0; }
    const ObjRef& operator[](std::size_t i) const { return m_refs[i]; }
    bool operator==(const ObjRefs& o) const { return std::equal(begin(), end(), o.begin(), o.end()); }

private:
    void put(std::size_t i, const ObjRef& r) {
        m_refs[i].kind = r.kind;
        m_refs[i].id = r.id;
        m_refs[i].sub = r.sub;
    }
    std::array<ObjRef, kMax> m_refs;  // only the first m_n are set: an event is written on every call's path
    std::uint8_t m_n = 0;
};

// What an argument of an event is, which says how the presentation layer (explain/) shows it.
enum class ArgType : std::uint8_t {
    num,      // a signed number: 5, -1
    unum,     // an unsigned number
    hex,      // 0x7f0000000000: addresses, pfns
    oct,      // 0666: modes and flag words
    task,     // a pid: {NAME} is the process's name, {NAME_pid} its number
    err,      // an errno: {NAME} is EINVAL, {NAME_text} what it means, in the reader's language
    sig,      // a signal number: SIGSEGV
    perms,    // three permission bits: rw-
    vmflags,  // a shared mapping's permission bits: rw-s
    word,     // a catalog key (a literal): a phrase with placeholders of its own, filled from this event's args
    text,     // bytes: an index into the step's texts (StepOutcome::texts), shown C-quoted and cut
    shm_cmd,  // a shmctl command: IPC_RMID, SHM_LOCK (a number it does not know stays a number)
    msg_cmd,  // a msgctl command: IPC_STAT, MSG_STAT
    sem_cmd,  // a semctl command: GETVAL, SETALL
};

// An argument's name and type: the same at every call of one EVENT site, so one static array per
// site holds them and an event carries only the values.
struct ArgSpec {
    const char* name;
    ArgType type;
};

// A placeholder name as a template argument: ev::num<"msqid">(id).
template <std::size_t N>
struct ArgName {
    char s[N];
    constexpr ArgName(const char (&a)[N]) { std::copy_n(a, N, s); }
};

template <ArgName Name, ArgType T>
struct Arg {
    std::uint64_t v;
    static constexpr ArgSpec spec{Name.s, T};
};

// The argument makers an EVENT line uses.
namespace ev {
template <ArgName N> constexpr Arg<N, ArgType::num> num(std::int64_t v) { return {static_cast<std::uint64_t>(v)}; }
template <ArgName N> constexpr Arg<N, ArgType::unum> unum(std::uint64_t v) { return {v}; }
template <ArgName N> constexpr Arg<N, ArgType::hex> hex(std::uint64_t v) { return {v}; }
template <ArgName N> constexpr Arg<N, ArgType::oct> oct(std::uint64_t v) { return {v}; }
template <ArgName N> constexpr Arg<N, ArgType::task> task(int pid) { return {static_cast<std::uint64_t>(pid)}; }
template <ArgName N> constexpr Arg<N, ArgType::err> err(int e) { return {static_cast<std::uint64_t>(e)}; }
template <ArgName N> constexpr Arg<N, ArgType::sig> sig(int s) { return {static_cast<std::uint64_t>(s)}; }
template <ArgName N> constexpr Arg<N, ArgType::perms> perms(int bits) { return {static_cast<std::uint64_t>(bits & 7)}; }
template <ArgName N> constexpr Arg<N, ArgType::vmflags> vmflags(int bits) { return {static_cast<std::uint64_t>(bits & 7)}; }
template <ArgName N> Arg<N, ArgType::word> word(const char* msgid) { return {reinterpret_cast<std::uintptr_t>(msgid)}; }
template <ArgName N> constexpr Arg<N, ArgType::text> text(std::size_t index) { return {index}; }
template <ArgName N> constexpr Arg<N, ArgType::shm_cmd> shm_cmd(std::int64_t c) { return {static_cast<std::uint64_t>(c)}; }
template <ArgName N> constexpr Arg<N, ArgType::msg_cmd> msg_cmd(std::int64_t c) { return {static_cast<std::uint64_t>(c)}; }
template <ArgName N> constexpr Arg<N, ArgType::sem_cmd> sem_cmd(std::int64_t c) { return {static_cast<std::uint64_t>(c)}; }
}  // namespace ev

// One step of a call's kernel path, as data: what kind of step, the kernel function it belongs to,
// the structures it touched, and a sentence key (an English template from the catalog, such as
// "finds msg_queue {msqid}") with its typed arguments. Nothing here is text to show: explain/
// makes the words when the event is shown, in the reader's language.
struct KernelEvent {
    static constexpr std::size_t kMaxArgs = 8;
    // Not zeroed: EVENT sets what it uses, and args past nargs are never read.
    KernelEvent() {}
    EventKind kind = EventKind::check;
    std::uint8_t nargs = 0;
    std::string_view function;     // "shmem_fault" (a literal)
    const char* msgid = "";        // the sentence's catalog key (a literal)
    const ArgSpec* specs = nullptr;  // nargs names and types (a static array of the EVENT site)
    ObjRefs touched;
    std::array<std::uint64_t, kMaxArgs> args;

    // The value of the argument called `name`, if the event has one.
    std::optional<std::uint64_t> arg(std::string_view name) const {
        for (std::size_t i = 0; i < nargs; ++i)
            if (name == specs[i].name) return args[i];
        return std::nullopt;
    }
    bool operator==(const KernelEvent& o) const {
        if (kind != o.kind || nargs != o.nargs || function != o.function || std::string_view(msgid) != o.msgid || !(touched == o.touched))
            return false;
        for (std::size_t i = 0; i < nargs; ++i)
            if (args[i] != o.args[i] || std::string_view(specs[i].name) != o.specs[i].name || specs[i].type != o.specs[i].type) return false;
        return true;
    }
};

// Fills an event's arguments and their specs from EVENT's argument list.
template <typename... As>
void set_args(KernelEvent& e, As... as) {
    static_assert(sizeof...(As) <= KernelEvent::kMaxArgs, "an event has at most eight arguments");
    static constexpr ArgSpec specs[sizeof...(As) + 1] = {As::spec..., {"", ArgType::num}};
    e.nargs = sizeof...(As);
    e.specs = specs;
    [[maybe_unused]] std::size_t i = 0;
    ((e.args[i++] = as.v), ...);
}

}  // namespace sim
