// PROC.buf: the names of the fields of the structures shmctl and msgctl fill, which command fills
// which, and reading one field of a CtlBuf. Shared by the parser's static check, the evaluator and
// the comparison of model and kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/observation.h"

namespace sim {

// Space-separated field lists, in the order of the C structures.
inline constexpr std::string_view kShmidDsFields = "key mode segsz nattch cpid lpid uid gid cuid cgid atime dtime ctime";
inline constexpr std::string_view kMsqidDsFields = "key mode qnum cbytes qbytes lspid lrpid uid gid cuid cgid stime rtime ctime";
inline constexpr std::string_view kShminfoFields = "shmmax shmmin shmmni shmseg shmall";
inline constexpr std::string_view kShmInfoFields = "used_ids shm_tot shm_rss shm_swp";
inline constexpr std::string_view kMsginfoFields = "msgpool msgmap msgmax msgmnb msgmni msgssz msgtql msgseg";
// Every field name of every structure, once each.
inline constexpr std::string_view kAllBufFields =
    "key mode segsz nattch cpid lpid uid gid cuid cgid atime dtime ctime qnum cbytes qbytes lspid lrpid stime rtime "
    "shmmax shmmin shmmni shmseg shmall used_ids shm_tot shm_rss shm_swp "
    "msgpool msgmap msgmax msgmnb msgmni msgssz msgtql msgseg";

std::string_view buf_fields(BufKind k);
bool buf_has(BufKind k, std::string_view field);
// Which structure a command fills: none for those that fill nothing (IPC_RMID, IPC_SET, SHM_LOCK,
// SHM_UNLOCK, an invalid command).
BufKind filled_by(bool shm, std::int64_t cmd);
// "IPC_STAT", "SHM_INFO", or the number.
std::string ctl_cmd_name(bool shm, std::int64_t cmd);
// The C structure's name: "shmid_ds", "msginfo".
std::string_view buf_kind_name(BufKind k);
bool is_time_field_name(std::string_view field);

// One field's value, with how it compares.
struct BufField {
    enum class Type { Signed, Unsigned, Pid, Time };
    Type type = Type::Signed;
    std::int64_t value = 0;  // unsigned ones as their bit pattern
};
std::optional<BufField> read_buf_field(const CtlBuf& b, std::string_view field);

}  // namespace sim
