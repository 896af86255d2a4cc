// Fonts that a lecture hall can read: DejaVu Sans for Latin text, with WenQuanYi Micro Hei merged
// in for Chinese when the system has it (the seed and many of its readers are Chinese).
#pragma once

#include <string>

struct ImDrawData;

namespace viz {

// Rebuilds the atlas at `size_px`, with a glyph for every character of `text` (the lessons the
// window can open) and of the Chinese catalog (every msgstr of po/zh_CN), besides Latin and the
// common Chinese set: a fixed range leaves holes (拟, 函, 拷, 逻 and 辑 were boxes). A character with
// no glyph is drawn as a box of its own, which missing_glyphs_drawn counts. Returns whether Chinese
// glyphs were found and merged.
bool load_fonts(float size_px, const std::string& text = {});

// The text of every lesson in `assets_dir`/lessons and of `file`, for load_fonts.
std::string lesson_text(const std::string& assets_dir, const std::string& file);

// Every msgstr of the compiled Chinese catalog, one after another.
std::string catalog_text();

// How many characters of this frame were drawn as the box that stands for a missing glyph.
int missing_glyphs_drawn(const ImDrawData* draw_data);

}  // namespace viz
