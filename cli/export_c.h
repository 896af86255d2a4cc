// `ipcsim export-c FILE [-o OUT.c]`: the scenario as one C program (C11, libc, Linux) that makes the
// same calls in the same order with real processes and checks the same outcomes.
#pragma once

#include <set>
#include <string>

#include "sim/scenario/ast.h"

namespace cli {

// Writes the program to `out` (standard output when empty). 0, or 2 for a bad scenario (printed
// like a compiler), or 1 when the file cannot be written.
int export_c_command(const std::string& file, const std::string& out);

namespace export_c {

// The fixed C, the same for every scenario (export_c_runtime.cpp, export_c_coordinator.cpp,
// export_c_checks.cpp), in the order the program holds them.
extern const char* const kPrelude;
extern const char* const kWorker;
extern const char* const kCoordinator;
extern const char* const kChecks;

// The whole C program for a scenario that parsed.
std::string program(const sim::scenario::Scenario& s);

// Expressions as C (export_c_expr.cpp). `vars` are the scenario's variable names.
struct Names {
    const sim::scenario::Scenario* s = nullptr;
    std::set<std::string> vars;
};
// A C string literal holding exactly these bytes (octal escapes, so that no escape runs on).
std::string c_string(std::string_view bytes);
// An integer argument, as a long long expression: in a scenario process (`v.NAME`) or in main
// (`var_NAME.i`).
enum class Side { process, main };
std::string int_expr(const Names& n, const sim::scenario::Expr& e, Side side);
// A text argument (string, bytes(N), zeros(N), joined with +), as a `struct text` expression.
std::string text_expr(const Names& n, const sim::scenario::Expr& e, Side side);
// An expectation operand or a `=>` value, as a `struct val` expression in main.
std::string val_expr(const Names& n, const sim::scenario::Expr& e);
// Why an expectation cannot be checked on the kernel (model-only forms), or "" when it can.
std::string model_only_reason(const sim::scenario::Expr& e);
// The body of the C function that makes one step in its process (export_c_steps.cpp).
std::string step_body(const Names& n, const sim::scenario::Step& step);
// The program's enum call_kind for a call: CALL_SHMAT, CALL_FORK ... or CALL_OTHER.
std::string call_kind_name(sim::scenario::CallKind k);
// A C identifier for a scenario name: itself, or with '_' after it when C reserves it.
std::string c_name(const std::string& name);

}  // namespace export_c
}  // namespace cli
