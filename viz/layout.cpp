#include "viz/layout.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "explain/catalog.h"
#include "viz/app.h"
#include "viz/draw.h"

namespace viz {
namespace {

// One line of the picture: a PTE cell on screen to its frame on screen.
struct Link {
    Anchors::Point from, to;  // the bottom of the PTE's cell, the top of the frame's cell
    int pid;
    std::uint64_t vpage, pfn;
    bool growing;  // the current event installs this PTE: its line grows into place
};

// Beyond this many lines on screen (64 processes mapping 4,096 pages, not a lesson), a run of
// consecutive pages in consecutive frames is drawn as its first and last line: a few hundred long
// anti-aliased lines cost llvmpipe about 7 ms a frame.
constexpr std::size_t kMaxSingleLinks = 64;
constexpr std::size_t kMaxLinks = 256;  // and never more lines than this in one frame

// Every present PTE whose cell and frame are both on screen, in (pid, address) order.
std::vector<Link> links_on_screen(const View& v, const Anchors& a) {
    std::vector<Link> links;
    const sim::KernelEvent* e = v.current_event();
    for (const auto& [key, from] : a.pte) {
        const sim::task_struct* t = v.kernel->task(key.first);
        if (!t) continue;
        auto pte = t->mm.page_table.find(key.second);
        if (pte == t->mm.page_table.end()) continue;
        auto to = a.frame.find(pte->second.pfn);
        if (to == a.frame.end()) continue;
        bool growing = e && e->kind == sim::EventKind::pte_install && v.touched_now({sim::ObjKind::pte, key.first, key.second});
        links.push_back({from, to->second, key.first, key.second, pte->second.pfn, growing});
    }
    return links;
}

// The runs of `links`, as [first, last] indexes: the next page of the same process in the next
// frame continues a run. A growing line is a run of its own, so that it always shows.
std::vector<std::pair<std::size_t, std::size_t>> runs_of(const std::vector<Link>& links) {
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t i = 0; i < links.size(); ++i) {
        const Link& l = links[i];
        bool continues = !runs.empty() && !l.growing && runs.back().second == i - 1 && !links[i - 1].growing &&
                         links[i - 1].pid == l.pid && links[i - 1].vpage + sim::PAGE_SIZE == l.vpage && links[i - 1].pfn + 1 == l.pfn;
        if (continues) runs.back().second = i;
        else runs.push_back({i, i});
    }
    return runs;
}

void draw_link(const View& v, const Link& l) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    float t_grow = l.growing ? v.anim : 1.0f;
    ImVec2 p0(l.from.first, l.from.second), p3(l.to.first, l.to.second);
    ImVec2 end(p0.x + (p3.x - p0.x) * t_grow, p0.y + (p3.y - p0.y) * t_grow);
    ImU32 c = l.growing ? highlight_colour(0.0f) : link_colour();
    dl->AddLine(p0, end, c, l.growing ? 3.0f * v.zoom : 1.5f * v.zoom);
    if (!l.growing || t_grow >= 1.0f) dl->AddCircleFilled(p3, 3.0f * v.zoom, c);
}

// Lines from each present PTE to its frame; the one the current event installs grows into place.
// At scale, runs are drawn by their ends, and a note beside the Physical memory title says so.
// Draws with `draw` above and below the panel the lines pass behind, so that they do not cross the
// walk's tables; everywhere when there is no such panel.
template <typename Draw>
void around(const Anchors& a, Draw draw) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    if (a.behind.second <= a.behind.first) return draw();
    ImVec2 lo = ImGui::GetMainViewport()->Pos, hi(lo.x + ImGui::GetMainViewport()->Size.x, lo.y + ImGui::GetMainViewport()->Size.y);
    dl->PushClipRect(lo, ImVec2(hi.x, a.behind.first));
    draw();
    dl->PopClipRect();
    dl->PushClipRect(ImVec2(lo.x, a.behind.second), hi);
    draw();
    dl->PopClipRect();
}

void draw_links(const View& v, const Anchors& a) {
    std::vector<Link> links = links_on_screen(v, a);
    if (links.size() <= kMaxSingleLinks) {
        around(a, [&] {
            for (const Link& l : links) draw_link(v, l);
        });
        return;
    }
    auto runs = runs_of(links);
    std::size_t lines = 0, left_out = 0;
    for (auto [first, last] : runs) {
        std::size_t ends = first == last ? 1 : 2;
        if (lines + ends > kMaxLinks) {
            left_out += last - first + 1;
            continue;
        }
        draw_link(v, links[first]);
        if (ends == 2) draw_link(v, links[last]);
        lines += ends;
    }
    std::string note = explain::say("{ptes} PTEs in {runs} runs: first and last lines", fmt::arg("ptes", links.size()), fmt::arg("runs", runs.size()));
    if (left_out) note += explain::say(", {n} PTEs not drawn", fmt::arg("n", left_out));
    ImGui::GetForegroundDrawList()->AddText(ImVec2(a.links_note.first, a.links_note.second), dim_colour(), note.c_str());
}

float ease(float t) { return t * t * (3.0f - 2.0f * t); }

// What the current event moves: a message from its sender into the queue or straight to a
// sleeping receiver, a process into a wait list. A labelled box flies along the way.
void draw_flight(const View& v, const Anchors& a) {
    const sim::KernelEvent* e = v.current_event();
    if (!e || v.anim >= 1.0f || v.events().empty() || v.events()[0].touched.empty()) return;
    int caller = static_cast<int>(v.events()[0].touched[0].id);
    Anchors::Point from{}, to{};
    bool have_from = false, have_to = false;
    std::string label;
    auto task_at = [&](int pid, Anchors::Point& out) {
        auto it = a.task.find(pid);
        if (it != a.task.end()) out = it->second;
        return it != a.task.end();
    };
    for (const auto& r : e->touched) {
        auto box = a.box.find(Anchors::key(r));
        bool boxed = box != a.box.end();
        if (e->kind == sim::EventKind::create && r.kind == sim::ObjKind::msg_msg && boxed) {
            have_from = task_at(caller, from), have_to = true, to = box->second, label = "msg_msg";
        } else if (e->kind == sim::EventKind::sleep && (r.kind == sim::ObjKind::msg_receiver || r.kind == sim::ObjKind::msg_sender) && boxed) {
            have_from = task_at(static_cast<int>(r.id), from), have_to = true, to = box->second;
            label = v.kernel->task(static_cast<int>(r.id))->comm;
        } else if (e->kind == sim::EventKind::destroy && r.kind == sim::ObjKind::msg_msg && boxed) {
            have_from = true, from = box->second, have_to = task_at(caller, to), label = explain::tr("msg_msg, received");
        } else if (e->kind == sim::EventKind::copy && r.kind == sim::ObjKind::msg_receiver) {
            have_from = task_at(caller, from), have_to = task_at(static_cast<int>(r.id), to), label = explain::tr("msg_msg, handed over");
        }
    }
    if (!have_from || !have_to) return;
    float t = ease(v.anim);
    ImVec2 p(from.first + (to.first - from.first) * t, from.second + (to.second - from.second) * t);
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    ImVec2 size = ImGui::CalcTextSize(label.c_str());
    dl->AddLine(ImVec2(from.first, from.second), p, highlight_colour(0.3f), 2.0f * v.zoom);
    dl->AddRectFilled(ImVec2(p.x - 4, p.y - 3), ImVec2(p.x + size.x + 4, p.y + size.y + 3), highlight_colour(0.0f), 4.0f);
    dl->AddText(p, u32(palette().flying_label_text), label.c_str());
}

// The seed's figures across panels: each node of a segment's attach chain to its process's
// vm_area_struct, and each sleeper on q_receivers or q_senders to its task.
void draw_figure_links(const View& v, const Anchors& a) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    float w = 1.5f * v.zoom;
    for (const auto& [node, from] : a.attach) {
        auto to = a.box.find(Anchors::key({sim::ObjKind::vm_area_struct, node.first, node.second}));
        if (to == a.box.end()) continue;
        const sim::task_struct* t = v.kernel->task(node.first);
        const sim::vm_area_struct* vma = t ? t->mm.find_vma(node.second) : nullptr;
        ImU32 c = faded(object_colour(vma ? vma->shmid : 0), 0.8f);
        dl->AddBezierCubic(ImVec2(from.first, from.second), ImVec2(from.first, from.second + 40 * v.zoom),
                           ImVec2(to->second.first + 60 * v.zoom, to->second.second), ImVec2(to->second.first, to->second.second), c, w);
        dl->AddCircleFilled(ImVec2(to->second.first, to->second.second), 3.0f * v.zoom, c);
    }
    for (const auto& [key, from] : a.box) {
        auto kind = static_cast<sim::ObjKind>(std::get<0>(key));
        if (kind != sim::ObjKind::msg_receiver && kind != sim::ObjKind::msg_sender) continue;
        auto to = a.task_end.find(static_cast<int>(std::get<1>(key)));
        if (to == a.task_end.end()) continue;
        ImU32 c = u32(waiting_colour(), 0.8f);
        // From the top edge of the box (its anchor is its centre), so that the line crosses no text.
        ImVec2 top(from.first, from.second - ImGui::GetTextLineHeight() / 2 - 4.0f);
        dl->AddLine(top, ImVec2(to->second.first, to->second.second), c, w);
        dl->AddCircleFilled(ImVec2(to->second.first, to->second.second), 3.0f * v.zoom, c);
    }
}

// How tall each panel's content was in the last frame, by panel: the layout sizes panels by it.
std::map<std::string, float>& content_heights() {
    static std::map<std::string, float> heights;
    return heights;
}

// A panel's height: what its content took last frame, within [least, most] of the column.
float fitted(const char* id, float h, float least, float most) {
    auto it = content_heights().find(id);
    float want = it == content_heights().end() ? most * h : it->second;
    return std::clamp(want, least * h, most * h);
}

void column(const char* id, float width, float height, void (*body)(const View&, Anchors&), const View& v, Anchors& a) {
    ImGui::BeginChild(id, ImVec2(width, height), true);
    body(v, a);
    content_heights()[id] = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y;
    ImGui::EndChild();
}

void walk_column(const View& v, Anchors&) { panel_walk(v); }

// Which IPC the lesson's calls use.
struct Uses {
    bool shm = false, msg = false, sem = false;
};

Uses uses_of(const View& v) {
    Uses u;
    if (!v.scenario) return u;
    using K = sim::scenario::CallKind;
    for (const auto& step : v.scenario->steps) {
        K k = step.call.kind;
        u.msg = u.msg || k == K::Msgget || k == K::Msgsnd || k == K::Msgrcv || k == K::Msgctl;
        u.sem = u.sem || k == K::Semget || k == K::Semop || k == K::Semctl;
        u.shm = u.shm || k == K::Shmget || k == K::Shmat || k == K::Shmdt || k == K::Shmctl || k == K::Store || k == K::Load;
    }
    return u;
}

}  // namespace

std::vector<std::string> overflowing_windows() {
    std::vector<std::string> out;
    for (ImGuiWindow* w : GImGui->Windows) {
        if (!w->WasActive || w->Hidden || w->ScrollbarX) continue;
        float shown = w->ContentRegionRect.GetWidth();
        if (w->ContentSize.x > shown + 1.0f) out.push_back(fmt::format("{}: content {:.0f} px in {:.0f} px", w->Name, w->ContentSize.x, shown));
    }
    return out;
}

bool at_scale(const View& v) { return v.kernel && v.kernel->frames().size() > 1024; }

void draw_layout(App& app, const View& v) {
    // Below the main menu bar: the work area as this frame's bar has left it (WorkPos would
    // know the bar only from the next frame on, and a zoom change would overlap for one frame).
    ImRect work = static_cast<ImGuiViewportP*>(ImGui::GetMainViewport())->GetBuildWorkRect();
    ImGui::SetNextWindowPos(work.Min);
    ImGui::SetNextWindowSize(work.GetSize());
    // No background: main.cpp clears to the same colour, and a full-screen blended quad costs
    // llvmpipe as much fill rate as everything else on screen together.
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                             ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
    drawing_at_scale() = at_scale(v);
    ImGui::Begin("ipcviz", nullptr, flags);
    panel_toolbar(app, v);
    Anchors anchors;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float gap = ImGui::GetStyle().ItemSpacing.x;
    float left = avail.x * 0.27f, middle = avail.x * 0.42f, right = avail.x - left - middle - 2 * gap;
    float h = avail.y;

    ImGui::BeginGroup();
    // A lesson with its C program beside the scenario gives the pair more room.
    ImGui::BeginChild("Scenario", ImVec2(left, h * (has_programs(v) ? 0.62f : 0.55f)), true);
    panel_scenario(app, v);
    ImGui::EndChild();
    ImGui::BeginChild("Kernel path", ImVec2(left, 0), true);
    if (!panel_question(app, v)) panel_path(v);
    ImGui::EndChild();
    ImGui::EndGroup();
    ImGui::SameLine();

    // Panels by what the lesson uses, so that no column stands empty: a queue lesson has no page
    // table to walk and no frames, a shared-memory lesson no queue.
    Uses uses = uses_of(v);
    bool shm = uses.shm || (!uses.msg && !uses.sem);
    ImGui::BeginGroup();
    if (shm) {
        // Panels as tall as their content, within bounds, so that none is half empty while another
        // scrolls; physical memory takes what is left.
        float procs = fitted("Processes", h, 0.2f, 0.42f), walk = fitted("Page-table walk", h, 0.25f, 0.45f);
        if (float both = procs + walk; both > 0.78f * h) procs *= 0.78f * h / both, walk *= 0.78f * h / both;
        column("Processes", middle, procs, panel_processes, v, anchors);
        column("Page-table walk", middle, walk, walk_column, v, anchors);
        anchors.behind = {ImGui::GetItemRectMin().y, ImGui::GetItemRectMax().y};
        column("Physical memory", middle, 0, panel_memory, v, anchors);
    } else {
        column("Processes", middle, fitted("Processes", h, 0.2f, 0.5f), panel_processes, v, anchors);
        if (uses.msg && uses.sem) column("Message queues", middle, fitted("Message queues", h, 0.2f, 0.4f), panel_msg, v, anchors);
        column(uses.msg && !uses.sem ? "Message queues" : "Semaphores", middle, 0, uses.msg && !uses.sem ? panel_msg : panel_sem, v, anchors);
    }
    ImGui::EndGroup();
    ImGui::SameLine();

    ImGui::BeginGroup();
    if (shm && (uses.msg || uses.sem)) {
        // With both queues and semaphores beside shared memory, each gets less room.
        bool both = uses.msg && uses.sem;
        column("Shared memory", right, fitted("Shared memory", h, 0.2f, both ? 0.3f : uses.sem ? 0.34f : 0.4f), panel_shm, v, anchors);
        if (uses.msg) column("Message queues", right, fitted("Message queues", h, 0.15f, both ? 0.3f : 0.42f), panel_msg, v, anchors);
        if (uses.sem) column("Semaphores", right, fitted("Semaphores", h, 0.2f, both ? 0.3f : 0.5f), panel_sem, v, anchors);
    } else if (shm) {
        column("Shared memory", right, fitted("Shared memory", h, 0.25f, 0.6f), panel_shm, v, anchors);
    }
    ImGui::BeginChild("Kernel comparison", ImVec2(right, 0), true);
    panel_compare(v);
    ImGui::EndChild();
    ImGui::EndGroup();

    // The lines are drawn over everything, menus too: while one is open, they wait.
    bool menu_open = ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
    if (v.kernel && !menu_open) draw_links(v, anchors);
    if (v.kernel && !menu_open) draw_flight(v, anchors);
    if (v.kernel && !menu_open) draw_figure_links(v, anchors);
    ImGui::End();
}

}  // namespace viz
