// The Message queues panel: each msqid_ds with its limits, its msg_msg list, and its two wait
// queues as rows of sleeping processes with what they wait for.
#include <imgui.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/id_table.h"
#include "viz/layout.h"

namespace viz {
namespace {

std::string wants(const sim::msg_receiver& r) {
    switch (r.r_mode) {
    case sim::SearchMode::any: return std::string(explain::tr("any type"));
    case sim::SearchMode::equal: return explain::say("type {type}", fmt::arg("type", r.r_msgtype));
    case sim::SearchMode::notequal: return explain::say("not type {type}", fmt::arg("type", r.r_msgtype));
    case sim::SearchMode::lessequal: return explain::say("type <= {type}", fmt::arg("type", r.r_msgtype));
    case sim::SearchMode::number: return explain::say("position {n}", fmt::arg("n", r.r_msgtype));
    }
    return "?";
}

// One box of a row: its text, the object it stands for, and how visible it is.
struct Entry {
    std::string label;
    sim::ObjRef ref;
    float alpha = 1.0f;
};

// The most boxes a row shows: a long queue shows its head, and the rest is a count.
constexpr std::size_t kMaxBoxes = 64;

// A row of boxes, wrapping. A box the current event brings in fades in as the flying one
// (layout.cpp) arrives; a box the step takes away fades out during the event that does it.
// `linked`: the boxes are a list (struct list_head), drawn with an arrow from each to the next.
void box_row(const View& v, Anchors& a, const char* name, const std::vector<Entry>& entries, std::size_t more, int colour_id, bool linked) {
    ImGui::TextDisabled("%s", name);
    ImGui::SameLine();
    int shown = 0;
    for (const auto& e : entries) {
        if (e.alpha <= 0.0f) continue;
        if (shown++ > 0) {
            ImGui::SameLine(0, linked ? 0.0f : -1.0f);
            if (linked) ImGui::TextDisabled(" -> "), ImGui::SameLine(0, 0);
        }
        // A box that does not fit in what is left of the line starts the next one (a Chinese label is wider).
        if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(e.label.c_str()).x + 8.0f) ImGui::NewLine();
        const sim::KernelEvent* now = v.current_event();
        float alpha = now && created_by(*now) == e.ref && v.anim < 1.0f ? v.anim * e.alpha : e.alpha;
        ImVec2 at = ImGui::GetCursorScreenPos();
        ImVec2 size = text_box(e.label, object_colour(colour_id, 0.2f), v.touched_now(e.ref) ? highlight_colour(v.anim) : object_colour(colour_id), alpha);
        if (ImGui::IsItemVisible()) a.box[Anchors::key(e.ref)] = {at.x + size.x / 2, at.y + size.y / 2};  // scrolled away: no line
    }
    if (!shown) ImGui::TextDisabled("%s", explain::tr("empty").data());
    if (more) ImGui::TextDisabled("%s", explain::say("... and {n} more", fmt::arg("n", more)).c_str());
}

// The entries of one list, at most kMaxBoxes of them: what is there now, then what this step took
// away (fading). `more` gets how many were left out.
template <typename Item, typename Label, typename Ref>
std::vector<Entry> entries(const View& v, const std::vector<Item>& now, const std::vector<Item>* before, Label label, Ref ref,
                           std::size_t& more) {
    std::vector<Entry> out;
    more = 0;
    for (const auto& it : now) {
        sim::ObjRef r = ref(it);
        if (v.pending(r)) continue;
        if (out.size() < kMaxBoxes) out.push_back({label(it), r, 1.0f});
        else ++more;
    }
    // A full row has no room for what leaves: 10,000 messages need no set of what is still here.
    if (!before || out.size() >= kMaxBoxes) return out;
    std::set<std::tuple<int, std::int64_t, std::uint64_t>> here;
    for (const auto& it : now) here.insert(Anchors::key(ref(it)));
    for (const auto& it : *before) {
        sim::ObjRef r = ref(it);
        if (here.count(Anchors::key(r))) continue;
        float alpha = v.leaving(r);
        if (alpha > 0.0f && out.size() < kMaxBoxes) out.push_back({label(it), r, alpha});
    }
    return out;
}

void queue(const View& v, Anchors& a, const sim::msg_queue& q) {
    const auto& p = q.q_perm;
    int id = p.id;
    const sim::msg_queue* was = v.before ? v.before->ns().msg_ids.find_id(id) : nullptr;
    bool lit = v.touched_now({sim::ObjKind::msg_queue, id});
    std::string head = "msqid " + std::to_string(id) + "   key " + ipcs_key(p.key) + "   mode " + sim::oct(p.mode);
    text_box(head, object_colour(100 + id, 0.2f), lit ? highlight_colour(v.anim) : object_colour(100 + id));
    text_wrapped(explain::say("q_perm: uid {uid}  gid {gid}  cuid {cuid}  cgid {cgid}", fmt::arg("uid", p.uid), fmt::arg("gid", p.gid),
                              fmt::arg("cuid", p.cuid), fmt::arg("cgid", p.cgid)));
    sim::ObjRef qref{sim::ObjKind::msg_queue, id};
    std::uint64_t cbytes = v.value_at(qref, "cbytes", was ? was->q_cbytes : 0, q.q_cbytes);
    std::uint64_t qnum = v.value_at(qref, "qnum", was ? was->q_qnum : 0, q.q_qnum);
    text_wrapped(sim::cat("qbytes ", q.q_qbytes, "   cbytes ", cbytes, "   qnum ", qnum, "   lspid ", comm(*v.kernel, q.q_lspid),
                          "   lrpid ", comm(*v.kernel, q.q_lrpid)));
    auto msg_label = [](const sim::msg_msg& m) {
        return explain::say("type {type}, {n} B {text}", fmt::arg("type", m.m_type), fmt::arg("n", m.m_ts()), fmt::arg("text", sim::quoted(m.m_text, 12)));
    };
    auto msg_ref = [&](const sim::msg_msg& m) { return sim::ObjRef{sim::ObjKind::msg_msg, id, m.serial}; };
    std::size_t more = 0;
    auto msgs = entries(v, q.q_messages, was ? &was->q_messages : nullptr, msg_label, msg_ref, more);
    box_row(v, a, "q_messages ", msgs, more, 100 + id, true);
    auto r_label = [&](const sim::msg_receiver& r) {
        return explain::say("{proc}: {wants}, buf {n}", fmt::arg("proc", comm(*v.kernel, r.r_tsk)), fmt::arg("wants", wants(r)), fmt::arg("n", r.r_maxsize));
    };
    auto r_ref = [](const sim::msg_receiver& r) { return sim::ObjRef{sim::ObjKind::msg_receiver, r.r_tsk, 0}; };
    auto receivers = entries(v, q.q_receivers, was ? &was->q_receivers : nullptr, r_label, r_ref, more);
    box_row(v, a, "q_receivers", receivers, more, 200 + id, true);
    auto s_label = [&](const sim::msg_sender& snd) {
        return explain::say("{proc}: {n} B to send", fmt::arg("proc", comm(*v.kernel, snd.tsk)), fmt::arg("n", snd.msgsz));
    };
    auto s_ref = [](const sim::msg_sender& snd) { return sim::ObjRef{sim::ObjKind::msg_sender, snd.tsk, 0}; };
    auto senders = entries(v, q.q_senders, was ? &was->q_senders : nullptr, s_label, s_ref, more);
    box_row(v, a, "q_senders  ", senders, more, 300 + id, true);
    ImGui::Spacing();
}

}  // namespace

void panel_msg(const View& v, Anchors& a) {
    panel_title(explain::tr("Message queues: msqid_ds, msg_msg, wait queues"));
    if (!v.kernel) return;
    id_table(v, v.kernel->ns().msg_ids, explain::tr("ipc_ids of msg (the seed's msgque):"), sim::ObjKind::msg_queue);
    if (v.kernel->ns().msg_ids.entries.empty()) ImGui::TextDisabled("%s", explain::tr("no queue").data());
    for (const auto& [idx, q] : v.kernel->ns().msg_ids.entries)
        if (!v.pending({sim::ObjKind::msg_queue, q.q_perm.id})) queue(v, a, q);
}

}  // namespace viz
