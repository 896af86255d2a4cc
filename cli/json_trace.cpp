#include "cli/json_trace.h"

#include "cli/trace.h"
#include "explain/present.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace cli {

using nlohmann::json;

static const char* fate_name(sim::Fate f) {
    switch (f) {
    case sim::Fate::returned: return "returned";
    case sim::Fate::blocked: return "blocked";
    case sim::Fate::killed: return "killed";
    case sim::Fate::exited: return "exited";
    case sim::Fate::abandoned: return "abandoned";
    }
    return "?";
}

static const char* verdict_name(sim::Verdict v) {
    switch (v) {
    case sim::Verdict::holds: return "holds";
    case sim::Verdict::fails: return "fails";
    case sim::Verdict::unobservable: return "unobservable";
    }
    return "?";
}

// Language-neutral: the kind, the function, the sentence's key and its arguments; the sentence in the
// chosen language is an extra field.
static json event_json(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names) {
    json touched = json::array();
    for (const auto& t : e.touched)
        touched.push_back({{"kind", sim::to_string(t.kind)}, {"id", t.id}, {"sub", t.sub}});
    json args = json::object();
    for (std::size_t i = 0; i < e.nargs; ++i) {
        switch (e.specs[i].type) {
        case sim::ArgType::num:
        case sim::ArgType::shm_cmd:
        case sim::ArgType::msg_cmd:
        case sim::ArgType::sem_cmd:
        case sim::ArgType::task: args[e.specs[i].name] = static_cast<std::int64_t>(e.args[i]); break;
        case sim::ArgType::unum:
        case sim::ArgType::hex:
        case sim::ArgType::oct: args[e.specs[i].name] = e.args[i]; break;
        default: args[e.specs[i].name] = explain::neutral_value(e, i, texts);
        }
    }
    return {{"kind", sim::to_string(e.kind)}, {"function", std::string(e.function)}, {"key", e.msgid}, {"args", args},
            {"touched", touched}, {"text", explain::sentence(e, texts, names)}};
}

static json outcome_json(const sim::StepOutcome& o) {
    json j = {{"fate", fate_name(o.fate)}, {"ret", o.ret}, {"errno", o.err}};
    if (o.err) j["errno_name"] = sim::scenario::errno_name(o.err);
    if (o.signo) j["signal"] = sim::scenario::signal_name(o.signo);
    // Bytes may be anything and JSON strings must be UTF-8: the bytes go as numbers, and as C text.
    if (!o.data.empty()) {
        j["data"] = std::vector<std::uint8_t>(o.data.begin(), o.data.end());
        j["data_text"] = sim::quoted(o.data, o.data.size());
    }
    return j;
}

json step_json(const sim::scenario::Scenario& s, const sim::StepRecord& r, sim::scenario::Lang lang, const sim::Kernel& names) {
    const auto& step = s.steps[r.index];
    json events = json::array(), checks = json::array();
    for (const auto& e : r.outcome.events) events.push_back(event_json(e, r.outcome.texts, names));
    for (const auto& c : r.checks)
        checks.push_back({{"line", c.pos.line}, {"col", c.pos.col}, {"verdict", verdict_name(c.verdict)},
                          {"expected", c.expected}, {"got", c.got}});
    json j = {{"step", r.index + 1}, {"line", step.pos.line}, {"proc", step.proc}, {"call", call_source(s, step)},
              {"outcome", outcome_json(r.outcome)}, {"events", events}, {"checks", checks}, {"notes", json::array()}};
    for (const auto& n : step.notes) j["notes"].push_back(n.in(lang));
    if (step.var) j["var"] = *step.var;
    return j;
}

}  // namespace cli
