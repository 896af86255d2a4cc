// The Message queues panel: each msqid_ds with its limits, its msg_msg list, and its two wait
// queues as rows of sleeping processes with what they wait for.
#include <imgui.h>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

std::string comm(const sim::Kernel& k, int pid) {
    const sim::task_struct* t = k.task(pid);
    return pid == 0 ? "-" : t ? t->comm : std::to_string(pid);
}

std::string wants(const sim::msg_receiver& r) {
    switch (r.r_mode) {
    case sim::SearchMode::any: return "any type";
    case sim::SearchMode::equal: return "type " + std::to_string(r.r_msgtype);
    case sim::SearchMode::notequal: return "not type " + std::to_string(r.r_msgtype);
    case sim::SearchMode::lessequal: return "type <= " + std::to_string(r.r_msgtype);
    case sim::SearchMode::number: return "position " + std::to_string(r.r_msgtype);
    }
    return "?";
}

// A row of boxes, wrapping; `lit` marks the ones the current event touches.
template <typename Items, typename Label, typename Ref>
void box_row(const View& v, Anchors& a, const char* name, const Items& items, int colour_id, Label label, Ref ref) {
    ImGui::TextDisabled("%s", name);
    ImGui::SameLine();
    int shown = 0;
    for (const auto& it : items) {
        sim::ObjRef r = ref(it);
        if (v.pending(r)) continue;
        if (shown++ > 0) ImGui::SameLine();
        if (ImGui::GetContentRegionAvail().x < 80 * v.zoom) ImGui::NewLine();
        ImVec2 at = ImGui::GetCursorScreenPos();
        // A box the current event brings in arrives with the flying one (layout.cpp) and fades in.
        const sim::KernelEvent* e = v.current_event();
        bool arriving = e && created_by(*e) == r && v.anim < 1.0f;
        if (arriving) ImGui::PushStyleVar(ImGuiStyleVar_Alpha, v.anim);
        ImVec2 size = text_box(label(it), object_colour(colour_id, arriving ? 0.2f * v.anim : 0.2f),
                               v.touched_now(r) ? highlight_colour(v.anim) : object_colour(colour_id));
        if (arriving) ImGui::PopStyleVar();
        a.box[Anchors::key(r)] = {at.x + size.x / 2, at.y + size.y / 2};
    }
    if (!shown) ImGui::TextDisabled("empty");
}

void queue(const View& v, Anchors& a, const sim::msg_queue& q) {
    const auto& p = q.q_perm;
    int id = p.id;
    bool lit = v.touched_now({sim::ObjKind::msg_queue, id});
    std::string head = "msqid " + std::to_string(id) + "   key " + std::to_string(p.key) + "   mode " + sim::oct(p.mode);
    text_box(head, object_colour(100 + id, 0.2f), lit ? highlight_colour(v.anim) : object_colour(100 + id));
    ImGui::Text("qbytes %llu   cbytes %llu   qnum %llu   lspid %s   lrpid %s", static_cast<unsigned long long>(q.q_qbytes),
                static_cast<unsigned long long>(q.q_cbytes), static_cast<unsigned long long>(q.q_qnum), comm(*v.kernel, q.q_lspid).c_str(),
                comm(*v.kernel, q.q_lrpid).c_str());
    box_row(v, a, "q_messages ", q.q_messages, 100 + id,
            [](const sim::msg_msg& m) { return "type " + std::to_string(m.m_type) + ", " + std::to_string(m.m_ts()) + " B " + sim::quoted(m.m_text, 12); },
            [&](const sim::msg_msg& m) { return sim::ObjRef{sim::ObjKind::msg_msg, id, m.serial}; });
    box_row(v, a, "q_receivers", q.q_receivers, 200 + id,
            [&](const sim::msg_receiver& r) { return comm(*v.kernel, r.r_tsk) + ": " + wants(r) + ", buf " + std::to_string(r.r_maxsize); },
            [](const sim::msg_receiver& r) { return sim::ObjRef{sim::ObjKind::msg_receiver, r.r_tsk, 0}; });
    box_row(v, a, "q_senders  ", q.q_senders, 300 + id,
            [&](const sim::msg_sender& s) { return comm(*v.kernel, s.tsk) + ": " + std::to_string(s.msgsz) + " B to send"; },
            [](const sim::msg_sender& s) { return sim::ObjRef{sim::ObjKind::msg_sender, s.tsk, 0}; });
    ImGui::Spacing();
}

}  // namespace

void panel_msg(const View& v, Anchors& a) {
    ImGui::TextUnformatted("Message queues: msqid_ds, msg_msg, wait queues");
    ImGui::Separator();
    if (!v.kernel) return;
    if (v.kernel->ns().msg_ids.entries.empty()) ImGui::TextDisabled("no queue");
    for (const auto& [idx, q] : v.kernel->ns().msg_ids.entries)
        if (!v.pending({sim::ObjKind::msg_queue, q.q_perm.id})) queue(v, a, q);
}

}  // namespace viz
