// Small drawing helpers the panels share: colours per segment, boxes with text, the highlight of
// whatever the current kernel-path event touches.
#pragma once

#include <imgui.h>

#include <cmath>
#include <string>

#include "explain/catalog.h"
#include "viz/wrap.h"

namespace viz {

// A stable colour per segment or queue id, so the same object has the same colour in every panel.
inline ImU32 object_colour(int id, float alpha = 1.0f) {
    float h = std::fmod(0.13f + 0.31f * static_cast<float>(id), 1.0f);
    ImVec4 c;
    ImGui::ColorConvertHSVtoRGB(h, 0.55f, 0.85f, c.x, c.y, c.z);
    c.w = alpha;
    return ImGui::ColorConvertFloat4ToU32(c);
}

inline ImU32 text_colour() { return ImGui::GetColorU32(ImGuiCol_Text); }
inline ImU32 dim_colour() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
inline ImU32 highlight_colour(float t) {
    // A pulse that fades as the current event's animation runs out.
    float a = 0.35f + 0.65f * (1.0f - t);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(1.0f, 0.78f, 0.1f, a));
}
inline ImU32 error_colour() { return IM_COL32(230, 70, 60, 255); }

// Text colours that read on both themes: the dark theme's pale yellow, green and blue were all but
// invisible on the light theme's near-white, so the light theme gets deep ones.
inline bool dark_theme() {
    ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
    return bg.x + bg.y + bg.z < 1.5f;
}
inline ImVec4 note_colour() { return dark_theme() ? ImVec4(1.0f, 0.85f, 0.35f, 1) : ImVec4(0.55f, 0.32f, 0.0f, 1); }
inline ImVec4 good_colour() { return dark_theme() ? ImVec4(0.5f, 0.9f, 0.5f, 1) : ImVec4(0.0f, 0.45f, 0.1f, 1); }
inline ImVec4 waiting_colour() { return dark_theme() ? ImVec4(1.0f, 0.75f, 0.3f, 1) : ImVec4(0.7f, 0.35f, 0.0f, 1); }
inline ImVec4 function_colour(float alpha) { return dark_theme() ? ImVec4(0.45f, 0.75f, 1.0f, alpha) : ImVec4(0.05f, 0.3f, 0.75f, alpha); }

// A panel's title, wrapped to the panel: a long one in a narrow column is not cut off.
inline void panel_title(std::string_view title) {
    text_wrapped(title);
    ImGui::Separator();
}

// A colour with its alpha scaled (for things that fade in or out).
inline ImU32 faded(ImU32 c, float alpha) {
    ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
    v.w *= alpha;
    return ImGui::ColorConvertFloat4ToU32(v);
}

// Set each frame by draw_layout: a scene of thousands of frames is drawn with less detail (no
// anti-aliasing, boxes as outlines), since llvmpipe shades every pixel of every fill and fringe.
inline bool& drawing_at_scale() {
    static bool at_scale = false;
    return at_scale;
}

// A filled box with a border. Whole-pixel borders: ImGui draws those from its texture, two
// triangles a side, where a 1.5-pixel border takes six, and llvmpipe pays for every triangle.
inline void box(ImDrawList* dl, ImVec2 p, ImVec2 q, ImU32 fill, ImU32 border, float thickness = 1.0f) {
    if (!drawing_at_scale()) dl->AddRectFilled(p, q, fill, 3.0f);
    dl->AddRect(p, q, border, 3.0f, 0, std::round(thickness));
}

// A box of text at the cursor, advancing it; returns the box's size.
inline ImVec2 text_box(const std::string& text, ImU32 fill, ImU32 border, float alpha = 1.0f, float pad = 4.0f) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::CalcTextSize(text.c_str());
    ImVec2 q(p.x + size.x + 2 * pad, p.y + size.y + 2 * pad);
    ImGui::Dummy(ImVec2(q.x - p.x, q.y - p.y));
    if (!ImGui::IsItemVisible()) return ImVec2(q.x - p.x, q.y - p.y);  // scrolled away: its vertices would cost all the same
    box(dl, p, q, faded(fill, alpha), faded(border, alpha));
    dl->AddText(ImVec2(p.x + pad, p.y + pad), faded(text_colour(), alpha), text.c_str());
    return ImVec2(q.x - p.x, q.y - p.y);
}

}  // namespace viz
