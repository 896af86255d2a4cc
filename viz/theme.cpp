#include "viz/theme.h"

#include <cmath>

namespace viz {
namespace {

Palette dark_palette() {
    Palette p;
    p.dark = true;
    p.text = ImVec4(0.95f, 0.95f, 0.95f, 1);
    p.dim = ImVec4(0.66f, 0.66f, 0.68f, 1);
    p.note = ImVec4(1.0f, 0.85f, 0.35f, 1);
    p.good = ImVec4(0.5f, 0.9f, 0.5f, 1);
    p.waiting = ImVec4(1.0f, 0.75f, 0.3f, 1);
    p.function = ImVec4(0.45f, 0.75f, 1.0f, 1);
    p.error = ImVec4(1.0f, 0.52f, 0.48f, 1);
    p.highlight_fill = ImVec4(0.24f, 0.17f, 0.0f, 1);
    p.highlight_line = ImVec4(1.0f, 0.78f, 0.1f, 1);
    p.link = ImVec4(0.55f, 0.75f, 0.95f, 1);
    p.flying_label_text = ImVec4(0.08f, 0.08f, 0.08f, 1);
    p.object_saturation = 0.55f;
    p.object_value = 0.85f;
    return p;
}

Palette light_palette() {
    Palette p;
    p.dark = false;
    p.text = ImVec4(0.0f, 0.0f, 0.0f, 1);
    p.dim = ImVec4(0.36f, 0.36f, 0.38f, 1);
    p.note = ImVec4(0.50f, 0.28f, 0.0f, 1);
    p.good = ImVec4(0.0f, 0.40f, 0.08f, 1);
    p.waiting = ImVec4(0.55f, 0.25f, 0.0f, 1);
    p.function = ImVec4(0.05f, 0.28f, 0.70f, 1);
    p.error = ImVec4(0.72f, 0.08f, 0.05f, 1);
    p.highlight_fill = ImVec4(1.0f, 0.88f, 0.45f, 1);
    p.highlight_line = ImVec4(0.62f, 0.22f, 0.0f, 1);
    p.link = ImVec4(0.15f, 0.35f, 0.65f, 1);
    p.flying_label_text = ImVec4(1.0f, 1.0f, 1.0f, 1);
    p.object_saturation = 0.8f;
    p.object_value = 0.55f;
    return p;
}

Palette g_palette = dark_palette();

ImVec4 over(const ImVec4& fg, const ImVec4& bg) {
    float a = fg.w;
    return ImVec4(fg.x * a + bg.x * (1 - a), fg.y * a + bg.y * (1 - a), fg.z * a + bg.z * (1 - a), 1);
}

float linear(float c) { return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f); }
float luminance(const ImVec4& c) { return 0.2126f * linear(c.x) + 0.7152f * linear(c.y) + 0.0722f * linear(c.z); }

}  // namespace

const Palette& palette() { return g_palette; }

ImVec4 object_colour_in(const Palette& p, int id) {
    float h = std::fmod(0.13f + 0.31f * static_cast<float>(id < 0 ? -id : id), 1.0f);
    ImVec4 c(0, 0, 0, 1);
    ImGui::ColorConvertHSVtoRGB(h, p.object_saturation, p.object_value, c.x, c.y, c.z);
    return c;
}

ImVec4 object_colour_vec(int id) { return object_colour_in(g_palette, id); }

// ImGui's colours for a theme, with the palette's text colours.
void style_colours(ImGuiStyle& style, const Palette& palette) {
    bool dark = palette.dark;
    if (dark) ImGui::StyleColorsDark(&style);
    else ImGui::StyleColorsLight(&style);
    ImVec4* c = style.Colors;
    c[ImGuiCol_Text] = palette.text;
    c[ImGuiCol_TextDisabled] = palette.dim;
    if (!dark) {
        // ImGui's light theme: pale blue buttons and headers, grey-on-grey separators and borders.
        c[ImGuiCol_WindowBg] = ImVec4(0.97f, 0.97f, 0.97f, 1);
        c[ImGuiCol_ChildBg] = ImVec4(0.97f, 0.97f, 0.97f, 1);
        c[ImGuiCol_Border] = ImVec4(0.45f, 0.45f, 0.48f, 1);
        c[ImGuiCol_Separator] = ImVec4(0.45f, 0.45f, 0.48f, 1);
        c[ImGuiCol_FrameBg] = ImVec4(0.86f, 0.88f, 0.92f, 1);
        c[ImGuiCol_Button] = ImVec4(0.80f, 0.86f, 0.96f, 1);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.70f, 0.80f, 0.97f, 1);
        c[ImGuiCol_ButtonActive] = ImVec4(0.60f, 0.74f, 0.97f, 1);
        c[ImGuiCol_Header] = ImVec4(0.80f, 0.86f, 0.96f, 1);
        c[ImGuiCol_HeaderHovered] = ImVec4(0.70f, 0.80f, 0.97f, 1);
        c[ImGuiCol_SliderGrab] = ImVec4(0.15f, 0.40f, 0.80f, 1);
        c[ImGuiCol_ScrollbarGrab] = ImVec4(0.55f, 0.55f, 0.58f, 1);
    } else {
        c[ImGuiCol_Border] = ImVec4(0.50f, 0.50f, 0.56f, 1);
        c[ImGuiCol_Separator] = ImVec4(0.50f, 0.50f, 0.56f, 1);
        c[ImGuiCol_Button] = ImVec4(0.18f, 0.32f, 0.52f, 1);
        c[ImGuiCol_ButtonHovered] = ImVec4(0.22f, 0.40f, 0.66f, 1);
        c[ImGuiCol_ButtonActive] = ImVec4(0.22f, 0.38f, 0.62f, 1);
        c[ImGuiCol_Header] = ImVec4(0.18f, 0.32f, 0.52f, 1);
        c[ImGuiCol_HeaderHovered] = ImVec4(0.22f, 0.40f, 0.66f, 1);
    }
}

void apply_theme(ImGuiStyle& style, bool dark) {
    g_palette = dark ? dark_palette() : light_palette();
    style_colours(style, g_palette);
}

float contrast(const ImVec4& a, const ImVec4& b) {
    float la = luminance(a), lb = luminance(b);
    if (la < lb) std::swap(la, lb);
    return (la + 0.05f) / (lb + 0.05f);
}

std::vector<ColourPair> colour_pairs(bool dark) {
    ImGuiStyle style;
    const Palette p = dark ? dark_palette() : light_palette();
    style_colours(style, p);
    const ImVec4* c = style.Colors;
    std::vector<ColourPair> out;
    auto text_on = [&](const std::string& what, const ImVec4& bg) {
        ImVec4 base = over(bg, c[ImGuiCol_WindowBg]);
        for (auto [name, fg] : {std::pair{"text", p.text}, {"dim text", p.dim}, {"note", p.note}, {"good", p.good}, {"waiting", p.waiting},
                                {"function", p.function}, {"error", p.error}})
            out.push_back({std::string(name) + " on " + what, over(fg, base), base, 4.5f});
    };
    text_on("the window", c[ImGuiCol_WindowBg]);
    text_on("a panel", c[ImGuiCol_ChildBg]);
    text_on("a menu", c[ImGuiCol_PopupBg]);
    text_on("the menu bar", c[ImGuiCol_MenuBarBg]);
    text_on("the current event", p.highlight_fill);
    // The highlight pulses: from full strength down to kHighlightLeast over the panel.
    text_on("the fading current event", ImVec4(p.highlight_fill.x, p.highlight_fill.y, p.highlight_fill.z, kHighlightLeast));
    for (ImGuiCol bg : {ImGuiCol_Button, ImGuiCol_ButtonHovered, ImGuiCol_ButtonActive, ImGuiCol_FrameBg, ImGuiCol_Header, ImGuiCol_HeaderHovered})
        out.push_back({std::string("text on ") + ImGui::GetStyleColorName(bg), p.text, over(c[bg], c[ImGuiCol_WindowBg]), 4.5f});
    // Boxes: a segment's or queue's colour at 20% behind text, at full strength as the edge.
    for (int id = 0; id < 8; ++id) {
        ImVec4 edge = object_colour_in(p, id);
        ImVec4 fill = over(ImVec4(edge.x, edge.y, edge.z, 0.35f), c[ImGuiCol_ChildBg]);
        out.push_back({"text in the box of object " + std::to_string(id), p.text, fill, 4.5f});
        out.push_back({"the edge of object " + std::to_string(id), edge, c[ImGuiCol_ChildBg], 3.0f});
    }
    ImVec4 bg = c[ImGuiCol_ChildBg];
    out.push_back({"the current event's edge", p.highlight_line, bg, 3.0f});
    out.push_back({"the current event's fading edge", over(ImVec4(p.highlight_line.x, p.highlight_line.y, p.highlight_line.z, kHighlightLeast), bg), bg, 3.0f});
    out.push_back({"a PTE's line to its frame", p.link, bg, 3.0f});
    out.push_back({"a panel's border", c[ImGuiCol_Border], bg, 3.0f});
    out.push_back({"a separator", c[ImGuiCol_Separator], bg, 3.0f});
    out.push_back({"a dim box edge", p.dim, bg, 3.0f});
    out.push_back({"a flying message's label", p.flying_label_text, p.highlight_line, 4.5f});
    return out;
}

}  // namespace viz
