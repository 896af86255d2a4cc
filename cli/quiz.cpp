#include "explain/catalog.h"
#include "cli/quiz.h"

#include <fmt/format.h>

#include <istream>
#include <ostream>

#include "cli/load.h"
#include "cli/trace.h"
#include "explain/message.h"
#include "sim/model_backend.h"
#include "sim/quiz.h"

namespace cli {
namespace {

using sim::scenario::printable;

// The question's text: the lesson's own `ask`, or the model's.
std::string question_text(const sim::scenario::Step& step, const sim::Question& q, sim::scenario::Lang lang) {
    return step.ask ? step.ask->in(lang) : explain::say(q.text);
}

void print_question(const sim::scenario::Scenario& s, std::size_t i, const sim::Question& q, sim::scenario::Lang lang, std::ostream& out) {
    const auto& step = s.steps[i];
    out << "\n" << explain::say("step {n} of {total}, line {line}  {proc}: {call}", fmt::arg("n", i + 1), fmt::arg("total", s.steps.size()),
                                fmt::arg("line", step.pos.line), fmt::arg("proc", step.proc), fmt::arg("call", printable(call_source(s, step))))
        << "\n  " << printable(question_text(step, q, lang)) << "\n";
    for (std::size_t c = 0; c < q.choices.size(); ++c) out << fmt::format("    {}) {}\n", c + 1, printable(explain::say(q.choices[c])));
}

// Reads a choice number; re-asks after a line that is not one. Nothing at the end of the input.
std::optional<std::size_t> read_answer(std::size_t n, std::istream& in, std::ostream& out, bool echoed_by_terminal) {
    std::string line;
    for (;;) {
        out << explain::say("your answer (1-{n}): ", fmt::arg("n", n)) << std::flush;
        if (!std::getline(in, line)) return std::nullopt;
        if (!echoed_by_terminal) out << line << "\n";  // answers piped in show beside their prompt
        std::size_t used = 0;
        try {
            unsigned long v = std::stoul(line, &used);
            if (line.find_first_not_of(" \t\r", used) == std::string::npos && v >= 1 && v <= n) return v - 1;
        } catch (const std::exception&) {
        }
        out << explain::say("answer with a number from 1 to {n}", fmt::arg("n", n)) << "\n";
    }
}

void print_verdict(const sim::Question& q, std::size_t given, std::ostream& out) {
    if (given == q.answer) out << "  " << explain::tr("right.") << "\n";
    else
        out << "  " << explain::say("not quite: the answer is {n}) {choice}", fmt::arg("n", q.answer + 1), fmt::arg("choice", printable(explain::say(q.choices[q.answer]))))
            << "\n";
}

void print_score(const sim::QuizScore& score, std::ostream& out) {
    out << "\n" << explain::say("score: {right} of {asked} right", fmt::arg("right", score.right), fmt::arg("asked", score.asked)) << "\n";
}

}  // namespace

int quiz_command(const std::string& file, sim::scenario::Lang lang, std::istream& in, std::ostream& out, bool interactive) {
    auto s = load_scenario(file);
    if (!s) return exit_scenario;
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(*s, model);
    out << printable(s->title.en.empty() ? file : s->title.in(lang)) << "\n";
    sim::QuizScore score;
    while (st.next < s->steps.size()) {
        std::size_t i = st.next;
        sim::Observation before = model.observe();
        auto r = sim::run_step(*s, model, st);
        if (r.error) {
            out.flush();
            print_diagnostic(*s, *r.error);
            return exit_scenario;
        }
        if (auto q = sim::make_question(*s, i, before, *r.record, model.observe())) {
            print_question(*s, i, *q, lang, out);
            auto given = read_answer(q->choices.size(), in, out, interactive);
            if (!given) {
                out << "\n";
                break;
            }
            score.count(*given == q->answer);
            print_verdict(*q, *given, out);
        }
        out << format_step(*s, *r.record, lang, model.kernel());
    }
    print_score(score, out);
    return exit_ok;
}

}  // namespace cli
