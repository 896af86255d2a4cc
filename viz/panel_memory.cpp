// The Physical memory panel: every frame in use, the segment that owns it, and how many page
// tables point at it. Frames a destroyed segment frees fade out during the event that frees them.
#include <imgui.h>

#include <map>
#include <tuple>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

struct Grid {
    ImVec2 origin;
    float w, h, gap;
    int per_row;
    int used = 0;
    ImVec2 next() {
        ImVec2 p(origin.x + static_cast<float>(used % per_row) * (w + gap), origin.y + static_cast<float>(used / per_row) * (h + gap));
        ++used;
        return p;
    }
};

void frame_cell(const View& v, Grid& g, std::uint64_t pfn, const sim::page& page, int ptes, float alpha, Anchors& a) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    sim::ObjRef ref{sim::ObjKind::page, static_cast<std::int64_t>(pfn)};
    ImVec2 p = g.next(), q(p.x + g.w, p.y + g.h);
    if (!ImGui::IsRectVisible(p, q)) return;  // thousands of frames: draw only what shows
    bool lit = v.touched_now(ref);
    float grow = lit && v.current_event()->kind == sim::EventKind::frame_alloc ? v.anim : 1.0f;
    ImVec2 c((p.x + q.x) / 2, (p.y + q.y) / 2);
    ImVec2 gp(c.x - (g.w / 2) * grow, c.y - (g.h / 2) * grow), gq(c.x + (g.w / 2) * grow, c.y + (g.h / 2) * grow);
    dl->AddRectFilled(gp, gq, object_colour(page.owner_shmid, 0.35f * alpha), 3.0f);
    dl->AddRect(gp, gq, faded(lit ? highlight_colour(v.anim) : object_colour(page.owner_shmid), alpha), 3.0f, 0, lit ? 3.0f : 1.5f);
    std::string l1 = "frame " + sim::hex(pfn), l2 = "shm " + std::to_string(page.owner_shmid) + ", " + std::to_string(ptes) + " PTE";
    dl->AddText(ImVec2(p.x + 4, p.y + 2), faded(text_colour(), alpha), l1.c_str());
    dl->AddText(ImVec2(p.x + 4, p.y + 2 + ImGui::GetTextLineHeight()), faded(dim_colour(), alpha), l2.c_str());
    if (alpha >= 1.0f) a.frame[pfn] = {c.x, p.y};
}

}  // namespace

void panel_memory(const View& v, Anchors& a) {
    ImGui::TextUnformatted("Physical memory: frames (struct page)");
    ImGui::Separator();
    if (!v.kernel) return;
    // pfn -> page tables that map it; counted again only when the moment shown changes.
    static std::tuple<const void*, std::size_t, int> counted_for{nullptr, 0, -2};
    static std::map<std::uint64_t, int> mapped;
    std::tuple<const void*, std::size_t, int> now{v.kernel, v.step, v.event};
    if (now != counted_for) {
        counted_for = now;
        mapped.clear();
        for (const auto& [pid, t] : v.kernel->tasks())
            for (const auto& [vpage, pte] : t.mm.page_table)
                if (!v.pending({sim::ObjKind::pte, pid, vpage})) mapped[pte.pfn]++;
    }
    float w = ImGui::CalcTextSize("frame 0x1a000000").x;
    Grid g{ImGui::GetCursorScreenPos(), w, 2.3f * ImGui::GetTextLineHeight(), 6.0f * v.zoom,
           std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (w + 6.0f * v.zoom)))};
    for (const auto& [pfn, page] : v.kernel->frames())
        if (!v.pending({sim::ObjKind::page, static_cast<std::int64_t>(pfn)})) frame_cell(v, g, pfn, page, mapped[pfn], 1.0f, a);
    if (v.before)
        for (const auto& [pfn, page] : v.before->frames()) {
            float alpha = v.kernel->frames().count(pfn) ? 0.0f : v.leaving({sim::ObjKind::page, static_cast<std::int64_t>(pfn)});
            if (alpha > 0.0f) frame_cell(v, g, pfn, page, 0, alpha, a);
        }
    if (g.used == 0) ImGui::TextDisabled("no frame in use yet: frames come with first touches");
    int rows = (g.used + g.per_row - 1) / g.per_row;
    ImGui::Dummy(ImVec2(ImGui::GetContentRegionAvail().x, static_cast<float>(rows) * (g.h + g.gap)));
}

}  // namespace viz
