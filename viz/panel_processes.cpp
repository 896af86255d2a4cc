// The Processes panel: each task's mm as its vm_area_struct list (linked boxes) and, under each
// shared mapping, its page-table entries as a row of cells. Present cells are linked to frames.
#include <imgui.h>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

constexpr std::uint64_t kMaxCells = 48;  // a larger mapping shows its first cells and says how many more

// The task's state as the panel says it (the scenario language's words stay in `expect` and the comparison).
std::string_view state_word(sim::TaskState s) {
    switch (s) {
    case sim::TaskState::ready: return explain::tr("ready");
    case sim::TaskState::blocked: return explain::tr("blocked");
    case sim::TaskState::exited: return explain::tr("exited");
    case sim::TaskState::killed: return explain::tr("killed");
    }
    return "?";
}

// What a PTE cell stands for: the page's address and index in the segment, and the entry itself.
void pte_tooltip(const sim::task_struct& t, const sim::vm_area_struct& vma, std::uint64_t vpage, const sim::pte_t* pte) {
    ImGui::BeginTooltip();
    std::uint64_t index = (vpage - vma.vm_start) / sim::PAGE_SIZE + vma.vm_pgoff;
    ImGui::TextUnformatted(explain::say("{who}: virtual address {vaddr}, page {index} of segment {shmid}", fmt::arg("who", t.comm),
                                        fmt::arg("vaddr", sim::hex(vpage)), fmt::arg("index", index), fmt::arg("shmid", vma.shmid)).c_str());
    if (!pte) ImGui::TextUnformatted(explain::tr("PTE not present: the first touch faults").data());
    else
        ImGui::TextUnformatted(explain::say("PTE: frame {pfn}, {rw}, accessed {a}, dirty {d}{none}", fmt::arg("pfn", sim::hex(pte->pfn)),
                                            fmt::arg("rw", pte->writable ? explain::tr("read-write") : explain::tr("read-only")), fmt::arg("a", static_cast<int>(pte->accessed)),
                                            fmt::arg("d", static_cast<int>(pte->dirty)),
                                            fmt::arg("none", pte->protnone ? explain::tr(" (PROT_NONE: the MMU sees it not present)") : std::string_view()))
                                   .c_str());
    ImGui::TextDisabled("%s", explain::tr("Click: walk the page table to this page").data());
    ImGui::EndTooltip();
}

void pte_row(const View& v, const sim::task_struct& t, const sim::vm_area_struct& vma, Anchors& a, float alpha) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Square cells: a rounded corner made each cell some 50 triangles instead of 10, and a
    // screenful of 200 cells cost llvmpipe about 2.5 ms a frame.
    float cell = 16.0f * v.zoom, gap = 3.0f * v.zoom;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    std::uint64_t pages = vma.pages(), shown = pages < kMaxCells ? pages : kMaxCells;
    float wrap = ImGui::GetContentRegionAvail().x;
    int per_row = std::max(1, static_cast<int>(wrap / (cell + gap)));
    for (std::uint64_t i = 0; i < shown; ++i) {
        std::uint64_t vpage = vma.vm_start + i * sim::PAGE_SIZE;
        ImVec2 p(origin.x + static_cast<float>(i % per_row) * (cell + gap), origin.y + static_cast<float>(i / per_row) * (cell + gap));
        ImVec2 q(p.x + cell, p.y + cell);
        // 64 processes x 48 cells: a cell off screen would still cost its vertices, so it is skipped.
        if (!ImGui::IsRectVisible(p, q)) continue;
        sim::ObjRef ref{sim::ObjKind::pte, t.pid, vpage};
        auto pte = t.mm.page_table.find(vpage);
        bool present = pte != t.mm.page_table.end() && !v.pending(ref);
        if (present) {
            float lit = v.touched_now(ref) ? v.anim : 1.0f;
            dl->AddRectFilled(p, q, object_colour(vma.shmid, (0.35f + 0.65f * lit) * alpha));
            // Only a cell on screen anchors a line: the lines are drawn over every panel, unclipped.
            if (alpha >= 1.0f) a.pte[{t.pid, vpage}] = {p.x + cell / 2, q.y};
        }
        // A present cell is its fill; an outline marks an empty PTE, or the one the event touches.
        if (!present || v.touched_now(ref))
            dl->AddRect(p, q, faded(v.touched_now(ref) ? highlight_colour(v.anim) : dim_colour(), alpha), 0.0f, 0, v.touched_now(ref) ? 2.0f : 1.0f);
        // Read-only is struck through once; PROT_NONE (present to the kernel, not to the MMU) crossed.
        if (present && (!pte->second.writable || pte->second.protnone))
            dl->AddLine(ImVec2(p.x + 2, q.y - 2), ImVec2(q.x - 2, p.y + 2), faded(text_colour(), alpha), 1.5f);
        if (present && pte->second.protnone) dl->AddLine(ImVec2(p.x + 2, p.y + 2), ImVec2(q.x - 2, q.y - 2), faded(text_colour(), alpha), 1.5f);
        if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(p, q)) {
            pte_tooltip(t, vma, vpage, present ? &pte->second : nullptr);
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && v.picked) *v.picked = std::pair{t.pid, vpage};
        }
    }
    float rows = static_cast<float>((shown + per_row - 1) / per_row);
    // As wide as the cells: a scrollbar that comes and goes must not make the row seem cut off.
    float across = static_cast<float>(std::min<std::uint64_t>(shown, static_cast<std::uint64_t>(per_row)));
    ImGui::Dummy(ImVec2(across * (cell + gap), rows * (cell + gap)));
    if (pages > shown) ImGui::TextDisabled("%s", explain::say("... and {n} more pages", fmt::arg("n", pages - shown)).c_str());
}

// One vm_area_struct and its PTE row; `alpha` below 1 while a detach takes it away.
void vma_box(const View& v, const sim::task_struct& t, const sim::vm_area_struct& vma, Anchors& a, float alpha, bool first) {
    sim::ObjRef ref{sim::ObjKind::vm_area_struct, t.pid, vma.vm_start};
    ImGui::Indent();
    if (!first) ImGui::TextDisabled("  | vm_next");  // the mm's list, in address order
    std::string label = "vm_area_struct  [" + sim::hex(vma.vm_start) + ", " + sim::hex(vma.vm_end) + ")  " + vma.perms() +
                        "  shmid " + std::to_string(vma.shmid);
    if (vma.vm_pgoff) label += explain::say("  from page {n}", fmt::arg("n", vma.vm_pgoff));  // a piece left by a split
    ImVec2 at = ImGui::GetCursorScreenPos();
    ImVec2 size = text_box(label, object_colour(vma.shmid, 0.18f), v.touched_now(ref) ? highlight_colour(v.anim) : object_colour(vma.shmid), alpha);
    if (alpha >= 1.0f && ImGui::IsItemVisible()) a.box[Anchors::key(ref)] = {at.x + size.x, at.y + size.y / 2};
    pte_row(v, t, vma, a, alpha);
    ImGui::Unindent();
}

void vma_chain(const View& v, const sim::task_struct& t, Anchors& a) {
    bool first = true;
    for (const auto& [start, vma] : t.mm.mmap) {
        if (v.pending({sim::ObjKind::vm_area_struct, t.pid, start})) continue;
        vma_box(v, t, vma, a, 1.0f, first);
        first = false;
    }
    // What this step detaches (shmdt, exit, death) fades out during the event that does it.
    const sim::task_struct* was = v.before ? v.before->task(t.pid) : nullptr;
    if (was)
        for (const auto& [start, vma] : was->mm.mmap) {
            float alpha = t.mm.mmap.count(start) ? 0.0f : v.leaving({sim::ObjKind::vm_area_struct, t.pid, start});
            if (alpha <= 0.0f) continue;
            vma_box(v, *was, vma, a, alpha, first);
            first = false;
        }
    // In a lesson with no segment at all, a line per process saying so would only be noise.
    if (first && !v.kernel->ns().shm_ids.entries.empty()) ImGui::TextDisabled("    %s", explain::tr("no vm_area_struct maps a segment").data());
}

}  // namespace

void panel_processes(const View& v, Anchors& a) {
    panel_title(explain::tr("Processes: mm_struct, vm_area_structs and page tables"));
    if (!v.kernel) return;
    for (const auto& [pid, t] : v.kernel->tasks()) {
        bool lit = v.touched_now({sim::ObjKind::task_struct, pid});
        a.task[pid] = {ImGui::GetCursorScreenPos().x, ImGui::GetCursorScreenPos().y};
        sim::TaskState state = v.task_state(pid);
        const sim::task_struct* was = v.before ? v.before->task(pid) : nullptr;
        std::uint64_t min_flt = v.value_at({sim::ObjKind::mm_struct, pid}, "min_flt", was ? was->min_flt : 0, t.min_flt);
        ImVec4 c = state == sim::TaskState::ready     ? good_colour()
                   : state == sim::TaskState::blocked ? waiting_colour()
                                                      : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
        if (lit) ImGui::GetWindowDrawList()->AddRectFilled(ImGui::GetCursorScreenPos(),
                                                            ImVec2(ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x,
                                                                   ImGui::GetCursorScreenPos().y + ImGui::GetTextLineHeight()),
                                                            highlight_fill(v.anim));
        ImGui::TextColored(c, "%s", t.comm.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("pid %d  uid %u  %s  minflt %llu", pid, t.cred.euid, std::string(state_word(state)).c_str(),
                            static_cast<unsigned long long>(min_flt));
        if (state == sim::TaskState::killed) ImGui::SameLine(), ImGui::TextDisabled("%s", explain::say("(signal {n})", fmt::arg("n", t.term_signal)).c_str());
        if (ImGui::IsItemVisible()) a.task_end[pid] = {ImGui::GetItemRectMax().x + 4, ImGui::GetItemRectMin().y + ImGui::GetTextLineHeight() / 2};
        vma_chain(v, t, a);
        ImGui::Spacing();
    }
}

}  // namespace viz
