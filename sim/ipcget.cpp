// ipcget (ipc/util.c): how shmget and msgget find an object by key, or make one.
#include "sim/kernel.h"

namespace sim {

// Each sentence is written once per kind of object (segment, queue), so that a translation can
// place the noun where its language wants it.
SyscallResult& Kernel::ipcget(const IpcGetOps& ops, std::int64_t key, std::int64_t flg) {
    bool queue = ops.kind == ObjKind::msg_queue;
    bool set = ops.kind == ObjKind::sem_array;
    if (key == IPC_PRIVATE) {
        EVENT(EventKind::lookup, "ipcget", {ops.ids},
              set     ? N_("the key is IPC_PRIVATE, so there is nothing to look up: always a new semaphore set")
              : queue ? N_("the key is IPC_PRIVATE, so there is nothing to look up: always a new queue")
                      : N_("the key is IPC_PRIVATE, so there is nothing to look up: always a new segment"));
        return ops.create();
    }
    kern_ipc_perm* p = ops.find_key(key);
    if (!p) {
        EVENT(EventKind::lookup, "ipc_findkey", {ops.ids},
              set ? N_("no semaphore set has key {key}") : queue ? N_("no queue has key {key}") : N_("no segment has key {key}"), ev::num<"key">(key));
        if (!(flg & IPC_CREAT)) return FAILS(ENOENT, "ipcget_public", N_("IPC_CREAT is not set, so nothing is created"));
        return ops.create();
    }
    int id = p->id;
    EVENT(EventKind::lookup, "ipc_findkey", ObjRefs({ops.ids, {ops.kind, id}}),
          set     ? N_("key {key} belongs to semaphore set {id}")
          : queue ? N_("key {key} belongs to queue {id}")
                  : N_("key {key} belongs to segment {id}"),
          ev::num<"key">(key), ev::num<"id">(id));
    if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
        return FAILS(EEXIST, "ipcget_public",
                     set     ? N_("IPC_CREAT|IPC_EXCL asks for a new semaphore set, but the key is taken")
                     : queue ? N_("IPC_CREAT|IPC_EXCL asks for a new queue, but the key is taken")
                             : N_("IPC_CREAT|IPC_EXCL asks for a new segment, but the key is taken"));
    if (ops.more_checks(*p)) return m_result;
    if (m_record_events) ipcperms_event(ops.kind, id, *p, static_cast<int>(flg));
    if (!ipcperms(*p, current().cred, static_cast<int>(flg)))
        return FAILS(EACCES, "ipcperms", N_("the mode does not grant what the flag asks for"));
    return finish(id);
}

}  // namespace sim
