#include "sim/event.h"

namespace sim {

std::string_view to_string(EventKind k) {
    switch (k) {
    case EventKind::syscall: return "syscall";
    case EventKind::check: return "check";
    case EventKind::perm_check: return "perm_check";
    case EventKind::lookup: return "lookup";
    case EventKind::id_alloc: return "id_alloc";
    case EventKind::create: return "create";
    case EventKind::attach: return "attach";
    case EventKind::detach: return "detach";
    case EventKind::field_change: return "field_change";
    case EventKind::page_fault: return "page_fault";
    case EventKind::page_lookup: return "page_lookup";
    case EventKind::frame_alloc: return "frame_alloc";
    case EventKind::pgtable_alloc: return "pgtable_alloc";
    case EventKind::pte_install: return "pte_install";
    case EventKind::pgtable_free: return "pgtable_free";
    case EventKind::copy: return "copy";
    case EventKind::mark_destroy: return "mark_destroy";
    case EventKind::destroy: return "destroy";
    case EventKind::frame_free: return "frame_free";
    case EventKind::signal: return "signal";
    case EventKind::task_change: return "task_change";
    case EventKind::sleep: return "sleep";
    case EventKind::wake: return "wake";
    case EventKind::resume: return "resume";
    case EventKind::race: return "race";
    case EventKind::error: return "error";
    case EventKind::ret: return "return";
    }
    return "?";
}

std::string_view to_string(ObjKind k) {
    switch (k) {
    case ObjKind::task_struct: return "task_struct";
    case ObjKind::mm_struct: return "mm_struct";
    case ObjKind::vm_area_struct: return "vm_area_struct";
    case ObjKind::pte: return "pte";
    case ObjKind::page: return "page";
    case ObjKind::ipc_ids: return "ipc_ids";
    case ObjKind::kern_ipc_perm: return "kern_ipc_perm";
    case ObjKind::shmid_kernel: return "shmid_kernel";
    case ObjKind::msg_queue: return "msg_queue";
    case ObjKind::msg_msg: return "msg_msg";
    case ObjKind::msg_receiver: return "msg_receiver";
    case ObjKind::msg_sender: return "msg_sender";
    case ObjKind::sem_array: return "sem_array";
    case ObjKind::sem: return "sem";
    case ObjKind::sem_queue: return "sem_queue";
    case ObjKind::sem_undo: return "sem_undo";
    }
    return "?";
}

}  // namespace sim
