// Small drawing helpers the panels share: colours per segment, boxes with text, the highlight of
// whatever the current kernel-path event touches.
#pragma once

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "explain/catalog.h"
#include "viz/theme.h"
#include "viz/wrap.h"

namespace viz {

inline ImU32 u32(const ImVec4& c, float alpha = 1.0f) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, c.w * alpha)); }

// A stable colour per segment or queue id, so the same object has the same colour in every panel;
// deep in the light theme, pale in the dark one (theme.cpp), so that its edges read on both.
inline ImU32 object_colour(int id, float alpha = 1.0f) { return u32(object_colour_vec(id), alpha); }

inline ImU32 text_colour() { return ImGui::GetColorU32(ImGuiCol_Text); }
inline ImU32 dim_colour() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
// The edge of what the current event touches: a pulse that fades as its animation runs out.
inline ImU32 highlight_colour(float t) { return u32(palette().highlight_line, kHighlightLeast + (1.0f - kHighlightLeast) * (1.0f - t)); }
// Under text (the current event, the current source line): a fill the theme's text reads on.
inline ImU32 highlight_fill(float t) { return u32(palette().highlight_fill, kHighlightLeast + (1.0f - kHighlightLeast) * (1.0f - t)); }
inline ImU32 error_colour() { return u32(palette().error); }
inline ImU32 link_colour() { return u32(palette().link); }

inline bool dark_theme() { return palette().dark; }
inline ImVec4 note_colour() { return palette().note; }
inline ImVec4 good_colour() { return palette().good; }
inline ImVec4 waiting_colour() { return palette().waiting; }
inline ImVec4 error_vec() { return palette().error; }
// A kernel function's name; one still to come is dim, as the text after it is.
inline ImVec4 function_colour(bool done) { return done ? palette().function : palette().dim; }

// A key as ipcs prints it: 0x000004d2 for 1234, 0x00000000 for IPC_PRIVATE.
inline std::string ipcs_key(std::int64_t key) { return fmt::format("{:#010x}", static_cast<std::uint32_t>(key)); }

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

// A box of text at the cursor, advancing it; returns the box's size. Text wider than the panel
// wraps inside the box (at spaces), so that a zoomed panel cuts nothing off.
inline ImVec2 text_box(const std::string& text, ImU32 fill, ImU32 border, float alpha = 1.0f, float pad = 4.0f) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float wrap = std::max(ImGui::GetContentRegionAvail().x - 2 * pad - 1.0f, ImGui::GetFontSize() * 4);
    ImVec2 size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    ImVec2 q(p.x + size.x + 2 * pad, p.y + size.y + 2 * pad);
    ImGui::Dummy(ImVec2(q.x - p.x, q.y - p.y));
    if (!ImGui::IsItemVisible()) return ImVec2(q.x - p.x, q.y - p.y);  // scrolled away: its vertices would cost all the same
    box(dl, p, q, faded(fill, alpha), faded(border, alpha));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + pad, p.y + pad), faded(text_colour(), alpha), text.c_str(), nullptr, wrap);
    return ImVec2(q.x - p.x, q.y - p.y);
}

}  // namespace viz
