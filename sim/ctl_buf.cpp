#include "sim/ctl_buf.h"

#include "sim/uapi.h"

namespace sim {

namespace {

bool in_words(std::string_view list, std::string_view word) {
    while (!list.empty()) {
        std::size_t sp = list.find(' ');
        if (list.substr(0, sp) == word) return true;
        list = sp == std::string_view::npos ? std::string_view{} : list.substr(sp + 1);
    }
    return false;
}

}  // namespace

std::string_view buf_fields(BufKind k) {
    switch (k) {
    case BufKind::shmid_ds: return kShmidDsFields;
    case BufKind::msqid_ds: return kMsqidDsFields;
    case BufKind::shminfo: return kShminfoFields;
    case BufKind::shm_info: return kShmInfoFields;
    case BufKind::msginfo: return kMsginfoFields;
    case BufKind::none: break;
    }
    return {};
}

bool buf_has(BufKind k, std::string_view field) { return in_words(buf_fields(k), field); }

BufKind filled_by(bool shm, std::int64_t cmd) {
    if (cmd == IPC_STAT) return shm ? BufKind::shmid_ds : BufKind::msqid_ds;
    if (cmd == IPC_INFO) return shm ? BufKind::shminfo : BufKind::msginfo;
    if (shm) {
        if (cmd == SHM_STAT || cmd == SHM_STAT_ANY) return BufKind::shmid_ds;
        if (cmd == SHM_INFO) return BufKind::shm_info;
        return BufKind::none;
    }
    if (cmd == MSG_STAT || cmd == MSG_STAT_ANY) return BufKind::msqid_ds;
    if (cmd == MSG_INFO) return BufKind::msginfo;
    return BufKind::none;
}

std::string ctl_cmd_name(bool shm, std::int64_t cmd) {
    switch (cmd) {
    case IPC_RMID: return "IPC_RMID";
    case IPC_SET: return "IPC_SET";
    case IPC_STAT: return "IPC_STAT";
    case IPC_INFO: return "IPC_INFO";
    default: break;
    }
    if (shm) {
        switch (cmd) {
        case SHM_LOCK: return "SHM_LOCK";
        case SHM_UNLOCK: return "SHM_UNLOCK";
        case SHM_STAT: return "SHM_STAT";
        case SHM_INFO: return "SHM_INFO";
        case SHM_STAT_ANY: return "SHM_STAT_ANY";
        default: break;
        }
    } else {
        switch (cmd) {
        case MSG_STAT: return "MSG_STAT";
        case MSG_INFO: return "MSG_INFO";
        case MSG_STAT_ANY: return "MSG_STAT_ANY";
        default: break;
        }
    }
    return std::to_string(cmd);
}

std::string_view buf_kind_name(BufKind k) {
    switch (k) {
    case BufKind::shmid_ds: return "shmid_ds";
    case BufKind::msqid_ds: return "msqid_ds";
    case BufKind::shminfo: return "shminfo";
    case BufKind::shm_info: return "shm_info";
    case BufKind::msginfo: return "msginfo";
    case BufKind::none: break;
    }
    return "nothing";
}

bool is_time_field_name(std::string_view f) {
    return f == "atime" || f == "dtime" || f == "ctime" || f == "stime" || f == "rtime";
}

std::optional<BufField> read_buf_field(const CtlBuf& b, std::string_view f) {
    if (!buf_has(b.kind, f)) return std::nullopt;
    using T = BufField::Type;
    auto u = [](std::uint64_t v) { return BufField{T::Unsigned, static_cast<std::int64_t>(v)}; };
    auto s = [](std::int64_t v) { return BufField{T::Signed, v}; };
    auto pid = [](std::int32_t v) { return BufField{T::Pid, v}; };
    auto time = [](std::int64_t v) { return BufField{T::Time, v}; };
    if (f == "key") return s(b.key);
    if (f == "mode") return u(b.mode);
    if (f == "uid") return u(b.uid);
    if (f == "gid") return u(b.gid);
    if (f == "cuid") return u(b.cuid);
    if (f == "cgid") return u(b.cgid);
    if (f == "segsz") return u(b.segsz);
    if (f == "nattch") return u(b.nattch);
    if (f == "cpid") return pid(b.cpid);
    if (f == "lpid") return pid(b.lpid);
    if (f == "qnum") return u(b.qnum);
    if (f == "cbytes") return u(b.cbytes);
    if (f == "qbytes") return u(b.qbytes);
    if (f == "lspid") return pid(b.lspid);
    if (f == "lrpid") return pid(b.lrpid);
    if (f == "atime") return time(b.atime);
    if (f == "dtime") return time(b.dtime);
    if (f == "ctime") return time(b.ctime);
    if (f == "stime") return time(b.stime);
    if (f == "rtime") return time(b.rtime);
    if (f == "shmmax") return u(b.shmmax);
    if (f == "shmmin") return u(b.shmmin);
    if (f == "shmmni") return u(b.shmmni);
    if (f == "shmseg") return u(b.shmseg);
    if (f == "shmall") return u(b.shmall);
    if (f == "used_ids") return u(b.used_ids);
    if (f == "shm_tot") return u(b.shm_tot);
    if (f == "shm_rss") return u(b.shm_rss);
    if (f == "shm_swp") return u(b.shm_swp);
    if (f == "msgpool") return s(b.msgpool);
    if (f == "msgmap") return s(b.msgmap);
    if (f == "msgmax") return s(b.msgmax);
    if (f == "msgmnb") return s(b.msgmnb);
    if (f == "msgmni") return s(b.msgmni);
    if (f == "msgssz") return s(b.msgssz);
    if (f == "msgtql") return s(b.msgtql);
    if (f == "msgseg") return s(b.msgseg);
    return std::nullopt;
}

}  // namespace sim
