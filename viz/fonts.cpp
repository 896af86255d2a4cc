#include "viz/fonts.h"

#include <imgui.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace viz {
namespace {

// A lesson is at most a few thousand distinct characters; a file that asks for more (a hostile
// one listing all of Unicode) gets the common set alone rather than an atlas past the GPU's limits.
constexpr int kMaxExtraGlyphs = 8000;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 20;  // characters are read from the first MiB

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
const ImWchar* ranges_for(const std::string& text) {
    static ImVector<ImWchar> ranges;
    ImFontAtlas* atlas = ImGui::GetIO().Fonts;
    ImFontGlyphRangesBuilder common, all;
    common.AddRanges(atlas->GetGlyphRangesChineseSimplifiedCommon());
    all.AddRanges(atlas->GetGlyphRangesChineseSimplifiedCommon());
    all.AddText(text.data(), text.data() + text.size());
    int extra = 0;
    for (int c = 0; c <= IM_UNICODE_CODEPOINT_MAX && extra <= kMaxExtraGlyphs; ++c) extra += all.GetBit(c) && !common.GetBit(c);
    ranges.clear();
    (extra <= kMaxExtraGlyphs ? all : common).BuildRanges(&ranges);
    return ranges.Data;
}

}  // namespace

bool load_fonts(float size_px, const std::string& text) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const char* latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    const char* chinese[] = {"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"};
    if (std::filesystem::exists(latin)) io.Fonts->AddFontFromFileTTF(latin, size_px);
    else io.Fonts->AddFontDefault();
    for (const char* path : chinese) {
        if (!std::filesystem::exists(path)) continue;
        ImFontConfig merge;
        merge.MergeMode = true;
        io.Fonts->AddFontFromFileTTF(path, size_px, &merge, ranges_for(text));
        return true;
    }
    return false;  // no CJK font: Chinese text shows as '?', everything else is as usual
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

}  // namespace viz
