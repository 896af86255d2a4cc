#include "viz/wrap.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>

namespace viz {
namespace {

// Ideographs, CJK punctuation, kana and the fullwidth forms: a line may break on either side of them.
bool is_cjk(unsigned c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFFEF) ||
           (c >= 0x20000 && c <= 0x3FFFF);
}

// What may not begin a line (it belongs to what comes before it) ...
bool is_closing(unsigned c) {
    static constexpr char32_t kClosing[] = U"，。、；：？！）」』”’》〉】〕．…,.;:?!)]}%";
    return std::find(std::begin(kClosing), std::end(kClosing) - 1, static_cast<char32_t>(c)) != std::end(kClosing) - 1;
}

// ... and what may not end one (it belongs to what follows).
bool is_opening(unsigned c) {
    static constexpr char32_t kOpening[] = U"（「『“‘《〈【〔([{";
    return std::find(std::begin(kOpening), std::end(kOpening) - 1, static_cast<char32_t>(c)) != std::end(kOpening) - 1;
}

// Whether a line may start at character i (after a space, or beside a CJK character).
bool can_break_before(const std::vector<unsigned>& c, std::size_t i) {
    unsigned prev = c[i - 1], cur = c[i];
    if (cur == ' ') return false;  // a line breaks after its spaces, never before them
    if (prev == ' ') return true;
    if (is_closing(cur) || is_opening(prev)) return false;
    return is_cjk(prev) || is_cjk(cur);
}

}  // namespace

std::vector<LineSpan> break_lines(std::string_view text, float width, const ImFont* font, float size) {
    std::vector<unsigned> c;
    std::vector<std::size_t> at;  // the byte offset of each character, and the text's end
    for (const char *p = text.data(), *end = p + text.size(); p < end;) {
        unsigned cp = 0;
        int n = ImTextCharFromUtf8(&cp, p, end);
        at.push_back(static_cast<std::size_t>(p - text.data()));
        c.push_back(cp);
        p += n > 0 ? n : 1;
    }
    at.push_back(text.size());
    float scale = size / font->FontSize;
    auto advance = [&](unsigned cp) { return (cp <= 0xFFFF ? font->GetCharAdvance(static_cast<ImWchar>(cp)) : font->FallbackAdvanceX) * scale; };
    std::vector<LineSpan> lines;
    auto emit = [&](std::size_t from, std::size_t to) {
        while (to > from && c[to - 1] == ' ') --to;
        lines.push_back({at[from], at[to]});
    };
    std::size_t n = c.size(), start = 0;
    while (start < n) {
        float x = 0;
        std::size_t i = start, brk = 0;
        for (; i < n && c[i] != '\n'; ++i) {
            if (i > start && can_break_before(c, i)) brk = i;
            float w = advance(c[i]);
            if (x + w > width && i > start && c[i] != ' ') break;
            x += w;
        }
        if (i == n || c[i] == '\n') {
            emit(start, i);
            start = i + 1;
            continue;
        }
        std::size_t cut = brk > start ? brk : i;  // no break allowed on this line: the word is cut
        if (cut == i && is_closing(c[i]) && i - 1 > start) --cut;
        emit(start, cut);
        for (start = cut; start < n && c[start] == ' ';) ++start;
    }
    return lines;
}

void text_wrapped(std::string_view text) {
    float width = std::max(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize());
    std::string joined;
    joined.reserve(text.size() + 16);
    auto lines = break_lines(text, width, ImGui::GetFont(), ImGui::GetFontSize());
    for (std::size_t k = 0; k < lines.size(); ++k) {
        if (k > 0) joined += '\n';
        joined.append(text.substr(lines[k].begin, lines[k].end - lines[k].begin));
    }
    ImGui::TextUnformatted(joined.data(), joined.data() + joined.size());
}

}  // namespace viz
