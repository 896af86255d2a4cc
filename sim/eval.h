// Evaluating scenario expressions: call arguments to plain numbers, expectation operands to
// Values read off an Observation.
#pragma once

#include <map>
#include <string>

#include "sim/observation.h"
#include "sim/scenario/ast.h"
#include "sim/value.h"

namespace sim {

// The scenario's variables, as this backend's numbers (addresses differ between backends).
using Env = std::map<std::string, Value>;

// The last call each process made, which says how to read its return value (a pid, an address).
using LastCalls = std::map<std::string, scenario::CallKind>;

struct EvalContext {
    const ObservationQuery& obs;
    const Env& env;
    const LastCalls& last_call;
    bool sees_inside_queues = true;
    bool sees_frames = true;
};

// An integer argument: literals, constants, variables and arithmetic.
std::int64_t eval_int(const scenario::Expr& e, const Env& env);
// The bytes of a TEXT argument: a string, or bytes(N) as N 'x's.
std::string eval_text(const scenario::Expr& e, const Env& env);
// An expectation operand.
Value eval(const scenario::Expr& e, const EvalContext& cx);
// PROC.ret as its kind of value: a pid after fork, an address after shmat.
Value typed_ret(const ProcView& p, const EvalContext& cx);
// An address seen from a process: which attachment it falls in, if any.
Value resolve_addr(const ObservationQuery& obs, const std::string& proc, std::int64_t raw);

}  // namespace sim
