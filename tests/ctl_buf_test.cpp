// PROC.buf and the time fields: what reading them gives on an observation, the messages when a
// buffer lacks a field, the static checks of the parser, and large unsigned numbers.
#include <gtest/gtest.h>

#include "sim/ctl_buf.h"
#include "sim/eval.h"
#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/parser.h"

namespace sim {
namespace {

using scenario::CompareOp;
using scenario::Expr;
using scenario::ExprKind;

Expr name(std::string n) { return Expr{ExprKind::Name, {}, 0, std::move(n), {}}; }
Expr field(Expr obj, std::string f) { return Expr{ExprKind::Field, {}, 0, std::move(f), {std::move(obj)}}; }
Expr buf_field(const std::string& proc, const std::string& f) { return field(field(name(proc), "buf"), f); }

struct Eval {
    Observation obs;
    Env env;
    LastCalls last;
    Value operator()(const Expr& e) const {
        ObservationAnswers answers(obs);
        return eval(e, EvalContext{answers, env, last});
    }
};

Eval with_buf(CtlBuf b) {
    Eval ev;
    ProcView a;
    a.name = "a";
    a.pid = 1000;
    a.buf = b;
    ev.obs.procs.push_back(a);
    return ev;
}

TEST(CtlBuf, reading_a_field_the_buffer_does_not_hold_says_which_call_filled_it) {
    CtlBuf b;
    b.kind = BufKind::shmid_ds;
    b.cmd = 2;  // IPC_STAT
    b.segsz = 4096;
    Eval ev = with_buf(b);
    Value v = ev(buf_field("a", "msgpool"));
    EXPECT_EQ(v.kind, Value::Kind::Missing);
    EXPECT_EQ(display(v), "<a's last shmctl was IPC_STAT: its buffer (shmid_ds) has no field msgpool>");
    EXPECT_EQ(compare(v, CompareOp::Eq, Value::integer(0)), Verdict::fails);
    EXPECT_EQ(compare(ev(buf_field("a", "segsz")), CompareOp::Eq, Value::integer(4096)), Verdict::holds);
}

TEST(CtlBuf, a_process_whose_ctl_calls_filled_nothing_has_no_buffer) {
    Eval ev = with_buf(CtlBuf{});
    EXPECT_EQ(display(ev(buf_field("a", "segsz"))), "<a has no buffer yet: no shmctl, msgctl or semctl of it has filled one>");
}

TEST(CtlBuf, msg_info_names_the_msgctl_command) {
    CtlBuf b;
    b.kind = BufKind::msginfo;
    b.cmd = 12;  // MSG_INFO
    EXPECT_EQ(display(with_buf(b)(buf_field("a", "segsz"))), "<a's last msgctl was MSG_INFO: its buffer (msginfo) has no field segsz>");
}

TEST(CtlBuf, pids_in_the_buffer_compare_as_process_names) {
    CtlBuf b;
    b.kind = BufKind::msqid_ds;
    b.lspid = 1000;
    Value v = with_buf(b)(buf_field("a", "lspid"));
    EXPECT_EQ(v.kind, Value::Kind::Proc);
    EXPECT_EQ(v.s, "a");
}

TEST(CtlBuf, unsigned_fields_compare_as_unsigned_against_literals_past_2_63) {
    std::uint64_t shmmax = 0xfffffffffeffffffull;
    Value big = Value::integer(static_cast<std::int64_t>(shmmax));  // the literal, as its bit pattern
    EXPECT_EQ(compare(Value::uinteger(shmmax), CompareOp::Eq, big), Verdict::holds);
    EXPECT_EQ(compare(Value::uinteger(shmmax), CompareOp::Gt, Value::integer(1000)), Verdict::holds);
    EXPECT_EQ(compare(Value::uinteger(4096), CompareOp::Lt, big), Verdict::holds);
    // A signed value keeps signed order.
    EXPECT_EQ(compare(Value::integer(-1), CompareOp::Lt, Value::integer(0)), Verdict::holds);
    EXPECT_EQ(display(Value::uinteger(shmmax)), "18446744073692774399");
}

TEST(CtlBuf, a_time_equals_now_when_it_lies_in_the_steps_seconds) {
    Value now = Value::now(100, 101);
    EXPECT_EQ(compare(Value::time(100), CompareOp::Eq, now), Verdict::holds);
    EXPECT_EQ(compare(now, CompareOp::Eq, Value::time(101)), Verdict::holds);
    EXPECT_EQ(compare(Value::time(99), CompareOp::Eq, now), Verdict::fails);
    EXPECT_EQ(compare(Value::time(0), CompareOp::Eq, Value::now(0, 0)), Verdict::fails);  // never set is never now
    EXPECT_EQ(compare(Value::time(0), CompareOp::Eq, Value::integer(0)), Verdict::holds);
    EXPECT_EQ(compare(Value::time(3), CompareOp::Le, Value::time(5)), Verdict::holds);
    EXPECT_EQ(compare(Value::time(5), CompareOp::Le, Value::time(3)), Verdict::fails);
}

TEST(CtlBuf, the_model_fills_buf_only_on_success_and_not_from_the_stat_an_ipc_set_makes) {
    auto parsed = scenario::parse("t.ipc",
                                  "proc a\n"
                                  "a: s = shmget(IPC_PRIVATE, 100, 0600)\n"
                                  "a: shmctl(s, IPC_INFO)\n"
                                  "a: shmctl(s + 1, IPC_STAT)\n"
                                  "a: shmctl(s, IPC_SET, mode=0640)\n"
                                  "a: shmctl(s, IPC_RMID)\n");
    ASSERT_TRUE(parsed.ok());
    ModelBackend m;
    RunState st;
    start_run(parsed.scenario, m);
    while (st.next < parsed.scenario.steps.size()) run_step(parsed.scenario, m, st);
    EXPECT_EQ(m.proc("a")->buf.kind, BufKind::shminfo);
    EXPECT_EQ(m.proc("a")->buf.shmmin, 1u);
}

}  // namespace
}  // namespace sim
