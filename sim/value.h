// Values that expectations compare. Pids compare as process names and addresses as
// (segment, offset) pairs, so that the model's and the kernel's numbers need not agree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/message.h"
#include "sim/scenario/ast.h"

namespace sim {

struct Value {
    enum class Kind {
        Int,           // i; `label` names it when it is a constant ("EACCES")
        Text,          // s
        Proc,          // s = process name
        Addr,          // i = raw address in its backend; shmid + offset say where it points
        List,          // items
        Tuple,         // items
        Missing,       // s says what is missing ("no segment 3"), why says it as a Message
        Unobservable,  // s says why (the kernel run cannot see wait lists), and why too
        Time,          // i = a time field: the model's step number or the kernel's seconds; 0 = never set
        Now,           // the step just made ran in [i, latest]
    };
    Kind kind = Kind::Int;
    std::int64_t i = 0;
    std::string s;
    std::string label;
    int shmid = -1;
    std::uint64_t offset = 0;
    std::vector<Value> items;
    bool is_unsigned = false;  // Int: a field the kernel keeps unsigned; compares as uint64
    std::int64_t latest = 0;   // Now: the end of the step's time
    Message why = {};          // Missing, Unobservable: s for the language the user reads

    static Value integer(std::int64_t v, std::string label = {}) { return {Kind::Int, v, {}, std::move(label), -1, 0, {}}; }
    static Value text(std::string t) { return {Kind::Text, 0, std::move(t), {}, -1, 0, {}}; }
    static Value proc(std::string name) { return {Kind::Proc, 0, std::move(name), {}, -1, 0, {}}; }
    static Value addr(std::int64_t raw, int shmid, std::uint64_t off) { return {Kind::Addr, raw, {}, {}, shmid, off, {}}; }
    static Value uinteger(std::uint64_t v) {
        Value out = integer(static_cast<std::int64_t>(v));
        out.is_unsigned = true;
        return out;
    }
    static Value time(std::int64_t t) { return {Kind::Time, t, {}, {}, -1, 0, {}}; }
    static Value now(std::int64_t earliest, std::int64_t latest) {
        Value out{Kind::Now, earliest, {}, {}, -1, 0, {}};
        out.latest = latest;
        return out;
    }
    static Value missing(Message why) {
        Value out{Kind::Missing, 0, english(why), {}, -1, 0, {}};
        out.why = std::move(why);
        return out;
    }
    static Value missing(std::string why) { return missing(verbatim(std::move(why))); }
    static Value unobservable(Message why) {
        Value out{Kind::Unobservable, 0, english(why), {}, -1, 0, {}};
        out.why = std::move(why);
        return out;
    }
    static Value unobservable(std::string why) { return unobservable(verbatim(std::move(why))); }
    bool operator==(const Value&) const = default;
};

// How a value prints in "expected X, got Y": 3, EACCES, "hi", a, shm 2 + 0x10, [a, b].
std::string display(const Value& v);
// The same as a Message, for the language the user reads: english(displayed(v)) == display(v).
Message displayed(const Value& v);

enum class Verdict { holds, fails, unobservable };
Verdict compare(const Value& l, scenario::CompareOp op, const Value& r);

}  // namespace sim
