// The .ipc parser (docs/scenario-language.md): every form it accepts, every error it reports and where, and
// what if it is fed garbage.
#include "sim/scenario/parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

#include "sim/scenario/diagnostic.h"

namespace sim::scenario {
namespace {

std::string dump(const ParseResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics) out += format_diagnostic("t.ipc", r.scenario.lines, d);
    return out;
}

ParseResult parse_ok(std::string_view text) {
    ParseResult r = parse("t.ipc", text);
    EXPECT_TRUE(r.ok()) << dump(r);
    return r;
}

// The single diagnostic `text` must produce, at line:col with exactly this message.
Diagnostic expect_error(std::string_view text, int line, int col, std::string_view message) {
    ParseResult r = parse("t.ipc", text);
    EXPECT_EQ(r.diagnostics.size(), 1u) << dump(r);
    if (r.diagnostics.empty()) return {};
    const Diagnostic& d = r.diagnostics[0];
    EXPECT_EQ(d.message, message);
    EXPECT_EQ(d.pos, (SourcePos{line, col})) << d.message;
    return d;
}

// The one step of "proc a\nproc b\n" + `step`.
Step parse_step(std::string_view step) {
    ParseResult r = parse_ok("proc a\nproc b\n" + std::string(step) + "\n");
    EXPECT_EQ(r.scenario.steps.size(), 1u);
    return r.scenario.steps.empty() ? Step{} : r.scenario.steps[0];
}

// The one expectation after a scenario with processes a, b, variables id, q, p and a step.
Expect parse_expect(std::string_view expect) {
    std::string text = "proc a\nproc b\na: id = shmget(1, 4096, 0)\na: q = msgget(1, 0)\na: p = shmat(id, NULL, 0)\n";
    ParseResult r = parse_ok(text + std::string(expect) + "\n");
    if (r.scenario.steps.size() != 3 || r.scenario.steps[2].expects.size() != 1) {
        ADD_FAILURE() << "no expectation parsed";
        return {};
    }
    return r.scenario.steps[2].expects[0];
}

void expect_int(const Expr& e, std::int64_t value, std::string_view text = "") {
    EXPECT_EQ(e.kind, ExprKind::Int);
    EXPECT_EQ(e.value, value);
    EXPECT_EQ(e.text, text);
}

void expect_name(const Expr& e, std::string_view name) {
    EXPECT_EQ(e.kind, ExprKind::Name);
    EXPECT_EQ(e.text, name);
}

// ------------------------------------------------------------------ statements

TEST(Parser, empty_input_is_an_empty_scenario) {
    ParseResult r = parse_ok("");
    EXPECT_TRUE(r.scenario.lines.empty());
    EXPECT_TRUE(r.scenario.steps.empty());
}

TEST(Parser, keeps_file_name_and_lines_without_newlines_or_cr) {
    ParseResult r = parse_ok("# one\r\n\n  # three\n");
    EXPECT_EQ(r.scenario.file, "t.ipc");
    EXPECT_EQ(r.scenario.lines, (std::vector<std::string>{"# one", "", "  # three"}));
    EXPECT_EQ(parse_ok("proc a").scenario.lines, (std::vector<std::string>{"proc a"}));
}

TEST(Parser, title_sets_the_title_and_a_comment_may_follow) {
    EXPECT_EQ(parse_ok("title \"Shared # memory\"  # not part of it\n").scenario.title.en, "Shared # memory");
}

TEST(Parser, note_goes_with_the_next_step_and_late_notes_trail) {
    ParseResult r = parse_ok("proc a\nnote \"one\"\nnote \"two\"\na: exit(0)\nnote \"end\"\n");
    ASSERT_EQ(r.scenario.steps.size(), 1u);
    EXPECT_EQ(r.scenario.steps[0].notes, (std::vector<LessonText>{{"one", ""}, {"two", ""}}));
    EXPECT_EQ(r.scenario.trailing_notes, (std::vector<LessonText>{{"end", ""}}));
}

TEST(Parser, sysctl_value_is_computed_from_literals_and_constants) {
    ParseResult r = parse_ok("sysctl shmmax = 16 * PAGE_SIZE\nsysctl msgmnb = 0x100 | 1\n");
    ASSERT_EQ(r.scenario.sysctls.size(), 2u);
    EXPECT_EQ(r.scenario.sysctls[0].name, "shmmax");
    EXPECT_EQ(r.scenario.sysctls[0].value, 65536);
    EXPECT_EQ(r.scenario.sysctls[0].pos, (SourcePos{1, 8}));
    EXPECT_EQ(r.scenario.sysctls[1].value, 257);
}

TEST(Parser, proc_takes_optional_uid_and_gid_in_any_order) {
    ParseResult r = parse_ok("proc a\nproc b gid=100 uid=1000\n");
    ASSERT_EQ(r.scenario.procs.size(), 2u);
    EXPECT_EQ(r.scenario.procs[0].name, "a");
    EXPECT_EQ(r.scenario.procs[0].uid, 0u);
    EXPECT_EQ(r.scenario.procs[0].gid, 0u);
    EXPECT_EQ(r.scenario.procs[1].pos, (SourcePos{2, 6}));
    EXPECT_EQ(r.scenario.procs[1].uid, 1000u);
    EXPECT_EQ(r.scenario.procs[1].gid, 100u);
}

TEST(Parser, step_records_process_variable_call_and_outcome_positions) {
    ParseResult r = parse_ok("proc a\n\ta: id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0666) => ok\n");
    ASSERT_EQ(r.scenario.steps.size(), 1u);
    const Step& s = r.scenario.steps[0];
    EXPECT_EQ(s.proc, "a");
    EXPECT_EQ(s.pos, (SourcePos{2, 2}));
    EXPECT_EQ(s.var, "id");
    EXPECT_EQ(s.var_pos, (SourcePos{2, 5}));
    EXPECT_EQ(s.call.kind, CallKind::Shmget);
    EXPECT_EQ(s.call.name, "shmget");
    EXPECT_EQ(s.call.pos, (SourcePos{2, 10}));
    EXPECT_EQ(s.outcome.kind, OutcomeKind::Ok);
    EXPECT_EQ(s.outcome.pos, (SourcePos{2, 57}));
}

TEST(Parser, step_without_variable_or_outcome) {
    Step s = parse_step("a: exit(0)");
    EXPECT_FALSE(s.var.has_value());
    EXPECT_EQ(s.outcome.kind, OutcomeKind::None);
}

TEST(Parser, expect_before_any_step_is_initial_and_after_a_step_belongs_to_it) {
    ParseResult r = parse_ok("proc a\nexpect count(shm) == 0\na: exit(0)\nexpect a.state == exited\n");
    ASSERT_EQ(r.scenario.initial_expects.size(), 1u);
    EXPECT_EQ(r.scenario.initial_expects[0].pos, (SourcePos{2, 1}));
    ASSERT_EQ(r.scenario.steps.size(), 1u);
    ASSERT_EQ(r.scenario.steps[0].expects.size(), 1u);
    EXPECT_EQ(r.scenario.steps[0].expects[0].op_pos, (SourcePos{4, 16}));
}

// ------------------------------------------------------------------ calls

TEST(Parser, shmget_folds_constants_keeping_their_names) {
    Step s = parse_step("a: shmget(0x4d2, PAGE_SIZE, IPC_CREAT | 0666)");
    ASSERT_EQ(s.call.args.size(), 3u);
    expect_int(s.call.args[0], 0x4d2);
    expect_int(s.call.args[1], 4096, "PAGE_SIZE");
    const Expr& flg = s.call.args[2];
    EXPECT_EQ(flg.kind, ExprKind::Binary);
    EXPECT_EQ(flg.text, "|");
    EXPECT_EQ(flg.pos, (SourcePos{3, 29}));
    ASSERT_EQ(flg.args.size(), 2u);
    expect_int(flg.args[0], 01000, "IPC_CREAT");
    expect_int(flg.args[1], 0666);
    EXPECT_EQ(flg.args[1].pos, (SourcePos{3, 41}));
}

TEST(Parser, shmat_shmdt_and_address_arithmetic) {
    ParseResult r = parse_ok(
        "proc a\na: id = shmget(1, 8192, 0)\na: p = shmat(id, NULL, SHM_RDONLY)\na: shmdt(p + 2*PAGE_SIZE)\n");
    ASSERT_EQ(r.scenario.steps.size(), 3u);
    const Call& at = r.scenario.steps[1].call;
    EXPECT_EQ(at.kind, CallKind::Shmat);
    expect_name(at.args[0], "id");
    expect_int(at.args[1], 0, "NULL");
    const Call& dt = r.scenario.steps[2].call;
    EXPECT_EQ(dt.kind, CallKind::Shmdt);
    ASSERT_EQ(dt.args.size(), 1u);
    EXPECT_EQ(dt.args[0].text, "+");
    expect_name(dt.args[0].args[0], "p");
    EXPECT_EQ(dt.args[0].args[1].text, "*");
}

TEST(Parser, shmctl_ipc_set_carries_fields) {
    Step s = parse_step("a: shmctl(7, IPC_SET, mode=0600, uid=1000)");
    EXPECT_EQ(s.call.kind, CallKind::Shmctl);
    ASSERT_EQ(s.call.args.size(), 2u);
    expect_int(s.call.args[1], 1, "IPC_SET");
    ASSERT_EQ(s.call.fields.size(), 2u);
    EXPECT_EQ(s.call.fields[0].name, "mode");
    EXPECT_EQ(s.call.fields[0].pos, (SourcePos{3, 23}));
    expect_int(s.call.fields[0].value, 0600);
    EXPECT_EQ(s.call.fields[1].name, "uid");
    expect_int(s.call.fields[1].value, 1000);
}

TEST(Parser, shmctl_accepts_each_command_by_name_or_number) {
    for (auto cmd : {"IPC_STAT", "IPC_RMID", "IPC_INFO", "SHM_INFO", "SHM_STAT", "SHM_LOCK", "SHM_UNLOCK", "2", "13"})
        parse_step("a: shmctl(0, " + std::string(cmd) + ")");
}

TEST(Parser, msgctl_accepts_its_commands_and_qbytes) {
    for (auto cmd : {"IPC_STAT", "IPC_RMID", "IPC_INFO", "MSG_INFO", "MSG_STAT"})
        parse_step("a: msgctl(0, " + std::string(cmd) + ")");
    Step s = parse_step("a: msgctl(0, IPC_SET, qbytes=100, mode=0600, uid=1, gid=2)");
    EXPECT_EQ(s.call.kind, CallKind::Msgctl);
    EXPECT_EQ(s.call.fields.size(), 4u);
}

TEST(Parser, store_takes_a_string_with_escapes_or_bytes) {
    Step s = parse_step(R"(a: store(4096, "a\n\t\\\"\0\x41é"))");
    EXPECT_EQ(s.call.kind, CallKind::Store);
    ASSERT_EQ(s.call.args.size(), 2u);
    EXPECT_EQ(s.call.args[1].kind, ExprKind::String);
    EXPECT_EQ(s.call.args[1].text, std::string("a\n\t\\\"\0A\xc3\xa9", 9));
    EXPECT_EQ(s.call.args[1].pos, (SourcePos{3, 16}));
    Step b = parse_step("a: store(4096, bytes(3 * PAGE_SIZE))");
    EXPECT_EQ(b.call.args[1].kind, ExprKind::Bytes);
    EXPECT_EQ(b.call.args[1].pos, (SourcePos{3, 16}));
    ASSERT_EQ(b.call.args[1].args.size(), 1u);
    EXPECT_EQ(b.call.args[1].args[0].text, "*");
}

TEST(Parser, load_msgget_msgsnd_msgrcv) {
    EXPECT_EQ(parse_step("a: load(4096, 5)").call.kind, CallKind::Load);
    EXPECT_EQ(parse_step("a: msgget(IPC_PRIVATE, IPC_CREAT | 0600)").call.kind, CallKind::Msgget);
    Step snd = parse_step("a: msgsnd(0, 1, \"hello\", IPC_NOWAIT)");
    EXPECT_EQ(snd.call.kind, CallKind::Msgsnd);
    EXPECT_EQ(snd.call.args[2].text, "hello");
    expect_int(snd.call.args[3], 04000, "IPC_NOWAIT");
    EXPECT_EQ(parse_step("a: msgsnd(0, 1, bytes(100), 0)").call.args[2].kind, ExprKind::Bytes);
    Step rcv = parse_step("a: msgrcv(0, 100, -2, MSG_NOERROR | IPC_NOWAIT)");
    EXPECT_EQ(rcv.call.kind, CallKind::Msgrcv);
    expect_int(rcv.call.args[2], -2);
}

TEST(Parser, fork_creates_a_process_usable_from_then_on) {
    ParseResult r = parse_ok("proc a\na: fork(child) => child\nchild: exit(3)\nexpect child.state == exited\n");
    ASSERT_EQ(r.scenario.steps.size(), 2u);
    const Step& fork = r.scenario.steps[0];
    EXPECT_EQ(fork.call.kind, CallKind::Fork);
    expect_name(fork.call.args[0], "child");
    EXPECT_EQ(fork.call.args[0].pos, (SourcePos{2, 9}));
    EXPECT_EQ(fork.outcome.kind, OutcomeKind::Value);
    expect_name(fork.outcome.expr, "child");
    EXPECT_EQ(r.scenario.steps[1].call.kind, CallKind::Exit);
    expect_int(r.scenario.steps[1].call.args[0], 3);
}

TEST(Parser, kill_names_a_process_and_a_signal) {
    Step s = parse_step("a: kill(b, SIGKILL)");
    EXPECT_EQ(s.call.kind, CallKind::Kill);
    expect_name(s.call.args[0], "b");
    expect_int(s.call.args[1], 9, "SIGKILL");
    EXPECT_EQ(s.call.args[1].pos, (SourcePos{3, 12}));
}

// ------------------------------------------------------------------ expressions

TEST(Parser, multiplication_binds_tighter_than_addition_tighter_than_or) {
    Step s = parse_step("a: exit(1 | 2 + 3 * 4)");
    const Expr& e = s.call.args[0];
    ASSERT_EQ(e.text, "|");
    expect_int(e.args[0], 1);
    const Expr& sum = e.args[1];
    ASSERT_EQ(sum.text, "+");
    EXPECT_EQ(sum.pos, (SourcePos{3, 13}));
    expect_int(sum.args[0], 2);
    ASSERT_EQ(sum.args[1].text, "*");
    expect_int(sum.args[1].args[0], 3);
    expect_int(sum.args[1].args[1], 4);
}

TEST(Parser, operators_of_one_level_group_to_the_left) {
    const Expr e = parse_step("a: exit(10 - 2 - 3)").call.args[0];
    ASSERT_EQ(e.text, "-");
    expect_int(e.args[1], 3);
    ASSERT_EQ(e.args[0].text, "-");
    expect_int(e.args[0].args[0], 10);
}

TEST(Parser, parentheses_regroup) {
    const Expr e = parse_step("a: exit((1 + 2) * 3)").call.args[0];
    ASSERT_EQ(e.text, "*");
    EXPECT_EQ(e.args[0].text, "+");
    EXPECT_EQ(e.args[0].pos, (SourcePos{3, 9}));
}

TEST(Parser, minus_on_a_literal_makes_a_negative_literal_else_a_negate) {
    expect_int(parse_step("a: exit(-1)").call.args[0], -1);
    const Expr e = parse_step("a: exit(-PAGE_SIZE)").call.args[0];
    EXPECT_EQ(e.kind, ExprKind::Negate);
    EXPECT_EQ(e.pos, (SourcePos{3, 9}));
    ASSERT_EQ(e.args.size(), 1u);
    expect_int(e.args[0], 4096, "PAGE_SIZE");
    expect_int(parse_step("a: exit(0 - 9223372036854775807)").call.args[0].args[1], 9223372036854775807);
}

// ------------------------------------------------------------------ outcomes

TEST(Parser, outcome_kinds) {
    Step v = parse_step("a: shmget(1, 2, 3) => 42");
    EXPECT_EQ(v.outcome.kind, OutcomeKind::Value);
    expect_int(v.outcome.expr, 42);
    expect_int(parse_step("a: shmget(1, 2, 3) => -1").outcome.expr, -1);
    expect_int(parse_step("a: shmget(1, 2, 3) => PAGE_SIZE").outcome.expr, 4096, "PAGE_SIZE");
    EXPECT_EQ(parse_step("a: shmget(1, 2, 3) => ok").outcome.kind, OutcomeKind::Ok);
    Step err = parse_step("a: shmget(1, 2, 3) => EEXIST");
    EXPECT_EQ(err.outcome.kind, OutcomeKind::Errno);
    EXPECT_EQ(err.outcome.value, 17);
    EXPECT_EQ(err.outcome.text, "EEXIST");
    EXPECT_EQ(err.outcome.pos, (SourcePos{3, 23}));
    EXPECT_EQ(parse_step("a: msgrcv(1, 2, 0, 0) => blocks").outcome.kind, OutcomeKind::Blocks);
    Step sig = parse_step("a: store(0, \"x\") => SIGSEGV");
    EXPECT_EQ(sig.outcome.kind, OutcomeKind::Signal);
    EXPECT_EQ(sig.outcome.value, 11);
    EXPECT_EQ(sig.outcome.text, "SIGSEGV");
    Step text = parse_step("a: load(0, 2) => \"hi\"");
    EXPECT_EQ(text.outcome.kind, OutcomeKind::Text);
    EXPECT_EQ(text.outcome.text, "hi");
}

TEST(Parser, outcome_may_be_a_variable) {
    ParseResult r = parse_ok("proc a\na: p = shmat(1, NULL, 0)\na: q = shmat(1, p, 0) => p\n");
    ASSERT_EQ(r.scenario.steps.size(), 2u);
    EXPECT_EQ(r.scenario.steps[1].outcome.kind, OutcomeKind::Value);
    expect_name(r.scenario.steps[1].outcome.expr, "p");
}

// ------------------------------------------------------------------ expectations

TEST(Parser, process_fields) {
    for (auto f : {"ret", "errno", "data", "mtype", "state", "minflt"}) {
        Expect e = parse_expect("expect a." + std::string(f) + " == 0");
        EXPECT_EQ(e.left.kind, ExprKind::Field);
        EXPECT_EQ(e.left.text, f);
        EXPECT_EQ(e.left.pos, (SourcePos{6, 8}));
        ASSERT_EQ(e.left.args.size(), 1u);
        expect_name(e.left.args[0], "a");
    }
}

TEST(Parser, shm_and_msq_fields_wrap_a_call) {
    Expect e = parse_expect("expect shm(id).nattch == 1");
    EXPECT_EQ(e.left.kind, ExprKind::Field);
    EXPECT_EQ(e.left.text, "nattch");
    ASSERT_EQ(e.left.args.size(), 1u);
    const Expr& obj = e.left.args[0];
    EXPECT_EQ(obj.kind, ExprKind::Call);
    EXPECT_EQ(obj.text, "shm");
    ASSERT_EQ(obj.args.size(), 1u);
    expect_name(obj.args[0], "id");
    for (auto f : {"key", "mode", "segsz", "cpid", "lpid", "uid", "gid", "cuid", "cgid", "rss", "dest"})
        EXPECT_EQ(parse_expect("expect shm(id)." + std::string(f) + " == 0").left.text, f);
    for (auto f : {"key", "mode", "qnum", "cbytes", "qbytes", "lspid", "lrpid", "uid", "gid", "cuid", "cgid",
                   "receivers", "senders", "messages"})
        EXPECT_EQ(parse_expect("expect msq(q)." + std::string(f) + " == 0").left.text, f);
}

TEST(Parser, pids_compare_with_process_names) {
    Expect e = parse_expect("expect shm(id).cpid == a");
    expect_name(e.right, "a");
}

TEST(Parser, exists_count_pte_frame) {
    Expect ex = parse_expect("expect exists(msq, q) == 1");
    EXPECT_EQ(ex.left.kind, ExprKind::Call);
    EXPECT_EQ(ex.left.text, "exists");
    ASSERT_EQ(ex.left.args.size(), 2u);
    expect_name(ex.left.args[0], "msq");
    expect_name(ex.left.args[1], "q");
    Expect count = parse_expect("expect count(shm) >= 1");
    EXPECT_EQ(count.op, CompareOp::Ge);
    ASSERT_EQ(count.left.args.size(), 1u);
    expect_name(count.left.args[0], "shm");
    Expect frames = parse_expect("expect frame(a, p) != frame(b, p + 4096)");
    EXPECT_EQ(frames.op, CompareOp::Ne);
    EXPECT_EQ(frames.left.text, "frame");
    expect_name(frames.left.args[0], "a");
    EXPECT_EQ(frames.right.args[1].text, "+");
    EXPECT_EQ(parse_expect("expect pte(a, p) == 1").left.text, "pte");
}

TEST(Parser, expectation_values_literals_errnos_states_and_variables) {
    Expect err = parse_expect("expect a.errno == EACCES");
    expect_int(err.right, 13, "EACCES");
    EXPECT_EQ(err.right.pos, (SourcePos{6, 19}));
    expect_name(parse_expect("expect a.state == blocked").right, "blocked");
    Expect str = parse_expect("expect a.data == \"hi\"");
    EXPECT_EQ(str.right.kind, ExprKind::String);
    EXPECT_EQ(str.right.text, "hi");
    expect_name(parse_expect("expect a.ret == p").right, "p");
    expect_int(parse_expect("expect a.ret < -1").right, -1);
    EXPECT_EQ(parse_expect("expect a.data == bytes(10)").right.kind, ExprKind::Bytes);
}

TEST(Parser, every_comparison_operator) {
    const std::pair<const char*, CompareOp> ops[] = {{"==", CompareOp::Eq}, {"!=", CompareOp::Ne},
                                                     {"<", CompareOp::Lt},  {"<=", CompareOp::Le},
                                                     {">", CompareOp::Gt},  {">=", CompareOp::Ge}};
    for (auto [spelling, op] : ops)
        EXPECT_EQ(parse_expect("expect a.ret " + std::string(spelling) + " 1").op, op) << spelling;
}

TEST(Parser, lists_of_names_and_of_tuples) {
    Expect names = parse_expect("expect msq(q).receivers == [a, b]");
    EXPECT_EQ(names.right.kind, ExprKind::List);
    ASSERT_EQ(names.right.args.size(), 2u);
    expect_name(names.right.args[1], "b");
    Expect msgs = parse_expect("expect msq(q).messages == [(1, \"hi\"), (2, \"yo\")]");
    ASSERT_EQ(msgs.right.args.size(), 2u);
    const Expr& second = msgs.right.args[1];
    EXPECT_EQ(second.kind, ExprKind::Tuple);
    EXPECT_EQ(second.pos, (SourcePos{6, 39}));
    ASSERT_EQ(second.args.size(), 2u);
    expect_int(second.args[0], 2);
    EXPECT_EQ(second.args[1].text, "yo");
    EXPECT_TRUE(parse_expect("expect msq(q).senders == []").right.args.empty());
}

TEST(Parser, arithmetic_in_an_expectation) {
    Expect e = parse_expect("expect a.ret == p + 4096");
    EXPECT_EQ(e.right.kind, ExprKind::Binary);
    expect_name(e.right.args[0], "p");
}

// ------------------------------------------------------------------ lexical errors

TEST(Parser, invalid_bytes_are_reported_in_hex_where_they_are) {
    expect_error("proc a\x01\n", 1, 7, "invalid byte 0x01");
    expect_error(std::string_view("title \"a\0b\"", 11), 1, 9, "invalid byte 0x00");
    expect_error("proc a # caf\xc3\n", 1, 13, "invalid byte 0xc3");
    expect_error("\x80proc a\n", 1, 1, "invalid byte 0x80");
    expect_error("note \"\xed\xa0\x80\"\n", 1, 7, "invalid byte 0xed");  // a UTF-16 surrogate
    expect_error("proc a\x7f\n", 1, 7, "invalid byte 0x7f");
    expect_error("proc a\rb\n", 1, 7, "invalid byte 0x0d");
}

TEST(Parser, utf8_is_welcome_in_strings_and_comments) {
    EXPECT_EQ(parse_ok("title \"共享内存\"  # 注释\n").scenario.title.en, "共享内存");
}

TEST(Parser, other_characters_are_unexpected) {
    expect_error("proc é\n", 1, 6, "unexpected character 'é'");
    expect_error("proc a\na: exit(1 $ 2)\n", 2, 11, "unexpected character '$'");
    expect_error("proc a\na: exit(1 @ 2)\n", 2, 11, "expected ',' or ')', found '@'");
}

TEST(Parser, integer_literal_errors) {
    expect_error("proc a\na: exit(18446744073709551616)\n", 2, 9,
                 "integer literal is too large (the largest is 18446744073709551615)");
    expect_error("proc a\na: exit(0x10000000000000000)\n", 2, 9,
                 "integer literal is too large (the largest is 18446744073709551615)");
    expect_error("proc a\na: exit(0678)\n", 2, 12, "invalid digit '8' in octal literal");
    expect_error("proc a\na: exit(12abc)\n", 2, 11, "invalid suffix 'abc' on integer literal");
    expect_error("proc a\na: exit(0x)\n", 2, 9, "hexadecimal literal '0x' has no digits");
}

TEST(Parser, string_escape_errors) {
    expect_error("note \"a\\qb\"\n", 1, 8, "unknown escape sequence '\\q'");
    expect_error("note \"\\x4\"\n", 1, 7, "\\x needs two hex digits, as in \\x41");
    expect_error("note \"\\012\"\n", 1, 7, "octal escapes other than \\0 are not supported; use \\xHH");
}

TEST(Parser, unterminated_string_points_at_opening_quote) {
    expect_error("proc a\na: store(4096, \"hello)\n", 2, 16, "unterminated string");
    expect_error("note \"ends in a backslash\\", 1, 6, "unterminated string");
}

// ------------------------------------------------------------------ syntax errors

TEST(Parser, unknown_call_suggests_a_close_one) {
    expect_error("proc a\na: shmgett(1, 2, 3)\n", 2, 4, "unknown call 'shmgett'; did you mean 'shmget'?");
    expect_error("proc a\na: mgsnd(1, 2, \"x\", 0)\n", 2, 4, "unknown call 'mgsnd'; did you mean 'msgsnd'?");
    expect_error("proc a\na: open(\"f\")\n", 2, 4, "unknown call 'open'");
}

TEST(Parser, wrong_argument_count_names_the_signature) {
    expect_error("proc a\na: shmget(1, 2)\n", 2, 15, "shmget takes 3 arguments (key, size, shmflg), got 2");
    expect_error("proc a\na: shmdt(1, 2)\n", 2, 13, "shmdt takes 1 argument (addr), got 2");
    expect_error("proc a\na: msgctl(1)\n", 2, 12, "msgctl takes 2 arguments (msqid, cmd [, field=value ...]), got 1");
    expect_error("proc a\na: fork()\n", 2, 9, "fork takes 1 argument (child), got 0");
}

TEST(Parser, not_a_statement) {
    expect_error("proc a\n  a shmget(1, 2, 3)\n", 2, 3,
                 "expected a statement: title, note, ask, source, sysctl, proc, expect, or NAME: CALL");
    expect_error("titel \"x\"\n", 1, 1,
                 "expected a statement: title, note, ask, source, sysctl, proc, expect, or NAME: CALL; did you mean 'title'?");
    expect_error("42\n", 1, 1, "expected a statement: title, note, ask, source, sysctl, proc, expect, or NAME: CALL");
}

TEST(Parser, unexpected_token) {
    expect_error("proc a\na: shmget(1,, 2)\n", 2, 13, "expected an expression, found ','");
    expect_error("title x\n", 1, 7, "expected a string after 'title', found 'x'");
    expect_error("proc a\na: 5\n", 2, 4, "expected a call such as shmget(...), found '5'");
    expect_error("proc a\na: shmget(1 2, 3)\n", 2, 13, "expected ',' or ')', found '2'");
}

TEST(Parser, missing_close_paren_points_at_the_end_and_notes_the_open_one) {
    Diagnostic d = expect_error("proc a\na: shmget(1, (2, 3)  # hm\n", 2, 16, "expected ')', found ','");
    d = expect_error("proc a\na: shmget(1, 2, 3  # hm\n", 2, 18, "missing ')'");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{2, 10}));
    EXPECT_EQ(d.notes[0].message, "to match this '('");
}

TEST(Parser, trailing_junk_after_a_statement) {
    expect_error("proc a\na: shmget(1, 2, 3) => ok ok\n", 2, 26, "unexpected 'ok' after the statement");
    expect_error("title \"a\" \"b\"\n", 1, 11, "expected zh \"...\" or the end of the line after the title's text, found string");
}

TEST(Parser, expect_needs_a_comparison) {
    expect_error("proc a\nexpect a.ret = 1\n", 2, 14,
                 "expected a comparison operator (== != < <= > >=), found '='; did you mean '=='?");
    expect_error("proc a\nexpect a.ret\n", 2, 13,
                 "expected a comparison operator (== != < <= > >=), found end of line");
}

TEST(Parser, deep_nesting_is_an_error_not_a_crash) {
    std::string deep = "proc a\na: exit(" + std::string(100000, '(') + "1" + std::string(100000, ')') + ")\n";
    expect_error(deep, 2, 73, "expression is nested too deeply");
    std::string minus = "proc a\na: exit(" + std::string(100000, '-') + "1)\n";
    expect_error(minus, 2, 73, "expression is nested too deeply");
}

TEST(Parser, very_long_expression_is_an_error_not_a_crash) {
    std::string sum = "proc a\na: exit(1";
    for (int i = 0; i < 100000; ++i) sum += "+1";
    ParseResult r = parse("t.ipc", sum + ")\n");
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].message, "expression is too long");
}

// ------------------------------------------------------------------ call-specific errors

TEST(Parser, ctl_command_must_belong_to_the_call) {
    expect_error("proc a\na: shmctl(1, MSG_STAT)\n", 2, 14,
                 "shmctl cmd must be a number or one of: IPC_STAT IPC_SET IPC_RMID IPC_INFO SHM_INFO SHM_STAT SHM_STAT_ANY SHM_LOCK "
                 "SHM_UNLOCK, not MSG_STAT");
    expect_error("proc a\na: x = msgget(1, 0)\na: msgctl(1, x)\n", 3, 14,
                 "msgctl cmd must be a number or one of: IPC_STAT IPC_SET IPC_RMID IPC_INFO MSG_INFO MSG_STAT MSG_STAT_ANY");
}

// Version 2: a command given by number reaches the kernel, which answers EINVAL for an invalid one.
TEST(Parser, a_ctl_command_may_be_any_number) {
    for (const char* text : {"proc a\na: msgctl(1, 99) => EINVAL\n", "proc a\na: shmctl(1, -1) => EINVAL\n", "proc a\na: shmctl(1, 15)\n"}) {
        auto r = sim::scenario::parse("t.ipc", text);
        EXPECT_TRUE(r.ok()) << text << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
    }
}

TEST(Parser, fields_only_with_ipc_set) {
    expect_error("proc a\na: shmctl(1, IPC_STAT, mode=0600)\n", 2, 24,
                 "field=value arguments are allowed only with IPC_SET");
    expect_error("proc a\na: shmget(1, 2, mode=3)\n", 2, 17, "shmget takes no field=value arguments");
    expect_error("proc a\na: shmctl(1, IPC_SET, mode=1, 2)\n", 2, 31,
                 "expected field=value: the IPC_SET fields come after the other arguments");
}

TEST(Parser, unknown_ipc_set_field_lists_the_valid_ones) {
    expect_error("proc a\na: shmctl(1, IPC_SET, qbytes=1)\n", 2, 23,
                 "unknown IPC_SET field 'qbytes' for shmctl; expected one of: mode uid gid");
    expect_error("proc a\na: msgctl(1, IPC_SET, size=1)\n", 2, 23,
                 "unknown IPC_SET field 'size' for msgctl; expected one of: mode uid gid qbytes");
}

TEST(Parser, duplicate_field_notes_the_first) {
    Diagnostic d = expect_error("proc a\na: msgctl(1, IPC_SET, mode=1, mode=2)\n", 2, 31, "duplicate field 'mode'");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{2, 23}));
}

TEST(Parser, text_argument_must_be_a_string_or_bytes) {
    expect_error("proc a\na: store(0, 5)\n", 2, 13, "expected a string, bytes(N) or zeros(N), found '5'");
    expect_error("proc a\na: msgsnd(0, 1, bytes(-1), 0)\n", 2, 23, "bytes(N) needs N >= 0");
    expect_error("proc a\na: shmget(\"key\", 1, 0)\n", 2, 11, "expected a number, found a string");
    expect_error("proc a\na: exit(bytes(1))\n", 2, 9, "bytes(N) is allowed only as the text of store or msgsnd, or in an expect");
}

TEST(Parser, calls_do_not_nest) {
    expect_error("proc a\na: shmat(shmget(1, 2, 3), 0, 0)\n", 2, 10,
                 "calls cannot be nested; make shmget a step of its own and use its variable");
}

TEST(Parser, kill_needs_a_process_and_a_signal_name) {
    expect_error("proc a\na: kill(a, 9)\n", 2, 12, "expected a signal name such as SIGUSR1 or SIGKILL, found '9'");
    expect_error("proc a\na: kill(a, EINTR)\n", 2, 12,
                 "expected a signal name such as SIGUSR1 or SIGKILL, found 'EINTR'");
    expect_error("proc a\na: kill(zz, SIGKILL)\n", 2, 9, "undeclared process 'zz'");
}

TEST(Parser, string_outcome_only_for_calls_that_produce_bytes) {
    expect_error("proc a\na: shmget(1, 2, 3) => \"x\"\n", 2, 23,
                 "only load and msgrcv produce text; shmget cannot have a text outcome");
    expect_error("proc a\na: shmget(1, 2, 3) =>\n", 2, 22,
                 "expected an outcome after '=>': a number, ok, an errno name, blocks, a signal name or a string");
}

// ------------------------------------------------------------------ names

TEST(Parser, undeclared_process_in_a_step) {
    expect_error("proc a\nb: exit(0)\n", 2, 1, "undeclared process 'b'");
    expect_error("proc alpha\nalpah: exit(0)\n", 2, 1, "undeclared process 'alpah'; did you mean 'alpha'?");
}

TEST(Parser, undeclared_process_notes_a_later_fork) {
    Diagnostic d = expect_error("proc a\nc: exit(0)\na: fork(c)\n", 2, 1, "undeclared process 'c'");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{3, 9}));
}

TEST(Parser, undeclared_process_in_an_expectation) {
    expect_error("proc a\nexpect b.ret == 0\n", 2, 8, "undeclared process 'b'");
    expect_error("proc a\nexpect pte(b, 4096) == 0\n", 2, 12, "undeclared process 'b'");
    expect_error("proc a\nexpect frame(b, 4096) == 0\n", 2, 14, "undeclared process 'b'");
}

TEST(Parser, proc_twice_is_a_duplicate_with_a_note) {
    Diagnostic d = expect_error("proc a\nproc  a\n", 2, 7, "duplicate process 'a'");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{1, 6}));
    EXPECT_EQ(d.notes[0].message, "'a' is first declared here");
}

TEST(Parser, fork_of_an_existing_name_is_a_duplicate_with_a_note) {
    Diagnostic d = expect_error("proc a\na: fork(b)\na: fork(b)\n", 3, 9, "duplicate process 'b'");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{2, 9}));
    expect_error("proc a\na: fork(a)\n", 2, 9, "duplicate process 'a'");
}

TEST(Parser, process_names_must_be_free) {
    expect_error("proc IPC_CREAT\n", 1, 6, "'IPC_CREAT' is a constant and cannot name a process");
    expect_error("proc ready\n", 1, 6, "'ready' is a reserved word and cannot name a process");
    expect_error("proc a\na: x = msgget(1, 0)\na: fork(x)\n", 3, 9, "'x' is already a variable and cannot name a process");
}

TEST(Parser, variable_used_before_it_is_assigned_notes_the_assignment) {
    Diagnostic d = expect_error("proc a\na: shmat(id, NULL, 0)\na: id = shmget(1, 2, 0)\n", 2, 10,
                                "variable 'id' is used before it is assigned");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{3, 4}));
    expect_error("proc a\na: id = shmget(id, 2, 0)\n", 2, 16, "variable 'id' is used before it is assigned");
    expect_error("proc a\nexpect x == 1\na: x = msgget(1, 0)\n", 2, 8, "variable 'x' is used before it is assigned");
}

TEST(Parser, unknown_name) {
    expect_error("proc a\na: shmget(1, 2, IPC_CRAET)\n", 2, 17, "unknown name 'IPC_CRAET'; did you mean 'IPC_CREAT'?");
    expect_error("proc a\nexpect a.state == sleeping\n", 2, 19, "unknown name 'sleeping'");
}

TEST(Parser, variable_name_clashing_with_a_process_or_constant) {
    Diagnostic d = expect_error("proc a\nproc b\na: b = shmget(1, 2, 3)\n", 3, 4, "variable 'b' clashes with process 'b'");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{2, 6}));
    expect_error("proc a\na: EACCES = shmget(1, 2, 3)\n", 2, 4,
                 "variable 'EACCES' clashes with the constant of that name");
    expect_error("proc a\na: ok = shmget(1, 2, 3)\n", 2, 4, "'ok' is a reserved word and cannot name a variable");
    expect_error("proc a\na: b = fork(b)\n", 2, 4, "variable 'b' clashes with process 'b'");
}

TEST(Parser, process_is_not_a_value_in_a_call) {
    expect_error("proc a\na: exit(a)\n", 2, 9, "'a' is a process, not a value");
}

TEST(Parser, sysctl_and_proc_only_before_the_first_step) {
    Diagnostic d = expect_error("proc a\na: exit(0)\nsysctl msgmax = 1\n", 3, 8,
                                "sysctl 'msgmax' must come before the first step; between steps only msg_next_id shm_next_id sem_next_id may change");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{2, 1}));
    expect_error("proc a\na: exit(0)\nproc b\n", 3, 1, "proc must come before the first step");
}

TEST(Parser, duplicate_title_notes_the_first) {
    Diagnostic d = expect_error("title \"a\"\n\n  title \"b\"\n", 3, 3, "duplicate title");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{1, 1}));
}

TEST(Parser, sysctl_errors) {
    expect_error("sysctl shmmix = 1\n", 1, 8,
                 "unknown sysctl 'shmmix'; expected one of: msgmax msgmnb msgmni shmmax shmall shmmni sem msg_next_id shm_next_id sem_next_id; did you mean 'shmmax'?");
    expect_error("sysctl msgmax = -1\n", 1, 17, "a sysctl value cannot be negative");
    expect_error("sysctl msgmax = x\n", 1, 17, "expected a number or a constant, found 'x'");
    expect_error("sysctl shmall = 9223372036854775807 + 1\n", 1, 17, "the value does not fit in 64 bits");
    expect_error("sysctl shmall = 4294967296 * 4294967296\n", 1, 17, "the value does not fit in 64 bits");
    Diagnostic d = expect_error("sysctl msgmax = 1\nsysctl msgmax = 2\n", 2, 8, "duplicate sysctl 'msgmax'");
    EXPECT_EQ(d.notes.size(), 1u);
}

TEST(Parser, proc_option_errors) {
    expect_error("proc a uid=4294967295\n", 1, 12, "uid must be between 0 and 4294967294");
    expect_error("proc a uid=1 uid=2\n", 1, 14, "duplicate uid");
    expect_error("proc a pid=1\n", 1, 8, "unknown proc option 'pid'; expected uid=N or gid=N");
}

TEST(Parser, unknown_field_lists_the_valid_ones) {
    expect_error("proc a\nexpect a.rett == 0\n", 2, 10,
                 "unknown field 'rett' of a process; expected one of: ret errno data mtype state minflt buf; "
                 "did you mean 'ret'?");
    expect_error("proc a\nexpect shm(0).qnum == 0\n", 2, 15,
                 "unknown field 'qnum' of shm(ID); expected one of: key mode segsz nattch cpid lpid uid gid cuid "
                 "cgid rss dest atime dtime ctime");
    expect_error("proc a\nexpect msq(0).nattch == 0\n", 2, 15,
                 "unknown field 'nattch' of msq(ID); expected one of: key mode qnum cbytes qbytes lspid lrpid uid "
                 "gid cuid cgid receivers senders messages stime rtime ctime");
    expect_error("proc a\nexpect shm(0) == 0\n", 2, 15, "expected '.FIELD' after shm(...), as in shm(id).mode");
}

TEST(Parser, expectation_function_errors) {
    expect_error("proc a\nexpect exists(seg, 1) == 0\n", 2, 15, "expected shm, msq or sem, found 'seg'");
    expect_error("proc a\nexpect count(shm, 1) == 0\n", 2, 19, "count takes 1 argument (shm|msq|sem), got 2");
    expect_error("proc a\nexpect cuont(shm) == 0\n", 2, 8,
                 "unknown function 'cuont'; expected one of: shm msq sem exists count pte frame vmas ptpages bytes zeros; did you mean "
                 "'count'?");
}

// ------------------------------------------------------------------ who may use an address

constexpr std::string_view kAttach = "proc a\nproc b\na: id = shmget(1, 4096, IPC_CREAT)\n";

TEST(Parser, address_may_be_used_by_its_attacher_and_children_forked_after) {
    parse_ok(std::string(kAttach) +
             "a: p = shmat(id, NULL, 0)\na: fork(c)\nc: fork(d)\na: store(p, \"x\")\nc: load(p, 1)\nd: shmdt(p)\n");
}

TEST(Parser, address_may_not_be_used_by_another_process) {
    Diagnostic d = expect_error(std::string(kAttach) + "a: p = shmat(id, NULL, 0)\nb: store(p + 1, \"x\")\n", 5, 10,
                                "process 'b' cannot use address 'p': only 'a', which attached it, and children "
                                "forked after the attach can");
    ASSERT_EQ(d.notes.size(), 1u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{4, 4}));
}

TEST(Parser, address_may_not_be_used_by_a_child_forked_before_the_attach) {
    expect_error(std::string(kAttach) + "a: fork(c)\nc: fork(d)\na: p = shmat(id, NULL, 0)\nd: shmdt(p)\n", 7, 10,
                 "process 'd' cannot use address 'p': only 'a', which attached it, and children forked after the "
                 "attach can");
}

TEST(Parser, address_may_appear_in_expectations_and_ids_in_any_process) {
    parse_ok(std::string(kAttach) + "a: p = shmat(id, NULL, 0)\nb: q = shmat(id, NULL, 0)\nexpect pte(b, q) == 0\n"
                                    "expect frame(a, p) == frame(b, q)\n");
}

// ------------------------------------------------------------------ recovery and robustness

TEST(Parser, one_diagnostic_per_line_and_every_broken_line_is_reported) {
    ParseResult r = parse("t.ipc", "proc a\na: shmgett(x)\na: exit(\"x\") junk\ntitle\na: exit(0)\nb: exit(0)\n");
    ASSERT_EQ(r.diagnostics.size(), 4u) << dump(r);
    EXPECT_EQ(r.diagnostics[0].pos.line, 2);
    EXPECT_EQ(r.diagnostics[1].pos.line, 3);
    EXPECT_EQ(r.diagnostics[2].pos.line, 4);
    EXPECT_EQ(r.diagnostics[3].pos.line, 6);
    EXPECT_EQ(r.scenario.steps.size(), 1u);  // the good line still parses
}

TEST(Parser, broken_line_still_declares_its_names) {
    ParseResult r = parse("t.ipc", "proc a\na: fork(c) => \na: x = shmget(1, 2)\nc: shmget(x, 1, 0)\nexpect c.ret == x\n");
    ASSERT_EQ(r.diagnostics.size(), 2u) << dump(r);
    EXPECT_EQ(r.diagnostics[0].pos.line, 2);
    EXPECT_EQ(r.diagnostics[1].pos.line, 3);
}

TEST(Parser, stops_after_fifty_diagnostics) {
    std::string text;
    for (int i = 0; i < 200; ++i) text += "bogus\n";
    ParseResult r = parse("t.ipc", text);
    EXPECT_EQ(r.diagnostics.size(), 50u);
    EXPECT_EQ(r.diagnostics.back().pos.line, 50);
}

// what if the file is garbage: random bytes, and random sequences of the language's own words
TEST(Parser, random_input_never_crashes_and_errors_point_inside_the_file) {
    std::mt19937 rng(20240601);
    const std::string_view vocab[] = {"proc", "a", "b", "title", "note", "expect", "sysctl", "msgmax", ":", "=", "=>", "(",
                           ")", "[", "]", ",", ".", "|", "+", "-", "*", "==", "<", "\"s\"", "\"", "0x", "077",
                           "42", "shmget", "shmat", "fork", "kill", "store", "bytes", "msgctl", "IPC_SET",
                           "mode", "p", "shm", "msq", "ret", "ok", "EEXIST", "SIGKILL", "\n", "\t", "#", "\\",
                           "\xff", std::string_view("\0", 1)};
    for (int n = 0; n < 4000; ++n) {
        std::string text;
        int len = static_cast<int>(rng() % 120);
        bool bytes = n % 2 == 0;
        for (int i = 0; i < len; ++i) {
            if (bytes) {
                text += static_cast<char>(rng() % 256);
            } else {
                text += vocab[rng() % std::size(vocab)];
                text += ' ';
            }
        }
        ParseResult r = parse("fuzz.ipc", text);
        ASSERT_LE(r.diagnostics.size(), 50u);
        int last_line = 0;
        for (const auto& d : r.diagnostics) {
            ASSERT_GE(d.pos.line, 1);
            ASSERT_LE(static_cast<std::size_t>(d.pos.line), r.scenario.lines.size());
            ASSERT_GT(d.pos.line, last_line) << "one diagnostic per line, in order";
            ASSERT_GE(d.pos.col, 1);
            ASSERT_LE(static_cast<std::size_t>(d.pos.col), r.scenario.lines[d.pos.line - 1].size() + 1);
            ASSERT_FALSE(d.message.empty());
            last_line = d.pos.line;
            format_diagnostic(r.scenario.file, r.scenario.lines, d);
        }
    }
}

TEST(Parser, huge_and_odd_inputs_do_not_crash) {
    std::string long_line(1 << 20, 'x');
    expect_error(long_line, 1, 1, "expected a statement: title, note, ask, source, sysctl, proc, expect, or NAME: CALL");
    expect_error("proc a\na: exit(" + std::string(5000, '9') + ")\n", 2, 9,
                 "integer literal is too large (the largest is 18446744073709551615)");
    ParseResult nul = parse("t.ipc", std::string(1000, '\0'));
    ASSERT_EQ(nul.diagnostics.size(), 1u);
    EXPECT_EQ(nul.diagnostics[0].message, "invalid byte 0x00");
    EXPECT_TRUE(parse_ok(std::string(100000, '\n')).scenario.steps.empty());
}

// Version 2: vmas(PROC), with the function errors every call form has.
TEST(Parser, vmas_takes_one_declared_process) {
    auto r = sim::scenario::parse("t.ipc", "proc a\nexpect vmas(a) == 0\n");
    EXPECT_TRUE(r.ok());
    expect_error("proc a\nexpect vmas() == 1\n", 2, 13, "vmas takes 1 argument (proc), got 0");
    expect_error("proc a\nexpect vmas(b) == 1\n", 2, 13, "undeclared process 'b'");
    expect_error("proc a\nexpect vmas(a, a) == 1\n", 2, 16, "vmas takes 1 argument (proc), got 2");
}

// Version 2: texts of a pattern or of NUL bytes, with their errors.
TEST(Parser, bytes_with_a_pattern_and_zeros) {
    auto r = parse("t.ipc", "proc a\na: q = msgget(1, 0)\na: msgsnd(q, 1, bytes(5, \"ab\"), 0)\na: msgsnd(q, 1, zeros(2), 0)\n");
    ASSERT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
    EXPECT_EQ(r.scenario.steps[1].call.args[2].text, "ab");
    EXPECT_EQ(r.scenario.steps[2].call.args[2].text, std::string(1, '\0'));
    expect_error("proc a\na: q = msgget(1, 0)\na: msgsnd(q, 1, bytes(3, \"\"), 0)\n", 3, 26,
                 "bytes(N, pattern) needs a non-empty string as its pattern");
    expect_error("proc a\na: q = msgget(1, 0)\na: msgsnd(q, 1, zeros(), 0)\n", 3, 23, "zeros takes 1 argument (n), got 0");
    expect_error("proc a\na: q = msgget(1, 0)\na: msgsnd(q, 1, zeros(-2), 0)\n", 3, 23, "zeros(N) needs N >= 0");
}


TEST(Parser, msgsnd_takes_an_explicit_msgsz_and_nothing_else) {
    Step s = parse_step("a: msgsnd(1, 2, \"hi\", 0, msgsz=-6) => 0");
    ASSERT_EQ(s.call.fields.size(), 1u);
    EXPECT_EQ(s.call.fields[0].name, "msgsz");
    EXPECT_EQ(s.call.fields[0].value.value, -6);
    expect_error("proc a\na: msgsnd(1, 2, \"hi\", 0, msgsize=6)\n", 2, 26, "unknown msgsnd field 'msgsize'; msgsnd takes only msgsz=N; did you mean 'msgsz'?");
    expect_error("proc a\na: msgsnd(1, 2, \"hi\", 0, msgsz=1, msgsz=2)\n", 2, 35, "duplicate field 'msgsz'");
    expect_error("proc a\na: msgsnd(1, 2, \"hi\", msgsz=6, 0)\n", 2, 32, "expected field=value: msgsz= comes after the other arguments");
    expect_error("proc a\na: msgsnd(1, 2, \"hi\", msgsz=6)\n", 2, 30, "msgsnd takes 4 arguments (msqid, mtype, text, msgflg [, msgsz=N]), got 3");
}

TEST(Parser, texts_join_with_plus_in_steps_outcomes_and_expects) {
    Step s = parse_step("a: store(0, \"hi\" + zeros(2) + bytes(3, \"ab\"))");
    const Expr& text = s.call.args[1];
    EXPECT_EQ(text.kind, ExprKind::Binary);
    EXPECT_TRUE(sim::scenario::is_text_expr(text));
    Step o = parse_step("a: load(0, 4) => \"hi\" + zeros(2)");
    EXPECT_EQ(o.outcome.kind, OutcomeKind::Text);
    EXPECT_TRUE(sim::scenario::is_text_expr(o.outcome.expr));
    EXPECT_EQ(parse_step("a: load(0, 4) => zeros(4)").outcome.kind, OutcomeKind::Text);
    expect_error("proc a\nexpect a.data == \"x\" + 1\n", 2, 22, "'+' joins two texts or adds two numbers, not a text and a number");
    expect_error("proc a\nexpect a.data == 1 + zeros(1)\n", 2, 20, "'+' joins two texts or adds two numbers, not a text and a number");
    expect_error("proc a\nexpect a.data == \"x\" - \"y\"\n", 2, 22, "'-' needs numbers on both sides");
    expect_error("proc a\na: store(0, \"x\" + 3)\n", 2, 19, "expected a string, bytes(N) or zeros(N), found '3'");
    expect_error("proc a\na: shmget(1, 2, 3) => zeros(1)\n", 2, 23, "only load and msgrcv produce text; shmget cannot have a text outcome");
    expect_error("proc a\nexpect a.data == zeros(65 * 1024 * 1024)\n", 2, 24, "zeros(N) is longer than a text may be (64 MiB)");
}

TEST(Parser, next_id_sysctls_between_steps_belong_to_the_next_step) {
    ParseResult r = parse_ok("sysctl msg_next_id = 1\nproc a\na: fork(b)\nsysctl msg_next_id = 5\nsysctl shm_next_id = 7\nb: exit(0)\n");
    ASSERT_EQ(r.scenario.sysctls.size(), 1u);
    ASSERT_EQ(r.scenario.steps.size(), 2u);
    EXPECT_TRUE(r.scenario.steps[0].sysctls.empty());
    ASSERT_EQ(r.scenario.steps[1].sysctls.size(), 2u);
    EXPECT_EQ(r.scenario.steps[1].sysctls[0].name, "msg_next_id");
    EXPECT_EQ(r.scenario.steps[1].sysctls[1].value, 7);
    Diagnostic d = expect_error("proc a\na: exit(0)\nsysctl msg_next_id = 1\nsysctl msg_next_id = 2\n", 4, 8, "duplicate sysctl 'msg_next_id'");
    EXPECT_EQ(d.notes.at(0).pos, (SourcePos{3, 8}));
    expect_error("proc a\na: fork(b)\nsysctl msg_next_id = 1\n", 3, 8,
                 "sysctl 'msg_next_id' after the last step: no step follows that it could change");
    expect_error("proc a\na: fork(b)\nsysctl shm_next_id = -1\nb: exit(0)\n", 3, 22, "a sysctl value cannot be negative");
    expect_error("sysctl msg_nextid = 1\n", 1, 8, "unknown sysctl 'msg_nextid'; expected one of: msgmax msgmnb msgmni shmmax shmall shmmni "
                 "sem msg_next_id shm_next_id sem_next_id; did you mean 'msg_next_id'?");
}

TEST(Parser, ptpages_takes_one_process) {
    ParseResult r = parse_ok("proc a\nexpect ptpages(a) == 0\n");
    ASSERT_EQ(r.scenario.initial_expects.size(), 1u);
    EXPECT_EQ(r.scenario.initial_expects[0].left.text, "ptpages");
    expect_error("proc a\nexpect ptpages(b) == 0\n", 2, 16, "undeclared process 'b'");
    expect_error("proc a\nexpect ptpages(a, a) == 0\n", 2, 19, "ptpages takes 1 argument (proc), got 2");
    expect_error("proc a\nexpect ptpage(a) == 0\n", 2, 8,
                 "unknown function 'ptpage'; expected one of: shm msq sem exists count pte frame vmas ptpages bytes zeros; did you mean 'ptpages'?");
}

// Version 2: mprotect(addr, len, prot) with the PROT_ constants and '|', and its errors.
TEST(Parser, mprotect_takes_an_address_a_length_and_prot_constants) {
    Step s = parse_step("a: mprotect(0x10000, 4096, PROT_READ | PROT_WRITE | PROT_EXEC)");
    EXPECT_EQ(s.call.kind, CallKind::Mprotect);
    ASSERT_EQ(s.call.args.size(), 3u);
    EXPECT_EQ(parse_step("a: mprotect(0x10000, 4096, PROT_NONE)").call.kind, CallKind::Mprotect);
    expect_error("proc a\na: mprotect(0x10000, 4096)\n", 2, 26, "mprotect takes 3 arguments (addr, len, prot), got 2");
    expect_error("proc a\na: mprotect(0x10000, 4096, PROT_READ, 0)\n", 2, 39,
                 "mprotect takes 3 arguments (addr, len, prot), got 4");
    expect_error("proc a\na: mprotect(0x10000, 4096, PROT_RAED)\n", 2, 28, "unknown name 'PROT_RAED'; did you mean 'PROT_READ'?");
    expect_error("proc a\na: mprotect(0x10000, 4096, PROT_WRTIE)\n", 2, 28, "unknown name 'PROT_WRTIE'; did you mean 'PROT_WRITE'?");
}

TEST(Parser, addresses_of_two_processes_do_not_compare) {
    std::string two = "proc a\nproc b\na: p = shmat(1, NULL, 0)\nb: q = shmat(1, NULL, 0)\n";
    Diagnostic d = expect_error(two + "expect p + 1 != q\n", 5, 17,
                                "cannot compare addresses of two processes: 'p' is an address in a, 'q' in b; "
                                "compare frame(a, p) with frame(b, q) instead");
    ASSERT_EQ(d.notes.size(), 2u);
    EXPECT_EQ(d.notes[0].pos, (SourcePos{3, 4}));
    EXPECT_EQ(d.notes[1].pos, (SourcePos{4, 4}));
    EXPECT_TRUE(parse_ok(two + "expect p == 0\nexpect q != 4096\nexpect frame(a, p) == frame(b, q)\n").ok());
    EXPECT_TRUE(parse_ok("proc a\na: p = shmat(1, NULL, 0)\na: q = shmat(1, NULL, 0)\nexpect p != q\n").ok());
}
}  // namespace
}  // namespace sim::scenario

namespace sim::scenario {
namespace {

constexpr std::string_view kShmStat = "proc a\na: s = shmget(IPC_PRIVATE, 100, 0600)\na: shmctl(s, IPC_STAT) => 0\n";

TEST(Parser, buf_fields_parse_as_a_field_of_the_process_buffer) {
    ParseResult r = parse_ok(std::string(kShmStat) + "expect a.buf.segsz == 100\nexpect a.buf.ctime != 0\n");
    const Expr& e = r.scenario.steps[1].expects[0].left;
    EXPECT_EQ(e.kind, ExprKind::Field);
    EXPECT_EQ(e.text, "segsz");
    ASSERT_EQ(e.args.size(), 1u);
    EXPECT_EQ(e.args[0].text, "buf");
}

TEST(Parser, a_buf_field_the_last_ctl_call_does_not_fill_is_an_error) {
    expect_error(std::string(kShmStat) + "expect a.buf.msgpool == 0\n", 4, 14,
                 "'a''s last shmctl was IPC_STAT: its buffer (shmid_ds) has no field 'msgpool'; it has: key mode segsz nattch "
                 "cpid lpid uid gid cuid cgid atime dtime ctime");
    // Calls that fill nothing, or fail, leave the buffer the earlier call filled.
    parse_ok(std::string(kShmStat) + "a: shmctl(s, IPC_RMID)\na: shmctl(s, IPC_INFO) => EINVAL\nexpect a.buf.segsz == 100\n");
    // A fork's child starts with its parent's buffer.
    parse_ok(std::string(kShmStat) + "a: fork(c)\nexpect c.buf.segsz == 100\n");
}

TEST(Parser, a_buf_field_before_any_filling_call_is_an_error) {
    expect_error("proc a\nexpect a.buf.segsz == 0\n", 2, 14,
                 "'a' has made no shmctl, msgctl or semctl that fills a buffer before this line, so a.buf holds nothing");
}

TEST(Parser, an_unknown_buf_field_suggests_the_nearest) {
    expect_error(std::string(kShmStat) + "expect a.buf.msgpol == 0\n", 4, 14,
                 "unknown field 'msgpol' of a shmctl/msgctl/semctl buffer; expected one of: key mode segsz nattch cpid lpid uid gid "
                 "cuid cgid atime dtime ctime qnum cbytes qbytes lspid lrpid stime rtime shmmax shmmin shmmni shmseg shmall "
                 "used_ids shm_tot shm_rss shm_swp msgpool msgmap msgmax msgmnb msgmni msgssz msgtql msgseg nsems otime semmap semmni semmns semmnu semmsl semopm semume semusz semvmx semaem; did you mean 'msgpool'?");
    expect_error(std::string(kShmStat) + "expect a.buf == 0\n", 4, 14, "expected '.FIELD' after a.buf, as in a.buf.segsz");
}

TEST(Parser, time_fields_compare_only_with_0_now_or_another_time_field) {
    std::string s(kShmStat);
    parse_ok(s + "expect shm(s).atime == 0\nexpect shm(s).ctime != 0\nexpect now == shm(s).ctime\n"
                 "expect shm(s).atime <= shm(s).ctime\nexpect a.buf.ctime >= shm(s).atime\n");
    expect_error(s + "expect shm(s).atime < 5\n", 4, 23,
                 "a time field compares only with 0 (== !=), with now (==) or with another time field (<= >=)");
    expect_error(s + "expect shm(s).atime < 0\n", 4, 21, "a time field compares with 0 only by '==' or '!=' (0 means never set)");
    expect_error(s + "expect shm(s).atime != now\n", 4, 21, "a time field compares with now only by '==' (it was set by the step just made)");
    expect_error(s + "expect shm(s).atime == shm(s).ctime\n", 4, 21,
                 "two time fields compare only by '<=' or '>=': the model counts steps, the kernel seconds, so only order is portable");
    expect_error(s + "expect a.buf.ctime == now\n", 4, 8,
                 "a buffer's times were set before the call that copied them, never by the step just made; compare them "
                 "with 0 or with shm(ID)/msq(ID)'s times (<= >=)");
    expect_error(s + "expect now == 3\n", 4, 15, "now compares only with a time field (atime dtime ctime stime rtime otime), as in shm(ID).atime == now");
    expect_error(s + "expect msq(0).stime == a.ret\n", 4, 24,
                 "a time field compares only with 0 (== !=), with now (==) or with another time field (<= >=)");
}

TEST(Parser, literals_reach_2_to_the_64_minus_1) {
    ParseResult r = parse_ok(std::string(kShmStat) + "expect a.buf.segsz < 0xfffffffffeffffff\nexpect a.buf.segsz < 18446744073709551615\n");
    EXPECT_EQ(static_cast<std::uint64_t>(r.scenario.steps[1].expects[0].right.value), 0xfffffffffeffffffull);
    EXPECT_EQ(static_cast<std::uint64_t>(r.scenario.steps[1].expects[1].right.value), 0xffffffffffffffffull);
    parse_ok("sysctl shmmax = 0xfffffffffeffffff\nproc a\n");
    expect_error("sysctl msgmax = 0xfffffffffeffffff\nproc a\n", 1, 17, "a sysctl value cannot be negative");
}

// Version 2: signal dispositions, credentials and RLIMIT_MEMLOCK, with their errors.
TEST(Parser, signal_takes_a_signal_name_and_one_of_three_words) {
    Step s = parse_step("a: signal(SIGTERM, ignore) => 0");
    EXPECT_EQ(s.call.kind, CallKind::Signal);
    ASSERT_EQ(s.call.args.size(), 2u);
    expect_int(s.call.args[0], 15, "SIGTERM");
    expect_int(s.call.args[1], static_cast<std::int64_t>(SigDisposition::ign), "ignore");
    expect_int(parse_step("a: signal(SIGSEGV, handler)").call.args[1], static_cast<std::int64_t>(SigDisposition::handler), "handler");
    expect_int(parse_step("a: signal(SIGUSR1, default)").call.args[1], static_cast<std::int64_t>(SigDisposition::dfl), "default");
    expect_error("proc a\na: signal(SIGTERM, ingore)\n", 2, 20, "expected handler, default or ignore, found 'ingore'; did you mean 'ignore'?");
    expect_error("proc a\na: signal(SIGTERM, SIG_DFL)\n", 2, 20, "expected handler, default or ignore, found 'SIG_DFL'; did you mean 'default'?");
    expect_error("proc a\na: signal(SIGTERM, 1)\n", 2, 20, "expected handler, default or ignore, found '1'");
    expect_error("proc a\na: signal(15, ignore)\n", 2, 11, "expected a signal name such as SIGUSR1 or SIGKILL, found '15'");
    expect_error("proc a\na: signal(SIGTERM)\n", 2, 18, "signal takes 2 arguments (sig, handler|default|ignore), got 1");
    expect_error("proc a\na: signal(SIGTERM, ignore, 0)\n", 2, 28, "signal takes 2 arguments (sig, handler|default|ignore), got 3");
}

TEST(Parser, setuid_family_takes_one_id) {
    Step s = parse_step("a: seteuid(1000) => 0");
    EXPECT_EQ(s.call.kind, CallKind::Seteuid);
    expect_int(s.call.args[0], 1000);
    EXPECT_EQ(parse_step("a: setuid(0)").call.kind, CallKind::Setuid);
    EXPECT_EQ(parse_step("a: setgid(0)").call.kind, CallKind::Setgid);
    EXPECT_EQ(parse_step("a: setegid(-1) => EINVAL").call.kind, CallKind::Setegid);
    expect_error("proc a\na: setuid()\n", 2, 11, "setuid takes 1 argument (uid), got 0");
    expect_error("proc a\na: setegid(1, 2)\n", 2, 15, "setegid takes 1 argument (egid), got 2");
    expect_error("proc a\na: setuids(1)\n", 2, 4, "unknown call 'setuids'; did you mean 'setuid'?");
}

TEST(Parser, setrlimit_takes_only_rlimit_memlock) {
    Step s = parse_step("a: setrlimit(RLIMIT_MEMLOCK, 3 * PAGE_SIZE) => 0");
    EXPECT_EQ(s.call.kind, CallKind::Setrlimit);
    expect_int(s.call.args[0], 8, "RLIMIT_MEMLOCK");
    expect_error("proc a\na: setrlimit(RLIMIT_NOFILE, 1)\n", 2, 14,
                 "setrlimit takes only RLIMIT_MEMLOCK as its resource, found 'RLIMIT_NOFILE'");
    expect_error("proc a\na: setrlimit(RLIMIT_MEMLOK, 1)\n", 2, 14,
                 "setrlimit takes only RLIMIT_MEMLOCK as its resource, found 'RLIMIT_MEMLOK'; did you mean 'RLIMIT_MEMLOCK'?");
    expect_error("proc a\na: setrlimit(8, 1)\n", 2, 14, "setrlimit takes only RLIMIT_MEMLOCK as its resource, found '8'");
    expect_error("proc a\na: setrlimit(RLIMIT_MEMLOCK)\n", 2, 28, "setrlimit takes 2 arguments (RLIMIT_MEMLOCK, bytes), got 1");
}

TEST(Parser, kill_with_sigstop_is_refused) {
    expect_error("proc a\nproc b\na: kill(b, SIGSTOP)\n", 3, 12,
                 "kill with SIGSTOP is not in the language: it stops the target rather than ending or interrupting it");
    EXPECT_TRUE(parse_ok("proc a\nproc b\na: kill(b, SIGCONT) => 0\n").ok());
}

TEST(Parser, titles_and_notes_carry_a_chinese_text_after_zh) {
    ParseResult r = parse_ok("title \"Shared memory\" zh \"共享内存\"\nproc a\nnote \"A page fault\" zh \"缺页异常\"\n"
                             "note \"English only\"\na: exit(0)\nnote \"end\" zh \"结束\"  # comment\n");
    EXPECT_EQ(r.scenario.title.in(Lang::zh), "共享内存");
    EXPECT_EQ(r.scenario.title.in(Lang::en), "Shared memory");
    ASSERT_EQ(r.scenario.steps[0].notes.size(), 2u);
    EXPECT_EQ(r.scenario.steps[0].notes[0].in(Lang::zh), "缺页异常");
    EXPECT_EQ(r.scenario.steps[0].notes[1].in(Lang::zh), "English only") << "without zh, the English shows in both";
    EXPECT_EQ(r.scenario.trailing_notes.at(0).zh, "结束");
    ASSERT_EQ(r.scenario.lacks_zh.size(), 1u);
    EXPECT_EQ(r.scenario.lacks_zh[0], (SourcePos{4, 1}));
    expect_error("note \"x\" zh\n", 1, 12, "expected the Chinese text after 'zh', as in note \"...\" zh \"...\", found end of line");
    expect_error("note \"x\" zh \"\"\n", 1, 13, "the zh text is empty: leave 'zh' out to show the English in both languages");
    expect_error("title \"x\" fr \"y\"\n", 1, 11, "expected zh \"...\" or the end of the line after the title's text, found 'fr'");
}

TEST(Parser, ask_goes_with_the_next_step) {
    ParseResult r = parse_ok("proc a\nask \"Does it fault?\" zh \"会缺页吗？\"\na: exit(0)\nask \"Again?\"\na: exit(0)\n");
    ASSERT_TRUE(r.scenario.steps[0].ask.has_value());
    EXPECT_EQ(r.scenario.steps[0].ask->in(Lang::zh), "会缺页吗？");
    EXPECT_EQ(r.scenario.steps[1].ask->in(Lang::zh), "Again?");
    EXPECT_EQ(r.scenario.lacks_zh, (std::vector<SourcePos>{{4, 1}}));
    expect_error("proc a\nask \"x\"\nask \"y\"\na: exit(0)\n", 3, 1, "a second 'ask' before the same step");
    expect_error("proc a\na: exit(0)\nask \"x\"\n", 3, 1, "'ask' after the last step: there is no step to ask about");
}

TEST(Parser, source_and_at_line_link_a_step_to_its_program) {
    ParseResult r = parse_ok("proc p\nsource p \"shm1.c\"\np: id = shmget(1, 4096, IPC_CREAT) => 0 @ 19  # shmget\n"
                             "p: fork(c) @ 25\nc: shmdt(0) @ 30\np: exit(0)\n");
    ASSERT_EQ(r.scenario.sources.size(), 1u);
    EXPECT_EQ(r.scenario.sources[0].path, "shm1.c");
    EXPECT_EQ(r.scenario.steps[0].source_line, 19);
    EXPECT_EQ(r.scenario.steps[0].source_line_pos, (SourcePos{3, 41}));
    EXPECT_EQ(r.scenario.steps[3].source_line, 0);
    ASSERT_NE(program_of(r.scenario, 2), nullptr) << "a forked child runs on in its parent's program";
    EXPECT_EQ(*program_of(r.scenario, 2), "shm1.c");
    expect_error("proc p\np: exit(0) @ 3\n", 2, 12, "'@ 3': p has no source program; give it one with source p \"prog.c\"");
    expect_error("proc p\nsource p \"a.c\"\nsource p \"b.c\"\n", 3, 8, "'p' already has a source program");
    expect_error("proc p\nsource q \"a.c\"\n", 2, 8, "undeclared process 'q'");
    expect_error("proc p\nsource p \"a.c\"\np: exit(0) @ x\n", 3, 14, "expected a line number after '@', found 'x'");
}

}  // namespace
}  // namespace sim::scenario
