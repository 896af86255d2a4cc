// The .ipc parser (docs/scenario-language.md): a recursive-descent parser over one line at a time, plus the
// static checks that need no model (declared processes, assigned variables, who may use an address).
#include "sim/scenario/parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "sim/ctl_buf.h"
#include "sim/msgid.h"
#include "sim/scenario/constants.h"
#include "sim/scenario/lexer.h"
#include "sim/uapi.h"

namespace sim::scenario {
namespace {

constexpr std::size_t kMaxDiagnostics = 50;
constexpr int kMaxNesting = 64;      // parentheses, brackets and unary minus, per expression
constexpr int kMaxNodes = 4096;      // expression nodes per line: bounds the recursion over the tree
// Statements per file. Each costs some 200 to 500 bytes of tree, so this bounds a 64 MiB file of
// ten-byte steps to about 500 MiB instead of 3 GiB; it still leaves room for a million-step run.
constexpr std::size_t kMaxStatements = std::size_t{1} << 20;
// Expression nodes per file (some 100 bytes each): a 64 MiB line of "1," makes one node every two
// bytes. Room for a million steps of several nodes each.
constexpr std::size_t kMaxFileNodes = std::size_t{1} << 23;
// Tokens kept from the first pass for the second: small files are lexed once, large ones twice,
// and what is kept stays a few MiB whatever the file.
constexpr std::size_t kKeptTokens = std::size_t{1} << 16;

// Word lists, space-separated: they double as the "expected one of: ..." text of messages.
constexpr std::string_view kStatements = "title note ask source sysctl proc expect";
constexpr std::string_view kReserved =
    "title note sysctl proc expect ok blocks ready blocked exited killed shm msq sem exists count pte frame vmas ptpages bytes zeros now";
constexpr std::string_view kSysctls = "msgmax msgmnb msgmni shmmax shmall shmmni sem msg_next_id shm_next_id sem_next_id";
constexpr std::string_view kSysctlsBetweenSteps = "msg_next_id shm_next_id sem_next_id";
// `sysctl sem = A B C D` sets these four, in the order of /proc/sys/kernel/sem.
constexpr std::string_view kSemSysctls = "semmsl semmns semopm semmni";
constexpr std::string_view kStates = "ready blocked exited killed";
constexpr std::string_view kProcFields = "ret errno data mtype state minflt buf";
constexpr std::string_view kShmFields = "key mode segsz nattch cpid lpid uid gid cuid cgid rss dest atime dtime ctime";
constexpr std::string_view kMsqFields =
    "key mode qnum cbytes qbytes lspid lrpid uid gid cuid cgid receivers senders messages stime rtime ctime";
constexpr std::string_view kSemFields = "key mode nsems uid gid cuid cgid otime ctime pending";
constexpr std::string_view kSemValueFields = "val pid ncnt zcnt";
constexpr std::string_view kShmCmds = "IPC_STAT IPC_SET IPC_RMID IPC_INFO SHM_INFO SHM_STAT SHM_STAT_ANY SHM_LOCK SHM_UNLOCK";
constexpr std::string_view kMsgCmds = "IPC_STAT IPC_SET IPC_RMID IPC_INFO MSG_INFO MSG_STAT MSG_STAT_ANY";
constexpr std::string_view kSemCmds =
    "GETVAL SETVAL GETALL SETALL GETPID GETNCNT GETZCNT IPC_STAT IPC_SET IPC_RMID IPC_INFO SEM_INFO SEM_STAT SEM_STAT_ANY";
constexpr std::string_view kShmSetFields = "mode uid gid";
constexpr std::string_view kMsgSetFields = "mode uid gid qbytes";
constexpr std::string_view kFunctions = "shm msq sem exists count pte frame vmas ptpages bytes zeros";
// Only for "did you mean": the constants a scenario is most likely to misspell.
constexpr std::string_view kCommonConstants =
    "IPC_PRIVATE IPC_CREAT IPC_EXCL IPC_NOWAIT IPC_RMID IPC_SET IPC_STAT IPC_INFO SHM_RDONLY SHM_RND "
    "SHM_STAT SHM_INFO SHM_LOCK SHM_UNLOCK SHM_DEST MSG_NOERROR MSG_EXCEPT MSG_COPY MSG_STAT MSG_INFO "
    "NULL PAGE_SIZE SIGUSR1 SIGKILL SIGSEGV SEM_UNDO GETVAL SETVAL GETALL SETALL GETPID GETNCNT GETZCNT SEM_STAT SEM_INFO "
    "PROT_NONE PROT_READ PROT_WRITE PROT_EXEC";

std::vector<std::string_view> words(std::string_view list) {
    std::vector<std::string_view> out;
    while (!list.empty()) {
        std::size_t sp = list.find(' ');
        out.push_back(list.substr(0, sp));
        list = sp == std::string_view::npos ? std::string_view{} : list.substr(sp + 1);
    }
    return out;
}

bool in_list(std::string_view list, std::string_view word) {
    auto all = words(list);
    return std::find(all.begin(), all.end(), word) != all.end();
}

// What a call's argument slot holds, which decides how it is parsed.
enum class Slot { Int, Text, NewProc, Proc, Signal, Disposition, Resource };

struct CallSig {
    std::string_view name;
    CallKind kind;
    std::size_t arity;
    std::string_view params;
    std::array<Slot, 4> slots;  // Slot::Int unless given
    bool takes_fields;
};

constexpr CallSig kCalls[] = {
    {"shmget", CallKind::Shmget, 3, "key, size, shmflg", {}, false},
    {"shmat", CallKind::Shmat, 3, "shmid, addr, shmflg", {}, false},
    {"shmdt", CallKind::Shmdt, 1, "addr", {}, false},
    {"shmctl", CallKind::Shmctl, 2, "shmid, cmd [, field=value ...]", {}, true},
    {"store", CallKind::Store, 2, "addr, text", {Slot::Int, Slot::Text}, false},
    {"load", CallKind::Load, 2, "addr, n", {}, false},
    {"msgget", CallKind::Msgget, 2, "key, msgflg", {}, false},
    {"msgsnd", CallKind::Msgsnd, 4, "msqid, mtype, text, msgflg [, msgsz=N]", {Slot::Int, Slot::Int, Slot::Text}, true},
    {"msgrcv", CallKind::Msgrcv, 4, "msqid, msgsz, msgtyp, msgflg", {}, false},
    {"msgctl", CallKind::Msgctl, 2, "msqid, cmd [, field=value ...]", {}, true},
    {"fork", CallKind::Fork, 1, "child", {Slot::NewProc}, false},
    {"exit", CallKind::Exit, 1, "status", {}, false},
    {"kill", CallKind::Kill, 2, "target, sig", {Slot::Proc, Slot::Signal}, false},
    {"munmap", CallKind::Munmap, 2, "addr, len", {}, false},
    {"mprotect", CallKind::Mprotect, 3, "addr, len, prot", {}, false},
    {"signal", CallKind::Signal, 2, "sig, handler|default|ignore", {Slot::Signal, Slot::Disposition}, false},
    {"setuid", CallKind::Setuid, 1, "uid", {}, false},
    {"setgid", CallKind::Setgid, 1, "gid", {}, false},
    {"seteuid", CallKind::Seteuid, 1, "euid", {}, false},
    {"setegid", CallKind::Setegid, 1, "egid", {}, false},
    {"setrlimit", CallKind::Setrlimit, 2, "RLIMIT_MEMLOCK, bytes", {Slot::Resource}, false},
    {"semget", CallKind::Semget, 3, "key, nsems, semflg", {}, false},
    // semop's arity is that of its semid: any number of sembufs follows (parse_sembuf).
    {"semop", CallKind::Semop, 1, "semid, {sem_num, sem_op, sem_flg} ...", {}, false},
    {"semctl", CallKind::Semctl, 3, "semid, semnum, cmd [, val=V] [, array=[V, ...]] [, field=value ...]", {}, true},
};

// The functions of an expectation; each is followed by '.FIELD' (shm, msq) or stands alone.
enum class First { Expr, IpcKind, Proc };

struct FnSig {
    std::string_view name;
    std::size_t arity;
    std::string_view params;
    First first;
};

constexpr FnSig kFunctionSigs[] = {
    {"shm", 1, "id", First::Expr},          {"msq", 1, "id", First::Expr},
    {"sem", 1, "id", First::Expr},
    {"exists", 2, "shm|msq|sem, id", First::IpcKind}, {"count", 1, "shm|msq|sem", First::IpcKind},
    {"pte", 2, "proc, addr", First::Proc},  {"frame", 2, "proc, addr", First::Proc},
    {"vmas", 1, "proc", First::Proc},       {"ptpages", 1, "proc", First::Proc},
    {"bytes", 1, "n", First::Expr},
    {"zeros", 1, "n", First::Expr},
};

Message did_you_mean(std::string_view name);

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

// "; did you mean 'shmget'?" when a candidate is within two edits of `word` and closer than the
// word's own length (so that 'a' never suggests 'b'); otherwise no sentence.
Message suggestion(std::string_view word, const std::vector<std::string_view>& candidates) {
    if (word.size() > 64) return {};  // keeps a megabyte-long name from costing quadratic time
    std::string_view best;
    std::size_t best_d = 3;
    for (auto c : candidates) {
        std::size_t gap = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
        if (gap > 2 || c == word) continue;
        std::size_t d = edit_distance(word, c);
        if (d < best_d && d < word.size()) best = c, best_d = d;
    }
    return best.empty() ? Message{} : did_you_mean(best);
}

Message did_you_mean(std::string_view name) { return msg(N_("; did you mean '{name}'?"), arg("name", name)); }

// A name as a message shows it between quotes: a megabyte-long one is cut.
std::string shortened(std::string_view name) {
    constexpr std::size_t kMax = 40;
    if (name.size() > kMax) return std::string(name.substr(0, kMax)) + "...";
    return std::string(name);
}

std::optional<CompareOp> compare_op(TokenKind k) {
    switch (k) {
    case TokenKind::Eq: return CompareOp::Eq;
    case TokenKind::Ne: return CompareOp::Ne;
    case TokenKind::Lt: return CompareOp::Lt;
    case TokenKind::Le: return CompareOp::Le;
    case TokenKind::Gt: return CompareOp::Gt;
    case TokenKind::Ge: return CompareOp::Ge;
    default: return std::nullopt;
    }
}

// C precedence: * binds tighter than + and -, which bind tighter than |. 0: not a binary operator.
int precedence(TokenKind k) {
    switch (k) {
    case TokenKind::Pipe: return 1;
    case TokenKind::Plus:
    case TokenKind::Minus: return 2;
    case TokenKind::Star: return 3;
    default: return 0;
    }
}

// A command is written as one of `cmds` or as its number; SHM_LOCK (11) is not MSG_STAT (11).
// A named command must be one the call knows; a plain number may be anything, so that an invalid
// command (99, -1) reaches the kernel and gets its EINVAL (version 2).
bool is_command(const Expr& cmd, std::string_view cmds) {
    if (cmd.kind == ExprKind::Negate && cmd.args.size() == 1 && cmd.args[0].kind == ExprKind::Int) return cmd.args[0].text.empty();
    if (cmd.kind != ExprKind::Int) return false;
    if (cmd.text.empty()) return true;
    for (auto c : words(cmds))
        if (cmd.text == c) return true;
    return false;
}

// Not a number: a text (see is_text_expr) or a list or tuple.
// Made of literals and constants alone, so that the parser can compute it.
bool is_constant(const Expr& e) {
    if (e.kind == ExprKind::Int) return true;
    if (e.kind != ExprKind::Negate && e.kind != ExprKind::Binary) return false;
    return std::all_of(e.args.begin(), e.args.end(), is_constant);
}

bool is_text(const Expr& e) { return is_text_expr(e) || e.kind == ExprKind::List || e.kind == ExprKind::Tuple; }

// Checked int64 arithmetic for the values the parser must compute itself (sysctl, uid, gid).
std::optional<std::int64_t> apply(char op, std::int64_t a, std::int64_t b) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    switch (op) {
    case '|': return a | b;
    case '+':
        if ((b > 0 && a > kMax - b) || (b < 0 && a < kMin - b)) return std::nullopt;
        return a + b;
    case '-':
        if ((b < 0 && a > kMax + b) || (b > 0 && a < kMin + b)) return std::nullopt;
        return a - b;
    case '*':
        if (a == 0 || b == 0) return 0;
        if (a > 0 ? (b > 0 ? a > kMax / b : b < kMin / a) : (b > 0 ? a < kMin / b : b < kMax / a))
            return std::nullopt;
        return a * b;
    default: return std::nullopt;
    }
}

// What an expectation's side is, for the rules of time fields (docs/scenario-language.md, "Times").
enum class TimeSide { other, time, now, zero };

TimeSide time_side(const Expr& e) {
    if (e.kind == ExprKind::Name && e.text == "now") return TimeSide::now;
    if (e.kind == ExprKind::Field && is_time_field_name(e.text) && !e.args.empty() &&
        (e.args[0].kind == ExprKind::Call || (e.args[0].kind == ExprKind::Field && e.args[0].text == "buf")))
        return TimeSide::time;
    if (e.kind == ExprKind::Int && e.value == 0) return TimeSide::zero;
    return TimeSide::other;
}

// A line of spaces and tabs only: no statement, and no need to lex it (a file may hold millions).
bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

// Thrown to abandon the rest of a line at its first error, which is the only one reported for
// it; parse_line catches every one, so none leaves parse().
struct LineError {
    Diagnostic diag;
};

// Where a name may appear, which decides what it may mean.
enum class Ctx {
    Const,    // sysctl and uid/gid values: numbers and constants only
    Arg,      // a call's argument: numbers, constants, variables
    Outcome,  // after =>: also process names, as fork's pid is compared by name
    Expect,   // an expectation's side: everything
};

struct ProcInfo {
    SourcePos pos;       // where it was declared or forked
    std::string parent;  // "" for a `proc` declaration
    int fork_step = -1;  // the step that forked it
};

// The last shmctl/msgctl/semctl of a process that fills PROC.buf, as far as the file says.
struct BufInfo {
    SourcePos pos;
    BufKind kind = BufKind::none;
    CtlCall call = CtlCall::shmctl;
    std::int64_t cmd = 0;
};

struct VarInfo {
    SourcePos pos;         // the latest assignment
    std::string attacher;  // the process whose shmat assigned it; "" when not an address
    int attach_step = -1;
};

// What a line declares, found before the real parse: it tells "used before it is assigned" from
// "unknown name", and it keeps one broken line from making every later use of its names an error.
struct LineDecls {
    bool is_step = false;  // NAME ':' ...
    SourcePos step_pos;
    std::string var;
    SourcePos var_pos;
    std::string proc;  // `proc NAME` or fork(NAME)
    SourcePos proc_pos;
};

LineDecls scan_decls(const std::vector<Token>& t) {
    LineDecls d;
    auto is = [&](std::size_t i, TokenKind k) { return i < t.size() && t[i].kind == k; };
    if (is(0, TokenKind::Name) && is(1, TokenKind::Colon)) {
        d.is_step = true;
        d.step_pos = t[0].pos;
        if (is(2, TokenKind::Name) && is(3, TokenKind::Assign)) {
            d.var = t[2].text;
            d.var_pos = t[2].pos;
        }
    }
    std::size_t name_at = 0;
    if (is(0, TokenKind::Name) && t[0].text == "proc" && is(1, TokenKind::Name)) name_at = 1;
    for (std::size_t i = 0; name_at == 0 && i + 2 < t.size(); ++i) {
        if (t[i].kind == TokenKind::Name && t[i].text == "fork" && is(i + 1, TokenKind::LParen) &&
            is(i + 2, TokenKind::Name))
            name_at = i + 2;
    }
    if (name_at != 0) {
        d.proc = t[name_at].text;
        d.proc_pos = t[name_at].pos;
    }
    return d;
}

class Parser {
public:
    Parser(std::string file, std::string text);
    ParseResult run();

private:
    // Lines and tokens.
    void scan_all();
    void keep_tokens(LexedLine& lexed);
    void parse_line(std::size_t index, std::string_view line);
    void too_many_statements();
    void recover(const LineDecls& d);
    const Token& peek(std::size_t ahead = 0) const;
    const Token& next();
    bool accept(TokenKind k);
    const Token& expect(TokenKind k, Message what);
    const Token& expect(TokenKind k, std::string_view what) { return expect(k, verbatim(std::string(what))); }
    void expect_end();
    void close(const Token& open, TokenKind closer);
    template <typename F> SourcePos comma_list(const Token& open, F&& parse_one);
    [[noreturn]] void fail(SourcePos pos, Message message, std::vector<Diagnostic::Note> notes = {});
    [[noreturn]] void fail(SourcePos pos, std::string message, std::vector<Diagnostic::Note> notes = {}) {
        fail(pos, verbatim(std::move(message)), std::move(notes));
    }

    // Statements.
    void statement(const LineDecls& d);
    void title_stmt();
    void note_stmt();
    void ask_stmt();
    void source_stmt();
    void source_line(Step& s);
    void check_source_lines();
    LessonText lesson_text(SourcePos pos, const char* what);
    void sysctl_stmt();
    void sem_sysctl(const Token& name);
    void proc_stmt();
    void proc_option(ProcDecl& decl, bool& seen_uid, bool& seen_gid);
    void expect_stmt();
    void step_stmt();
    void require_before_steps(SourcePos pos, const char* what);
    void check_time_rules(const Expect& e);
    void note_buf(const Step& s);

    // Calls and outcomes.
    Call parse_call(const std::string& proc);
    void parse_arg(const CallSig& sig, Call& call);
    Expr parse_sembuf();
    Expr parse_int_list();
    Expr parse_slot(Slot slot);
    Expr parse_text();
    Expr parse_text_term();
    Expr parse_signal();
    Expr parse_disposition();
    Expr parse_resource();
    Expr bytes_node(const Token& name, std::vector<Expr> args, SourcePos close_pos);
    void check_arity(std::string_view name, std::size_t arity, std::string_view params,
                     const std::vector<Expr>& args, SourcePos close_pos);
    void check_call(const Call& call, const std::string& proc);
    void check_ctl(const Call& call);
    void check_command(const Call& call, const Expr& cmd, std::string_view cmds);
    void check_semctl(const Call& call);
    void check_msgsz(const Call& call);
    const Expr* address_in(const Expr& e) const;
    void check_address_comparison(const Expect& e);
    void check_addresses(const Expr& e, const std::string& proc);
    bool may_use(const std::string& proc, const VarInfo& v) const;
    Outcome parse_outcome(const Call& call);

    // Expressions.
    Expr node(ExprKind kind, SourcePos pos, std::string text = {}, std::vector<Expr> args = {},
              std::int64_t value = 0);
    Expr parse_expr(Ctx ctx, int min_prec = 1);
    Expr parse_unary(Ctx ctx);
    Expr parse_primary(Ctx ctx);
    Expr parse_group(Ctx ctx);
    Expr parse_list();
    Expr parse_name(Ctx ctx);
    Expr parse_function(const Token& name);
    Expr parse_fn_arg(const FnSig& sig, std::size_t index);
    Expr parse_object_field(Expr object);
    Expr parse_sem_field(Expr object);
    Expr parse_process_field(const Token& proc);
    Expr parse_buf_field(const Token& proc, Expr buf);
    Expr parse_buf_index(const Token& proc, Expr buf);
    const BufInfo& last_buf(const Token& proc, SourcePos at);
    const Token& check_field(std::string_view list, Message owner);
    Expr name_value(const Token& t, Ctx ctx);
    std::int64_t eval_const(const Expr& e);

    // Names.
    void require_process(const Token& t);
    [[noreturn]] void undeclared_process(const Token& t);
    [[noreturn]] void undefined_name(const Token& t);
    void check_new_process(const Token& t);
    void check_new_variable(const Token& t);
    std::vector<std::string_view> known_names() const;

    ParseResult m_result;
    // The first pass's tokens of the first lines, as long as they fit in kKeptTokens; the lines
    // after them are lexed again, into m_line, whose storage every line reuses.
    std::vector<LexedLine> m_lexed;
    std::size_t m_kept_tokens = 0;
    bool m_keeping = true;
    LexedLine m_line;
    LexedLine m_blank;  // what a blank line keeps: nothing
    std::size_t m_parse_lines = 0;  // the lines parsed: all, or those before the statement too many
    std::map<std::string, SourcePos> m_first_assign;  // every variable, at its first assignment
    std::map<std::string, SourcePos> m_first_decl;    // every process, at its `proc` or fork

    const std::vector<Token>* m_toks = nullptr;
    std::size_t m_at = 0;
    int m_nesting = 0;
    int m_nodes = 0;
    std::size_t m_file_nodes = 0;  // past kMaxFileNodes the parse stops

    std::map<std::string, ProcInfo> m_procs;
    std::map<std::string, BufInfo> m_bufs;  // by process
    std::map<std::string, VarInfo> m_vars;
    std::map<std::string, SourcePos> m_sysctl_pos;
    std::vector<Sysctl> m_pending_sysctls;  // set between steps, for the next step
    std::map<std::string, SourcePos> m_pending_sysctl_pos;
    std::vector<LessonText> m_pending_notes;
    std::optional<LessonText> m_pending_ask;
    SourcePos m_pending_ask_pos;
    std::map<std::string, SourcePos> m_source_pos;  // by process, for duplicates
    std::optional<SourcePos> m_title_pos;
    std::optional<SourcePos> m_first_step;
    int m_step_count = 0;
    int m_step_no = -1;  // the index of the step being parsed
};

// ---------------------------------------------------------------- lines and tokens

Parser::Parser(std::string file, std::string text) {
    m_result.scenario.file = std::move(file);
    m_result.scenario.lines = SourceLines(std::move(text));
}

ParseResult Parser::run() {
    scan_all();
    auto line = m_result.scenario.lines.begin();
    for (std::size_t i = 0; i < m_parse_lines; ++i, ++line) {
        if (m_result.diagnostics.size() >= kMaxDiagnostics || m_file_nodes > kMaxFileNodes) break;
        if (!is_blank(*line)) parse_line(i, *line);
    }
    if (m_parse_lines < m_result.scenario.lines.size() && m_file_nodes <= kMaxFileNodes) too_many_statements();
    m_result.scenario.trailing_notes = std::move(m_pending_notes);
    if (m_pending_ask && m_result.diagnostics.empty())
        m_result.diagnostics.push_back({m_pending_ask_pos, msg(N_("'ask' after the last step: there is no step to ask about"))});
    if (m_result.diagnostics.empty()) check_source_lines();
    if (!m_pending_sysctls.empty() && m_result.diagnostics.empty())
        m_result.diagnostics.push_back({m_pending_sysctls[0].pos,
                                        msg(N_("sysctl '{name}' after the last step: no step follows that it could change"),
                                            arg("name", shortened(m_pending_sysctls[0].name)))});
    return std::move(m_result);
}

// The first pass: the names each line declares, and how many steps there are. It stops at the
// statement past kMaxStatements, which is then the file's last diagnostic.
void Parser::scan_all() {
    const auto& lines = m_result.scenario.lines;
    std::size_t statements = 0, steps = 0;
    auto line = lines.begin();
    for (std::size_t i = 0; i < lines.size(); ++i, ++m_parse_lines, ++line) {
        if (is_blank(*line)) {
            keep_tokens(m_blank);
            continue;
        }
        lex_line(*line, static_cast<int>(i) + 1, m_line);
        if (m_line.tokens.size() > 1 || m_line.error) ++statements;
        if (statements > kMaxStatements) break;
        LineDecls d = scan_decls(m_line.tokens);
        if (d.is_step) ++steps;
        if (!d.var.empty()) m_first_assign.emplace(d.var, d.var_pos);
        if (!d.proc.empty()) m_first_decl.emplace(d.proc, d.proc_pos);
        keep_tokens(m_line);
    }
    m_result.scenario.steps.reserve(steps);  // exactly: growing by doubling would cost up to twice
}

// A line costs its tokens and one more for itself, so that blank lines count too.
void Parser::keep_tokens(LexedLine& lexed) {
    m_keeping = m_keeping && m_kept_tokens + lexed.tokens.size() + 1 <= kKeptTokens;
    if (!m_keeping) return;
    m_kept_tokens += lexed.tokens.size() + 1;
    m_lexed.push_back(LexedLine{{std::make_move_iterator(lexed.tokens.begin()), std::make_move_iterator(lexed.tokens.end())},
                                std::move(lexed.error), lexed.cut});
}

void Parser::too_many_statements() {
    std::size_t index = m_parse_lines;
    lex_line(m_result.scenario.lines[index], static_cast<int>(index) + 1, m_line);
    SourcePos pos = m_line.tokens.size() > 1 ? m_line.tokens[0].pos : SourcePos{static_cast<int>(index) + 1, 1};
    m_result.diagnostics.push_back(
        Diagnostic{pos, msg(N_("too many statements: a scenario may have at most {n}"), arg("n", kMaxStatements))});
}

void Parser::parse_line(std::size_t index, std::string_view line) {
    LexedLine* lexed = &m_line;
    if (index < m_lexed.size()) lexed = &m_lexed[index];
    else lex_line(line, static_cast<int>(index) + 1, m_line);
    LineDecls d = scan_decls(lexed->tokens);
    if (d.is_step) {
        m_step_no = m_step_count++;
        if (!m_first_step) m_first_step = d.step_pos;
    }
    if (lexed->error && !lexed->cut) {
        m_result.diagnostics.push_back(std::move(*lexed->error));
        return recover(d);
    }
    m_toks = &lexed->tokens;
    m_at = 0;
    m_nesting = 0;
    m_nodes = 0;
    try {
        statement(d);
        if (lexed->cut) throw LineError{*lexed->error};
    } catch (LineError& e) {
        // Reaching the cut, the parser would only say "end of line": the lexer's error says why.
        bool at_cut = lexed->cut && e.diag.pos == lexed->tokens.back().pos;
        m_result.diagnostics.push_back(at_cut ? std::move(*lexed->error) : std::move(e.diag));
        recover(d);
    }
    m_toks = nullptr;
    if (index < m_lexed.size()) m_lexed[index] = LexedLine{};  // its tokens are not needed again
}

// After a broken line, still declare what it meant to declare, so that the lines after it are
// not reported for using a process or variable it would have created.
void Parser::recover(const LineDecls& d) {
    auto is_free = [&](const std::string& n) {
        return !in_list(kReserved, n) && !find_constant(n) && !m_procs.count(n) && !m_vars.count(n);
    };
    if (!d.proc.empty() && is_free(d.proc)) m_procs.emplace(d.proc, ProcInfo{d.proc_pos, "", -1});
    if (!d.var.empty() && is_free(d.var)) m_vars.emplace(d.var, VarInfo{d.var_pos, "", -1});
}

const Token& Parser::peek(std::size_t ahead) const {
    std::size_t i = std::min(m_at + ahead, m_toks->size() - 1);  // the last token is End
    return (*m_toks)[i];
}

const Token& Parser::next() {
    const Token& t = peek();
    if (t.kind != TokenKind::End) ++m_at;
    return t;
}

bool Parser::accept(TokenKind k) {
    if (peek().kind != k) return false;
    next();
    return true;
}

const Token& Parser::expect(TokenKind k, Message what) {
    if (peek().kind != k) fail(peek().pos, msg(N_("expected {what}, found {found}"), arg("what", std::move(what)), arg("found", described(peek()))));
    return next();
}

void Parser::expect_end() {
    if (peek().kind != TokenKind::End)
        fail(peek().pos, msg(N_("unexpected {found} after the statement"), arg("found", described(peek()))));
}

// Consumes the ')' or ']' that closes `open`.
void Parser::close(const Token& open, TokenKind closer) {
    if (accept(closer)) return;
    std::string c = closer == TokenKind::RParen ? ")" : closer == TokenKind::RBracket ? "]" : "}";
    if (peek().kind == TokenKind::End)
        fail(peek().pos, msg(N_("missing '{closer}'"), arg("closer", c)), {{open.pos, msg(N_("to match this '{open}'"), arg("open", shortened(open.text)))}});
    fail(peek().pos, msg(N_("expected '{closer}', found {found}"), arg("closer", c), arg("found", described(peek()))));
}

// Parses `x, y, ...)` after `open`, calling parse_one for each item; returns where ')' is.
template <typename F>
SourcePos Parser::comma_list(const Token& open, F&& parse_one) {
    if (peek().kind == TokenKind::RParen) return next().pos;
    while (true) {
        parse_one();
        if (accept(TokenKind::Comma)) continue;
        if (peek().kind == TokenKind::RParen) return next().pos;
        if (peek().kind == TokenKind::End)
            fail(peek().pos, msg(N_("missing '{closer}'"), arg("closer", ")")), {{open.pos, msg(N_("to match this '{open}'"), arg("open", "("))}});
        fail(peek().pos, msg(N_("expected ',' or ')', found {found}"), arg("found", described(peek()))));
    }
}

void Parser::fail(SourcePos pos, Message message, std::vector<Diagnostic::Note> notes) {
    throw LineError{Diagnostic{pos, std::move(message), std::move(notes)}};
}

// ---------------------------------------------------------------- statements

void Parser::statement(const LineDecls& d) {
    const Token& t = peek();
    if (t.kind == TokenKind::End) return;
    if (d.is_step) return step_stmt();
    if (t.kind == TokenKind::Name) {
        if (t.text == "title") return title_stmt();
        if (t.text == "note") return note_stmt();
        if (t.text == "ask") return ask_stmt();
        if (t.text == "source") return source_stmt();
        if (t.text == "sysctl") return sysctl_stmt();
        if (t.text == "proc") return proc_stmt();
        if (t.text == "expect") return expect_stmt();
    }
    Message hint = t.kind == TokenKind::Name ? suggestion(t.text, words(kStatements)) : Message{};
    fail(t.pos, msg(N_("expected a statement: title, note, ask, source, sysctl, proc, expect, or NAME: CALL{hint}"), arg("hint", std::move(hint))));
}

void Parser::title_stmt() {
    SourcePos pos = next().pos;
    if (m_title_pos) fail(pos, msg(N_("duplicate title")), {{*m_title_pos, msg(N_("the first title is here"))}});
    LessonText text = lesson_text(pos, "title");
    m_title_pos = pos;
    m_result.scenario.title = std::move(text);
}

void Parser::note_stmt() {
    SourcePos pos = next().pos;
    m_pending_notes.push_back(lesson_text(pos, "note"));
}

// The question the predict mode asks before the next step; its answer is that step's outcome.
void Parser::ask_stmt() {
    SourcePos pos = next().pos;
    if (m_pending_ask)
        fail(pos, msg(N_("a second 'ask' before the same step")), {{m_pending_ask_pos, msg(N_("the first is here"))}});
    m_pending_ask = lesson_text(pos, "ask");
    m_pending_ask_pos = pos;
}

// source PROC "path.c": the program whose lines `@ LINE` names.
void Parser::source_stmt() {
    next();
    const Token& proc = expect(TokenKind::Name, msg(N_("a process name after 'source'")));
    if (!m_procs.count(proc.text) && !m_first_decl.count(proc.text)) undeclared_process(proc);
    if (auto it = m_source_pos.find(proc.text); it != m_source_pos.end())
        fail(proc.pos, msg(N_("'{name}' already has a source program"), arg("name", shortened(proc.text))), {{it->second, msg(N_("given here"))}});
    const Token& path = expect(TokenKind::String, msg(N_("the program's path in quotes, as in source {name} \"prog.c\""), arg("name", shortened(proc.text))));
    if (path.text.empty() || path.text.find('\0') != std::string::npos)
        fail(path.pos, msg(N_("the source path is empty or holds a NUL byte")));
    expect_end();
    m_source_pos[proc.text] = proc.pos;
    m_result.scenario.sources.push_back(SourceDecl{proc.pos, proc.text, path.text});
}

// Every `@ LINE` needs a program for its process (its own `source`, or its parent's); the check
// waits for the end of the file, since `source` may come anywhere.
void Parser::check_source_lines() {
    const Scenario& sc = m_result.scenario;
    for (std::size_t i = 0; i < sc.steps.size(); ++i) {
        const Step& st = sc.steps[i];
        if (st.source_line == 0 || program_of(sc, i)) continue;
        m_result.diagnostics.push_back({st.source_line_pos, msg(N_("'@ {line}': {name} has no source program; give it one with source {name} \"prog.c\""),
                                                                 arg("line", st.source_line), arg("name", shortened(st.proc)))});
        return;
    }
}

// `@ LINE` at the end of a step: the line of its program that makes the call.
void Parser::source_line(Step& s) {
    const Token& at = next();
    const Token& line = expect(TokenKind::Int, msg(N_("a line number after '@'")));
    if (line.value < 1 || line.value > 100000000) fail(line.pos, msg(N_("a source line is between 1 and 100000000")));
    s.source_line = static_cast<int>(line.value);
    s.source_line_pos = at.pos;
}

// "English" [zh "中文"] to the end of the line, after title, note or ask.
LessonText Parser::lesson_text(SourcePos pos, const char* what) {
    LessonText text{expect(TokenKind::String, msg(N_("a string after '{what}'"), arg("what", what))).text, {}};
    if (peek().kind == TokenKind::Name && peek().text == "zh") {
        next();
        const Token& zh = expect(TokenKind::String, msg(N_("the Chinese text after 'zh', as in {what} \"...\" zh \"...\""), arg("what", what)));
        if (zh.text.empty()) fail(zh.pos, msg(N_("the zh text is empty: leave 'zh' out to show the English in both languages")));
        text.zh = zh.text;
    } else if (peek().kind != TokenKind::End) {
        fail(peek().pos, msg(N_("expected zh \"...\" or the end of the line after the {what}'s text, found {found}"), arg("what", what),
                             arg("found", described(peek()))));
    }
    expect_end();
    if (text.zh.empty()) m_result.scenario.lacks_zh.push_back(pos);
    return text;
}

void Parser::require_before_steps(SourcePos pos, const char* what) {
    if (m_first_step)
        fail(pos, msg(N_("{what} must come before the first step"), arg("what", what)), {{*m_first_step, msg(N_("the first step is here"))}});
}

// Limits before the first step; the *_next_id sysctls also between steps (version 2), where they
// apply just before the next step.
void Parser::sysctl_stmt() {
    next();
    const Token& name = expect(TokenKind::Name, msg(N_("a sysctl name")));
    if (!in_list(kSysctls, name.text))
        fail(name.pos, msg(N_("unknown sysctl '{name}'; expected one of: {list}{hint}"), arg("name", shortened(name.text)), arg("list", kSysctls),
                           arg("hint", suggestion(name.text, words(kSysctls)))));
    if (m_first_step && !in_list(kSysctlsBetweenSteps, name.text))
        fail(name.pos, msg(N_("sysctl '{name}' must come before the first step; between steps only {list} may change"),
                           arg("name", shortened(name.text)), arg("list", kSysctlsBetweenSteps)),
             {{*m_first_step, msg(N_("the first step is here"))}});
    auto& seen = m_first_step ? m_pending_sysctl_pos : m_sysctl_pos;
    if (auto it = seen.find(name.text); it != seen.end())
        fail(name.pos, msg(N_("duplicate sysctl '{name}'"), arg("name", shortened(name.text))), {{it->second, msg(N_("first set here"))}});
    expect(TokenKind::Assign, msg(N_("'=' after the sysctl name")));
    if (name.text == "sem") return sem_sysctl(name);
    Expr value = parse_expr(Ctx::Const);
    std::int64_t v = eval_const(value);
    // shmmax and shmall are unsigned longs: a literal up to 2^64 - 1 is kept as its bit pattern.
    bool unsigned_literal = (name.text == "shmmax" || name.text == "shmall") && value.kind == ExprKind::Int && value.text.empty();
    if (v < 0 && !unsigned_literal) fail(value.pos, msg(N_("a sysctl value cannot be negative")));
    expect_end();
    seen[name.text] = name.pos;
    (m_first_step ? m_pending_sysctls : m_result.scenario.sysctls).push_back(Sysctl{name.pos, name.text, v});
}

// sysctl sem = SEMMSL SEMMNS SEMOPM SEMMNI: the four ints of /proc/sys/kernel/sem, each kept as a
// Sysctl of its own so that a backend sets semmsl, semmns, semopm and semmni one by one. Each number
// is a single term (`250`, `-1`, `(1 + 2)`): "250 -1" must read as two numbers, not as 249.
void Parser::sem_sysctl(const Token& name) {
    std::vector<Sysctl> four;
    for (auto field : words(kSemSysctls)) {
        if (peek().kind == TokenKind::End)
            fail(peek().pos, msg(N_("sysctl sem takes four numbers, semmsl semmns semopm semmni as in /proc/sys/kernel/sem; got {got}"),
                                 arg("got", four.size())));
        Expr value = parse_unary(Ctx::Const);
        std::int64_t v = eval_const(value);
        if (v < 0 || v > std::numeric_limits<std::int32_t>::max())
            fail(value.pos, msg(N_("{name} must be between 0 and 2147483647: /proc/sys/kernel/sem holds ints"), arg("name", field)));
        four.push_back(Sysctl{name.pos, std::string(field), v});
    }
    if (peek().kind != TokenKind::End)
        fail(peek().pos, msg(N_("sysctl sem takes four numbers, semmsl semmns semopm semmni as in /proc/sys/kernel/sem; got more")));
    m_sysctl_pos[name.text] = name.pos;
    for (auto& sc : four) m_result.scenario.sysctls.push_back(std::move(sc));
}

void Parser::proc_stmt() {
    require_before_steps(next().pos, "proc");
    const Token& name = expect(TokenKind::Name, msg(N_("a process name")));
    check_new_process(name);
    ProcDecl decl{name.pos, name.text, 0, 0};
    bool seen_uid = false, seen_gid = false;
    while (peek().kind != TokenKind::End) proc_option(decl, seen_uid, seen_gid);
    m_procs[name.text] = ProcInfo{name.pos, "", -1};
    m_result.scenario.procs.push_back(std::move(decl));
}

// One `uid=N` or `gid=N`. A uid_t is 32 bits, and (uid_t)-1 means "unchanged" to the kernel.
void Parser::proc_option(ProcDecl& decl, bool& seen_uid, bool& seen_gid) {
    const Token& opt = expect(TokenKind::Name, msg(N_("uid=N or gid=N")));
    if (opt.text != "uid" && opt.text != "gid")
        fail(opt.pos, msg(N_("unknown proc option '{name}'; expected uid=N or gid=N"), arg("name", shortened(opt.text))));
    bool is_uid = opt.text == "uid";
    bool& seen = is_uid ? seen_uid : seen_gid;
    if (seen) fail(opt.pos, msg(N_("duplicate {option}"), arg("option", opt.text)));
    seen = true;
    expect(TokenKind::Assign, msg(N_("'=' after {option}"), arg("option", opt.text)));
    Expr value = parse_expr(Ctx::Const);
    std::int64_t v = eval_const(value);
    if (v < 0 || v > 4294967294) fail(value.pos, msg(N_("{option} must be between 0 and 4294967294"), arg("option", opt.text)));
    (is_uid ? decl.uid : decl.gid) = static_cast<std::uint32_t>(v);
}

void Parser::expect_stmt() {
    Expect e;
    e.pos = next().pos;
    e.left = parse_expr(Ctx::Expect);
    const Token& op = peek();
    auto cmp = compare_op(op.kind);
    if (!cmp) {
        Message hint = op.kind == TokenKind::Assign ? did_you_mean("==") : Message{};
        fail(op.pos, msg(N_("expected a comparison operator (== != < <= > >=), found {found}{hint}"), arg("found", described(op)),
                         arg("hint", std::move(hint))));
    }
    next();
    e.op = *cmp;
    e.op_pos = op.pos;
    e.right = parse_expr(Ctx::Expect);
    expect_end();
    check_address_comparison(e);
    check_time_rules(e);
    auto& steps = m_result.scenario.steps;
    (steps.empty() ? m_result.scenario.initial_expects : steps.back().expects).push_back(std::move(e));
}

// The first address variable in e (directly or in arithmetic), or null.
const Expr* Parser::address_in(const Expr& e) const {
    if (e.kind == ExprKind::Name) {
        auto it = m_vars.find(e.text);
        return it != m_vars.end() && !it->second.attacher.empty() ? &e : nullptr;
    }
    if (e.kind != ExprKind::Binary && e.kind != ExprKind::Negate) return nullptr;
    for (const auto& a : e.args)
        if (const Expr* found = address_in(a)) return found;
    return nullptr;
}

// Two processes' addresses live in two address spaces: comparing them says nothing, and the
// model's and the kernel's layouts differ. Offsets (`p - q`) and frames (`frame(P, A)`) compare.
void Parser::check_address_comparison(const Expect& e) {
    const Expr* l = address_in(e.left);
    const Expr* r = address_in(e.right);
    if (!l || !r) return;
    const VarInfo& lv = m_vars.at(l->text);
    const VarInfo& rv = m_vars.at(r->text);
    if (lv.attacher == rv.attacher) return;
    fail(r->pos,
         msg(N_("cannot compare addresses of two processes: '{left}' is an address in {left_proc}, '{right}' in {right_proc}; compare frame({left_proc}, {left}) with frame({right_proc}, {right}) instead"),
             arg("left", shortened(l->text)), arg("left_proc", lv.attacher), arg("right", shortened(r->text)), arg("right_proc", rv.attacher)),
         {{lv.pos, msg(N_("'{name}' is attached here"), arg("name", shortened(l->text)))},
          {rv.pos, msg(N_("'{name}' is attached here"), arg("name", shortened(r->text)))}});
}

// A time field compares with 0 (== !=), with now (== only) or with another time field (<= >=):
// what holds the same on the model's step numbers and on the kernel's seconds.
void Parser::check_time_rules(const Expect& e) {
    TimeSide l = time_side(e.left), r = time_side(e.right);
    if (l == TimeSide::now || r == TimeSide::now) {
        TimeSide other = l == TimeSide::now ? r : l;
        const Expr& at = l == TimeSide::now ? e.right : e.left;
        if (other != TimeSide::time)
            fail(at.pos, msg(N_("now compares only with a time field (atime dtime ctime stime rtime otime), as in shm(ID).atime == now")));
        // PROC.buf's times were copied by a *_STAT call, which sets no time: an earlier step set
        // them, never the step just made (in the kernel run the same second could make it look so).
        if (at.args[0].kind == ExprKind::Field)
            fail(at.pos, msg(N_("a buffer's times were set before the call that copied them, never by the step just made; compare them with 0 or with shm(ID)/msq(ID)'s times (<= >=)")));
        if (e.op != CompareOp::Eq)
            fail(e.op_pos, msg(N_("a time field compares with now only by '==' (it was set by the step just made)")));
        return;
    }
    if (l != TimeSide::time && r != TimeSide::time) return;
    TimeSide other = l == TimeSide::time ? r : l;
    const Expr& at = l == TimeSide::time ? e.right : e.left;
    if (other == TimeSide::zero) {
        if (e.op != CompareOp::Eq && e.op != CompareOp::Ne)
            fail(e.op_pos, msg(N_("a time field compares with 0 only by '==' or '!=' (0 means never set)")));
        return;
    }
    if (other == TimeSide::time) {
        if (e.op != CompareOp::Le && e.op != CompareOp::Ge)
            fail(e.op_pos, msg(N_("two time fields compare only by '<=' or '>=': the model counts steps, the kernel seconds, so only order is portable")));
        return;
    }
    fail(at.pos, msg(N_("a time field compares only with 0 (== !=), with now (==) or with another time field (<= >=)")));
}

// Remembers which structure a shmctl/msgctl/semctl step fills into PROC.buf, for the static check
// of PROC.buf.F and PROC.buf[N]. A step whose outcome is an errno fills nothing; a fork's child
// starts with a copy.
void Parser::note_buf(const Step& s) {
    if (s.call.kind == CallKind::Fork && !s.call.args.empty()) {
        if (auto it = m_bufs.find(s.proc); it != m_bufs.end()) m_bufs[s.call.args[0].text] = it->second;
        return;
    }
    CtlCall call = s.call.kind == CallKind::Shmctl ? CtlCall::shmctl : s.call.kind == CallKind::Msgctl ? CtlCall::msgctl : CtlCall::semctl;
    std::size_t cmd_at = call == CtlCall::semctl ? 2 : 1;  // semctl(semid, semnum, cmd)
    if (call == CtlCall::semctl && s.call.kind != CallKind::Semctl) return;
    if (s.call.args.size() <= cmd_at || s.outcome.kind == OutcomeKind::Errno) return;
    const Expr& cmd = s.call.args[cmd_at];
    if (cmd.kind != ExprKind::Int) return;  // -N: an invalid command fills nothing
    BufKind kind = filled_by(call, cmd.value);
    if (kind != BufKind::none) m_bufs[s.proc] = BufInfo{cmd.pos, kind, call, cmd.value};
}

// NAME: [VAR =] CALL [=> OUTCOME]
void Parser::step_stmt() {
    Step s;
    const Token& proc = next();
    next();  // ':'
    s.pos = proc.pos;
    s.proc = proc.text;
    require_process(proc);
    const Token* var = nullptr;
    if (peek().kind == TokenKind::Name && peek(1).kind == TokenKind::Assign) {
        var = &next();
        next();
        check_new_variable(*var);
        s.var = var->text;
        s.var_pos = var->pos;
    }
    s.call = parse_call(s.proc);
    if (var) check_new_variable(*var);  // again, for `b = fork(b)`: b is a process now
    if (accept(TokenKind::Arrow)) s.outcome = parse_outcome(s.call);
    if (peek().kind == TokenKind::At) source_line(s);
    expect_end();
    // The variable exists from the next line on: `x = shmget(x, ...)` is a use before assignment.
    if (s.var) {
        bool address = s.call.kind == CallKind::Shmat;
        m_vars[*s.var] = VarInfo{s.var_pos, address ? s.proc : "", m_step_no};
    }
    s.notes = std::move(m_pending_notes);
    m_pending_notes.clear();
    s.ask = std::move(m_pending_ask);
    m_pending_ask.reset();
    s.sysctls = std::move(m_pending_sysctls);
    m_pending_sysctls.clear();
    m_pending_sysctl_pos.clear();
    note_buf(s);
    m_result.scenario.steps.push_back(std::move(s));
}

// ---------------------------------------------------------------- calls and outcomes

Call Parser::parse_call(const std::string& proc) {
    const Token& name = expect(TokenKind::Name, msg(N_("a call such as shmget(...)")));
    auto sig = std::find_if(std::begin(kCalls), std::end(kCalls), [&](auto& c) { return c.name == name.text; });
    if (sig == std::end(kCalls)) {
        std::vector<std::string_view> names;
        for (auto& c : kCalls) names.push_back(c.name);
        fail(name.pos, msg(N_("unknown call '{name}'{hint}"), arg("name", shortened(name.text)), arg("hint", suggestion(name.text, names))));
    }
    Call call{sig->kind, name.pos, name.text, {}, {}};
    const Token& open = expect(TokenKind::LParen, msg(N_("'(' after {call}"), arg("call", name.text)));
    SourcePos close_pos = comma_list(open, [&] { parse_arg(*sig, call); });
    if (sig->kind == CallKind::Semop && call.args.empty())
        fail(close_pos, msg(N_("semop takes a semid and then any number of sembufs, as in semop(s, {0, -1, SEM_UNDO})")));
    if (sig->kind != CallKind::Semop) check_arity(sig->name, sig->arity, sig->params, call.args, close_pos);
    check_call(call, proc);
    return call;
}

void Parser::parse_arg(const CallSig& sig, Call& call) {
    if (peek().kind == TokenKind::Name && peek(1).kind == TokenKind::Assign) {
        const Token& field = next();
        next();
        if (!sig.takes_fields)
            fail(field.pos, msg(N_("{call} takes no field=value arguments"), arg("call", sig.name)));
        bool list = sig.kind == CallKind::Semctl && field.text == "array";
        call.fields.push_back(FieldArg{field.pos, field.text, list ? parse_int_list() : parse_expr(Ctx::Arg)});
        return;
    }
    if (!call.fields.empty())
        fail(peek().pos, sig.kind == CallKind::Msgsnd   ? msg(N_("expected field=value: msgsz= comes after the other arguments"))
                         : sig.kind == CallKind::Semctl ? msg(N_("expected field=value: val=, array= and the IPC_SET fields come after semid, semnum and cmd"))
                                                        : msg(N_("expected field=value: the IPC_SET fields come after the other arguments")));
    std::size_t index = call.args.size();
    if (sig.kind == CallKind::Semop && index > 0) return call.args.push_back(parse_sembuf());
    call.args.push_back(parse_slot(index < sig.arity ? sig.slots[index] : Slot::Int));
}

// {sem_num, sem_op, sem_flg}: one struct sembuf of semop, kept as a Tuple named "sembuf".
Expr Parser::parse_sembuf() {
    if (peek().kind != TokenKind::LBrace)
        fail(peek().pos, msg(N_("expected a sembuf {sem_num, sem_op, sem_flg}, found {found}"), arg("found", described(peek()))));
    const Token& open = next();
    Expr buf = node(ExprKind::Tuple, open.pos, "sembuf");
    if (peek().kind != TokenKind::RBrace) {
        do buf.args.push_back(parse_expr(Ctx::Arg));
        while (accept(TokenKind::Comma));
    }
    SourcePos close_pos = peek().pos;
    close(open, TokenKind::RBrace);
    if (buf.args.size() != 3)
        fail(buf.args.size() > 3 ? buf.args[3].pos : close_pos,
             msg(N_("a sembuf has 3 members (sem_num, sem_op, sem_flg), got {got}"), arg("got", buf.args.size())));
    return buf;
}

// array=[V, ...] of semctl SETALL: the values semun.array points to, as integer expressions.
Expr Parser::parse_int_list() {
    if (peek().kind != TokenKind::LBracket)
        fail(peek().pos, msg(N_("expected a list of values after array=, as in array=[1, 0, 2], found {found}"), arg("found", described(peek()))));
    const Token& open = next();
    Expr list = node(ExprKind::List, open.pos);
    if (accept(TokenKind::RBracket)) return list;
    do list.args.push_back(parse_expr(Ctx::Arg));
    while (accept(TokenKind::Comma));
    close(open, TokenKind::RBracket);
    return list;
}

Expr Parser::parse_slot(Slot slot) {
    switch (slot) {
    case Slot::Text: return parse_text();
    case Slot::Signal: return parse_signal();
    case Slot::Disposition: return parse_disposition();
    case Slot::Resource: return parse_resource();
    case Slot::Proc: {
        const Token& t = expect(TokenKind::Name, msg(N_("a process name")));
        require_process(t);
        return node(ExprKind::Name, t.pos, t.text);
    }
    case Slot::NewProc: {
        const Token& t = expect(TokenKind::Name, msg(N_("the new process's name")));
        check_new_process(t);
        return node(ExprKind::Name, t.pos, t.text);
    }
    default: return parse_expr(Ctx::Arg);
    }
}

// The bytes of store and msgsnd, and a text outcome: "a string", bytes(N), bytes(N, "pattern") or
// zeros(N), or several joined with '+'.
Expr Parser::parse_text() {
    Expr text = parse_text_term();
    while (peek().kind == TokenKind::Plus) {
        const Token& plus = next();
        Expr more = parse_text_term();
        text = node(ExprKind::Binary, text.pos, plus.text, {std::move(text), std::move(more)});
    }
    return text;
}

Expr Parser::parse_text_term() {
    const Token& t = peek();
    if (t.kind == TokenKind::String) return node(ExprKind::String, next().pos, t.text);
    if (t.kind == TokenKind::Name && (t.text == "bytes" || t.text == "zeros") && peek(1).kind == TokenKind::LParen)
        return parse_function(next());
    fail(t.pos, msg(N_("expected a string, bytes(N) or zeros(N), found {found}"), arg("found", described(t))));
}

Expr Parser::parse_signal() {
    const Token& t = peek();
    auto c = t.kind == TokenKind::Name ? find_constant(t.text) : std::nullopt;
    if (!c || c->cls != ConstantClass::Signal)
        fail(t.pos, msg(N_("expected a signal name such as SIGUSR1 or SIGKILL, found {found}"), arg("found", described(t))));
    next();
    return node(ExprKind::Int, t.pos, t.text, {}, c->value);
}

// signal's second argument: a word, carried as the SigDisposition it names.
Expr Parser::parse_disposition() {
    constexpr std::string_view kWords = "handler default ignore";
    const Token& t = peek();
    if (t.kind != TokenKind::Name || !in_list(kWords, t.text)) {
        Message hint;
        if (t.kind == TokenKind::Name) hint = t.text == "SIG_IGN" ? did_you_mean("ignore") : t.text == "SIG_DFL" ? did_you_mean("default") : suggestion(t.text, words(kWords));
        fail(t.pos, msg(N_("expected handler, default or ignore, found {found}{hint}"), arg("found", described(t)), arg("hint", std::move(hint))));
    }
    next();
    auto how = t.text == "handler" ? SigDisposition::handler : t.text == "ignore" ? SigDisposition::ign : SigDisposition::dfl;
    return node(ExprKind::Int, t.pos, t.text, {}, static_cast<std::int64_t>(how));
}

// setrlimit's resource: the model keeps only RLIMIT_MEMLOCK, the limit SHM_LOCK counts against.
Expr Parser::parse_resource() {
    const Token& t = peek();
    auto c = t.kind == TokenKind::Name ? find_constant(t.text) : std::nullopt;
    if (!c || t.text != "RLIMIT_MEMLOCK")
        fail(t.pos, msg(N_("setrlimit takes only RLIMIT_MEMLOCK as its resource, found {found}{hint}"), arg("found", described(t)),
                        arg("hint", t.kind == TokenKind::Name ? suggestion(t.text, {"RLIMIT_MEMLOCK"}) : Message{})));
    next();
    return node(ExprKind::Int, t.pos, t.text, {}, c->value);
}

void Parser::check_arity(std::string_view name, std::size_t arity, std::string_view params,
                         const std::vector<Expr>& args, SourcePos close_pos) {
    if (args.size() == arity) return;
    SourcePos pos = args.size() > arity ? args[arity].pos : close_pos;
    fail(pos, msg(arity == 1 ? N_("{name} takes {n} argument ({params}), got {got}") : N_("{name} takes {n} arguments ({params}), got {got}"),
                  arg("name", name), arg("n", arity), arg("params", params), arg("got", args.size())));
}

void Parser::check_call(const Call& call, const std::string& proc) {
    if (call.kind == CallKind::Shmctl || call.kind == CallKind::Msgctl) check_ctl(call);
    if (call.kind == CallKind::Semctl) check_semctl(call);
    if (call.kind == CallKind::Msgsnd) check_msgsz(call);
    for (const auto& a : call.args) check_addresses(a, proc);
    for (const auto& f : call.fields) check_addresses(f.value, proc);
    // SIGSTOP stops its target (state T) rather than ending or interrupting it: a stopped process
    // takes no step and wakes only for SIGCONT, which is outside what a step can settle into.
    if (call.kind == CallKind::Kill && call.args.size() == 2 && call.args[1].text == "SIGSTOP")
        fail(call.args[1].pos, msg(N_("kill with SIGSTOP is not in the language: it stops the target rather than ending or interrupting it")));
    if (call.kind == CallKind::Fork) {
        const Expr& child = call.args[0];
        m_procs[child.text] = ProcInfo{child.pos, proc, m_step_no};
    }
}

// shmctl/msgctl: a command the call knows, and IPC_SET fields only with IPC_SET.
void Parser::check_ctl(const Call& call) {
    bool shm = call.kind == CallKind::Shmctl;
    std::string_view cmds = shm ? kShmCmds : kMsgCmds;
    std::string_view fields = shm ? kShmSetFields : kMsgSetFields;
    const Expr& cmd = call.args[1];
    check_command(call, cmd, cmds);
    if (call.fields.empty()) return;
    if (cmd.value != IPC_SET)
        fail(call.fields[0].pos, msg(N_("field=value arguments are allowed only with IPC_SET")));
    std::map<std::string, SourcePos> seen;
    for (const auto& f : call.fields) {
        if (!in_list(fields, f.name))
            fail(f.pos, msg(N_("unknown IPC_SET field '{name}' for {call}; expected one of: {list}"), arg("name", shortened(f.name)),
                            arg("call", call.name), arg("list", fields)));
        if (auto it = seen.find(f.name); it != seen.end())
            fail(f.pos, msg(N_("duplicate field '{name}'"), arg("name", shortened(f.name))), {{it->second, msg(N_("first set here"))}});
        seen[f.name] = f.pos;
    }
}

void Parser::check_command(const Call& call, const Expr& cmd, std::string_view cmds) {
    if (is_command(cmd, cmds)) return;
    Message got;
    if (cmd.kind == ExprKind::Int) got = msg(N_(", not {value}"), arg("value", cmd.text.empty() ? std::to_string(cmd.value) : cmd.text));
    fail(cmd.pos, msg(N_("{call} cmd must be a number or one of: {list}{got}"), arg("call", call.name), arg("list", cmds), arg("got", std::move(got))));
}

// semctl: a command it knows (or any number); val= goes only with SETVAL and array= only with
// SETALL, which need them; the IPC_SET fields go only with IPC_SET. Each field once.
void Parser::check_semctl(const Call& call) {
    const Expr& cmd = call.args[2];
    check_command(call, cmd, kSemCmds);
    std::map<std::string, SourcePos> seen;
    for (const auto& f : call.fields) {
        std::int64_t needs = f.name == "val" ? SETVAL : f.name == "array" ? SETALL : IPC_SET;
        if (needs == IPC_SET && !in_list(kShmSetFields, f.name))
            fail(f.pos, msg(N_("unknown semctl field '{name}'; expected val= (SETVAL), array= (SETALL) or an IPC_SET field: mode uid gid{hint}"),
                            arg("name", shortened(f.name)), arg("hint", suggestion(f.name, {"val", "array", "mode", "uid", "gid"}))));
        if (auto it = seen.find(f.name); it != seen.end())
            fail(f.pos, msg(N_("duplicate field '{name}'"), arg("name", shortened(f.name))), {{it->second, msg(N_("first set here"))}});
        seen[f.name] = f.pos;
        if (cmd.value != needs)
            fail(f.pos, msg(N_("{field}= is allowed only with {cmd}"), arg("field", f.name), arg("cmd", semctl_command_name(needs))));
    }
    if (cmd.value == SETVAL && !seen.count("val"))
        fail(cmd.pos, msg(N_("semctl SETVAL needs val=V, the value to set, as in semctl(s, 0, SETVAL, val=1)")));
    if (cmd.value == SETALL && !seen.count("array"))
        fail(cmd.pos, msg(N_("semctl SETALL needs array=[V, ...], a value for each semaphore, as in semctl(s, 0, SETALL, array=[1, 0])")));
}

// msgsnd's one field: an explicit msgsz, which may differ from the text's length (version 2).
void Parser::check_msgsz(const Call& call) {
    for (std::size_t i = 0; i < call.fields.size(); ++i) {
        const FieldArg& f = call.fields[i];
        if (f.name != "msgsz")
            fail(f.pos, msg(N_("unknown msgsnd field '{name}'; msgsnd takes only msgsz=N{hint}"), arg("name", shortened(f.name)),
                            arg("hint", suggestion(f.name, {"msgsz"}))));
        if (i > 0) fail(f.pos, msg(N_("duplicate field '{name}'"), arg("name", "msgsz")), {{call.fields[0].pos, msg(N_("first set here"))}});
    }
}

// docs/scenario-language.md: an address may be used only by the process that attached it and by children
// forked after the attach, since only they have the mapping at that address.
void Parser::check_addresses(const Expr& e, const std::string& proc) {
    for (const auto& a : e.args) check_addresses(a, proc);
    if (e.kind != ExprKind::Name) return;
    auto it = m_vars.find(e.text);
    if (it == m_vars.end() || it->second.attacher.empty() || may_use(proc, it->second)) return;
    const VarInfo& v = it->second;
    fail(e.pos,
         msg(N_("process '{proc}' cannot use address '{name}': only '{attacher}', which attached it, and children forked after the attach can"),
             arg("proc", shortened(proc)), arg("name", shortened(e.text)), arg("attacher", shortened(v.attacher))),
         {{v.pos, msg(N_("'{name}' is attached here"), arg("name", shortened(e.text)))}});
}

bool Parser::may_use(const std::string& proc, const VarInfo& v) const {
    if (proc == v.attacher) return true;
    std::string cur = proc;
    for (std::size_t hops = 0; hops <= m_procs.size(); ++hops) {  // forks form a tree; the bound is a guard
        auto it = m_procs.find(cur);
        if (it == m_procs.end() || it->second.parent.empty()) return false;
        if (it->second.parent == v.attacher) return it->second.fork_step > v.attach_step;
        cur = it->second.parent;
    }
    return false;
}

Outcome Parser::parse_outcome(const Call& call) {
    const Token& t = peek();
    Outcome o;
    o.pos = t.pos;
    if (t.kind == TokenKind::End)
        fail(t.pos, msg(N_("expected an outcome after '=>': a number, ok, an errno name, blocks, a signal name or a string")));
    bool texty = t.kind == TokenKind::Name && (t.text == "bytes" || t.text == "zeros") && peek(1).kind == TokenKind::LParen;
    if (t.kind == TokenKind::String || texty) {
        if (call.kind != CallKind::Load && call.kind != CallKind::Msgrcv)
            fail(t.pos, msg(N_("only load and msgrcv produce text; {call} cannot have a text outcome"), arg("call", call.name)));
        o.kind = OutcomeKind::Text;
        o.expr = parse_text();
        if (o.expr.kind == ExprKind::String) o.text = o.expr.text;  // a plain string, as in version 1
        return o;
    }
    auto c = t.kind == TokenKind::Name ? find_constant(t.text) : std::nullopt;
    bool word = t.kind == TokenKind::Name && (t.text == "ok" || t.text == "blocks");
    if (word || (c && (c->cls == ConstantClass::Errno || c->cls == ConstantClass::Signal))) {
        next();
        o.kind = t.text == "ok" ? OutcomeKind::Ok
                 : t.text == "blocks" ? OutcomeKind::Blocks
                 : c->cls == ConstantClass::Errno ? OutcomeKind::Errno
                                                  : OutcomeKind::Signal;
        if (c) o.value = c->value, o.text = t.text;
        return o;
    }
    o.kind = OutcomeKind::Value;
    o.expr = parse_expr(Ctx::Outcome);
    return o;
}

// ---------------------------------------------------------------- expressions

// Every node goes through here, so that no line can build a tree deep enough to exhaust the
// stack of the recursive walks over it (including the destructor).
Expr Parser::node(ExprKind kind, SourcePos pos, std::string text, std::vector<Expr> args, std::int64_t value) {
    if (++m_nodes > kMaxNodes) fail(pos, msg(N_("expression is too long")));
    if (++m_file_nodes > kMaxFileNodes)
        fail(pos, msg(N_("the scenario is too large: more than {n} expression nodes"), arg("n", kMaxFileNodes)));
    return Expr{kind, pos, value, std::move(text), std::move(args)};
}

// Precedence climbing over | + - *, all left-associative. A node's pos is where its text starts.
Expr Parser::parse_expr(Ctx ctx, int min_prec) {
    Expr lhs = parse_unary(ctx);
    while (true) {
        const Token& op = peek();
        int prec = precedence(op.kind);
        if (prec == 0 || prec < min_prec) return lhs;
        next();
        Expr rhs = parse_expr(ctx, prec + 1);
        bool joins = op.kind == TokenKind::Plus && is_text_expr(lhs) && is_text_expr(rhs);  // "hi" + zeros(4)
        if (!joins && op.kind == TokenKind::Plus && (is_text_expr(lhs) || is_text_expr(rhs)))
            fail(op.pos, msg(N_("'+' joins two texts or adds two numbers, not a text and a number")));
        if (!joins && (is_text(lhs) || is_text(rhs))) fail(op.pos, msg(N_("'{op}' needs numbers on both sides"), arg("op", op.text)));
        SourcePos pos = lhs.pos;
        lhs = node(ExprKind::Binary, pos, op.text, {std::move(lhs), std::move(rhs)});
    }
}

Expr Parser::parse_unary(Ctx ctx) {
    if (++m_nesting > kMaxNesting) fail(peek().pos, msg(N_("expression is nested too deeply")));
    Expr e;
    if (peek().kind != TokenKind::Minus) {
        e = parse_primary(ctx);
    } else {
        const Token& minus = next();
        Expr operand = parse_unary(ctx);
        if (is_text(operand)) fail(minus.pos, msg(N_("'-' needs a number")));
        if (operand.kind == ExprKind::Int && operand.text.empty()) {
            // A negative literal is a literal: `=> -1` holds Int -1, not Negate(1).
            operand.value = -operand.value;
            operand.pos = minus.pos;
            e = std::move(operand);
        } else {
            e = node(ExprKind::Negate, minus.pos, "", {std::move(operand)});
        }
    }
    --m_nesting;
    return e;
}

Expr Parser::parse_primary(Ctx ctx) {
    const Token& t = peek();
    switch (t.kind) {
    case TokenKind::Int: return node(ExprKind::Int, next().pos, "", {}, t.value);
    case TokenKind::String:
        if (ctx != Ctx::Expect) fail(t.pos, msg(N_("expected a number, found a string")));
        return node(ExprKind::String, next().pos, t.text);
    case TokenKind::LParen: return parse_group(ctx);
    case TokenKind::LBracket:
        if (ctx == Ctx::Expect) return parse_list();
        break;
    case TokenKind::Name: return parse_name(ctx);
    case TokenKind::LBrace: fail(t.pos, msg(N_("a sembuf {sem_num, sem_op, sem_flg} goes only in semop, after the semid")));
    default: break;
    }
    fail(t.pos, msg(N_("expected an expression, found {found}"), arg("found", described(t))));
}

// (e) groups; in an expectation (a, b, ...) is a tuple, as in [(1, "hi"), (2, "yo")].
Expr Parser::parse_group(Ctx ctx) {
    const Token& open = next();
    Expr first = parse_expr(ctx);
    if (ctx == Ctx::Expect && peek().kind == TokenKind::Comma) {
        std::vector<Expr> items;
        items.push_back(std::move(first));
        while (accept(TokenKind::Comma)) items.push_back(parse_expr(ctx));
        close(open, TokenKind::RParen);
        return node(ExprKind::Tuple, open.pos, "", std::move(items));
    }
    close(open, TokenKind::RParen);
    first.pos = open.pos;
    return first;
}

Expr Parser::parse_list() {
    const Token& open = next();
    Expr list = node(ExprKind::List, open.pos);
    if (accept(TokenKind::RBracket)) return list;
    do list.args.push_back(parse_expr(Ctx::Expect));
    while (accept(TokenKind::Comma));
    close(open, TokenKind::RBracket);
    return list;
}

Expr Parser::parse_name(Ctx ctx) {
    const Token& t = next();
    if (peek().kind == TokenKind::LParen) {
        if (ctx == Ctx::Expect) return parse_function(t);
        if (t.text == "bytes" || t.text == "zeros")
            fail(t.pos, msg(N_("{name}(N) is allowed only as the text of store or msgsnd, or in an expect"), arg("name", t.text)));
        if (std::any_of(std::begin(kCalls), std::end(kCalls), [&](auto& c) { return c.name == t.text; }))
            fail(t.pos, msg(N_("calls cannot be nested; make {call} a step of its own and use its variable"), arg("call", t.text)));
        fail(peek().pos, msg(N_("unexpected '(' after '{name}'"), arg("name", shortened(t.text))));
    }
    if (ctx == Ctx::Expect && peek().kind == TokenKind::Dot) return parse_process_field(t);
    return name_value(t, ctx);
}

// shm(ID).F msq(ID).F exists(shm, ID) count(msq) pte(P, A) frame(P, A) bytes(N); `name` is
// consumed, '(' is next.
Expr Parser::parse_function(const Token& name) {
    auto sig = std::find_if(std::begin(kFunctionSigs), std::end(kFunctionSigs),
                            [&](auto& f) { return f.name == name.text; });
    if (sig == std::end(kFunctionSigs))
        fail(name.pos, msg(N_("unknown function '{name}'; expected one of: {list}{hint}"), arg("name", shortened(name.text)), arg("list", kFunctions),
                           arg("hint", suggestion(name.text, words(kFunctions)))));
    const Token& open = next();
    std::vector<Expr> args;
    SourcePos close_pos = comma_list(open, [&] { args.push_back(parse_fn_arg(*sig, args.size())); });
    if (sig->name == "bytes" || sig->name == "zeros") return bytes_node(name, std::move(args), close_pos);
    check_arity(sig->name, sig->arity, sig->params, args, close_pos);
    Expr call = node(ExprKind::Call, name.pos, name.text, std::move(args));
    if (sig->name == "shm" || sig->name == "msq") return parse_object_field(std::move(call));
    if (sig->name == "sem") return parse_sem_field(std::move(call));
    return call;
}

// bytes(N), bytes(N, "pattern"), zeros(N): N bytes repeating the pattern ("x" unless given, NUL for
// zeros). The node keeps N as its argument and the pattern as its text.
Expr Parser::bytes_node(const Token& name, std::vector<Expr> args, SourcePos close_pos) {
    bool zeros = name.text == "zeros";
    if (zeros) check_arity(name.text, 1, "n", args, close_pos);
    else if (args.empty() || args.size() > 2)
        fail(args.empty() ? close_pos : args[2].pos, msg(N_("bytes takes 1 or 2 arguments (n [, pattern]), got {got}"), arg("got", args.size())));
    // A size known now is checked now: before the first step no budget guards an expectation.
    if (is_constant(args[0])) {
        std::int64_t n = eval_const(args[0]);
        if (n < 0) fail(args[0].pos, msg(N_("{name}(N) needs N >= 0"), arg("name", name.text)));
        if (n > kMaxStepBytes) fail(args[0].pos, msg(N_("{name}(N) is longer than a text may be (64 MiB)"), arg("name", name.text)));
    }
    std::string pattern = zeros ? std::string(1, '\0') : "x";
    if (args.size() == 2) {
        if (args[1].kind != ExprKind::String || args[1].text.empty()) fail(args[1].pos, msg(N_("bytes(N, pattern) needs a non-empty string as its pattern")));
        pattern = args[1].text;
        args.pop_back();
    }
    return node(ExprKind::Bytes, name.pos, pattern, std::move(args));
}

Expr Parser::parse_fn_arg(const FnSig& sig, std::size_t index) {
    if (sig.name == "bytes" && index == 1 && peek().kind == TokenKind::String) {
        const Token& t = next();
        return node(ExprKind::String, t.pos, t.text);
    }
    Ctx ctx = sig.name == "bytes" || sig.name == "zeros" ? Ctx::Arg : Ctx::Expect;
    if (index != 0 || sig.first == First::Expr) return parse_expr(ctx);
    const Token& t = expect(TokenKind::Name, sig.first == First::Proc ? msg(N_("a process name")) : msg(N_("shm, msq or sem")));
    if (sig.first == First::Proc) require_process(t);
    if (sig.first == First::IpcKind && t.text != "shm" && t.text != "msq" && t.text != "sem")
        fail(t.pos, msg(N_("expected shm, msq or sem, found {found}"), arg("found", described(t))));
    return node(ExprKind::Name, t.pos, t.text);
}

// `.F` after shm(ID) or msq(ID).
Expr Parser::parse_object_field(Expr object) {
    if (peek().kind != TokenKind::Dot)
        fail(peek().pos, msg(N_("expected '.FIELD' after {name}(...), as in {name}(id).mode"), arg("name", object.text)));
    next();
    bool shm = object.text == "shm";
    const Token& f = check_field(shm ? kShmFields : kMsqFields, verbatim(shm ? "shm(ID)" : "msq(ID)"));
    SourcePos pos = object.pos;
    return node(ExprKind::Field, pos, f.text, {std::move(object)});
}

// `.F` or `[N].F` after sem(ID): a field of the set, or of its semaphore N, which the node keeps as
// a second argument of the "sem" call: sem(ID)[N].val is Field val of Call sem {ID, N}.
Expr Parser::parse_sem_field(Expr object) {
    bool one = peek().kind == TokenKind::LBracket;
    if (one) {
        const Token& open = next();
        Expr index = parse_expr(Ctx::Expect);
        if (is_text(index)) fail(index.pos, msg(N_("expected a number")));
        close(open, TokenKind::RBracket);
        object.args.push_back(std::move(index));
    }
    if (peek().kind != TokenKind::Dot)
        fail(peek().pos, one ? msg(N_("expected '.FIELD' after sem(ID)[N], as in sem(id)[0].val"))
                             : msg(N_("expected '.FIELD' or '[N].FIELD' after sem(ID), as in sem(id).nsems or sem(id)[0].val")));
    next();
    const Token& f = check_field(one ? kSemValueFields : kSemFields, verbatim(one ? "sem(ID)[N]" : "sem(ID)"));
    SourcePos pos = object.pos;
    return node(ExprKind::Field, pos, f.text, {std::move(object)});
}

// PROC.F; the process must exist at this line.
Expr Parser::parse_process_field(const Token& proc) {
    require_process(proc);
    next();  // '.'
    const Token& f = check_field(kProcFields, msg(N_("a process")));
    Expr field = node(ExprKind::Field, proc.pos, f.text, {node(ExprKind::Name, proc.pos, proc.text)});
    if (f.text == "buf") return parse_buf_field(proc, std::move(field));
    return field;
}

// PROC.buf.F: F must be a field of some structure shmctl/msgctl/semctl fill, and of the one that
// PROC's last filling call before this line fills (the call may still fail at run time, which the
// evaluation then reports). PROC.buf[N] reads GETALL's values.
Expr Parser::parse_buf_field(const Token& proc, Expr buf) {
    if (peek().kind == TokenKind::LBracket) return parse_buf_index(proc, std::move(buf));
    if (peek().kind != TokenKind::Dot) fail(peek().pos, msg(N_("expected '.FIELD' after {proc}.buf, as in {proc}.buf.segsz"), arg("proc", proc.text)));
    next();
    const Token& f = check_field(kAllBufFields, msg(N_("a shmctl/msgctl/semctl buffer")));
    const BufInfo& b = last_buf(proc, f.pos);
    auto cmd = arg("cmd", ctl_cmd_name(b.call, b.cmd));
    std::vector<Diagnostic::Note> here{{b.pos, msg(N_("that {cmd} is here"), cmd)}};
    if (b.kind == BufKind::semall)
        fail(f.pos, msg(N_("'{proc}''s last semctl was GETALL: its buffer holds the values that {proc}.buf[N] reads, and no field '{field}'"),
                        arg("proc", proc.text), arg("field", shortened(f.text))), std::move(here));
    if (!buf_has(b.kind, f.text))
        fail(f.pos, msg(N_("'{proc}''s last {call} was {cmd}: its buffer ({buf}) has no field '{field}'; it has: {list}"), arg("proc", proc.text),
                        arg("call", ctl_call_name(b.call)), cmd, arg("buf", buf_kind_name(b.kind)),
                        arg("field", shortened(f.text)), arg("list", buf_fields(b.kind))), std::move(here));
    return node(ExprKind::Field, proc.pos, f.text, {std::move(buf)});
}

// PROC.buf[N]: the N-th value of PROC's last GETALL; the node is Field buf {PROC, N}.
Expr Parser::parse_buf_index(const Token& proc, Expr buf) {
    const Token& open = next();
    Expr index = parse_expr(Ctx::Expect);
    if (is_text(index)) fail(index.pos, msg(N_("expected a number")));
    close(open, TokenKind::RBracket);
    const BufInfo& b = last_buf(proc, open.pos);
    if (b.kind != BufKind::semall)
        fail(open.pos, msg(N_("'{proc}''s last {call} was {cmd}: {proc}.buf[N] reads the values of a semctl GETALL, and its buffer is a {buf}"),
                           arg("proc", proc.text), arg("call", ctl_call_name(b.call)), arg("cmd", ctl_cmd_name(b.call, b.cmd)),
                           arg("buf", buf_kind_name(b.kind))),
             {{b.pos, msg(N_("that {cmd} is here"), arg("cmd", ctl_cmd_name(b.call, b.cmd)))}});
    if (is_constant(index) && eval_const(index) < 0) fail(index.pos, msg(N_("an index cannot be negative")));
    buf.args.push_back(std::move(index));
    return buf;
}

const BufInfo& Parser::last_buf(const Token& proc, SourcePos at) {
    auto it = m_bufs.find(proc.text);
    if (it == m_bufs.end())
        fail(at, msg(N_("'{proc}' has made no shmctl, msgctl or semctl that fills a buffer before this line, so {proc}.buf holds nothing"),
                     arg("proc", proc.text)));
    return it->second;
}

const Token& Parser::check_field(std::string_view list, Message owner) {
    const Token& f = expect(TokenKind::Name, msg(N_("a field name")));
    if (!in_list(list, f.text))
        fail(f.pos, msg(N_("unknown field '{name}' of {owner}; expected one of: {list}{hint}"), arg("name", shortened(f.text)),
                        arg("owner", std::move(owner)), arg("list", list), arg("hint", suggestion(f.text, words(list)))));
    return f;
}

// A bare name: a constant (folded, keeping its name), a variable, a process or a state.
Expr Parser::name_value(const Token& t, Ctx ctx) {
    if (auto c = find_constant(t.text)) return node(ExprKind::Int, t.pos, t.text, {}, c->value);
    if (ctx == Ctx::Const) fail(t.pos, msg(N_("expected a number or a constant, found {found}"), arg("found", described(t))));
    if (m_vars.count(t.text)) return node(ExprKind::Name, t.pos, t.text);
    if (m_procs.count(t.text)) {
        if (ctx == Ctx::Arg) fail(t.pos, msg(N_("'{name}' is a process, not a value"), arg("name", shortened(t.text))));
        return node(ExprKind::Name, t.pos, t.text);
    }
    if (ctx == Ctx::Expect && (in_list(kStates, t.text) || t.text == "now")) return node(ExprKind::Name, t.pos, t.text);
    undefined_name(t);
}

std::int64_t Parser::eval_const(const Expr& e) {
    switch (e.kind) {
    case ExprKind::Int: return e.value;
    case ExprKind::Negate: {
        std::int64_t v = eval_const(e.args[0]);
        if (v == std::numeric_limits<std::int64_t>::min()) fail(e.pos, msg(N_("the value does not fit in 64 bits")));
        return -v;
    }
    case ExprKind::Binary: {
        auto v = apply(e.text[0], eval_const(e.args[0]), eval_const(e.args[1]));
        if (!v) fail(e.pos, msg(N_("the value does not fit in 64 bits")));
        return *v;
    }
    default: fail(e.pos, msg(N_("expected a number")));
    }
}

// ---------------------------------------------------------------- names

void Parser::require_process(const Token& t) {
    if (!m_procs.count(t.text)) undeclared_process(t);
}

void Parser::undeclared_process(const Token& t) {
    std::vector<Diagnostic::Note> notes;
    if (auto it = m_first_decl.find(t.text); it != m_first_decl.end())
        notes.push_back({it->second, msg(N_("'{name}' is created here, later"), arg("name", shortened(t.text)))});
    std::vector<std::string_view> procs;
    for (const auto& [name, info] : m_procs) procs.push_back(name);
    fail(t.pos, msg(N_("undeclared process '{name}'{hint}"), arg("name", shortened(t.text)), arg("hint", suggestion(t.text, procs))), std::move(notes));
}

void Parser::undefined_name(const Token& t) {
    if (auto it = m_first_assign.find(t.text); it != m_first_assign.end())
        fail(t.pos, msg(N_("variable '{name}' is used before it is assigned"), arg("name", shortened(t.text))),
             {{it->second, msg(N_("it is first assigned here"))}});
    if (m_first_decl.count(t.text)) undeclared_process(t);
    fail(t.pos, msg(N_("unknown name '{name}'{hint}"), arg("name", shortened(t.text)), arg("hint", suggestion(t.text, known_names()))));
}

std::vector<std::string_view> Parser::known_names() const {
    std::vector<std::string_view> names = words(kCommonConstants);
    for (const auto& [name, info] : m_procs) names.push_back(name);
    for (const auto& [name, info] : m_vars) names.push_back(name);
    return names;
}

// A name for a new process (`proc` or fork): not taken by anything else.
void Parser::check_new_process(const Token& t) {
    std::string name = shortened(t.text);
    if (in_list(kReserved, t.text)) fail(t.pos, msg(N_("'{name}' is a reserved word and cannot name a process"), arg("name", name)));
    if (find_constant(t.text)) fail(t.pos, msg(N_("'{name}' is a constant and cannot name a process"), arg("name", name)));
    if (auto it = m_procs.find(t.text); it != m_procs.end())
        fail(t.pos, msg(N_("duplicate process '{name}'"), arg("name", name)), {{it->second.pos, msg(N_("'{name}' is first declared here"), arg("name", name))}});
    if (auto it = m_vars.find(t.text); it != m_vars.end())
        fail(t.pos, msg(N_("'{name}' is already a variable and cannot name a process"), arg("name", name)),
             {{it->second.pos, msg(N_("'{name}' is assigned here"), arg("name", name))}});
}

void Parser::check_new_variable(const Token& t) {
    std::string name = shortened(t.text);
    if (in_list(kReserved, t.text)) fail(t.pos, msg(N_("'{name}' is a reserved word and cannot name a variable"), arg("name", name)));
    if (find_constant(t.text)) fail(t.pos, msg(N_("variable '{name}' clashes with the constant of that name"), arg("name", name)));
    if (auto it = m_procs.find(t.text); it != m_procs.end())
        fail(t.pos, msg(N_("variable '{name}' clashes with process '{name}'"), arg("name", name)),
             {{it->second.pos, msg(N_("process '{name}' is declared here"), arg("name", name))}});
}

}  // namespace

ParseResult parse(std::string file, std::string_view text) { return Parser(std::move(file), std::string(text)).run(); }

ParseResult parse(std::string file, std::string&& text) { return Parser(std::move(file), std::move(text)).run(); }

bool is_free_name(std::string_view name) {
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    return !in_list(kReserved, name) && !find_constant(name);
}

}  // namespace sim::scenario
