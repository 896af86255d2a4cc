// The parsed form of a .ipc scenario (docs/scenario-language.md). Every node keeps its source position so
// that the model, the kernel run and the checker can point back at the line that asked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
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

// A text, rather than a number: "bytes", bytes(N), zeros(N), or texts joined with '+' (whose
// left side is a text too: the parser joins only texts).
inline bool is_text_expr(const Expr& e) {
    if (e.kind == ExprKind::String || e.kind == ExprKind::Bytes) return true;
    return e.kind == ExprKind::Binary && e.text == "+" && !e.args.empty() && is_text_expr(e.args[0]);
}

// The most bytes one step may move (bytes(N), load's n, msgsz=), and one text may hold: a scenario
// that asks for more gets an error rather than allocations that could take the machine down.
inline constexpr std::int64_t kMaxStepBytes = std::int64_t{1} << 26;

// `field=value` in shmctl/msgctl IPC_SET, and msgsnd's msgsz=.
struct FieldArg {
    SourcePos pos;
    std::string name;
    Expr value;
};

enum class CallKind {
    Shmget, Shmat, Shmdt, Shmctl, Store, Load,
    Msgget, Msgsnd, Msgrcv, Msgctl,
    Fork, Exit, Kill,
    Munmap,  // version 2
    Mprotect,  // version 2
    Signal, Setuid, Setgid, Seteuid, Setegid, Setrlimit,  // version 2: dispositions, credentials, limits
    Semget, Semop, Semctl,  // version 2: semaphores (issue 15)
};

// signal(SIG, WORD)'s second argument as the call carries it: SIG_DFL and SIG_IGN keep the kernel's
// values (0 and 1); `handler` is a do-nothing handler (for SIGSEGV, one that siglongjmps out of the access).
enum class SigDisposition : std::uint8_t { dfl = 0, ign = 1, handler = 2 };

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
    std::string text;        // Text: the bytes of a plain string; errno or signal name
    Expr expr;               // Value: an integer expression (literal, constant or variable),
                             // evaluated when the step has settled; Text: the text expression
};

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

struct Expect {
    SourcePos pos;
    Expr left;
    CompareOp op = CompareOp::Eq;
    SourcePos op_pos;
    Expr right;
};

struct Sysctl {
    SourcePos pos;
    std::string name;  // msgmax msgmnb msgmni shmmax shmall shmmni msg_next_id shm_next_id
    std::int64_t value = 0;
};

// The language a lesson's words are shown in.
enum class Lang { en, zh };

// A text a lesson shows (title, note): English, and the Simplified Chinese of `zh "..."` when the
// file gives one (version 2). Without it, the English is shown in both languages.
struct LessonText {
    std::string en;
    std::string zh;  // empty: none given
    const std::string& in(Lang lang) const { return lang == Lang::zh && !zh.empty() ? zh : en; }
    bool operator==(const LessonText&) const = default;
};

struct Step {
    SourcePos pos;               // where the process name starts
    std::string proc;
    std::optional<std::string> var;
    SourcePos var_pos;
    Call call;
    Outcome outcome;
    std::vector<LessonText> notes;    // `note` lines since the previous step
    std::vector<Sysctl> sysctls;      // msg_next_id, shm_next_id set since the previous step: applied first
    std::vector<Expect> expects;      // `expect` lines after this step, before the next
    std::optional<LessonText> ask;    // `ask` before this step: the predict mode's question (version 2)
    int source_line = 0;              // `@ LINE`: the line of the process's program that makes the call; 0: none
    SourcePos source_line_pos;        // where the '@' is
};

// `source PROC "path.c"`: the C program PROC's steps come from, relative to the .ipc file. A forked
// child without one of its own runs its parent's program (program_of).
struct SourceDecl {
    SourcePos pos;
    std::string proc;
    std::string path;
};

struct ProcDecl {
    SourcePos pos;
    std::string name;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
};

// The source text, looked up by line. One string per line cost 32 bytes a line even when empty
// (2 GiB for 64 MiB of newlines); this keeps the text once, and where some lines start: every
// 16th, and the first after each 4 KiB, so that a lookup scans at most 16 lines and 4 KiB.
// Walking the lines in order with an iterator costs one line each.
class SourceLines {
public:
    SourceLines() = default;
    explicit SourceLines(std::string text);

    std::size_t size() const { return m_count; }
    bool empty() const { return m_count == 0; }
    // Line i (0-based), without its '\n' and without a '\r' before it. i < size().
    std::string_view operator[](std::size_t i) const;

    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = std::string_view;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = std::string_view;
        const_iterator() = default;
        const_iterator(const SourceLines* lines, std::size_t i, std::size_t offset) : m_lines(lines), m_i(i), m_offset(offset) {}
        std::string_view operator*() const { return m_lines->line_at(m_offset); }
        const_iterator& operator++();
        const_iterator operator++(int) { auto old = *this; ++*this; return old; }
        bool operator==(const const_iterator& o) const { return m_i == o.m_i; }
    private:
        const SourceLines* m_lines = nullptr;
        std::size_t m_i = 0;
        std::size_t m_offset = 0;  // where line m_i starts
    };
    using iterator = const_iterator;
    using value_type = std::string_view;
    const_iterator begin() const { return {this, 0, 0}; }
    const_iterator end() const { return {this, m_count, m_text.size()}; }

private:
    std::string_view line_at(std::size_t offset) const;  // the line that starts there

    struct Mark {
        std::size_t line;    // 0-based
        std::size_t offset;  // where it starts in m_text
    };
    std::string m_text;
    std::vector<Mark> m_marks;  // in line order, starting with line 0
    std::size_t m_count = 0;
};

bool operator==(const SourceLines& a, const std::vector<std::string>& b);

struct Scenario {
    std::string file;                 // as given on the command line
    SourceLines lines;                // the source, for diagnostics and the window
    LessonText title;
    std::vector<Sysctl> sysctls;
    std::vector<ProcDecl> procs;      // processes that exist at the start, in declaration order
    std::vector<Expect> initial_expects;  // expects before the first step
    std::vector<Step> steps;
    std::vector<LessonText> trailing_notes;   // notes after the last step
    std::vector<SourcePos> lacks_zh;          // titles, notes and asks without a `zh` text, for --lint
    std::vector<SourceDecl> sources;          // `source` lines, in file order
};

// The program (a path as `source` gives it) that step i's process runs, or null: its own `source`,
// else its parent's at the fork that made it.
const std::string* program_of(const Scenario& s, std::size_t i);

}  // namespace sim::scenario
