// The Physical memory panel: every frame in use, the segment that owns it, and how many page
// tables point at it. Frames a destroyed segment frees fade out during the event that frees them.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

struct Grid {
    ImVec2 origin;
    float w, h, gap;
    int per_row;
    ImVec2 at(int i) const {
        return ImVec2(origin.x + static_cast<float>(i % per_row) * (w + gap), origin.y + static_cast<float>(i / per_row) * (h + gap));
    }
    // The cells [first, last) whose rows the window's clip rect shows.
    std::pair<int, int> visible(int cells) const {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        float row = h + gap;
        int first = std::max(0, static_cast<int>(std::floor((dl->GetClipRectMin().y - origin.y) / row)));
        int last = std::max(0, static_cast<int>(std::ceil((dl->GetClipRectMax().y - origin.y) / row)));
        return {std::min(cells, first * per_row), std::min(cells, last * per_row)};
    }
};

// What a frame holds: which page of which segment, the PTEs that map it, and its first bytes.
void frame_tooltip(const View& v, std::uint64_t pfn, const sim::page& page, int ptes) {
    ImGui::BeginTooltip();
    std::string index = "?";
    if (const sim::shmid_kernel* seg = v.kernel->ns().shm_ids.find_id(page.owner_shmid))
        for (const auto& [i, f] : seg->pages)
            if (f == pfn) index = std::to_string(i);
    ImGui::TextUnformatted(explain::say("frame {pfn}: page {index} of segment {shmid}; {n} PTE(s) map it", fmt::arg("pfn", sim::hex(pfn)),
                                        fmt::arg("index", index), fmt::arg("shmid", page.owner_shmid), fmt::arg("n", ptes)).c_str());
    std::string start = page.data.substr(0, 32);
    ImGui::TextUnformatted(explain::say("its first bytes: {bytes}", fmt::arg("bytes", sim::quoted(start))).c_str());
    ImGui::EndTooltip();
}

void frame_cell(const View& v, const Grid& g, int i, std::uint64_t pfn, const sim::page& page, int ptes, float alpha, Anchors& a) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    sim::ObjRef ref{sim::ObjKind::page, static_cast<std::int64_t>(pfn)};
    ImVec2 p = g.at(i), q(p.x + g.w, p.y + g.h);
    if (!ImGui::IsRectVisible(p, q)) return;
    bool lit = v.touched_now(ref);
    float grow = lit && v.current_event()->kind == sim::EventKind::frame_alloc ? v.anim : 1.0f;
    ImVec2 c((p.x + q.x) / 2, (p.y + q.y) / 2);
    ImVec2 gp(c.x - (g.w / 2) * grow, c.y - (g.h / 2) * grow), gq(c.x + (g.w / 2) * grow, c.y + (g.h / 2) * grow);
    box(dl, gp, gq, object_colour(page.owner_shmid, 0.35f * alpha), faded(lit ? highlight_colour(v.anim) : object_colour(page.owner_shmid), alpha),
        lit ? 3.0f : 1.0f);
    std::string l1 = explain::say("frame {pfn}", fmt::arg("pfn", sim::hex(pfn)));
    std::string l2 = explain::say("shm {shmid}, {n} PTE", fmt::arg("shmid", page.owner_shmid), fmt::arg("n", ptes));
    dl->AddText(ImVec2(p.x + 4, p.y + 2), faded(text_colour(), alpha), l1.c_str());
    dl->AddText(ImVec2(p.x + 4, p.y + 2 + ImGui::GetTextLineHeight()), faded(dim_colour(), alpha), l2.c_str());
    if (alpha >= 1.0f) a.frame[pfn] = {c.x, p.y};
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(p, q)) frame_tooltip(v, pfn, page, ptes);
}

// The frames the grid lists at one moment (a step and an event), in grid order, with how many page
// tables map each, and the frames the step frees (they fade out after the others). Worked out once
// per moment: walking 4,096 frames and 262,144 PTEs every frame costs milliseconds.
struct FrameList {
    std::tuple<const void*, std::size_t, int> moment{nullptr, 0, -2};
    std::vector<std::pair<std::uint64_t, int>> present;  // pfn, PTEs that map it
    std::vector<std::uint64_t> freed;                    // in `before`, not in `kernel`
};

const FrameList& frame_list(const View& v) {
    static FrameList list;
    std::tuple<const void*, std::size_t, int> now{v.kernel, v.step, v.event};
    if (list.moment == now) return list;
    list = FrameList{now, {}, {}};
    std::map<std::uint64_t, int> mapped;
    for (const auto& [pid, t] : v.kernel->tasks())
        for (const auto& [vpage, pte] : t.mm.page_table)
            if (!v.pending({sim::ObjKind::pte, pid, vpage})) mapped[pte.pfn]++;
    for (const auto& [pfn, page] : v.kernel->frames())
        if (!v.pending({sim::ObjKind::page, static_cast<std::int64_t>(pfn)})) list.present.push_back({pfn, mapped[pfn]});
    if (v.before)
        for (const auto& [pfn, page] : v.before->frames())
            if (!v.kernel->frames().count(pfn)) list.freed.push_back(pfn);
    return list;
}

}  // namespace

void panel_memory(const View& v, Anchors& a) {
    text_wrapped(explain::tr("Physical memory: frames (struct page)"));
    a.links_note = {ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x, ImGui::GetItemRectMin().y};
    ImGui::Separator();
    if (!v.kernel) return;
    const FrameList& list = frame_list(v);
    std::vector<std::pair<std::uint64_t, float>> fading;  // freed frames still visible, with their alpha
    for (std::uint64_t pfn : list.freed)
        if (float alpha = v.leaving({sim::ObjKind::page, static_cast<std::int64_t>(pfn)}); alpha > 0.0f) fading.push_back({pfn, alpha});
    // A cell is as wide as its longest line can be, in the language of the moment.
    float w = std::max(ImGui::CalcTextSize(explain::say("frame {pfn}", fmt::arg("pfn", "0x1a000000")).c_str()).x,
                       ImGui::CalcTextSize(explain::say("shm {shmid}, {n} PTE", fmt::arg("shmid", 99), fmt::arg("n", 99)).c_str()).x) + 8.0f;
    Grid g{ImGui::GetCursorScreenPos(), w, 2.3f * ImGui::GetTextLineHeight(), 6.0f * v.zoom,
           std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (w + 6.0f * v.zoom)))};
    int present = static_cast<int>(list.present.size()), cells = present + static_cast<int>(fading.size());
    auto [first, last] = g.visible(cells);  // thousands of frames: only the rows on screen are drawn
    for (int i = first; i < last; ++i) {
        if (i < present) {
            auto [pfn, ptes] = list.present[static_cast<std::size_t>(i)];
            frame_cell(v, g, i, pfn, v.kernel->frames().find(pfn)->second, ptes, 1.0f, a);
        } else {
            auto [pfn, alpha] = fading[static_cast<std::size_t>(i - present)];
            frame_cell(v, g, i, pfn, v.before->frames().find(pfn)->second, 0, alpha, a);
        }
    }
    if (cells == 0) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        text_wrapped(explain::tr("no frame in use yet: frames come with first touches"));
        ImGui::PopStyleColor();
    }
    int rows = (cells + g.per_row - 1) / g.per_row;
    // As wide as the cells: a scrollbar that comes and goes must not make the grid seem cut off.
    int across = std::min(cells, g.per_row);
    ImGui::Dummy(ImVec2(static_cast<float>(across) * (g.w + g.gap), static_cast<float>(rows) * (g.h + g.gap)));
}

}  // namespace viz
