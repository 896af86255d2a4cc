#include "sim/eval.h"

#include "sim/ctl_buf.h"
#include "sim/msgid.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {

using scenario::CallKind;
using scenario::Expr;
using scenario::ExprKind;

namespace {

std::int64_t arith(const std::string& op, std::int64_t a, std::int64_t b) {
    // Wrapping arithmetic, as the C the scenario imitates would do on 64-bit integers.
    auto ua = static_cast<std::uint64_t>(a), ub = static_cast<std::uint64_t>(b);
    if (op == "|") return static_cast<std::int64_t>(ua | ub);
    if (op == "+") return static_cast<std::int64_t>(ua + ub);
    if (op == "-") return static_cast<std::int64_t>(ua - ub);
    if (op == "*") return static_cast<std::int64_t>(ua * ub);
    return 0;
}

Value arith_value(const std::string& op, const Value& l, const Value& r) {
    if (l.kind == Value::Kind::Text && r.kind == Value::Kind::Text) {  // "hi" + zeros(4)
        if (l.s.size() + r.s.size() > static_cast<std::size_t>(scenario::kMaxStepBytes)) return Value::missing(msg(N_("a text longer than 64 MiB")));
        return Value::text(l.s + r.s);
    }
    std::int64_t raw = arith(op, l.i, r.i);
    // An address plus or minus a number still points into its attachment.
    if (l.kind == Value::Kind::Addr && r.kind == Value::Kind::Int && (op == "+" || op == "-"))
        return Value::addr(raw, l.shmid, static_cast<std::uint64_t>(arith(op, static_cast<std::int64_t>(l.offset), r.i)));
    return Value::integer(raw);
}

Value pid_value(const ObservationQuery& obs, int pid) {
    if (pid == 0) return Value::integer(0);
    return Value::proc(obs.pid_name(pid));
}

Value proc_field(const std::string& proc, const std::string& f, const EvalContext& cx) {
    std::optional<ProcView> p = cx.obs.proc(proc);
    if (!p) return Value::missing(msg(N_("no process {proc} yet"), arg("proc", proc)));
    if (f == "ret") return typed_ret(*p, cx);
    if (f == "errno") return Value::integer(p->err, p->err ? std::string(scenario::errno_name(p->err)) : "0");
    if (f == "data") return Value::text(p->data);
    if (f == "mtype") return Value::integer(p->mtype);
    if (f == "state") return Value::text(std::string(to_string(p->state)));
    if (f == "minflt") return Value::integer(static_cast<std::int64_t>(p->minflt));
    return Value::missing(msg(N_("no field {field}"), arg("field", f)));
}

// PROC.buf.F: a field of what PROC's last successful shmctl/msgctl filled, or why there is none.
Value buf_field(const std::string& proc, const std::string& f, const EvalContext& cx) {
    std::optional<ProcView> p = cx.obs.proc(proc);
    if (!p) return Value::missing(msg(N_("no process {proc} yet"), arg("proc", proc)));
    const CtlBuf& b = p->buf;
    if (b.kind == BufKind::none)
        return Value::missing(msg(N_("{proc} has no buffer yet: no shmctl, msgctl or semctl of it has filled one"), arg("proc", proc)));
    std::optional<BufField> v = read_buf_field(b, f);
    if (!v) {
        CtlCall call = ctl_call_of(b.kind);
        return Value::missing(msg(N_("{proc}'s last {call} was {cmd}: its buffer ({buf}) has no field {field}"), arg("proc", proc),
                                  arg("call", ctl_call_name(call)), arg("cmd", ctl_cmd_name(call, b.cmd)), arg("buf", buf_kind_name(b.kind)),
                                  arg("field", f)));
    }
    switch (v->type) {
    case BufField::Type::Unsigned: return Value::uinteger(static_cast<std::uint64_t>(v->value));
    case BufField::Type::Pid: return pid_value(cx.obs, static_cast<int>(v->value));
    case BufField::Type::Time: return Value::time(v->value);
    case BufField::Type::Signed: break;
    }
    return Value::integer(v->value);
}

// PROC.buf[N]: the N-th value of PROC's last GETALL.
Value buf_value(const std::string& proc, std::int64_t n, const EvalContext& cx) {
    std::optional<ProcView> p = cx.obs.proc(proc);
    if (!p) return Value::missing(msg(N_("no process {proc} yet"), arg("proc", proc)));
    const CtlBuf& b = p->buf;
    if (b.kind != BufKind::semall)
        return Value::missing(msg(N_("{proc}'s buffer holds no GETALL values"), arg("proc", proc)));
    if (n < 0 || static_cast<std::uint64_t>(n) >= b.semall_count)
        return Value::missing(msg(N_("GETALL read {count} values: there is no value {n}"), arg("count", b.semall_count), arg("n", n)));
    if (static_cast<std::uint64_t>(n) >= kSemallMax) return Value::unobservable(msg(N_("only the first 512 GETALL values are kept")));
    return Value::integer(b.semall[static_cast<std::size_t>(n)]);
}

Value shm_field(const ShmView& s, const std::string& f, const ObservationQuery& obs) {
    auto u = [](std::uint64_t v) { return Value::uinteger(v); };
    if (f == "key") return Value::integer(s.key);
    if (f == "mode") return u(s.mode);
    if (f == "segsz") return u(s.segsz);
    if (f == "nattch") return u(s.nattch);
    if (f == "cpid") return pid_value(obs, s.cpid);
    if (f == "lpid") return pid_value(obs, s.lpid);
    if (f == "uid") return u(s.uid);
    if (f == "gid") return u(s.gid);
    if (f == "cuid") return u(s.cuid);
    if (f == "cgid") return u(s.cgid);
    if (f == "rss") return u(s.rss);
    if (f == "dest") return Value::integer((s.mode & 01000) ? 1 : 0);
    if (f == "atime") return Value::time(s.atime);
    if (f == "dtime") return Value::time(s.dtime);
    if (f == "ctime") return Value::time(s.ctime);
    return Value::missing(msg(N_("no field {field}"), arg("field", f)));
}

Value name_list(const std::vector<std::string>& names) {
    Value v{Value::Kind::List, 0, {}, {}, -1, 0, {}};
    for (const auto& n : names) v.items.push_back(Value::proc(n));
    return v;
}

Value msq_field(const MsqView& q, const std::string& f, const EvalContext& cx) {
    auto u = [](std::uint64_t v) { return Value::uinteger(v); };
    if (f == "key") return Value::integer(q.key);
    if (f == "mode") return u(q.mode);
    if (f == "qnum") return u(q.qnum);
    if (f == "cbytes") return u(q.cbytes);
    if (f == "qbytes") return u(q.qbytes);
    if (f == "lspid") return pid_value(cx.obs, q.lspid);
    if (f == "lrpid") return pid_value(cx.obs, q.lrpid);
    if (f == "uid") return u(q.uid);
    if (f == "gid") return u(q.gid);
    if (f == "cuid") return u(q.cuid);
    if (f == "cgid") return u(q.cgid);
    if (f == "stime") return Value::time(q.stime);
    if (f == "rtime") return Value::time(q.rtime);
    if (f == "ctime") return Value::time(q.ctime);
    bool inside = f == "receivers" || f == "senders" || f == "messages";
    if (inside && (!cx.sees_inside_queues || !q.receivers))
        return Value::unobservable(msg(N_("the kernel run cannot see inside a queue")));
    if (f == "receivers") return name_list(*q.receivers);
    if (f == "senders") return name_list(*q.senders);
    if (f == "messages") {
        Value v{Value::Kind::List, 0, {}, {}, -1, 0, {}};
        for (const auto& m : *q.messages)
            v.items.push_back({Value::Kind::Tuple, 0, {}, {}, -1, 0, {Value::integer(m.mtype), Value::text(m.text)}});
        return v;
    }
    return Value::missing(msg(N_("no field {field}"), arg("field", f)));
}

// sem(ID).F of the set, sem(ID)[N].F of its semaphore N (the parser keeps N as a second argument).
Value sem_field(const SemView& s, const Expr& obj, const std::string& f, const EvalContext& cx) {
    auto u = [](std::uint64_t v) { return Value::uinteger(v); };
    if (obj.args.size() == 2) {
        std::int64_t n = eval(obj.args[1], cx).i;
        if (n < 0 || static_cast<std::uint64_t>(n) >= s.sems.size())
            return Value::missing(msg(N_("no semaphore {n}: set {id} has {nsems}"), arg("n", n), arg("id", s.semid), arg("nsems", s.sems.size())));
        const SemValue& v = s.sems[static_cast<std::size_t>(n)];
        if (f == "val") return Value::integer(v.val);
        if (f == "pid") return pid_value(cx.obs, v.pid);
        if (f == "ncnt") return Value::integer(v.ncnt);
        if (f == "zcnt") return Value::integer(v.zcnt);
        return Value::missing(msg(N_("no field {field}"), arg("field", f)));
    }
    if (f == "key") return Value::integer(s.key);
    if (f == "mode") return u(s.mode);
    if (f == "nsems") return u(s.nsems);
    if (f == "uid") return u(s.uid);
    if (f == "gid") return u(s.gid);
    if (f == "cuid") return u(s.cuid);
    if (f == "cgid") return u(s.cgid);
    if (f == "otime") return Value::time(s.otime);
    if (f == "ctime") return Value::time(s.ctime);
    if (f == "pending") {
        if (!cx.sees_inside_queues || !s.pending) return Value::unobservable(msg(N_("the kernel run cannot see who sleeps in semop")));
        return name_list(*s.pending);
    }
    return Value::missing(msg(N_("no field {field}"), arg("field", f)));
}

Value object_field(const Expr& obj, const std::string& f, const EvalContext& cx) {
    if (obj.kind == ExprKind::Name) return proc_field(obj.text, f, cx);
    if (obj.kind == ExprKind::Field && obj.text == "buf" && !obj.args.empty()) return buf_field(obj.args[0].text, f, cx);
    if (obj.kind != ExprKind::Call || obj.args.empty()) return Value::missing(msg(N_("not an object")));
    auto id = static_cast<int>(eval(obj.args[0], cx).i);
    if (obj.text == "shm") {
        std::optional<ShmView> s = cx.obs.shm(id);
        return s ? shm_field(*s, f, cx.obs) : Value::missing(msg(N_("no segment {id}"), arg("id", id)));
    }
    if (obj.text == "sem") {
        std::optional<SemView> s = cx.obs.sem(id);
        return s ? sem_field(*s, obj, f, cx) : Value::missing(msg(N_("no semaphore set {id}"), arg("id", id)));
    }
    std::optional<MsqView> q = cx.obs.msq(id);
    return q ? msq_field(*q, f, cx) : Value::missing(msg(N_("no queue {id}"), arg("id", id)));
}

// pte(P, A) and frame(P, A): what P's page table says about the page holding A.
Value page_query(const Expr& e, const EvalContext& cx) {
    const std::string& proc = e.args[0].text;
    std::int64_t raw = eval(e.args[1], cx).i;
    std::optional<ProcView> p = cx.obs.proc(proc);
    if (!p) return Value::missing(msg(N_("no process {proc}"), arg("proc", proc)));
    auto a = static_cast<std::uint64_t>(raw);
    for (const auto& m : p->maps) {
        if (a < m.start || a >= m.end) continue;
        auto it = m.present.find((a - m.start) / 4096);
        if (e.text == "pte") return Value::integer(it != m.present.end());
        if (!cx.sees_frames) return Value::unobservable(msg(N_("frame numbers need root")));
        if (it == m.present.end()) return Value::missing(msg(N_("no PTE for that page in {proc}"), arg("proc", proc)));
        return Value::integer(static_cast<std::int64_t>(it->second), "frame " + hex(it->second));
    }
    return e.text == "pte" ? Value::integer(0) : Value::missing(msg(N_("{proc} maps nothing there"), arg("proc", proc)));
}

Value call_value(const Expr& e, const EvalContext& cx) {
    if (e.text == "pte" || e.text == "frame") return page_query(e, cx);
    if (e.text == "vmas") {  // how many vm_area_structs map System V segments: split ones count each
        std::optional<ProcView> p = cx.obs.proc(e.args[0].text);
        return p ? Value::integer(static_cast<std::int64_t>(p->maps.size())) : Value::missing(msg(N_("no process {proc}"), arg("proc", e.args[0].text)));
    }
    if (e.text == "ptpages") {
        const std::string& proc = e.args[0].text;
        if (!cx.obs.proc(proc)) return Value::missing(msg(N_("no process {proc}"), arg("proc", proc)));
        std::optional<std::uint64_t> n = cx.obs.ptpages(proc);
        if (!n) return Value::unobservable(msg(N_("the kernel run cannot count page-table pages: a real process's libraries and stack share them")));
        return Value::integer(static_cast<std::int64_t>(*n));
    }
    std::string_view kind = e.args.empty() ? "" : std::string_view(e.args[0].text);
    if (e.text == "count") {
        std::size_t n = kind == "shm" ? cx.obs.shm_count() : kind == "sem" ? cx.obs.sem_count() : cx.obs.msq_count();
        return Value::integer(static_cast<std::int64_t>(n));
    }
    if (e.text == "exists" && e.args.size() == 2) {
        auto id = static_cast<int>(eval(e.args[1], cx).i);
        bool there = kind == "shm" ? cx.obs.shm(id).has_value() : kind == "sem" ? cx.obs.sem(id).has_value() : cx.obs.msq(id).has_value();
        return Value::integer(there);
    }
    return Value::missing(msg(N_("unknown function {name}"), arg("name", e.text)));
}

Value name_value(const std::string& name, const EvalContext& cx) {
    if (auto it = cx.env.find(name); it != cx.env.end()) return it->second;
    if (name == "ready" || name == "blocked" || name == "exited" || name == "killed") return Value::text(name);
    if (name == "now") {
        StepTime t = cx.obs.now();
        return Value::now(t.earliest, t.latest);
    }
    return Value::proc(name);
}

}  // namespace

Value resolve_addr(const ObservationQuery& obs, const std::string& proc, std::int64_t raw) {
    if (std::optional<ProcView> p = obs.proc(proc)) {
        auto a = static_cast<std::uint64_t>(raw);
        for (const auto& m : p->maps)
            if (a >= m.start && a < m.end) return Value::addr(raw, m.shmid, a - m.start);
    }
    return Value::addr(raw, -1, 0);
}

Value typed_ret(const ProcView& p, const EvalContext& cx) {
    auto it = cx.last_call.find(p.name);
    if (it != cx.last_call.end() && p.ret != -1) {
        if (it->second == CallKind::Fork && p.ret > 0) return pid_value(cx.obs, static_cast<int>(p.ret));
        if (it->second == CallKind::Shmat) return resolve_addr(cx.obs, p.name, p.ret);
    }
    return Value::integer(p.ret);
}

std::int64_t eval_int(const Expr& e, const Env& env) {
    switch (e.kind) {
    case ExprKind::Int: return e.value;
    case ExprKind::Name: {
        auto it = env.find(e.text);
        return it == env.end() ? 0 : it->second.i;
    }
    case ExprKind::Binary: return arith(e.text, eval_int(e.args[0], env), eval_int(e.args[1], env));
    case ExprKind::Negate: return arith("-", 0, eval_int(e.args[0], env));
    default: return 0;
    }
}

std::string eval_text(const Expr& e, const Env& env) {
    if (e.kind == ExprKind::String) return e.text;
    if (e.kind == ExprKind::Binary && e.args.size() == 2) return eval_text(e.args[0], env) + eval_text(e.args[1], env);
    if (e.kind == ExprKind::Bytes && !e.args.empty()) {
        std::int64_t n = eval_int(e.args[0], env);
        const std::string pattern = e.text.empty() ? "x" : e.text;  // the parser keeps the pattern
        std::string out(static_cast<std::size_t>(n < 0 ? 0 : n), '\0');
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = pattern[i % pattern.size()];
        return out;
    }
    return {};
}

Value eval(const Expr& e, const EvalContext& cx) {
    switch (e.kind) {
    case ExprKind::Int: return Value::integer(e.value, e.text);
    case ExprKind::String: return Value::text(e.text);
    case ExprKind::Name: return name_value(e.text, cx);
    case ExprKind::Binary: return arith_value(e.text, eval(e.args[0], cx), eval(e.args[1], cx));
    case ExprKind::Negate: return Value::integer(arith("-", 0, eval(e.args[0], cx).i));
    case ExprKind::Bytes:
        if (!e.args.empty() && eval_int(e.args[0], cx.env) > scenario::kMaxStepBytes) return Value::missing(msg(N_("a text longer than 64 MiB")));
        return Value::text(eval_text(e, cx.env));
    case ExprKind::Field:
        if (e.text == "buf" && e.args.size() == 2) return buf_value(e.args[0].text, eval(e.args[1], cx).i, cx);
        return object_field(e.args[0], e.text, cx);
    case ExprKind::Call: return call_value(e, cx);
    case ExprKind::List:
    case ExprKind::Tuple: {
        Value v{e.kind == ExprKind::List ? Value::Kind::List : Value::Kind::Tuple, 0, {}, {}, -1, 0, {}};
        for (const auto& item : e.args) v.items.push_back(eval(item, cx));
        return v;
    }
    }
    return Value::missing(verbatim("?"));  // no expression kind is left: nothing to translate
}

}  // namespace sim
