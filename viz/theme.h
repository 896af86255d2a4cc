// The two themes, dark and light, as one palette each: every colour the window draws with, and
// the pairs of them that must read (WCAG AA: 4.5:1 for text, 3:1 for lines and box edges), which
// a test checks. A projector washes colours out, so both themes keep well above what a screen needs.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace viz {

struct Palette {
    bool dark = true;
    ImVec4 text, dim;                 // body text; future events, line numbers, key help
    ImVec4 note, good, waiting, function, error;
    ImVec4 highlight_fill;            // under the current event and the current source line (text on it)
    ImVec4 highlight_line;            // the edge of what the current event touches; a growing line
    ImVec4 link;                      // a PTE's line to its frame
    ImVec4 flying_label_text;         // on highlight_line, the label of a message that flies
    float object_saturation, object_value;  // the per-segment colours of box edges (on the background)
};

// How faint the current event's highlight gets as its animation ends (its alpha).
inline constexpr float kHighlightLeast = 0.75f;

// The palette in use, set by apply_theme.
const Palette& palette();
// ImGui's own colours for the theme, adjusted where ImGui's fail the contrast test, and the palette.
void apply_theme(ImGuiStyle& style, bool dark);

// A colour pair that must read, for the contrast test: `what` says where it is drawn.
struct ColourPair {
    std::string what;
    ImVec4 fg, bg;  // bg opaque; fg already blended over it
    float minimum;  // 4.5 for text, 3 for lines and edges
};
// Every pair the theme draws, with translucent colours blended over what they sit on.
std::vector<ColourPair> colour_pairs(bool dark);
// WCAG 2 contrast ratio of two opaque colours, 1 to 21.
float contrast(const ImVec4& a, const ImVec4& b);

// The per-segment colour (its hue from the id), at full strength: box edges and lines.
ImVec4 object_colour_vec(int id);

}  // namespace viz
