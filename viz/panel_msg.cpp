// The Message queues panel: each msqid_ds with its limits, its msg_msg list, and its two wait
// queues as rows of sleeping processes with what they wait for.
#include <imgui.h>

#include <algorithm>
#include <set>
#include <tuple>
#include <vector>

#include "sim/text.h"
#include "viz/box_row.h"
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
