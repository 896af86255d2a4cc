#include "viz/box_row.h"

#include "explain/catalog.h"
#include "viz/draw.h"

namespace viz {

void box_row(const View& v, Anchors& a, const char* name, const std::vector<Entry>& entries, std::size_t more, int colour_id, bool linked) {
    ImGui::TextDisabled("%s", name);
    ImGui::SameLine();
    int shown = 0;
    for (const auto& e : entries) {
        if (e.alpha <= 0.0f) continue;
        if (shown++ > 0) {
            ImGui::SameLine(0, linked ? 0.0f : -1.0f);
            if (linked) ImGui::TextDisabled(" -> "), ImGui::SameLine(0, 0);
        }
        // A box that does not fit in what is left of the line starts the next one (a Chinese label is wider).
        if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(e.label.c_str()).x + 8.0f) ImGui::NewLine();
        const sim::KernelEvent* now = v.current_event();
        float alpha = now && created_by(*now) == e.ref && v.anim < 1.0f ? v.anim * e.alpha : e.alpha;
        ImVec2 at = ImGui::GetCursorScreenPos();
        ImVec2 size = text_box(e.label, object_colour(colour_id, 0.2f), v.touched_now(e.ref) ? highlight_colour(v.anim) : object_colour(colour_id), alpha);
        if (ImGui::IsItemVisible()) a.box[Anchors::key(e.ref)] = {at.x + size.x / 2, at.y + size.y / 2};  // scrolled away: no line
    }
    if (!shown) ImGui::TextDisabled("%s", explain::tr("empty").data());
    if (more) ImGui::TextDisabled("%s", explain::say("... and {n} more", fmt::arg("n", more)).c_str());
}

}  // namespace viz
