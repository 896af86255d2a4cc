// Fonts that a lecture hall can read: DejaVu Sans for Latin text, with WenQuanYi Micro Hei merged
// in for Chinese when the system has it (the seed and many of its readers are Chinese).
#pragma once

#include <string>

namespace viz {

// Rebuilds the atlas at `size_px`, with a glyph for every character of `text` (the lessons the
// window can open) besides Latin and the common Chinese set: a fixed range leaves holes (拟, 函, 拷,
// 逻 and 辑 were boxes). Returns whether Chinese glyphs were found and merged.
bool load_fonts(float size_px, const std::string& text = {});

// The text of every lesson in `assets_dir`/lessons and of `file`, for load_fonts.
std::string lesson_text(const std::string& assets_dir, const std::string& file);

}  // namespace viz
