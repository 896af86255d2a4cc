#include "viz/fonts.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "explain/catalog.h"

namespace viz {
namespace {

// A lesson is at most a few thousand distinct characters; a file that asks for more (a hostile
// one listing all of Unicode) gets the common set alone rather than an atlas past the GPU's limits.
constexpr int kMaxExtraGlyphs = 8000;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 20;  // characters are read from the first MiB
// The box drawn for a character the atlas lacks: a private-use code point no text of ours holds.
constexpr ImWchar kMissingBox = 0xE000;
int g_box_rect = -1;

std::string read_prefix(const std::filesystem::path& p) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return {};  // a FIFO would block the read
    std::ifstream in(p, std::ios::binary);
    std::string text(kMaxFileBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

// The glyph ranges: kept for as long as the atlas may be rebuilt from them (ImFontConfig keeps the pointer).
// The catalog's characters are always in; the lessons' too unless they ask for too many.
const ImWchar* ranges_for(const std::string& text) {
    static ImVector<ImWchar> ranges;
    static const std::string words = catalog_text();
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    ImFontGlyphRangesBuilder common, all;
    for (ImFontGlyphRangesBuilder* b : {&common, &all}) {
        b->AddRanges(atlas->GetGlyphRangesChineseSimplifiedCommon());
        b->AddText(words.data(), words.data() + words.size());
    }
    all.AddText(text.data(), text.data() + text.size());
    int extra = 0;
    for (int c = 0; c <= IM_UNICODE_CODEPOINT_MAX && extra <= kMaxExtraGlyphs; ++c) extra += all.GetBit(c) && !common.GetBit(c);
    ranges.clear();
    (extra <= kMaxExtraGlyphs ? all : common).BuildRanges(&ranges);
    return ranges.Data;
}

// Draws the missing-glyph box into the built atlas and makes it the font's fallback, so that a
// missing character shows as a box (not a '?' that reads as text) and can be counted.
void install_missing_box(ImFont* font) {
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    atlas->Build();
    const ImFontAtlasCustomRect* r = atlas->GetCustomRectByIndex(g_box_rect);
    for (int y = 0; y < r->Height; ++y)
        for (int x = 0; x < r->Width; ++x) {
            bool edge = x < 2 || y < 2 || x >= r->Width - 2 || y >= r->Height - 2;
            atlas->TexPixelsAlpha8[(r->Y + y) * atlas->TexWidth + r->X + x] = edge ? 0xFF : 0x00;
        }
    font->FallbackChar = kMissingBox;
    font->BuildLookupTable();
}

}  // namespace

bool load_fonts(float size_px, const std::string& text) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const char* latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const char* chinese[] = {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"};
    ImFont* font = std::filesystem::exists(latin) ? io.Fonts->AddFontFromFileTTF(latin, size_px) : io.Fonts->AddFontDefault();
    bool merged = false;
    for (const char* path : chinese) {
        if (!std::filesystem::exists(path)) continue;
        ImFontConfig merge;
        merge.MergeMode = true;
        io.Fonts->AddFontFromFileTTF(path, size_px, &merge, ranges_for(text));
        merged = true;
        break;
    }
    int w = std::max(4, static_cast<int>(std::lround(size_px * 0.5f))), h = std::max(6, static_cast<int>(std::lround(size_px * 0.7f)));
    g_box_rect = io.Fonts->AddCustomRectFontGlyph(font, kMissingBox, w, h, static_cast<float>(w) + size_px * 0.15f,
                                                  ImVec2(size_px * 0.05f, size_px * 0.2f));
    install_missing_box(font);
    return merged;  // no CJK font: Chinese text shows as boxes, everything else is as usual
}

std::string lesson_text(const std::string& assets_dir, const std::string& file) {
    namespace fs = std::filesystem;
    std::string text;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(assets_dir) / "lessons", ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".ipc") text += read_prefix(it->path());
    if (!file.empty()) text += read_prefix(file);
    return text;
}

std::string catalog_text() {
    std::string text;
    if (auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo"))
        for (const auto& [id, str] : zh->entries()) text += str;
    return text;
}

int missing_glyphs_drawn(const ImDrawData* draw_data) {
    const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
    const ImFontGlyph* box = font ? font->FindGlyphNoFallback(kMissingBox) : nullptr;
    if (!box || !draw_data) return 0;
    int n = 0;
    for (int l = 0; l < draw_data->CmdListsCount; ++l)
        for (const ImDrawVert& v : draw_data->CmdLists[l]->VtxBuffer) n += v.uv.x == box->U0 && v.uv.y == box->V0;
    return n;
}

}  // namespace viz
