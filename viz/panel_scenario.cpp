// The toolbar (the stepper's controls) and the Scenario panel: the source, the current line,
// the notes, and the diagnostics when an edit does not parse.
#include <imgui.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "viz/app.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {

void panel_toolbar(App& app, const View& v) {
    if (ImGui::Button("|<")) app.go_to(0);
    ImGui::SameLine();
    if (ImGui::Button("<")) app.prev_step();
    ImGui::SameLine();
    if (ImGui::Button(app.playing ? "Pause" : "Play")) app.playing = !app.playing;
    ImGui::SameLine();
    if (ImGui::Button(">")) app.next_step();
    ImGui::SameLine();
    if (ImGui::Button(">|")) app.go_to(v.total);
    ImGui::SameLine();
    int step = static_cast<int>(v.step);
    ImGui::SetNextItemWidth(220 * v.zoom);
    if (ImGui::SliderInt("##timeline", &step, 0, static_cast<int>(v.total), "step %d") && step >= 0)
        app.go_to(static_cast<std::size_t>(step));
    ImGui::SameLine();
    ImGui::Text("of %zu  |  event %d of %zu", v.total, v.event + 1, v.events().size());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * v.zoom);
    ImGui::SliderFloat("s/event", &app.seconds_per_event, 0.05f, 1.5f, "%.2f");
    ImGui::SameLine();
    if (ImGui::Button("-")) app.zoom = std::max(0.5f, app.zoom - 0.25f), app.fonts_dirty = true;
    ImGui::SameLine();
    ImGui::Text("zoom %.2f", app.zoom);
    ImGui::SameLine();
    if (ImGui::Button("+")) app.zoom = std::min(3.0f, app.zoom + 0.25f), app.fonts_dirty = true;
    ImGui::SameLine();
    if (ImGui::Button(app.dark ? "Light" : "Dark")) app.dark = !app.dark;
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    std::string current = std::filesystem::path(app.file()).filename().string();
    if (ImGui::BeginCombo("##lesson", current.c_str())) {
        for (const auto& l : app.lessons())
            if (ImGui::Selectable(std::filesystem::path(l).filename().string().c_str(), l == app.file())) app.open(l);
        ImGui::EndCombo();
    }
    ImGui::TextDisabled("Space/Right: next step   Left: back   Shift: one kernel-path event   Home/End   p: play   +/-: zoom   t: theme   l: 中文/English");
}

static void notes(const App& app, const View& v) {
    if (!v.record) return;
    const auto& step = v.scenario->steps[v.record->index];
    for (const auto& n : step.notes) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.85f, 0.35f, 1.0f));
        ImGui::TextWrapped("%s", n.in(app.lang).c_str());
        ImGui::PopStyleColor();
    }
    if (!step.notes.empty()) ImGui::Separator();
}

// The source, one line per row; only the rows on screen are laid out (long generated files).
static void source(const View& v) {
    int current = v.record ? v.scenario->steps[v.record->index].pos.line : 0;
    static int scrolled_to = -1;
    ImGui::BeginChild("source");
    float row = ImGui::GetTextLineHeightWithSpacing();
    if (scrolled_to != current && current > 0)
        ImGui::SetScrollY(std::max(0.0f, static_cast<float>(current - 1) * row - ImGui::GetWindowHeight() * 0.35f));
    scrolled_to = current;
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(v.scenario->lines.size()), row);
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            int line = i + 1;
            ImVec2 p = ImGui::GetCursorScreenPos();
            if (line == current) {
                float w = ImGui::GetContentRegionAvail().x;
                ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + w, p.y + ImGui::GetTextLineHeight()), highlight_colour(0.6f));
            }
            ImGui::TextDisabled("%3d", line);
            ImGui::SameLine();
            std::string_view text = v.scenario->lines[static_cast<std::size_t>(i)];
            ImGui::TextUnformatted(text.data(), text.data() + text.size());
        }
    }
    ImGui::EndChild();
}

void panel_scenario(App& app, const View& v) {
    for (const auto& e : app.errors()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.35f, 0.3f, 1.0f));
        ImGui::TextWrapped("%s", e.c_str());
        ImGui::PopStyleColor();
    }
    if (!v.scenario) return;
    ImGui::TextWrapped("%s", v.scenario->title.en.empty() ? app.file().c_str() : v.scenario->title.in(app.lang).c_str());
    ImGui::Separator();
    notes(app, v);
    source(v);
}

}  // namespace viz
