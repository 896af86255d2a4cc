// The Semaphores panel: each sem_array with its semaphores as bars (semval, sempid, semncnt,
// semzcnt), the semops asleep on it as sem_queues with their sembufs, and the sem_undo records
// that exit_sem will apply.
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/text.h"
#include "viz/box_row.h"
#include "viz/draw.h"
#include "viz/id_table.h"
#include "viz/layout.h"

namespace viz {
namespace {

int g_bars_drawn = 0;  // what the last frame's panel drew, for the tests

sim::ObjRef sem_ref(int id, std::size_t num) { return {sim::ObjKind::sem, id, num}; }

// "{0, -1, SEM_UNDO}" as the scenario and the C program write it.
std::string sembuf_text(const sim::sembuf& b) {
    std::string flags = (b.sem_flg & sim::IPC_NOWAIT) && (b.sem_flg & sim::SEM_UNDO) ? "IPC_NOWAIT|SEM_UNDO"
                        : (b.sem_flg & sim::IPC_NOWAIT)                            ? "IPC_NOWAIT"
                        : (b.sem_flg & sim::SEM_UNDO)                              ? "SEM_UNDO"
                                                                                   : "0";
    return sim::cat("{", b.sem_num, ", ", b.sem_op, ", ", flags, "}");
}

// One semaphore: its number, a bar as long as its value (against the largest value of the set, so
// that a lock of 1 fills it), the value, and who last changed it and who waits on it.
void semaphore_row(const View& v, int id, std::size_t n, int value, int largest, const sim::sem_array& sma) {
    const sim::sem& s = sma.sems[n];
    sim::ObjRef ref = sem_ref(id, n);
    bool lit = v.touched_now(ref);
    ImGui::TextDisabled("sem[%zu]", n);
    ImGui::SameLine();
    float em = ImGui::GetFontSize();
    float width = std::clamp(ImGui::GetContentRegionAvail().x * 0.3f, 4 * em, 12 * em), height = ImGui::GetTextLineHeight();
    ImVec2 at = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    float filled = largest > 0 ? width * static_cast<float>(std::max(value, 0)) / static_cast<float>(largest) : 0.0f;
    box(dl, at, ImVec2(at.x + width, at.y + height), object_colour(400 + id, 0.12f), lit ? highlight_colour(v.anim) : object_colour(400 + id),
        lit ? 2.0f : 1.0f);
    if (filled > 0) dl->AddRectFilled(at, ImVec2(at.x + filled, at.y + height), object_colour(400 + id, 0.75f));
    std::string val = std::to_string(value);
    dl->AddText(ImVec2(at.x + 4, at.y), text_colour(), val.c_str());
    ImGui::Dummy(ImVec2(width, height));
    if (ImGui::IsItemVisible()) ++g_bars_drawn;
    ImGui::SameLine();
    // The value is in the bar; the rest wraps in a narrow column rather than being cut.
    text_wrapped(explain::say("sempid {pid}  semncnt {ncnt}  semzcnt {zcnt}", fmt::arg("pid", comm(*v.kernel, s.sempid)),
                              fmt::arg("ncnt", sim::count_semcnt(sma, static_cast<int>(n), false)),
                              fmt::arg("zcnt", sim::count_semcnt(sma, static_cast<int>(n), true))));
}

// The sleepers of one kind (changing values, or waiting for zero), in the order they went to sleep.
std::vector<Entry> sleepers(const View& v, const sim::sem_array& sma, const sim::sem_array* was, bool alter, std::size_t& more) {
    auto label = [&](const sim::sem_queue& q) {
        std::string ops;
        for (const auto& b : q.sops) ops += (ops.empty() ? "" : " ") + sembuf_text(b);
        return explain::say("{proc}: {sembufs}, blocked on sem[{num}]", fmt::arg("proc", comm(*v.kernel, q.pid)), fmt::arg("sembufs", ops),
                            fmt::arg("num", q.blocking < q.sops.size() ? q.sops[q.blocking].sem_num : 0));
    };
    auto ref = [](const sim::sem_queue& q) { return sim::ObjRef{sim::ObjKind::sem_queue, q.pid, 0}; };
    std::vector<sim::sem_queue> now, before;
    for (const auto& q : sma.queues)
        if (q.alter == alter) now.push_back(q);
    if (was)
        for (const auto& q : was->queues)
            if (q.alter == alter) before.push_back(q);
    return entries(v, now, was ? &before : nullptr, label, ref, more);
}

std::vector<Entry> undo_records(const View& v, const sim::sem_array& sma, const sim::sem_array* was, std::size_t& more) {
    int id = sma.sem_perm.id;
    auto label = [&](const sim::sem_undo& u) {
        std::string adj;
        for (int a : u.semadj) adj += (adj.empty() ? "" : ", ") + (a > 0 ? "+" + std::to_string(a) : std::to_string(a));
        return explain::say("{proc}: semadj [{adj}]", fmt::arg("proc", comm(*v.kernel, u.pid)), fmt::arg("adj", adj));
    };
    auto ref = [id](const sim::sem_undo& u) { return sim::ObjRef{sim::ObjKind::sem_undo, id, static_cast<std::uint64_t>(u.pid)}; };
    return entries(v, sma.list_id, was ? &was->list_id : nullptr, label, ref, more);
}

void semaphore_set(const View& v, Anchors& a, const sim::sem_array& sma) {
    const auto& p = sma.sem_perm;
    int id = p.id;
    const sim::sem_array* was = v.before ? v.before->ns().sem_ids.find_id(id) : nullptr;
    bool lit = v.touched_now({sim::ObjKind::sem_array, id});
    std::string head = sim::cat("semid ", id, "   key ", ipcs_key(p.key), "   mode ", sim::oct(p.mode & 0777), "   nsems ", sma.sems.size());
    text_box(head, object_colour(400 + id, 0.2f), lit ? highlight_colour(v.anim) : object_colour(400 + id));
    text_wrapped(explain::say("sem_perm: uid {uid}  gid {gid}  cuid {cuid}  cgid {cgid}", fmt::arg("uid", p.uid), fmt::arg("gid", p.gid),
                              fmt::arg("cuid", p.cuid), fmt::arg("cgid", p.cgid)));
    // Each value as the cursor has it: the semval an event of this step set last, or the one before.
    std::vector<int> values;
    for (std::size_t n = 0; n < sma.sems.size(); ++n) {
        auto before = static_cast<std::uint64_t>(was && n < was->sems.size() ? was->sems[n].semval : 0);
        values.push_back(static_cast<int>(v.value_at(sem_ref(id, n), "val", before, static_cast<std::uint64_t>(sma.sems[n].semval))));
    }
    int largest = std::max(1, values.empty() ? 1 : *std::max_element(values.begin(), values.end()));
    for (std::size_t n = 0; n < sma.sems.size(); ++n) semaphore_row(v, id, n, values[n], largest, sma);
    std::size_t more = 0;
    box_row(v, a, "pending_alter", sleepers(v, sma, was, true, more), more, 500 + id, true);
    box_row(v, a, "pending_const", sleepers(v, sma, was, false, more), more, 600 + id, true);
    box_row(v, a, "sem_undo     ", undo_records(v, sma, was, more), more, 700 + id, true);
    ImGui::Spacing();
}

}  // namespace

void panel_sem(const View& v, Anchors& a) {
    g_bars_drawn = 0;
    panel_title(explain::tr("Semaphores: sem_array, sem_queue, sem_undo"));
    if (!v.kernel) return;
    id_table(v, v.kernel->ns().sem_ids, explain::tr("ipc_ids of sem:"), sim::ObjKind::sem_array);
    if (v.kernel->ns().sem_ids.entries.empty()) ImGui::TextDisabled("%s", explain::tr("no semaphore set").data());
    for (const auto& [idx, sma] : v.kernel->ns().sem_ids.entries)
        if (!v.pending({sim::ObjKind::sem_array, sma.sem_perm.id})) semaphore_set(v, a, sma);
}

int semaphore_bars_drawn() { return g_bars_drawn; }

}  // namespace viz
