#include "sim/ipc_util.h"

#include "sim/text.h"

namespace sim {

PermClass perm_class(const kern_ipc_perm& p, const cred& c) {
    if (c.euid == p.cuid || c.euid == p.uid) return PermClass::owner;
    if (c.egid == p.cgid || c.egid == p.gid) return PermClass::group;
    return PermClass::other;
}

bool ipcperms(const kern_ipc_perm& p, const cred& c, int flag) {
    int requested = (flag >> 6 | flag >> 3 | flag) & 7;
    int granted = static_cast<int>(p.mode);
    switch (perm_class(p, c)) {
    case PermClass::owner: granted >>= 6; break;
    case PermClass::group: granted >>= 3; break;
    case PermClass::other: break;
    }
    return (requested & ~granted & 7) == 0 || c.is_root();
}

bool ipc_owner(const kern_ipc_perm& p, const cred& c) {
    return c.euid == p.cuid || c.euid == p.uid || c.is_root();
}

kern_ipc_perm new_perm(std::int64_t key, std::int64_t flg, const cred& c) {
    kern_ipc_perm p;
    p.key = key;
    p.mode = static_cast<std::uint32_t>(flg) & 0777;
    p.uid = p.cuid = c.euid;
    p.gid = p.cgid = c.egid;
    return p;
}

const char* rwx(int bits) {
    static const char* const names[8] = {"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"};
    return names[bits & 7];
}

}  // namespace sim
