// Wrapping that suits Chinese as well as English: ImGui 1.86's TextWrapped breaks only at spaces,
// so a Chinese note (no spaces) ran off its panel. Lines break at spaces and between any two CJK
// characters, and no line starts with Chinese closing punctuation (，。、；：？！）」』...).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct ImFont;

namespace viz {

// One line of a wrapped text: bytes [begin, end) of it, without the spaces at the break.
struct LineSpan {
    std::size_t begin = 0, end = 0;
};

// The lines of `text` (UTF-8) no wider than `width` pixels in `font` at `size` pixels, as far as
// breaks allow: a word or a run of Latin wider than the line is cut where it must be. '\n' ends a line.
std::vector<LineSpan> break_lines(std::string_view text, float width, const ImFont* font, float size);

// `text` wrapped to the space left in the current window, at the cursor, in the current font.
void text_wrapped(std::string_view text);

}  // namespace viz
