// PROC.buf: the names of the fields of the structures shmctl, msgctl and semctl fill, which command
// fills which, and reading one field of a CtlBuf. Shared by the parser's static check, the evaluator
// and the comparison of model and kernel.
#pragma once

#include <cstddef>
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
inline constexpr std::string_view kSemidDsFields = "key mode nsems uid gid cuid cgid otime ctime";
inline constexpr std::string_view kSeminfoFields = "semmap semmni semmns semmnu semmsl semopm semume semusz semvmx semaem";
// Every field name of every structure, once each. GETALL's values have no names: PROC.buf[N].
inline constexpr std::string_view kAllBufFields =
    "key mode segsz nattch cpid lpid uid gid cuid cgid atime dtime ctime qnum cbytes qbytes lspid lrpid stime rtime "
    "shmmax shmmin shmmni shmseg shmall used_ids shm_tot shm_rss shm_swp "
    "msgpool msgmap msgmax msgmnb msgmni msgssz msgtql msgseg "
    "nsems otime semmap semmni semmns semmnu semmsl semopm semume semusz semvmx semaem";

// The call that fills a buffer.
enum class CtlCall { shmctl, msgctl, semctl };
std::string_view ctl_call_name(CtlCall c);
// The call whose commands fill a buffer of this kind (shmctl for none).
CtlCall ctl_call_of(BufKind k);

std::string_view buf_fields(BufKind k);
bool buf_has(BufKind k, std::string_view field);
// Which structure a command fills: none for those that fill nothing (IPC_RMID, IPC_SET, SHM_LOCK,
// SHM_UNLOCK, GETVAL, SETVAL, SETALL, an invalid command). GETALL fills semall.
BufKind filled_by(CtlCall call, std::int64_t cmd);
// "IPC_STAT", "SHM_INFO", "GETALL", or the number.
std::string ctl_cmd_name(CtlCall call, std::int64_t cmd);
// The C structure's name: "shmid_ds", "msginfo"; "array" for GETALL's values.
std::string_view buf_kind_name(BufKind k);
bool is_time_field_name(std::string_view field);

// One field's value, with how it compares.
struct BufField {
    enum class Type { Signed, Unsigned, Pid, Time };
    Type type = Type::Signed;
    std::int64_t value = 0;  // unsigned ones as their bit pattern
};
std::optional<BufField> read_buf_field(const CtlBuf& b, std::string_view field);
// Copies GETALL's values into b (the first kSemallMax of them) and makes it a semall buffer.
void set_semall(CtlBuf& b, const std::int32_t* values, std::size_t n);

}  // namespace sim
