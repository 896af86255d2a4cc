// The C program behind the steps (`source`, `@ LINE`), beside the scenario: the program of the step
// in focus (the one asked about in the predict mode, else the current one), with its line lit.
#include <imgui.h>

#include <filesystem>

#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

int g_line_lit = 0;  // the line the last frame's panel lit, for the tests (0: none)

// The step whose program and line are shown, and whether a step is in focus at all.
std::optional<std::size_t> focus_step(const View& v) {
    if (v.prediction && !v.prediction->chosen) return v.prediction->step;
    if (v.record) return v.record->index;
    if (!v.scenario->steps.empty()) return std::size_t{0};
    return std::nullopt;
}

void program_lines(const Program& p, int lit) {
    static std::pair<const void*, int> scrolled_to{nullptr, -1};
    bool follow = scrolled_to != std::pair<const void*, int>{&p, lit};
    scrolled_to = {&p, lit};
    ImGuiListClipper clipper;
    int lines = static_cast<int>(p.lines.size());
    float row = ImGui::GetTextLineHeightWithSpacing();
    if (follow && lit > 0) ImGui::SetScrollY(std::max(0.0f, static_cast<float>(lit - 1) * row - ImGui::GetWindowHeight() * 0.4f));
    clipper.Begin(lines, row);
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            int line = i + 1;
            ImVec2 at = ImGui::GetCursorScreenPos();
            if (line == lit)
                ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + ImGui::GetContentRegionAvail().x + ImGui::GetScrollX(), at.y + ImGui::GetTextLineHeight()),
                                                          highlight_fill(0.6f));
            if (line == lit) ImGui::Text("%3d", line);
            else ImGui::TextDisabled("%3d", line);
            ImGui::SameLine();
            std::string_view text = p.lines[static_cast<std::size_t>(i)];
            ImGui::TextUnformatted(text.data(), text.data() + text.size());
        }
}

}  // namespace

bool has_programs(const View& v) { return v.scenario && !v.scenario->sources.empty() && v.programs; }

int program_line_lit() { return g_line_lit; }

void panel_program(const View& v) {
    g_line_lit = 0;
    auto step = focus_step(v);
    const std::string* path = step ? sim::scenario::program_of(*v.scenario, *step) : nullptr;
    if (!path) path = &v.scenario->sources.front().path;
    auto it = v.programs->find(*path);
    if (it == v.programs->end()) return;
    int lit = step && sim::scenario::program_of(*v.scenario, *step) == path ? v.scenario->steps[*step].source_line : 0;
    std::string name = std::filesystem::path(*path).filename().string();
    text_wrapped(lit > 0 ? explain::say("{program}, line {line}", fmt::arg("program", name), fmt::arg("line", lit)) : name);
    ImGui::Separator();
    if (!it->second.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, error_vec());
        text_wrapped(it->second.error);
        ImGui::PopStyleColor();
        return;
    }
    ImGui::BeginChild("program lines", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
    program_lines(it->second, lit);
    if (lit > 0 && lit <= static_cast<int>(it->second.lines.size())) g_line_lit = lit;
    ImGui::EndChild();
}

}  // namespace viz
