#include "viz/fonts.h"

#include <imgui.h>

#include <filesystem>

namespace viz {

bool load_fonts(float size_px) {
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
        io.Fonts->AddFontFromFileTTF(path, size_px, &merge, io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
        return true;
    }
    return false;  // no CJK font: Chinese text shows as '?', everything else is as usual
}

}  // namespace viz
