#include "sim/ctl_buf.h"

#include <utility>

#include "sim/scenario/constants.h"
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

std::optional<BufField> read_seminfo_field(const CtlBuf& b, std::string_view f) {
    const std::pair<std::string_view, std::int64_t> fields[] = {
        {"semmap", b.semmap}, {"semmni", b.semmni}, {"semmns", b.semmns}, {"semmnu", b.semmnu}, {"semmsl", b.semmsl},
        {"semopm", b.semopm}, {"semume", b.semume}, {"semusz", b.semusz}, {"semvmx", b.semvmx}, {"semaem", b.semaem}};
    for (const auto& [name, value] : fields)
        if (name == f) return BufField{BufField::Type::Signed, value};
    return std::nullopt;
}

}  // namespace

std::string_view ctl_call_name(CtlCall c) {
    switch (c) {
    case CtlCall::shmctl: return "shmctl";
    case CtlCall::msgctl: return "msgctl";
    case CtlCall::semctl: return "semctl";
    }
    return "?";
}

CtlCall ctl_call_of(BufKind k) {
    switch (k) {
    case BufKind::msqid_ds:
    case BufKind::msginfo: return CtlCall::msgctl;
    case BufKind::semid_ds:
    case BufKind::seminfo:
    case BufKind::semall: return CtlCall::semctl;
    default: return CtlCall::shmctl;
    }
}

std::string_view buf_fields(BufKind k) {
    switch (k) {
    case BufKind::shmid_ds: return kShmidDsFields;
    case BufKind::msqid_ds: return kMsqidDsFields;
    case BufKind::shminfo: return kShminfoFields;
    case BufKind::shm_info: return kShmInfoFields;
    case BufKind::msginfo: return kMsginfoFields;
    case BufKind::semid_ds: return kSemidDsFields;
    case BufKind::seminfo: return kSeminfoFields;
    case BufKind::semall:
    case BufKind::none: break;
    }
    return {};
}

bool buf_has(BufKind k, std::string_view field) { return in_words(buf_fields(k), field); }

BufKind filled_by(CtlCall call, std::int64_t cmd) {
    switch (call) {
    case CtlCall::shmctl:
        if (cmd == IPC_STAT || cmd == SHM_STAT || cmd == SHM_STAT_ANY) return BufKind::shmid_ds;
        if (cmd == IPC_INFO) return BufKind::shminfo;
        if (cmd == SHM_INFO) return BufKind::shm_info;
        break;
    case CtlCall::msgctl:
        if (cmd == IPC_STAT || cmd == MSG_STAT || cmd == MSG_STAT_ANY) return BufKind::msqid_ds;
        if (cmd == IPC_INFO || cmd == MSG_INFO) return BufKind::msginfo;
        break;
    case CtlCall::semctl:
        if (cmd == IPC_STAT || cmd == SEM_STAT || cmd == SEM_STAT_ANY) return BufKind::semid_ds;
        if (cmd == IPC_INFO || cmd == SEM_INFO) return BufKind::seminfo;
        if (cmd == GETALL) return BufKind::semall;
        break;
    }
    return BufKind::none;
}

std::string ctl_cmd_name(CtlCall call, std::int64_t cmd) {
    std::string_view name = call == CtlCall::shmctl   ? scenario::shmctl_command_name(cmd)
                            : call == CtlCall::msgctl ? scenario::msgctl_command_name(cmd)
                                                      : scenario::semctl_command_name(cmd);
    return name.empty() ? std::to_string(cmd) : std::string(name);
}

std::string_view buf_kind_name(BufKind k) {
    switch (k) {
    case BufKind::shmid_ds: return "shmid_ds";
    case BufKind::msqid_ds: return "msqid_ds";
    case BufKind::shminfo: return "shminfo";
    case BufKind::shm_info: return "shm_info";
    case BufKind::msginfo: return "msginfo";
    case BufKind::semid_ds: return "semid_ds";
    case BufKind::seminfo: return "seminfo";
    case BufKind::semall: return "array";
    case BufKind::none: break;
    }
    return "nothing";
}

bool is_time_field_name(std::string_view f) {
    return f == "atime" || f == "dtime" || f == "ctime" || f == "stime" || f == "rtime" || f == "otime";
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
    if (f == "nsems") return u(b.sem_nsems);
    if (f == "otime") return time(b.sem_otime);
    return read_seminfo_field(b, f);
}

void set_semall(CtlBuf& b, const std::int32_t* values, std::size_t n) {
    b.kind = BufKind::semall;
    b.semall = {};
    b.semall_count = static_cast<std::uint32_t>(n);
    for (std::size_t i = 0; i < n && i < kSemallMax; ++i) b.semall[i] = values[i];
}

}  // namespace sim
