#include "cli/export_c.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "cli/load.h"
#include "cli/trace.h"
#include "explain/catalog.h"
#include "sim/model_backend.h"
#include "sim/runner.h"
#include "sim/scenario/constants.h"
#include "sim/uapi.h"

namespace cli {

namespace export_c {

using sim::scenario::CallKind;
using sim::scenario::Expr;
using sim::scenario::ExprKind;
using sim::scenario::OutcomeKind;
using sim::scenario::Scenario;
using sim::scenario::Step;

namespace {

// Text for inside a C comment: "*/" would end it.
std::string commented(std::string text) {
    for (std::size_t at = text.find("*/"); at != std::string::npos; at = text.find("*/", at)) text.replace(at, 2, "* /");
    return text;
}

// A note as comment lines of at most ~100 columns, each starting with `indent`.
std::string note_comment(const std::string& text, const std::string& indent) {
    std::string out, line;
    std::size_t at = 0;
    std::string words = commented(text);
    while (at < words.size()) {
        std::size_t sp = words.find(' ', at);
        std::string word = words.substr(at, sp == std::string::npos ? std::string::npos : sp - at);
        at = sp == std::string::npos ? words.size() : sp + 1;
        if (!line.empty() && line.size() + word.size() > 96) {
            out += indent + "   " + line + "\n";
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
    }
    if (!line.empty()) out += indent + "   " + line + "\n";
    return out;
}

// The processes in the order the program numbers them: those of `proc`, then fork's children.
std::vector<std::string> process_names(const Scenario& s) {
    std::vector<std::string> out;
    for (const auto& p : s.procs) out.push_back(p.name);
    for (const auto& st : s.steps)
        if (st.call.kind == CallKind::Fork && !st.call.args.empty() && std::find(out.begin(), out.end(), st.call.args[0].text) == out.end())
            out.push_back(st.call.args[0].text);
    return out;
}

// Every constant an expression names (IPC_CREAT, PAGE_SIZE ...).
void constants_in(const Expr& e, std::set<std::string>& out) {
    if (e.kind == ExprKind::Int && !e.text.empty()) out.insert(e.text);
    for (const auto& a : e.args) constants_in(a, out);
}

// Flags read best in octal, as <sys/ipc.h> writes them; commands and sizes in decimal.
bool flag_bit(const std::string& name, std::int64_t v) { return name != "PAGE_SIZE" && v >= 0100 && (v & (v - 1)) == 0; }

// A fallback definition for each constant a C library might lack (PAGE_SIZE is no libc macro;
// SHM_STAT_ANY and the like came late), with the scenario language's Linux value.
std::string constant_fallbacks(const Scenario& s) {
    std::set<std::string> used;
    for (const auto& st : s.steps) {
        for (const auto& a : st.call.args) constants_in(a, used);
        for (const auto& f : st.call.fields) constants_in(f.value, used);
        for (const auto& e : st.expects) constants_in(e.left, used), constants_in(e.right, used);
        if (st.outcome.kind == OutcomeKind::Value) constants_in(st.outcome.expr, used);
    }
    for (const auto& e : s.initial_expects) constants_in(e.left, used), constants_in(e.right, used);
    // The runtime's own.
    for (const char* name : {"SHM_STAT_ANY", "MSG_STAT_ANY", "SHM_STAT", "SHM_INFO", "MSG_STAT", "MSG_INFO", "SEM_STAT", "SEM_STAT_ANY", "SEM_INFO"})
        used.insert(name);
    std::string out;
    for (const auto& name : used) {
        auto c = sim::scenario::find_constant(name);
        if (!c || name == "NULL" || c->cls == sim::scenario::ConstantClass::Errno || c->cls == sim::scenario::ConstantClass::Signal) continue;
        out += fmt::format("#ifndef {0}\n#define {0} {1}\n#endif\n", name, flag_bit(name, c->value) ? fmt::format("0{:o}", c->value) : std::to_string(c->value));
    }
    return out;
}

std::string header(const Scenario& s) {
    std::string title = s.title.en.empty() ? s.file : s.title.en;
    return "/* " + commented(title) + "\n"
           " *\n"
           " * Written by `ipcsim export-c " + commented(s.file) + "`: the scenario as one C program that makes\n"
           " * the same System V IPC calls in the same order, with real processes, and checks the same outcomes.\n"
           " *\n"
           " * main is the coordinator. It forks one process per `proc` of the scenario; a fork(CHILD) step is\n"
           " * a real fork() made by the process of that step, so CHILD inherits its attachments. main sends\n"
           " * each process its steps over a pipe, one at a time, and waits (at most TIMEOUT_MS) until the call\n"
           " * has returned or the process sleeps in msgsnd, msgrcv or semop (/proc/PID/stat and /proc/PID/syscall).\n"
           " * Then it checks each `=>` and `expect` against what the kernel shows: the call's result,\n"
           " * /proc/sysvipc, IPC_STAT, semctl, /proc/PID/maps and /proc/PID/pagemap. What only the model can see\n"
           " * (a queue's wait lists, a set's sleeping semops, page-table pages) is listed as not observable,\n"
           " * never as passed.\n"
           " * At the end, or on any error, it kills every process and removes every segment, queue and set the\n"
           " * scenario created.\n"
           " *\n"
           " * Compile and run it as root (uid=, pagemap's frame numbers and one CPU under SCHED_FIFO need it),\n"
           " * in a private IPC namespace, so that ids start at 0 as in the scenario and no object of the\n"
           " * machine is touched:\n"
           " *     cc -Wall -o scenario scenario.c\n"
           " *     sudo unshare --ipc ./scenario\n"
           " * It prints each call and its result; it exits 0 when every checked expectation holds, else 1,\n"
           " * after printing each failure as FILE:LINE: expected X, got Y.\n"
           " */\n";
}

std::string declarations(const Scenario& s, const Names& n) {
    std::vector<std::string> procs = process_names(s);
    std::string out = "\n/* ======================================================================================\n"
                      "   The scenario: its processes and variables.\n"
                      "   ====================================================================================== */\n\n";
    out += "static const char scenario_file[] = " + c_string(s.file) + ";\n";
    out += "static const char scenario_title[] = " + c_string(s.title.en) + ";\n\n";
    out += "enum { ";
    for (const auto& p : procs) out += "P_" + p + ", ";
    out += "NPROC };\n";
    out += "static const char *const proc_name[NPROC] = { ";
    for (std::size_t i = 0; i < procs.size(); ++i) out += (i ? ", " : "") + c_string(procs[i]);
    out += " };\n\n";
    out += "/* The scenario's variables: an id, an address (as the process that attached sees it), a pid. */\n"
           "struct vars {\n";
    for (const auto& name : n.vars) out += "    long long " + c_name(name) + ";\n";
    if (n.vars.empty()) out += "    long long unused; /* the scenario has none */\n";
    return out + "};\n";
}

// errno_name and signal_name over the numbers Linux gives them.
std::string name_tables() {
    std::string out = "\nstatic const char *errno_name(int err)\n{\n    static char other[32];\n    switch (err) {\n";
    for (int e = 1; e < 200; ++e)
        if (auto name = sim::scenario::errno_name(e); !name.empty()) out += fmt::format("    case {}: return \"{}\";\n", e, name);
    out += "    }\n    snprintf(other, sizeof other, \"errno %d\", err);\n    return other;\n}\n";
    out += "\nstatic const char *signal_name(int sig)\n{\n    static char other[32];\n    switch (sig) {\n";
    for (int sig = 1; sig < 65; ++sig)
        if (auto name = sim::scenario::signal_name(sig); !name.empty()) out += fmt::format("    case {}: return \"{}\";\n", sig, name);
    out += "    }\n    snprintf(other, sizeof other, \"signal %d\", sig);\n    return other;\n}\n";
    return out;
}

std::string step_title(const Scenario& s, const Step& st, std::size_t i) {
    // The step as the scenario writes it, from the process's name on: "a: p = shmat(id, NULL, 0) => ok".
    std::string line(s.lines[static_cast<std::size_t>(st.pos.line - 1)]);
    return commented(fmt::format("step {}, line {}: {}", i + 1, st.pos.line, line.substr(static_cast<std::size_t>(st.pos.col - 1))));
}

std::string step_functions(const Scenario& s, const Names& n) {
    std::string out = "\n/* ======================================================================================\n"
                      "   The steps, each made by its own process: the calls of the scenario.\n"
                      "   ====================================================================================== */\n";
    for (std::size_t i = 0; i < s.steps.size(); ++i)
        out += fmt::format("\n/* {} */\nstatic long step_{}(void)\n{{\n{}}}\n", step_title(s, s.steps[i], i), i + 1, step_body(n, s.steps[i]));
    out += "\nstatic long make_step(int step)\n{\n    switch (step) {\n";
    for (std::size_t i = 0; i < s.steps.size(); ++i) out += fmt::format("    case {0}: return step_{0}();\n", i + 1);
    return out + "    }\n    errno = ENOSYS;\n    return -1;\n}\n";
}

std::string expect_code(const Scenario& s, const Names& n, const sim::scenario::Expect& e) {
    static const char* const ops[] = {"EQ", "NE", "LT", "LE", "GT", "GE"};
    std::string source = sim::expect_text(s, e);
    std::string why = model_only_reason(e.left);
    if (why.empty()) why = model_only_reason(e.right);
    if (!why.empty())
        return fmt::format("    /* not translated: {} */\n    model_only({}, {});\n", commented(why), c_string(source), c_string(why));
    bool literal = e.right.kind == ExprKind::Int || e.right.kind == ExprKind::String;
    return fmt::format("    expect({}, {},\n           {}, {},\n           {}, {});\n", e.pos.line, c_string(source), val_expr(n, e.left),
                       ops[static_cast<int>(e.op)], val_expr(n, e.right), literal ? 1 : 0);
}

std::string outcome_code(const Names& n, const Step& st) {
    const auto& o = st.outcome;
    int line = o.pos.line;
    switch (o.kind) {
    case OutcomeKind::None: return "    no_outcome();\n";
    case OutcomeKind::Value: return fmt::format("    outcome_value({}, {});\n", line, val_expr(n, o.expr));
    case OutcomeKind::Ok: return fmt::format("    outcome_ok({});\n", line);
    case OutcomeKind::Errno: return fmt::format("    outcome_errno({}, {}, \"-1 {}\");\n", line, o.text, o.text);
    case OutcomeKind::Blocks: return fmt::format("    outcome_blocks({});\n", line);
    case OutcomeKind::Signal: return fmt::format("    outcome_signal({}, {}, \"{}\");\n", line, o.text, o.text);
    case OutcomeKind::Text: return fmt::format("    outcome_text({}, {});\n", line, text_expr(n, o.expr, Side::main));
    }
    return "    no_outcome();\n";
}

// The sysctls of a step or of the setup. `sysctl sem` comes as semmsl semmns semopm semmni, which
// are the four numbers of the one file /proc/sys/kernel/sem: written together, at the first of them.
std::string sysctl_code(const std::vector<sim::scenario::Sysctl>& sysctls) {
    std::string out;
    std::map<std::string, std::int64_t> sem;
    for (const auto& sc : sysctls)
        if (sc.name == "semmsl" || sc.name == "semmns" || sc.name == "semopm" || sc.name == "semmni") sem[sc.name] = sc.value;
    bool sem_written = false;
    for (const auto& sc : sysctls) {
        if (sem.count(sc.name)) {
            if (sem_written) continue;
            sem_written = true;
            auto value = [&](const char* name) { return sem.count(name) ? std::to_string(sem[name]) : std::string("-1"); };
            out += fmt::format("    set_sem_sysctl({}, {}, {}, {}, {});\n", sc.pos.line, value("semmsl"), value("semmns"), value("semopm"), value("semmni"));
            continue;
        }
        out += fmt::format("    set_sysctl({}, \"{}\", {});\n", sc.pos.line, sc.name, sc.value);
    }
    return out;
}

// The program's call kind of a step: semctl GETPID returns a pid, which compares as a process.
std::string step_call_kind(const Step& st) {
    const auto& args = st.call.args;
    if (st.call.kind == CallKind::Semctl && args.size() > 2 && args[2].kind == ExprKind::Int && args[2].value == sim::GETPID) return "CALL_GETPID";
    return call_kind_name(st.call.kind);
}

std::string step_code(const Scenario& s, const Names& n, const Step& st, std::size_t i) {
    std::string out = "\n";
    for (const auto& note : st.notes) out += "    /* note:\n" + note_comment(note.en, "    ") + "     */\n";
    out += "    /* " + step_title(s, st, i) + " */\n";
    out += sysctl_code(st.sysctls);
    std::string target = "-1", signo = "0", child = "-1";
    if (st.call.kind == CallKind::Kill && st.call.args.size() == 2) {
        target = "P_" + st.call.args[0].text;
        signo = int_expr(n, st.call.args[1], Side::main);
    }
    if (st.call.kind == CallKind::Fork && !st.call.args.empty()) child = "P_" + st.call.args[0].text;
    std::string call = (st.var ? *st.var + " = " : "") + call_source(s, st);
    out += fmt::format("    make({}, {}, P_{}, {}, {}, {}, {}, {});\n", i + 1, st.pos.line, st.proc, step_call_kind(st), c_string(call), target,
                       signo, child);
    if (st.var) out += fmt::format("    var_{0} = result_of(P_{1});\n    v.{2} = var_{0}.i;\n", *st.var, st.proc, c_name(*st.var));
    out += outcome_code(n, st);
    for (const auto& e : st.expects) out += expect_code(s, n, e);
    return out;
}

std::string main_function(const Scenario& s, const Names& n) {
    std::string out = "\n/* The scenario's variables as main compares them (see struct val). */\n";
    for (const auto& name : n.vars) out += "static MAYBE_UNUSED struct val var_" + name + ";\n";
    out += "\nint main(void)\n{\n    begin();\n";
    out += sysctl_code(s.sysctls);
    for (const auto& p : s.procs) out += fmt::format("    start(P_{}, {}, {});\n", p.name, p.uid, p.gid);
    for (const auto& e : s.initial_expects) out += expect_code(s, n, e);
    for (std::size_t i = 0; i < s.steps.size(); ++i) out += step_code(s, n, s.steps[i], i);
    for (const auto& note : s.trailing_notes) out += "\n    /* note:\n" + note_comment(note.en, "    ") + "     */\n";
    return out + "\n    finish();\n    return 0;\n}\n";
}

}  // namespace

std::string program(const Scenario& s) {
    Names n{&s, {}};
    for (const auto& st : s.steps)
        if (st.var) n.vars.insert(*st.var);
    return header(s) + "\n" + kPrelude + constant_fallbacks(s) + declarations(s, n) + kWorker + kCoordinator + kChecks + name_tables() +
           step_functions(s, n) + main_function(s, n);
}

}  // namespace export_c

int export_c_command(const std::string& file, const std::string& out) {
    auto s = load_scenario(file);
    if (!s) return exit_scenario;
    // A step the scenario cannot take (by a process that is blocked or gone) is a scenario error,
    // found as `run` finds it: by running the scenario on the model first.
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(*s, model);
    while (st.next < s->steps.size()) {
        auto r = sim::run_step(*s, model, st);
        if (r.error) {
            print_diagnostic(*s, *r.error);
            return exit_scenario;
        }
    }
    std::string c = export_c::program(*s);
    if (out.empty()) {
        std::cout << c;
        return exit_ok;
    }
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    f << c;
    f.close();
    if (!f) {
        std::cerr << explain::say("{file}: error: cannot write the C program: {why}", fmt::arg("file", out), fmt::arg("why", std::strerror(errno)))
                  << "\n";
        return exit_failed;
    }
    return exit_ok;
}

}  // namespace cli
