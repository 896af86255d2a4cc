// The parsed form of a .ipc scenario (SCENARIO.md). Every node keeps its source position so
// that the model, the kernel run and the checker can point back at the line that asked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim::scenario {

struct SourcePos {
    int line = 0;  // 1-based
    int col = 0;   // 1-based, in bytes
    bool operator==(const SourcePos&) const = default;
};

enum class ExprKind {
    Int,     // 42, 0x4d2, 0666; constants are folded into Int by the parser (text keeps the name)
    String,  // "bytes" (escapes resolved)
    Name,    // a variable, a process name, an errno/state name used as a value
    Binary,  // text is the operator: | + - *; args = {lhs, rhs}
    Negate,  // unary minus; args = {operand}
    Bytes,   // bytes(N): args = {N}
    Field,   // OBJ.F: text = F, args = {OBJ}  (PROC.ret, shm(ID).nattch)
    Call,    // shm(ID) msq(ID) exists(shm, ID) count(msq) pte(P, A) frame(P, A): text = function
    List,    // [a, b]
    Tuple,   // (1, "hi")
};

struct Expr {
    ExprKind kind = ExprKind::Int;
    SourcePos pos;
    std::int64_t value = 0;  // Int
    std::string text;        // String bytes, Name, operator, field or function name, constant name
    std::vector<Expr> args;
};

// `field=value` in shmctl/msgctl IPC_SET.
struct FieldArg {
    SourcePos pos;
    std::string name;
    Expr value;
};

enum class CallKind {
    Shmget, Shmat, Shmdt, Shmctl, Store, Load,
    Msgget, Msgsnd, Msgrcv, Msgctl,
    Fork, Exit, Kill,
};

struct Call {
    CallKind kind = CallKind::Exit;
    SourcePos pos;
    std::string name;            // as written: "shmget"
    std::vector<Expr> args;      // fork(CHILD) and kill(TARGET, SIG) carry Names
    std::vector<FieldArg> fields;
};

enum class OutcomeKind { None, Value, Ok, Errno, Blocks, Signal, Text };

struct Outcome {
    OutcomeKind kind = OutcomeKind::None;
    SourcePos pos;
    std::int64_t value = 0;  // the errno or signal number for Errno/Signal
    std::string text;        // Text bytes; errno or signal name
    Expr expr;               // Value: an integer expression (literal, constant or variable),
                             // evaluated when the step has settled
};

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

struct Expect {
    SourcePos pos;
    Expr left;
    CompareOp op = CompareOp::Eq;
    SourcePos op_pos;
    Expr right;
};

struct Step {
    SourcePos pos;               // where the process name starts
    std::string proc;
    std::optional<std::string> var;
    SourcePos var_pos;
    Call call;
    Outcome outcome;
    std::vector<std::string> notes;   // `note` lines since the previous step
    std::vector<Expect> expects;      // `expect` lines after this step, before the next
};

struct Sysctl {
    SourcePos pos;
    std::string name;  // msgmax msgmnb msgmni shmmax shmall shmmni
    std::int64_t value = 0;
};

struct ProcDecl {
    SourcePos pos;
    std::string name;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
};

struct Scenario {
    std::string file;                 // as given on the command line
    std::vector<std::string> lines;   // the source, for diagnostics and the window
    std::string title;
    std::vector<Sysctl> sysctls;
    std::vector<ProcDecl> procs;      // processes that exist at the start, in declaration order
    std::vector<Expect> initial_expects;  // expects before the first step
    std::vector<Step> steps;
    std::vector<std::string> trailing_notes;  // notes after the last step
};

}  // namespace sim::scenario
