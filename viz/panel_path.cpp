// The Kernel path panel: the current step's events, one line each, the current one lit.
#include <imgui.h>

#include <tuple>
#include <utility>

#include "explain/present.h"
#include "explain/summary.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {

void panel_path(const View& v) {
    panel_title(explain::tr("Kernel path"));
    if (!v.record) {
        ImGui::TextDisabled("%s", explain::tr("before the first step").data());
        return;
    }
    const auto& step = v.scenario->steps[v.record->index];
    prediction_verdict(v);
    text_wrapped(explain::say("line {line}  {proc}: {call}  ->  {outcome}", fmt::arg("line", step.pos.line), fmt::arg("proc", step.proc),
                              fmt::arg("call", step.call.name), fmt::arg("outcome", explain::outcome_text(v.record->outcome, step.call.kind))));
    if (std::string summary = explain::step_summary(v.record->outcome, *v.kernel); !summary.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, note_colour());
        text_wrapped(summary);
        ImGui::PopStyleColor();
    }
    ImGui::Separator();
    // The events scroll under the title and the step's line, which stay in view.
    ImGui::BeginChild("events", ImVec2(0, 0), false, ImGuiWindowFlags_AlwaysVerticalScrollbar);
    const auto& ev = v.events();
    for (std::size_t i = 0; i < ev.size(); ++i) {
        int idx = static_cast<int>(i);
        if (idx > v.event) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        // The current event's highlight covers all its lines: drawn after them, under them (channel 0).
        ImDrawList* dl = ImGui::GetWindowDrawList();
        ImVec2 p = ImGui::GetCursorScreenPos();
        float width = ImGui::GetContentRegionAvail().x;
        if (idx == v.event) dl->ChannelsSplit(2), dl->ChannelsSetCurrent(1);
        ImGui::PushStyleColor(ImGuiCol_Text, function_colour(idx <= v.event));
        text_wrapped(ev[i].function);  // shmem_alloc_and_add_folio is wider than a zoomed narrow panel
        ImGui::PopStyleColor();
        ImGui::Indent();
        text_wrapped(v.sentence(ev[i]));
        ImGui::Unindent();
        if (idx == v.event) {
            dl->ChannelsSetCurrent(0);
            dl->AddRectFilled(p, ImVec2(p.x + width, ImGui::GetCursorScreenPos().y), highlight_fill(v.anim));
            dl->ChannelsMerge();
            // Follow the cursor, not fight the reader: the current event's last line to the middle,
            // once it moves (and for two frames more, while lines above rewrap).
            // By file, step and event: v.record is the same object at every step, so a jump (End,
            // a lesson's slides) between steps whose last events have the same index moved nothing.
            using Place = std::tuple<const void*, std::size_t, int>;
            static Place followed{nullptr, 0, -2};
            static int settling = 0;
            if (followed != Place{v.scenario, v.step, v.event}) followed = {v.scenario, v.step, v.event}, settling = 3;
            if (settling > 0) --settling, ImGui::SetScrollHereY(0.5f);
        }
        if (idx > v.event) ImGui::PopStyleColor();
    }
    ImGui::EndChild();
}

}  // namespace viz
