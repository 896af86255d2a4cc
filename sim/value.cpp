#include "sim/value.h"

#include "sim/msgid.h"
#include "sim/text.h"

namespace sim {

using scenario::CompareOp;

std::string display(const Value& v) {
    switch (v.kind) {
    case Value::Kind::Int:
        if (!v.label.empty()) return v.label;
        return v.is_unsigned ? std::to_string(static_cast<std::uint64_t>(v.i)) : std::to_string(v.i);
    case Value::Kind::Time: return v.i == 0 ? "0 (never set)" : std::to_string(v.i);
    case Value::Kind::Now: return v.i == v.latest ? cat("now (", v.i, ")") : cat("now (", v.i, " to ", v.latest, ")");
    case Value::Kind::Text: return quoted(v.s, 64);
    case Value::Kind::Proc: return v.s;
    case Value::Kind::Addr:
        return v.shmid < 0 ? hex(static_cast<std::uint64_t>(v.i)) : cat("shm ", v.shmid, " + ", hex(v.offset));
    case Value::Kind::List:
    case Value::Kind::Tuple: {
        std::string out = v.kind == Value::Kind::List ? "[" : "(";
        for (std::size_t n = 0; n < v.items.size(); ++n) out += (n ? ", " : "") + display(v.items[n]);
        return out + (v.kind == Value::Kind::List ? "]" : ")");
    }
    case Value::Kind::Missing: return "<" + v.s + ">";
    case Value::Kind::Unobservable: return "<not observable: " + v.s + ">";
    }
    return "?";
}

// Only a value that holds words (a missing one, an unobservable one, a time never set) needs more
// than its English; lists and tuples are made of their items.
Message displayed(const Value& v) {
    switch (v.kind) {
    case Value::Kind::Time:
        if (v.i == 0) return msg(N_("0 (never set)"));
        break;
    case Value::Kind::Now:
        if (v.i != v.latest) return msg(N_("now ({from} to {to})"), arg("from", v.i), arg("to", v.latest));
        break;
    case Value::Kind::List:
    case Value::Kind::Tuple: {
        Message::Arg items{"text", {}, {verbatim(v.kind == Value::Kind::List ? "[" : "(")}};
        for (std::size_t n = 0; n < v.items.size(); ++n) {
            if (n) items.nested.push_back(verbatim(", "));
            items.nested.push_back(displayed(v.items[n]));
        }
        items.nested.push_back(verbatim(v.kind == Value::Kind::List ? "]" : ")"));
        return msg(N_("{text}"), std::move(items));
    }
    case Value::Kind::Missing: return msg(N_("<{why}>"), arg("why", v.why.empty() ? verbatim(v.s) : v.why));
    case Value::Kind::Unobservable: return msg(N_("<not observable: {why}>"), arg("why", v.why.empty() ? verbatim(v.s) : v.why));
    default: break;
    }
    return verbatim(display(v));
}

template <typename T>
static bool ordered(const T& a, CompareOp op, const T& b) {
    switch (op) {
    case CompareOp::Eq: return a == b;
    case CompareOp::Ne: return a != b;
    case CompareOp::Lt: return a < b;
    case CompareOp::Le: return a <= b;
    case CompareOp::Gt: return a > b;
    case CompareOp::Ge: return a >= b;
    }
    return false;
}

// Structural equality, with the same rules as compare() for each element.
static bool same(const Value& l, const Value& r) { return compare(l, CompareOp::Eq, r) == Verdict::holds; }

static bool compare_items(const Value& l, CompareOp op, const Value& r) {
    bool eq = l.items.size() == r.items.size();
    for (std::size_t n = 0; eq && n < l.items.size(); ++n) eq = same(l.items[n], r.items[n]);
    return op == CompareOp::Eq ? eq : op == CompareOp::Ne ? !eq : false;
}

// docs/scenario-language.md, "Times": a time field against `now` holds when the step just made set it, that is when
// it lies in the step's time ([step, step] in the model, the seconds around it in the kernel run).
// Against a number or another time field it compares as a number; the parser allows only what is
// portable (== != with 0, == with now, <= >= between time fields).
static Verdict compare_time(const Value& l, CompareOp op, const Value& r) {
    using K = Value::Kind;
    auto verdict = [](bool b) { return b ? Verdict::holds : Verdict::fails; };
    if (l.kind == K::Now && r.kind == K::Now) return verdict(op == CompareOp::Eq);
    if (l.kind == K::Now || r.kind == K::Now) {
        const Value& t = l.kind == K::Now ? r : l;
        const Value& n = l.kind == K::Now ? l : r;
        bool during = t.kind == K::Time && t.i != 0 && t.i >= n.i && t.i <= n.latest;
        return verdict(op == CompareOp::Eq ? during : op == CompareOp::Ne ? !during : false);
    }
    return verdict(ordered(l.i, op, r.i));
}

Verdict compare(const Value& l, CompareOp op, const Value& r) {
    using K = Value::Kind;
    if (l.kind == K::Unobservable || r.kind == K::Unobservable) return Verdict::unobservable;
    auto verdict = [](bool b) { return b ? Verdict::holds : Verdict::fails; };
    if (l.kind == K::Missing || r.kind == K::Missing) return Verdict::fails;
    bool lt = l.kind == K::Time || l.kind == K::Now, rt = r.kind == K::Time || r.kind == K::Now;
    if ((lt || rt) && (lt || l.kind == K::Int) && (rt || r.kind == K::Int)) return compare_time(l, op, r);
    if (l.kind == K::Int && r.kind == K::Int && (l.is_unsigned || r.is_unsigned))
        return verdict(ordered(static_cast<std::uint64_t>(l.i), op, static_cast<std::uint64_t>(r.i)));
    // Two addresses of one process (the parser refuses two processes'): virtual addresses, so
    // that two attachments of one segment differ. An address and a number: the address's offset
    // into its attachment, which is the same on the model and the kernel.
    if (l.kind == K::Addr && r.kind == K::Addr) return verdict(ordered(l.i, op, r.i));
    auto number = [](const Value& v) { return v.kind == K::Addr && v.shmid >= 0 ? static_cast<std::int64_t>(v.offset) : v.i; };
    bool li = l.kind == K::Int || l.kind == K::Addr, ri = r.kind == K::Int || r.kind == K::Addr;
    if (li && ri) return verdict(ordered(number(l), op, number(r)));
    if (l.kind != r.kind) return verdict(op == CompareOp::Ne);
    switch (l.kind) {
    case K::Text:
    case K::Proc: return verdict(ordered(l.s, op, r.s));
    case K::List:
    case K::Tuple: return verdict(compare_items(l, op, r));
    default: return Verdict::fails;
    }
}

}  // namespace sim
