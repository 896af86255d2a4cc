#include "sim/runner.h"

#include "sim/msgid.h"

#include "sim/scenario/constants.h"
#include "sim/sem.h"
#include "sim/text.h"
#include "sim/uapi.h"

namespace sim {

using scenario::CallKind;
using scenario::Expr;
using scenario::ExprKind;
using scenario::OutcomeKind;

const char* op_text(scenario::CompareOp op) {
    switch (op) {
    case scenario::CompareOp::Eq: return "==";
    case scenario::CompareOp::Ne: return "!=";
    case scenario::CompareOp::Lt: return "<";
    case scenario::CompareOp::Le: return "<=";
    case scenario::CompareOp::Gt: return ">";
    case scenario::CompareOp::Ge: return ">=";
    }
    return "?";
}

// The msgids are those of ipcsim's trace for the same outcome; "-1 EACCES" stays as it is.
Message described(const StepOutcome& o, CallKind kind) {
    switch (o.fate) {
    case Fate::blocked: return msg(N_("blocks"));
    case Fate::killed: return msg(N_("killed by {sig}"), arg("sig", scenario::signal_name(o.signo)));
    case Fate::exited: return msg(N_("exited"));
    case Fate::abandoned: return msg(N_("{sig}, caught by its handler: the access is abandoned"), arg("sig", scenario::signal_name(o.signo)));
    case Fate::returned: break;
    }
    std::string english = describe(o, kind);
    if (english.starts_with("returned ")) return msg(N_("returned {ret}"), arg("ret", english.substr(9)));
    return verbatim(english);
}

std::string describe(const StepOutcome& o, CallKind kind) {
    switch (o.fate) {
    case Fate::blocked: return "blocks";
    case Fate::killed: return cat("killed by ", scenario::signal_name(o.signo));
    case Fate::exited: return "exited";
    case Fate::abandoned: return cat(scenario::signal_name(o.signo), ", caught by its handler: the access is abandoned");
    case Fate::returned: break;
    }
    if (o.ret == -1 && o.err) return cat("-1 ", scenario::errno_name(o.err));
    if (kind == CallKind::Shmat) return cat("returned ", hex(static_cast<std::uint64_t>(o.ret)));
    if ((kind == CallKind::Load || kind == CallKind::Msgrcv)) return cat("returned ", o.ret, " ", quoted(o.data, 64));
    return cat("returned ", o.ret);
}

namespace {

std::string expect_source(const scenario::Scenario& s, const scenario::Expect& e) {
    if (e.left.pos.line < 1 || e.left.pos.line > static_cast<int>(s.lines.size())) return {};
    std::string_view line = s.lines[static_cast<std::size_t>(e.left.pos.line - 1)];
    std::string out;
    bool in_string = false;
    for (std::size_t i = static_cast<std::size_t>(e.left.pos.col - 1); i < line.size(); ++i) {
        char c = line[i];
        if (c == '"' && (i == 0 || line[i - 1] != '\\')) in_string = !in_string;
        if (c == '#' && !in_string) break;
        out += c;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
    return out;
}

}  // namespace

std::string expect_text(const scenario::Scenario& s, const scenario::Expect& e) { return expect_source(s, e); }

namespace {

bool is_literal(const Expr& e) { return e.kind == ExprKind::Int || e.kind == ExprKind::String; }

EvalContext context(const Backend& b, const RunState& st) {
    return EvalContext{b.query(), st.env, st.last_call, b.sees_inside_queues(), b.sees_frames()};
}

// `what` names the request in the message: "bytes(N)", "load of N bytes".
std::optional<scenario::Diagnostic> over_budget(const Expr& e, Message what, std::int64_t n, RunState& st) {
    if (n > scenario::kMaxStepBytes)
        return scenario::Diagnostic{e.pos, msg(N_("{what} is more than a step may move (64 MiB)"), arg("what", std::move(what)))};
    if (n > 0 && st.bytes_moved + n > st.max_bytes_moved)
        return scenario::Diagnostic{e.pos, msg(N_("{what} would take the run past the {mib} MiB it may move in all ({so_far} bytes so far)"),
                                               arg("what", std::move(what)), arg("mib", st.max_bytes_moved >> 20), arg("so_far", st.bytes_moved))};
    if (n > 0) st.bytes_moved += n;
    return std::nullopt;
}

// Every bytes(N) and zeros(N) inside e, joined texts included, counts against the budget.
std::optional<scenario::Diagnostic> texts_over_budget(const Expr& e, RunState& st) {
    if (e.kind == ExprKind::Bytes && !e.args.empty()) {
        std::int64_t n = eval_int(e.args[0], st.env);
        return over_budget(e, verbatim(cat(e.text == std::string(1, '\0') ? "zeros(" : "bytes(", n, ")")), n, st);
    }
    for (const auto& a : e.args)
        if (auto err = texts_over_budget(a, st)) return err;
    return std::nullopt;
}

// The namespace's msgmax: do_msgsnd refuses a longer msgsz before it copies anything.
std::int64_t msgmax_of(const scenario::Scenario& s) {
    std::int64_t msgmax = MSGMAX_DEFAULT;
    for (const auto& sc : s.sysctls)
        if (sc.name == "msgmax") msgmax = sc.value;
    return msgmax;
}

// The namespace's semmsl: newary refuses a larger set before it allocates anything.
std::int64_t semmsl_of(const scenario::Scenario& s) {
    std::int64_t semmsl = 32000;
    for (const auto& sc : s.sysctls)
        if (sc.name == "semmsl") semmsl = sc.value;
    return semmsl;
}

// A set the kernel would make, of more semaphores than the model keeps: the kernel allocates one
// struct sem of 64 bytes each (up to 33,554,427 of them, then ENOMEM), the model would too.
std::optional<scenario::Diagnostic> sems_over_budget(const scenario::Step& step, RunState& st, const scenario::Scenario& s) {
    if (step.call.kind != CallKind::Semget || step.call.args.size() < 2) return std::nullopt;
    std::int64_t n = eval_int(step.call.args[1], st.env);
    if (n <= 0 || n > semmsl_of(s) || n > kMaxSemsPerSet) return std::nullopt;
    if (st.sems_made + n > st.max_sems)
        return scenario::Diagnostic{step.call.args[1].pos, msg(N_("semget of {n} semaphores would take the run past the {max} semaphores the model keeps in all ({so_far} so far)"),
                                                                 arg("n", n), arg("max", st.max_sems), arg("so_far", st.sems_made))};
    st.sems_made += n;
    return std::nullopt;
}

// What the call and its outcome would make: checked before the step runs.
std::optional<scenario::Diagnostic> too_big(const scenario::Step& step, RunState& st, const scenario::Scenario& s) {
    if (auto err = sems_over_budget(step, st, s)) return err;
    for (const auto& a : step.call.args)
        if (auto err = texts_over_budget(a, st)) return err;
    if (step.outcome.kind == OutcomeKind::Text)
        if (auto err = texts_over_budget(step.outcome.expr, st)) return err;
    // msgsz= pads the text with zero bytes that the message then carries.
    for (const auto& f : step.call.fields) {
        if (step.call.kind != CallKind::Msgsnd || f.name != "msgsz") continue;
        std::int64_t n = eval_int(f.value, st.env);
        if (n <= msgmax_of(s))
            if (auto err = over_budget(f.value, verbatim(cat("msgsz=", n)), n, st)) return err;
    }
    if (step.call.kind == CallKind::Load && step.call.args.size() == 2) {
        std::int64_t n = eval_int(step.call.args[1], st.env);
        return over_budget(step.call.args[1], msg(N_("load of {n} bytes"), arg("n", n)), n, st);
    }
    return std::nullopt;
}

// The texts of the step's expect lines, checked once the step has set its variable.
std::optional<scenario::Diagnostic> expects_too_big(const scenario::Step& step, RunState& st) {
    for (const auto& e : step.expects) {
        if (auto err = texts_over_budget(e.left, st)) return err;
        if (auto err = texts_over_budget(e.right, st)) return err;
    }
    return std::nullopt;
}

Invocation build_call(const scenario::Step& step, const Env& env) {
    Invocation inv;
    inv.proc = step.proc;
    inv.kind = step.call.kind;
    for (const auto& a : step.call.args) {
        if (scenario::is_text_expr(a)) inv.text = eval_text(a, env);
        else if ((inv.kind == CallKind::Fork || inv.kind == CallKind::Kill) && inv.target.empty() && a.kind == ExprKind::Name)
            inv.target = a.text;
        else if (a.kind == ExprKind::Tuple)  // a sembuf: sem_num, sem_op, sem_flg
            for (const auto& member : a.args) inv.args.push_back(eval_int(member, env));
        else inv.args.push_back(eval_int(a, env));
    }
    for (const auto& f : step.call.fields) {
        if (f.value.kind == ExprKind::List)  // semctl's array= (SETALL)
            for (const auto& v : f.value.args) inv.array.push_back(eval_int(v, env));
        else inv.fields.emplace_back(f.name, eval_int(f.value, env));
    }
    for (const auto& sc : step.sysctls) inv.sysctls.emplace_back(sc.name, sc.value);
    return inv;
}

std::string outcome_text(const scenario::Outcome& o, const EvalContext& cx) {
    switch (o.kind) {
    case OutcomeKind::Value: return display(eval(o.expr, cx));
    case OutcomeKind::Ok: return "ok";
    case OutcomeKind::Errno: return "-1 " + o.text;
    case OutcomeKind::Blocks: return "blocks";
    case OutcomeKind::Signal: return o.text;  // killed by it, or abandoned by its handler
    case OutcomeKind::Text: return quoted(eval_text(o.expr, cx.env), 64);
    case OutcomeKind::None: break;
    }
    return {};
}

bool outcome_holds(const scenario::Outcome& o, const StepOutcome& r, const std::optional<ProcView>& p, const EvalContext& cx) {
    bool returned = r.fate == Fate::returned;
    switch (o.kind) {
    case OutcomeKind::Value: {
        if (!returned || !p) return false;
        // `=> 0x1000` after shmat is the address returned, as in C; only an expect compares an
        // address with a number by its offset into the attachment.
        Value want = eval(o.expr, cx), got = typed_ret(*p, cx);
        if (got.kind == Value::Kind::Addr && want.kind == Value::Kind::Int) got = Value::integer(got.i);
        // semctl GETPID returns a pid: `=> m` names the process, as after fork.
        if (got.kind == Value::Kind::Int && want.kind == Value::Kind::Proc) got = Value::proc(cx.obs.pid_name(static_cast<int>(got.i)));
        return compare(got, scenario::CompareOp::Eq, want) == Verdict::holds;
    }
    case OutcomeKind::Ok: return returned && r.ret != -1;
    case OutcomeKind::Errno: return returned && r.ret == -1 && r.err == o.value;
    case OutcomeKind::Blocks: return r.fate == Fate::blocked;
    // A signal ends the call either way: it killed the caller, or the caller's handler abandoned it.
    case OutcomeKind::Signal: return (r.fate == Fate::killed || r.fate == Fate::abandoned) && r.signo == o.value;
    case OutcomeKind::Text: return returned && r.data == eval_text(o.expr, cx.env);
    case OutcomeKind::None: break;
    }
    return true;
}

Check check_outcome(const scenario::Step& step, const StepOutcome& r, const EvalContext& cx) {
    bool holds = outcome_holds(step.outcome, r, cx.obs.proc(step.proc), cx);
    std::string got = describe(r, step.call.kind);
    Message got_text = described(r, step.call.kind);
    if (step.outcome.kind == OutcomeKind::Text && r.fate == Fate::returned) got = quoted(r.data, 64), got_text = verbatim(got);
    return Check{step.outcome.pos, holds ? Verdict::holds : Verdict::fails, outcome_text(step.outcome, cx), got, true, std::move(got_text)};
}

// Notes since which line a process can no longer take a step. A step can put to sleep or end
// only its caller and its target; it can wake or kill any sleeper, so those are looked at again.
void track_stuck(const ObservationQuery& obs, const Invocation& call, int line, RunState& st) {
    auto note = [&](const std::string& name) {
        std::optional<TaskState> state = obs.state_of(name);
        if (!state) return;
        if (*state != TaskState::blocked) st.blocked_since.erase(name);
        if (*state == TaskState::blocked) st.blocked_since.try_emplace(name, line);
        if (*state == TaskState::exited || *state == TaskState::killed) st.gone_since.try_emplace(name, line);
    };
    std::vector<std::string> sleepers;
    for (const auto& [name, since] : st.blocked_since) sleepers.push_back(name);
    for (const auto& name : sleepers) note(name);
    note(call.proc);
    if (!call.target.empty()) note(call.target);
}

std::optional<scenario::Diagnostic> cannot_step(const scenario::Step& step, const Backend& b, const RunState& st) {
    const ObservationQuery& obs = b.query();
    std::optional<TaskState> state = obs.state_of(step.proc);
    if (state == TaskState::ready) return std::nullopt;
    std::optional<ProcView> p = obs.proc(step.proc);
    if (!p) return scenario::Diagnostic{step.pos, msg(N_("process '{proc}' does not exist at this point"), arg("proc", step.proc))};
    if (p->state == TaskState::ready) return std::nullopt;
    Message deadlock;
    if (auto asleep = deadlocked(b.observe()); !asleep.empty()) deadlock = msg(N_("; {deadlock}"), arg("deadlock", deadlock_message(asleep)));
    auto proc = arg("proc", step.proc), signal = arg("signal", scenario::signal_name(p->term_signal));
    Message why = p->state == TaskState::blocked ? msg(N_("process '{proc}' cannot make a call: it is blocked in the kernel{deadlock}"), proc)
                : p->state == TaskState::exited  ? msg(N_("process '{proc}' cannot make a call: it has exited{deadlock}"), proc)
                : msg(N_("process '{proc}' cannot make a call: it was killed by {signal}{deadlock}"), proc, signal);
    why.args.push_back(arg("deadlock", std::move(deadlock)));
    scenario::Diagnostic d{step.pos, std::move(why)};
    const auto& since = p->state == TaskState::blocked ? st.blocked_since : st.gone_since;
    auto it = since.find(step.proc);
    if (it != since.end())
        d.notes.push_back({{it->second, 1}, p->state == TaskState::blocked ? msg(N_("'{proc}' blocked here"), proc)
                                            : p->state == TaskState::exited ? msg(N_("'{proc}' has exited here"), proc)
                                            : msg(N_("'{proc}' was killed by {signal} here"), proc, signal)});
    return d;
}

}  // namespace

std::vector<std::string> deadlocked(const Observation& obs) {
    std::vector<std::string> asleep;
    for (const auto& p : obs.procs) {
        if (p.state == TaskState::ready) return {};
        if (p.state == TaskState::blocked) asleep.push_back(p.name);
    }
    return asleep;
}

std::string deadlock_text(const std::vector<std::string>& asleep) { return english(deadlock_message(asleep)); }

Message deadlock_message(const std::vector<std::string>& asleep) {
    if (asleep.size() == 1) return msg(N_("deadlock: {name} is asleep and nobody can wake it"), arg("name", asleep[0]));
    std::string names;
    for (std::size_t i = 0; i + 1 < asleep.size(); ++i) names += (i == 0 ? "" : ", ") + asleep[i];
    return msg(N_("deadlock: {names} and {last} are asleep and nobody can wake them"), arg("names", names),
               arg("last", asleep.empty() ? std::string() : asleep.back()));
}

std::vector<Check> check_expects(const std::vector<scenario::Expect>& expects, const Backend& b, const RunState& st,
                                 const scenario::Scenario& s) {
    std::vector<Check> out;
    EvalContext cx = context(b, st);
    for (const auto& e : expects) {
        Value l = eval(e.left, cx), r = eval(e.right, cx);
        Verdict v = compare(l, e.op, r);
        std::string got = display(l);
        Message got_text = displayed(l);
        if (!is_literal(e.right)) {
            got += cat(" (and the right side is ", display(r), ")");
            got_text = msg(N_("{left} (and the right side is {right})"), arg("left", std::move(got_text)), arg("right", displayed(r)));
        }
        out.push_back({e.pos, v, expect_source(s, e), got, false, std::move(got_text)});
    }
    return out;
}

std::vector<Check> start_run(const scenario::Scenario& s, Backend& b) {
    b.setup(s);
    RunState st;
    return check_expects(s.initial_expects, b, st, s);
}

StepRun run_step(const scenario::Scenario& s, Backend& b, RunState& st) {
    const scenario::Step& step = s.steps.at(st.next);
    if (auto err = cannot_step(step, b, st)) return {std::nullopt, err};
    if (auto err = too_big(step, st, s)) return {std::nullopt, err};

    StepRecord rec;
    rec.index = st.next++;
    rec.call = build_call(step, st.env);
    rec.outcome = b.execute(rec.call);
    // PROC.ret is the last *finished* call's: a call that killed its caller leaves the one before.
    if (rec.outcome.fate == Fate::returned || rec.outcome.fate == Fate::blocked) st.last_call[step.proc] = step.call.kind;
    track_stuck(b.query(), rec.call, step.pos.line, st);
    if (step.var) {
        std::optional<ProcView> p = b.query().proc(step.proc);
        st.env[*step.var] = p && rec.outcome.fate == Fate::returned ? typed_ret(*p, context(b, st)) : Value::integer(-1);
    }
    if (auto err = expects_too_big(step, st)) return {std::nullopt, err};
    if (step.outcome.kind != OutcomeKind::None) rec.checks.push_back(check_outcome(step, rec.outcome, context(b, st)));
    auto more = check_expects(step.expects, b, st, s);
    rec.checks.insert(rec.checks.end(), more.begin(), more.end());
    return {std::move(rec), std::nullopt};
}

}  // namespace sim
