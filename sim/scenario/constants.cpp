#include "sim/scenario/constants.h"

#include <array>

#include "sim/uapi.h"

namespace sim::scenario {
namespace {

struct Named {
    std::string_view name;
    std::int64_t value;
    std::string_view text;
};

constexpr Named kErrnos[] = {
#define X(name, value, text) {#name, value, text},
#define ALIAS(name, value)
#include "sim/errno_table.inc"
#undef X
#undef ALIAS
};

constexpr Named kErrnoAliases[] = {
#define X(name, value, text)
#define ALIAS(name, value) {#name, value, ""},
#include "sim/errno_table.inc"
#undef X
#undef ALIAS
};

constexpr Named kSignals[] = {
    {"SIGHUP", 1, ""},   {"SIGINT", 2, ""},   {"SIGQUIT", 3, ""},  {"SIGILL", 4, ""},
    {"SIGTRAP", 5, ""},  {"SIGABRT", 6, ""},  {"SIGBUS", 7, ""},   {"SIGFPE", 8, ""},
    {"SIGKILL", 9, ""},  {"SIGUSR1", 10, ""}, {"SIGSEGV", 11, ""}, {"SIGUSR2", 12, ""},
    {"SIGPIPE", 13, ""}, {"SIGALRM", 14, ""}, {"SIGTERM", 15, ""}, {"SIGCHLD", 17, ""},
    {"SIGCONT", 18, ""}, {"SIGSTOP", 19, ""},
};

constexpr Named kIpc[] = {
    {"IPC_PRIVATE", IPC_PRIVATE, ""}, {"IPC_CREAT", IPC_CREAT, ""},
    {"IPC_EXCL", IPC_EXCL, ""},       {"IPC_NOWAIT", IPC_NOWAIT, ""},
    {"IPC_RMID", IPC_RMID, ""},       {"IPC_SET", IPC_SET, ""},
    {"IPC_STAT", IPC_STAT, ""},       {"IPC_INFO", IPC_INFO, ""},
    {"SHM_RDONLY", SHM_RDONLY, ""},   {"SHM_RND", SHM_RND, ""},
    {"SHM_STAT", SHM_STAT, ""},       {"SHM_INFO", SHM_INFO, ""},
    {"SHM_LOCK", SHM_LOCK, ""},       {"SHM_UNLOCK", SHM_UNLOCK, ""},
    {"SHM_DEST", SHM_DEST, ""},       {"SHM_LOCKED", SHM_LOCKED, ""},
    {"MSG_NOERROR", MSG_NOERROR, ""}, {"MSG_EXCEPT", MSG_EXCEPT, ""},
    {"MSG_COPY", MSG_COPY, ""},       {"MSG_STAT", MSG_STAT, ""},
    {"MSG_INFO", MSG_INFO, ""},
    // Version 2: shmat's SHM_REMAP and SHM_EXEC, shmget's SHM_NORESERVE (the value of SHM_RDONLY,
    // for another call) and SHM_HUGETLB.
    {"SHM_REMAP", SHM_REMAP, ""},     {"SHM_EXEC", SHM_EXEC, ""},
    {"SHM_NORESERVE", 010000, ""},    {"SHM_HUGETLB", SHM_HUGETLB, ""},
    {"SHM_STAT_ANY", SHM_STAT_ANY, ""}, {"MSG_STAT_ANY", MSG_STAT_ANY, ""},
    // Version 2: semop's SEM_UNDO and semctl's commands.
    {"SEM_UNDO", SEM_UNDO, ""},       {"GETPID", GETPID, ""},
    {"GETVAL", GETVAL, ""},           {"GETALL", GETALL, ""},
    {"GETNCNT", GETNCNT, ""},         {"GETZCNT", GETZCNT, ""},
    {"SETVAL", SETVAL, ""},           {"SETALL", SETALL, ""},
    {"SEM_STAT", SEM_STAT, ""},       {"SEM_INFO", SEM_INFO, ""},
    {"SEM_STAT_ANY", SEM_STAT_ANY, ""},
    // Version 2: mprotect's protections.
    {"PROT_NONE", PROT_NONE, ""},     {"PROT_READ", PROT_READ, ""},
    {"PROT_WRITE", PROT_WRITE, ""},   {"PROT_EXEC", PROT_EXEC, ""},
};

constexpr Named kOther[] = {
    {"NULL", 0, ""},
    {"PAGE_SIZE", static_cast<std::int64_t>(PAGE_SIZE), ""},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK, ""},  // version 2: setrlimit's one resource
};

template <typename Table>
const Named* lookup(const Table& table, std::string_view name) {
    for (const auto& n : table)
        if (n.name == name) return &n;
    return nullptr;
}

template <typename Table>
const Named* lookup_value(const Table& table, std::int64_t value) {
    for (const auto& n : table)
        if (n.value == value) return &n;
    return nullptr;
}

}  // namespace

std::optional<Constant> find_constant(std::string_view name) {
    if (auto* n = lookup(kIpc, name)) return Constant{n->name, n->value, ConstantClass::Ipc};
    if (auto* n = lookup(kOther, name)) return Constant{n->name, n->value, ConstantClass::Other};
    if (auto* n = lookup(kSignals, name)) return Constant{n->name, n->value, ConstantClass::Signal};
    if (auto* n = lookup(kErrnos, name)) return Constant{n->name, n->value, ConstantClass::Errno};
    if (auto* n = lookup(kErrnoAliases, name)) return Constant{n->name, n->value, ConstantClass::Errno};
    return std::nullopt;
}

std::string_view errno_name(std::int64_t err) {
    auto* n = lookup_value(kErrnos, err);
    return n ? n->name : std::string_view{};
}

std::string_view errno_text(std::int64_t err) {
    auto* n = lookup_value(kErrnos, err);
    return n ? n->text : std::string_view{};
}

std::string_view signal_name(std::int64_t sig) {
    auto* n = lookup_value(kSignals, sig);
    return n ? n->name : std::string_view{};
}

namespace {
constexpr Named kShmctl[] = {{"IPC_RMID", IPC_RMID, ""}, {"IPC_SET", IPC_SET, ""},     {"IPC_STAT", IPC_STAT, ""},
                             {"IPC_INFO", IPC_INFO, ""}, {"SHM_LOCK", SHM_LOCK, ""},   {"SHM_UNLOCK", SHM_UNLOCK, ""},
                             {"SHM_STAT", SHM_STAT, ""}, {"SHM_INFO", SHM_INFO, ""},   {"SHM_STAT_ANY", SHM_STAT_ANY, ""}};
constexpr Named kMsgctl[] = {{"IPC_RMID", IPC_RMID, ""}, {"IPC_SET", IPC_SET, ""},   {"IPC_STAT", IPC_STAT, ""},
                             {"IPC_INFO", IPC_INFO, ""}, {"MSG_STAT", MSG_STAT, ""}, {"MSG_INFO", MSG_INFO, ""},
                             {"MSG_STAT_ANY", MSG_STAT_ANY, ""}};
constexpr Named kSemctl[] = {{"IPC_RMID", IPC_RMID, ""}, {"IPC_SET", IPC_SET, ""},   {"IPC_STAT", IPC_STAT, ""},
                             {"IPC_INFO", IPC_INFO, ""}, {"GETPID", GETPID, ""},     {"GETVAL", GETVAL, ""},
                             {"GETALL", GETALL, ""},     {"GETNCNT", GETNCNT, ""},   {"GETZCNT", GETZCNT, ""},
                             {"SETVAL", SETVAL, ""},     {"SETALL", SETALL, ""},     {"SEM_STAT", SEM_STAT, ""},
                             {"SEM_INFO", SEM_INFO, ""}, {"SEM_STAT_ANY", SEM_STAT_ANY, ""}};
}  // namespace

std::string_view shmctl_command_name(std::int64_t cmd) {
    const Named* n = lookup_value(kShmctl, cmd);
    return n ? n->name : "";
}

std::string_view msgctl_command_name(std::int64_t cmd) {
    const Named* n = lookup_value(kMsgctl, cmd);
    return n ? n->name : "";
}

std::string_view semctl_command_name(std::int64_t cmd) {
    const Named* n = lookup_value(kSemctl, cmd);
    return n ? n->name : "";
}

}  // namespace sim::scenario
