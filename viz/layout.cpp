#include "viz/layout.h"

#include <imgui.h>

#include <string>

#include "viz/app.h"
#include "viz/draw.h"

namespace viz {
namespace {

// Lines from each present PTE to its frame; the one the current event installs grows into place.
void draw_links(const View& v, const Anchors& a) {
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    const sim::KernelEvent* e = v.current_event();
    for (const auto& [key, from] : a.pte) {
        const sim::task_struct* t = v.kernel->task(key.first);
        if (!t) continue;
        auto pte = t->mm.page_table.find(key.second);
        if (pte == t->mm.page_table.end()) continue;
        auto to = a.frame.find(pte->second.pfn);
        if (to == a.frame.end()) continue;
        sim::ObjRef ref{sim::ObjKind::pte, key.first, key.second};
        bool growing = e && e->kind == sim::EventKind::pte_install && v.touched_now(ref);
        float t_grow = growing ? v.anim : 1.0f;
        ImVec2 p0(from.first, from.second), p3(to->second.first, to->second.second);
        ImVec2 end(p0.x + (p3.x - p0.x) * t_grow, p0.y + (p3.y - p0.y) * t_grow);
        ImU32 c = growing ? highlight_colour(0.0f) : object_colour(pte->second.pfn == 0 ? 0 : 1, 0.55f);
        dl->AddLine(p0, end, c, growing ? 3.0f * v.zoom : 1.5f * v.zoom);
        if (!growing || t_grow >= 1.0f) dl->AddCircleFilled(p3, 3.0f * v.zoom, c);
    }
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
            have_from = true, from = box->second, have_to = task_at(caller, to), label = "msg_msg, received";
        } else if (e->kind == sim::EventKind::copy && r.kind == sim::ObjKind::msg_receiver) {
            have_from = task_at(caller, from), have_to = task_at(static_cast<int>(r.id), to), label = "msg_msg, handed over";
        }
    }
    if (!have_from || !have_to) return;
    float t = ease(v.anim);
    ImVec2 p(from.first + (to.first - from.first) * t, from.second + (to.second - from.second) * t);
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    ImVec2 size = ImGui::CalcTextSize(label.c_str());
    dl->AddLine(ImVec2(from.first, from.second), p, highlight_colour(0.3f), 2.0f * v.zoom);
    dl->AddRectFilled(ImVec2(p.x - 4, p.y - 3), ImVec2(p.x + size.x + 4, p.y + size.y + 3), highlight_colour(0.0f), 4.0f);
    dl->AddText(p, IM_COL32(20, 20, 20, 255), label.c_str());
}

void column(const char* id, float width, float height, void (*body)(const View&, Anchors&), const View& v, Anchors& a) {
    ImGui::BeginChild(id, ImVec2(width, height), true);
    body(v, a);
    ImGui::EndChild();
}

}  // namespace

void draw_layout(App& app, const View& v) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    // No background: main.cpp clears to the same colour, and a full-screen blended quad costs
    // llvmpipe as much fill rate as everything else on screen together.
    ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                             ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
    ImGui::Begin("ipcviz", nullptr, flags);
    panel_toolbar(app, v);
    Anchors anchors;
    ImVec2 avail = ImGui::GetContentRegionAvail();
    float gap = ImGui::GetStyle().ItemSpacing.x;
    float left = avail.x * 0.27f, middle = avail.x * 0.42f, right = avail.x - left - middle - 2 * gap;
    float h = avail.y;

    ImGui::BeginGroup();
    ImGui::BeginChild("Scenario", ImVec2(left, h * 0.55f), true);
    panel_scenario(app, v);
    ImGui::EndChild();
    ImGui::BeginChild("Kernel path", ImVec2(left, 0), true);
    panel_path(v);
    ImGui::EndChild();
    ImGui::EndGroup();
    ImGui::SameLine();

    ImGui::BeginGroup();
    column("Processes", middle, h * 0.62f, panel_processes, v, anchors);
    column("Physical memory", middle, 0, panel_memory, v, anchors);
    ImGui::EndGroup();
    ImGui::SameLine();

    ImGui::BeginGroup();
    ImGui::BeginChild("Shared memory", ImVec2(right, h * 0.34f), true);
    panel_shm(v);
    ImGui::EndChild();
    ImGui::BeginChild("Message queues", ImVec2(right, h * 0.36f), true);
    panel_msg(v, anchors);
    ImGui::EndChild();
    ImGui::BeginChild("Kernel comparison", ImVec2(right, 0), true);
    panel_compare(v);
    ImGui::EndChild();
    ImGui::EndGroup();

    if (v.kernel) draw_links(v, anchors);
    if (v.kernel) draw_flight(v, anchors);
    ImGui::End();
}

}  // namespace viz
