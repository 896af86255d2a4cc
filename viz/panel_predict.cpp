// The predict mode in the Kernel path panel: the question about the next step and its choices, the
// step held back until one is picked; then the verdict above the step's path, and the score.
#include <imgui.h>

#include <fmt/format.h>

#include "explain/message.h"
#include "sim/scenario/diagnostic.h"
#include "viz/app.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

std::string question_text(const App& app, const View& v, const Prediction& p) {
    const auto& step = v.scenario->steps[p.step];
    return step.ask ? step.ask->in(app.lang) : explain::say(p.question.text);
}

std::string choice_text(const Prediction& p, std::size_t i) {
    return fmt::format("{}) {}", i + 1, sim::scenario::printable(explain::say(p.question.choices[i])));
}

// One choice: its text wrapped to the panel, the whole block clickable.
bool choice_button(const std::string& text, int id) {
    float width = ImGui::GetContentRegionAvail().x;
    ImVec2 pad = ImGui::GetStyle().FramePadding;
    auto lines = break_lines(text, width - 2 * pad.x, ImGui::GetFont(), ImGui::GetFontSize());
    float height = static_cast<float>(std::max<std::size_t>(1, lines.size())) * ImGui::GetTextLineHeight() + 2 * pad.y;
    ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::PushID(id);
    bool clicked = ImGui::Button("##choice", ImVec2(width, height));
    ImGui::PopID();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float y = at.y + pad.y;
    for (const auto& l : lines) {
        dl->AddText(ImVec2(at.x + pad.x, y), text_colour(), text.data() + l.begin, text.data() + l.end);
        y += ImGui::GetTextLineHeight();
    }
    return clicked;
}

}  // namespace

std::string score_text(const View& v) {
    return explain::say("score {right} of {asked}", fmt::arg("right", v.score->right), fmt::arg("asked", v.score->asked));
}

bool panel_question(App& app, const View& v) {
    const Prediction* p = v.prediction;
    if (!p || p->chosen || !v.scenario) return false;
    const auto& step = v.scenario->steps[p->step];
    panel_title(explain::say("Predict: step {n}", fmt::arg("n", p->step + 1)));
    ImGui::TextDisabled("%s", score_text(v).c_str());
    text_wrapped(explain::say("line {line}  {proc}: {call}", fmt::arg("line", step.pos.line), fmt::arg("proc", step.proc), fmt::arg("call", step.call.name)));
    ImGui::PushStyleColor(ImGuiCol_Text, note_colour());
    text_wrapped(question_text(app, v, *p));
    ImGui::PopStyleColor();
    ImGui::Spacing();
    for (std::size_t i = 0; i < p->question.choices.size(); ++i)
        if (choice_button(choice_text(*p, i), static_cast<int>(i))) app.later([&app, i] { app.answer(i); });
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(explain::tr("Press 1-5 or click a choice: the step runs and the kernel path shows why."));
    ImGui::PopStyleColor();
    return true;
}

void prediction_verdict(const View& v) {
    const Prediction* p = v.prediction;
    if (!p || !p->chosen || !v.record || v.record->index != p->step) return;
    bool right = *p->chosen == p->question.answer;
    ImGui::PushStyleColor(ImGuiCol_Text, right ? good_colour() : error_vec());
    text_wrapped(right ? explain::say("Right: {choice}", fmt::arg("choice", choice_text(*p, p->question.answer)))
                       : explain::say("Not quite: the answer is {choice}", fmt::arg("choice", choice_text(*p, p->question.answer))));
    ImGui::PopStyleColor();
    ImGui::TextDisabled("%s", score_text(v).c_str());
}

}  // namespace viz
