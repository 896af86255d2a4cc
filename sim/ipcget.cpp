// ipcget (ipc/util.c): how shmget and msgget find an object by key, or make one.
#include "sim/kernel.h"
#include "sim/text.h"

namespace sim {

SyscallResult& Kernel::ipcget(const IpcGetOps& ops, std::int64_t key, std::int64_t flg) {
    if (key == IPC_PRIVATE) {
        EMIT(EventKind::lookup, "ipcget", {ops.ids}, cat("the key is IPC_PRIVATE, so there is nothing to look up: always a new ", ops.noun));
        return ops.create();
    }
    kern_ipc_perm* p = ops.find_key(key);
    if (!p) {
        EMIT(EventKind::lookup, "ipc_findkey", {ops.ids}, cat("no ", ops.noun, " has key ", key));
        if (!(flg & IPC_CREAT)) return FAIL_CALL(ENOENT, "ipcget_public", "IPC_CREAT is not set, so nothing is created");
        return ops.create();
    }
    int id = p->id;
    EMIT(EventKind::lookup, "ipc_findkey", {ops.ids, {ops.kind, id}}, cat("key ", key, " belongs to ", ops.noun, " ", id));
    if ((flg & IPC_CREAT) && (flg & IPC_EXCL))
        return FAIL_CALL(EEXIST, "ipcget_public", cat("IPC_CREAT|IPC_EXCL asks for a new ", ops.noun, ", but the key is taken"));
    if (ops.more_checks(*p)) return m_result;
    if (m_record_events) ipcperms_event({ops.kind, id}, *p, static_cast<int>(flg));
    if (!ipcperms(*p, current().cred, static_cast<int>(flg)))
        return FAIL_CALL(EACCES, "ipcperms", "the mode does not grant what the flag asks for");
    return finish(id);
}

}  // namespace sim
