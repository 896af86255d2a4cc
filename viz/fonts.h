// Fonts that a lecture hall can read: DejaVu Sans for Latin text, with WenQuanYi Micro Hei merged
// in for Chinese when the system has it (the seed and many of its readers are Chinese).
#pragma once

namespace viz {

// Rebuilds the atlas at `size_px`; returns whether Chinese glyphs were found and merged.
bool load_fonts(float size_px);

}  // namespace viz
