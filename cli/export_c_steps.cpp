// Each step of the scenario as a C function that the scenario's process runs: the call itself,
// written as a C programmer would write it.
#include <fmt/format.h>

#include "cli/export_c.h"
#include "sim/scenario/constants.h"

namespace cli::export_c {

using sim::scenario::CallKind;
using sim::scenario::Expr;
using sim::scenario::SigDisposition;
using sim::scenario::Step;

namespace {

// The call's integer arguments (texts, fork's and kill's names left out), in order.
std::vector<const Expr*> int_args(const Step& step) {
    std::vector<const Expr*> out;
    const auto& args = step.call.args;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (sim::scenario::is_text_expr(args[i])) continue;
        bool named = step.call.kind == CallKind::Fork || step.call.kind == CallKind::Kill;
        if (i == 0 && named && args[i].kind == sim::scenario::ExprKind::Name) continue;
        if (i == 1 && step.call.kind == CallKind::Signal) continue;  // handler, default or ignore
        out.push_back(&args[i]);
    }
    return out;
}

const Expr* text_arg(const Step& step) {
    for (const auto& a : step.call.args)
        if (sim::scenario::is_text_expr(a)) return &a;
    return nullptr;
}

const sim::scenario::FieldArg* field(const Step& step, const char* name) {
    for (const auto& f : step.call.fields)
        if (f.name == name) return &f;
    return nullptr;
}

// shmctl and msgctl. IPC_SET changes only the fields named, so it reads the others first with
// IPC_STAT, as C code does, unless every field is named; a command that fills a structure fills
// PROC.buf.
std::string ctl_body(const Names& n, const Step& step, const std::vector<std::string>& a) {
    bool shm = step.call.kind == CallKind::Shmctl;
    std::string call = shm ? "shmctl" : "msgctl", ds = shm ? "struct shmid_ds" : "struct msqid_ds", perm = shm ? "shm_perm" : "msg_perm";
    std::string id = a.size() > 0 ? a[0] : "0", cmd = a.size() > 1 ? a[1] : "0";
    if (!step.call.fields.empty()) {
        std::vector<std::string> names = shm ? std::vector<std::string>{"mode", "uid", "gid"} : std::vector<std::string>{"mode", "uid", "gid", "qbytes"};
        bool all = true;
        for (const auto& f : names) all = all && field(step, f.c_str());
        std::string out = "    " + ds + " ds;\n";
        if (all) out += "    memset(&ds, 0, sizeof ds); /* every field is named: nothing to keep, no IPC_STAT */\n";
        else out += fmt::format("    if ({}({}, IPC_STAT, &ds) == -1) /* keep the fields not named */\n        return -1;\n", call, id);
        for (const auto& f : step.call.fields) {
            std::string member = f.name == "qbytes" ? "ds.msg_qbytes" : "ds." + perm + "." + f.name;
            out += fmt::format("    {} = {};\n", member, int_expr(n, f.value, Side::process));
        }
        return out + fmt::format("    return {}({}, {}, &ds);\n", call, id, cmd);
    }
    if (cmd == "IPC_RMID") return fmt::format("    return {}({}, IPC_RMID, NULL);\n", call, id);
    return fmt::format("    long ret = {}({}, {}, &reply.buf.{});\n"
                       "    if (ret != -1)\n"
                       "        reply.buf_kind = filled_by({}, {}); /* PROC.buf: what the call filled, if anything */\n"
                       "    return ret;\n",
                       call, id, cmd, shm ? "shm" : "msq", shm ? 1 : 0, cmd);
}

std::string pointer(const std::string& type, const std::string& expr) { return "(" + type + ")(" + expr + ")"; }

// semop(semid, {num, op, flg} ...): the sembufs as a C array, each member cast to its field's type.
// No sembuf at all is allowed: the kernel answers EINVAL.
std::string semop_body(const Names& n, const Step& step) {
    const auto& args = step.call.args;
    // semid is an int, as C converts it (2^32 is 0).
    std::string id = args.empty() ? "0" : "(int)(" + int_expr(n, args[0], Side::process) + ")";
    std::vector<std::string> bufs;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const Expr& b = args[i];
        auto member = [&](std::size_t k) { return k < b.args.size() ? int_expr(n, b.args[k], Side::process) : std::string("0"); };
        bufs.push_back(fmt::format("        {{ (unsigned short)({}), (short)({}), (short)({}) }}", member(0), member(1), member(2)));
    }
    if (bufs.empty())
        return fmt::format("    struct sembuf none = {{ 0, 0, 0 }};\n    return semop({}, &none, 0); /* no sembuf: the kernel's EINVAL */\n", id);
    std::string out = fmt::format("    struct sembuf sops[{}] = {{\n", bufs.size());
    for (std::size_t i = 0; i < bufs.size(); ++i) out += bufs[i] + (i + 1 < bufs.size() ? ",\n" : "\n");
    return out + fmt::format("    }};\n    return semop({}, sops, {});\n", id, bufs.size());
}

// semctl(semid, semnum, cmd [, val=V] [, array=[...]] [, mode= uid= gid=]). IPC_SET as ctl_body
// makes it; IPC_RMID and GET* take no argument, SETVAL an int; every other command (and one named
// by number) goes through sem_ctl, which passes the argument the command takes and fills PROC.buf.
std::string semctl_body(const Names& n, const Step& step, const std::vector<std::string>& a) {
    // semid and semnum are ints, as C converts them (2^32 is 0).
    std::string id = a.size() > 0 ? "(int)(" + a[0] + ")" : "0", num = a.size() > 1 ? "(int)(" + a[1] + ")" : "0", cmd = a.size() > 2 ? a[2] : "0";
    bool set = field(step, "mode") || field(step, "uid") || field(step, "gid");
    if (set) {
        bool all = field(step, "mode") && field(step, "uid") && field(step, "gid");
        std::string out = "    struct semid_ds ds;\n    union semun arg;\n    arg.buf = &ds;\n";
        if (all) out += "    memset(&ds, 0, sizeof ds); /* every field is named: nothing to keep, no IPC_STAT */\n";
        else out += fmt::format("    if (semctl({}, 0, IPC_STAT, arg) == -1) /* keep the fields not named */\n        return -1;\n", id);
        for (const auto& f : step.call.fields)
            if (f.name == "mode" || f.name == "uid" || f.name == "gid")
                out += fmt::format("    ds.sem_perm.{} = {};\n", f.name, int_expr(n, f.value, Side::process));
        return out + fmt::format("    return semctl({}, {}, {}, arg);\n", id, num, cmd);
    }
    // The commands that take no argument, and SETVAL's int, as C code writes them.
    if (cmd == "IPC_RMID" || cmd == "GETVAL" || cmd == "GETPID" || cmd == "GETNCNT" || cmd == "GETZCNT")
        return fmt::format("    return semctl({}, {}, {});\n", id, num, cmd);
    const auto* val = field(step, "val");
    std::string v = val ? "(int)(" + int_expr(n, val->value, Side::process) + ")" : "0";
    if (cmd == "SETVAL") return fmt::format("    union semun arg;\n    arg.val = {};\n    return semctl({}, {}, SETVAL, arg);\n", v, id, num);
    const auto* array = field(step, "array");
    if (!array) return fmt::format("    return sem_ctl({}, {}, {}, {}, NULL, 0);\n", id, num, cmd, v);
    std::string values;
    for (std::size_t i = 0; i < array->value.args.size(); ++i)
        values += (i ? ", " : "") + int_expr(n, array->value.args[i], Side::process);
    if (array->value.args.empty())  // array=[]: no value at all, and a C array cannot be empty
        return fmt::format("    return sem_ctl({}, {}, {}, {}, NULL, 0);\n", id, num, cmd, v);
    return fmt::format("    const long long values[] = {{ {} }};\n    return sem_ctl({}, {}, {}, {}, values, sizeof values / sizeof values[0]);\n", values,
                       id, num, cmd, v);
}

}  // namespace

std::string step_body(const Names& n, const Step& step) {
    std::vector<std::string> a;
    for (const Expr* e : int_args(step)) a.push_back(int_expr(n, *e, Side::process));
    auto at = [&](std::size_t i) { return i < a.size() ? a[i] : std::string("0"); };
    const Expr* text = text_arg(step);
    std::string t = text ? text_expr(n, *text, Side::process) : "text_of(\"\", 0)";
    const auto& call = step.call;
    switch (call.kind) {
    case CallKind::Shmget: return fmt::format("    return shmget({}, {}, {});\n", at(0), at(1), at(2));
    case CallKind::Shmat: {
        const Expr* addr = int_args(step).size() > 1 ? int_args(step)[1] : nullptr;
        std::string where = addr && addr->kind == sim::scenario::ExprKind::Int && addr->text == "NULL" ? "NULL" : pointer("const void *", at(1));
        return fmt::format("    return (long)shmat({}, {}, {});\n", at(0), where, at(2));
    }
    case CallKind::Shmdt: return fmt::format("    return shmdt({});\n", pointer("const void *", at(0)));
    case CallKind::Shmctl:
    case CallKind::Msgctl: return ctl_body(n, step, a);
    case CallKind::Store: return fmt::format("    return store({}, {});\n", pointer("char *", at(0)), t);
    case CallKind::Load: return fmt::format("    return load({}, {});\n", pointer("const char *", at(0)), at(1));
    case CallKind::Msgget: return fmt::format("    return msgget({}, {});\n", at(0), at(1));
    case CallKind::Msgsnd: {
        const auto* msgsz = field(step, "msgsz");
        std::string size = msgsz ? int_expr(n, msgsz->value, Side::process) : "(long)t.n";
        return fmt::format("    struct text t = {};\n    return send_message({}, {}, t, {}, {});\n", t, at(0), at(1), size, at(2));
    }
    case CallKind::Msgrcv: return fmt::format("    return receive_message({}, {}, {}, {});\n", at(0), at(1), at(2), at(3));
    case CallKind::Fork: return fmt::format("    return fork_as(P_{});\n", call.args.empty() ? "" : call.args[0].text);
    case CallKind::Exit: return fmt::format("    exit({});\n", at(0));
    case CallKind::Kill: return fmt::format("    return kill(pid[P_{}], {});\n", call.args.empty() ? "" : call.args[0].text, at(0));
    case CallKind::Munmap: return fmt::format("    return munmap({}, {});\n", pointer("void *", at(0)), at(1));
    case CallKind::Mprotect: return fmt::format("    return mprotect({}, {}, {});\n", pointer("void *", at(0)), at(1), at(2));
    case CallKind::Signal: {
        const Expr* how = call.args.size() > 1 ? &call.args[1] : nullptr;
        auto d = how ? static_cast<SigDisposition>(how->value) : SigDisposition::dfl;
        std::string handler = d == SigDisposition::handler ? "on_signal" : d == SigDisposition::ign ? "SIG_IGN" : "SIG_DFL";
        return fmt::format("    return signal({}, {}) == SIG_ERR ? -1 : 0;\n", at(0), handler);
    }
    case CallKind::Setuid:
    case CallKind::Setgid:
    case CallKind::Seteuid:
    case CallKind::Setegid:
        return fmt::format("    long ret = {}({});\n"
                           "    int err = errno;\n"
                           "    die_with_parent(); /* a change of credentials clears the death signal */\n"
                           "    errno = err;\n"
                           "    return ret;\n",
                           call.name, at(0));
    case CallKind::Setrlimit:
        return fmt::format("    struct rlimit rl = {{ {1}, {1} }}; /* the soft and the hard limit */\n    return setrlimit({0}, &rl);\n", at(0), at(1));
    case CallKind::Semget: return fmt::format("    return semget({}, {}, {});\n", at(0), at(1), at(2));
    case CallKind::Semop: return semop_body(n, step);
    case CallKind::Semctl: return semctl_body(n, step, a);
    }
    return "    errno = ENOSYS;\n    return -1;\n";
}

std::string call_kind_name(CallKind k) {
    switch (k) {
    case CallKind::Shmget: return "CALL_SHMGET";
    case CallKind::Shmat: return "CALL_SHMAT";
    case CallKind::Msgget: return "CALL_MSGGET";
    case CallKind::Fork: return "CALL_FORK";
    case CallKind::Load: return "CALL_LOAD";
    case CallKind::Msgrcv: return "CALL_MSGRCV";
    case CallKind::Msgsnd: return "CALL_MSGSND";
    case CallKind::Semget: return "CALL_SEMGET";
    case CallKind::Semop: return "CALL_SEMOP";
    default: return "CALL_OTHER";
    }
}

}  // namespace cli::export_c
