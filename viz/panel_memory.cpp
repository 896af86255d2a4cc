// The Physical memory panel: every frame in use, the segment that owns it, and how many page
// tables point at it.
#include <imgui.h>

#include <map>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {

void panel_memory(const View& v, Anchors& a) {
    ImGui::TextUnformatted("Physical memory: frames (struct page)");
    ImGui::Separator();
    if (!v.kernel) return;
    std::map<std::uint64_t, int> mapped;  // pfn -> page tables that map it
    for (const auto& [pid, t] : v.kernel->tasks())
        for (const auto& [vpage, pte] : t.mm.page_table)
            if (!v.pending({sim::ObjKind::pte, pid, vpage})) mapped[pte.pfn]++;
    if (v.kernel->frames().empty()) ImGui::TextDisabled("no frame in use yet: frames come with first touches");
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float w = ImGui::CalcTextSize("frame 0x1a000000").x, h = 2.3f * ImGui::GetTextLineHeight(), gap = 6.0f * v.zoom;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    int per_row = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (w + gap)));
    int i = 0;
    for (const auto& [pfn, page] : v.kernel->frames()) {
        sim::ObjRef ref{sim::ObjKind::page, static_cast<std::int64_t>(pfn)};
        if (v.pending(ref)) continue;
        ImVec2 p(origin.x + static_cast<float>(i % per_row) * (w + gap), origin.y + static_cast<float>(i / per_row) * (h + gap));
        ImVec2 q(p.x + w, p.y + h);
        bool lit = v.touched_now(ref);
        float grow = lit && v.current_event()->kind == sim::EventKind::frame_alloc ? v.anim : 1.0f;
        ImVec2 c((p.x + q.x) / 2, (p.y + q.y) / 2);
        ImVec2 gp(c.x - (w / 2) * grow, c.y - (h / 2) * grow), gq(c.x + (w / 2) * grow, c.y + (h / 2) * grow);
        dl->AddRectFilled(gp, gq, object_colour(page.owner_shmid, 0.35f), 3.0f);
        dl->AddRect(gp, gq, lit ? highlight_colour(v.anim) : object_colour(page.owner_shmid), 3.0f, 0, lit ? 3.0f : 1.5f);
        std::string l1 = "frame " + sim::hex(pfn), l2 = "shm " + std::to_string(page.owner_shmid) + ", " + std::to_string(mapped[pfn]) + " PTE";
        dl->AddText(ImVec2(p.x + 4, p.y + 2), text_colour(), l1.c_str());
        dl->AddText(ImVec2(p.x + 4, p.y + 2 + ImGui::GetTextLineHeight()), dim_colour(), l2.c_str());
        a.frame[pfn] = {c.x, p.y};
        ++i;
    }
    int rows = (i + per_row - 1) / per_row;
    ImGui::Dummy(ImVec2(ImGui::GetContentRegionAvail().x, static_cast<float>(rows) * (h + gap)));
}

}  // namespace viz
