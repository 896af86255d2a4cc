// What shared memory and message queues have in common (ipc/util.c): the permission block every
// object starts with, the credentials a caller brings, and the id allocator.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/uapi.h"

namespace sim {

// The credentials a caller brings (struct cred): real, effective and saved ids. Root holds
// CAP_IPC_OWNER, CAP_SYS_ADMIN, CAP_IPC_LOCK, CAP_KILL and CAP_SETUID; this sandbox's root lacks
// CAP_SYS_RESOURCE (measured: CapEff bit 24 is clear). The capabilities follow euid 0
// (cap_emulate_setxuid): a change of euid away from 0 clears the effective set, a return to 0 restores
// it, and the permitted set goes only once no id is 0, after which euid can never be 0 again.
struct cred {
    std::uint32_t euid = 0;
    std::uint32_t egid = 0;
    std::uint32_t uid = 0;    // real: whose process this is (kill_ok_by_cred, the ucounts SHM_LOCK charges)
    std::uint32_t gid = 0;
    std::uint32_t suid = 0;   // saved: what an unprivileged setuid may go back to
    std::uint32_t sgid = 0;
    static cred of(std::uint32_t uid, std::uint32_t gid) { return cred{uid, gid, uid, gid, uid, gid}; }
    bool is_root() const { return euid == 0; }
    bool operator==(const cred&) const = default;
};

// One per IPC object (struct kern_ipc_perm); IPC_STAT copies it out as ipc_perm.
struct kern_ipc_perm {
    int id = -1;              // seq * IPCMNI + idx, what shmget/msgget return
    std::int64_t key = 0;     // IPC_PRIVATE (0) once marked for destruction
    std::uint32_t uid = 0;    // owner, changeable by IPC_SET
    std::uint32_t gid = 0;
    std::uint32_t cuid = 0;   // creator, fixed
    std::uint32_t cgid = 0;
    std::uint32_t mode = 0;   // rwxrwxrwx, plus SHM_DEST / SHM_LOCKED for segments
    int seq = 0;
    bool operator==(const kern_ipc_perm&) const = default;
};

// Which class of the mode applies to this caller, as ipcperms decides it.
enum class PermClass { owner, group, other };
PermClass perm_class(const kern_ipc_perm& p, const cred& c);

// ipcperms: true when every bit `flag` asks for ((flag>>6 | flag>>3 | flag) & 7) is granted
// to the caller's class, or the caller holds CAP_IPC_OWNER. Asking for nothing always passes.
bool ipcperms(const kern_ipc_perm& p, const cred& c, int flag);
// ipcctl_obtain_check's owner rule for IPC_SET / IPC_RMID: euid is cuid or uid, or CAP_SYS_ADMIN.
bool ipc_owner(const kern_ipc_perm& p, const cred& c);
// The three bits a flag asks for, as "rw-".
const char* rwx(int bits);
// One sentence for ipcperms' verdict: who the caller is to the object and what the mode grants.
// Root here lacks CAP_SYS_RESOURCE (CapEff bit 24 is clear on this machine, root included), which
// raising a queue's qbytes above msgmnb needs.
inline bool capable_sys_resource(const cred&) { return false; }

// A new object's permissions (ipcget's newary/newque/newseg): mode from the flag, owner and
// creator from the caller's effective ids.
kern_ipc_perm new_perm(std::int64_t key, std::int64_t flg, const cred& c);

inline int ipcid_to_idx(int id) { return id % IPCMNI; }
inline int ipcid_to_seq(int id) { return id / IPCMNI; }

// struct ipc_ids: one per IPC kind per namespace. Objects live here by index; T must have `perm()`.
template <typename T>
struct ipc_ids {
    int in_use = 0;
    int seq = 0;
    int last_idx = -1;   // the last index handed out: allocation is cyclic after it
    int next_id = -1;    // the *_next_id sysctl (checkpoint/restore): the next new object's id, once
    std::map<int, T> entries;  // idx -> object (the kernel's idr)

    bool operator==(const ipc_ids&) const = default;

    // ipc_idr_alloc: the next free index after last_idx, below max(in_use*3/2, 64), wrapping to 0;
    // a wrap bumps seq so that a reused index gives a different id. Empty when none is free.
    std::optional<int> alloc_idx(int ipc_mni = IPCMNI) {
        int max_idx = in_use * 3 / 2;
        if (max_idx < IPC_MIN_CYCLE) max_idx = IPC_MIN_CYCLE;
        if (max_idx > ipc_mni) max_idx = ipc_mni;
        std::optional<int> idx = first_free(last_idx + 1, max_idx);
        if (!idx) idx = first_free(0, max_idx);
        if (!idx) return std::nullopt;
        if (*idx <= last_idx && ++seq >= INT32_MAX / IPCMNI) seq = 0;
        last_idx = *idx;
        return idx;
    }

    // ipc_obtain_object_check: the object whose index and seq match `id`.
    T* find_id(int id) {
        if (id < 0) return nullptr;
        auto it = entries.find(ipcid_to_idx(id));
        if (it == entries.end() || it->second.perm().seq != ipcid_to_seq(id)) return nullptr;
        return &it->second;
    }
    const T* find_id(int id) const { return const_cast<ipc_ids*>(this)->find_id(id); }

    // ipc_obtain_object_idr: by index alone (SHM_STAT, MSG_STAT).
    T* find_idx(int idx) {
        auto it = entries.find(idx);
        return it == entries.end() ? nullptr : &it->second;
    }
    // What *_STAT and *_STAT_ANY find (ipc_obtain_object_idr): the index in the id's low 15 bits,
    // whatever the sequence above them (measured: MSG_STAT and SEM_STAT of 32768 find index 0).
    T* find_stat_idx(std::int64_t id) {
        if (id < 0 || id > INT32_MAX) return nullptr;
        return find_idx(ipcid_to_idx(static_cast<int>(id)));
    }

    // ipc_findkey
    T* find_key(std::int64_t key) {
        for (auto& [idx, obj] : entries)
            if (obj.perm().key == key) return &obj;
        return nullptr;
    }

    // ipc_addid: takes an index (none: ENOSPC, for the caller to report), gives the object its id
    // and seq, and files it. `limit` is the namespace's shmmni or msgmni.
    std::optional<int> add(T obj, std::int64_t limit) {
        if (in_use >= (limit < IPCMNI ? limit : IPCMNI)) return std::nullopt;
        // ipc_idr_alloc: a set next_id is used once, whatever happens: its seq, and the first free
        // index from its own on; the cyclic allocation's last_idx and seq stay as they were.
        int obj_seq = 0;
        std::optional<int> idx;
        if (next_id >= 0) {
            obj_seq = ipcid_to_seq(next_id);
            idx = first_free(ipcid_to_idx(next_id), IPCMNI);
            next_id = -1;
        } else {
            idx = alloc_idx();  // may move seq on, when the index wraps
            obj_seq = seq;
        }
        if (!idx) return std::nullopt;
        obj.perm().seq = obj_seq;
        obj.perm().id = obj_seq * IPCMNI + *idx;
        int id = obj.perm().id;
        entries.emplace(*idx, std::move(obj));
        in_use++;
        return id;
    }

    // ipc_rmid
    void remove(int id) {
        if (entries.erase(ipcid_to_idx(id))) in_use--;
    }

    // ipc_get_maxidx, as IPC_INFO and SHM_INFO return it: the highest index in use, 0 when none.
    int max_idx() const { return entries.empty() ? 0 : entries.rbegin()->first; }

private:
    std::optional<int> first_free(int from, int end) const {
        for (int i = from; i < end; ++i)
            if (!entries.count(i)) return i;
        return std::nullopt;
    }
};

}  // namespace sim
