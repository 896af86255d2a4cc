// The Shared memory panel: each segment as shmid_ds shows it, its page list, and its attach list
// (the seed's vm_next_shared chain; today the shmem file's i_mmap).
#include <imgui.h>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/id_table.h"
#include "viz/layout.h"

namespace viz {
namespace {

// The segment's attachments as the seed draws them: shmid_ds -> vm_area_struct -> vm_next_shared ->
// ... -> NULL (today the shmem file's i_mmap tree holds them). Each node is tied to its process's
// vma box by a line the layout draws (Anchors::attach).
void attach_chain(const View& v, const sim::Kernel& k, const sim::shmid_kernel& s, Anchors& a, float alpha) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(explain::tr("attaches (the seed's vm_next_shared chain; today i_mmap):"));
    ImGui::PopStyleColor();
    int shown = 0;
    for (const auto& [pid, start] : s.attaches) {
        if (v.pending({sim::ObjKind::vm_area_struct, pid, start})) continue;
        if (shown > 0) {
            ImGui::SameLine(0, 0);
            ImGui::TextDisabled(" -> ");
            ImGui::SameLine(0, 0);
            if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("shm2@0x7efffffff000").x) ImGui::NewLine();
        }
        if (++shown > 12) {
            ImGui::TextDisabled("%s", explain::say("... ({n} in all)", fmt::arg("n", s.shm_nattch)).c_str());
            return;
        }
        ImVec2 at = ImGui::GetCursorScreenPos();
        ImVec2 size = text_box(comm(k, pid) + "@" + sim::hex(start), object_colour(s.shm_perm.id, 0.2f),
                               v.touched_now({sim::ObjKind::vm_area_struct, pid, start}) ? highlight_colour(v.anim) : object_colour(s.shm_perm.id), alpha, 3.0f);
        if (alpha >= 1.0f && ImGui::IsItemVisible()) a.attach[{pid, start}] = {at.x + size.x / 2, at.y + size.y};  // scrolled away: no line
    }
    if (shown > 0) {
        ImGui::SameLine(0, 0);
        if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(" -> NULL").x) ImGui::NewLine();
        ImGui::TextDisabled(" -> NULL");
    }
    else ImGui::TextDisabled("   NULL");
}

void segment(const View& v, const sim::Kernel& k, const sim::shmid_kernel& s, Anchors& a, float alpha) {
    const auto& p = s.shm_perm;
    ImGui::PushStyleVar(ImGuiStyleVar_Alpha, alpha);
    bool lit = v.touched_now({sim::ObjKind::shmid_kernel, p.id});
    std::string head = "shmid " + std::to_string(p.id) + "   key " + ipcs_key(p.key) + "   mode " + sim::oct(p.mode) +
                       ((p.mode & sim::SHM_DEST) ? "  SHM_DEST" : "") + ((p.mode & sim::SHM_LOCKED) ? "  SHM_LOCKED" : "");
    text_box(head, object_colour(p.id, 0.2f), lit ? highlight_colour(v.anim) : object_colour(p.id), alpha);
    text_wrapped(explain::say("shm_perm: uid {uid}  gid {gid}  cuid {cuid}  cgid {cgid}", fmt::arg("uid", p.uid), fmt::arg("gid", p.gid),
                              fmt::arg("cuid", p.cuid), fmt::arg("cgid", p.cgid)));
    // The counters as they are at the cursor: a later event of the step may still change them.
    const sim::shmid_kernel* was = v.before ? v.before->ns().shm_ids.find_id(p.id) : nullptr;
    sim::ObjRef ref{sim::ObjKind::shmid_kernel, p.id};
    std::uint64_t nattch = v.value_at(ref, "nattch", was ? was->shm_nattch : 0, s.shm_nattch);
    std::uint64_t rss = v.value_at(ref, "rss", was ? was->pages.size() : 0, s.pages.size());
    text_wrapped(explain::say("segsz {segsz}   nattch {nattch}   cpid {cpid}   lpid {lpid}   rss {rss} page(s)", fmt::arg("segsz", s.shm_segsz),
                              fmt::arg("nattch", nattch), fmt::arg("cpid", comm(k, s.shm_cprid)), fmt::arg("lpid", comm(k, s.shm_lprid)),
                              fmt::arg("rss", rss)));
    std::string pages(explain::tr("pages:"));
    int n = 0;
    for (const auto& [pgoff, pfn] : s.pages) {
        if (v.pending({sim::ObjKind::page, static_cast<std::int64_t>(pfn)})) continue;
        if (++n > 12) {
            pages += " ...";
            break;
        }
        pages += " [" + std::to_string(pgoff) + "]->" + sim::hex(pfn);
    }
    text_wrapped(n ? std::string_view(pages) : explain::tr("pages: none yet (nothing touched)"));
    attach_chain(v, k, s, a, alpha);
    ImGui::Spacing();
    ImGui::PopStyleVar();
}

}  // namespace

void panel_shm(const View& v, Anchors& a) {
    panel_title(explain::tr("Shared memory: shmid_ds"));
    if (!v.kernel) return;
    id_table(v, v.kernel->ns().shm_ids, explain::tr("ipc_ids of shm (the seed's shm_segs):"), sim::ObjKind::shmid_kernel);
    bool any = false;
    for (const auto& [idx, s] : v.kernel->ns().shm_ids.entries)
        if (!v.pending({sim::ObjKind::shmid_kernel, s.shm_perm.id})) segment(v, *v.kernel, s, a, 1.0f), any = true;
    if (v.before)  // a segment this step destroys fades out during the event that frees it
        for (const auto& [idx, s] : v.before->ns().shm_ids.entries) {
            sim::ObjRef ref{sim::ObjKind::shmid_kernel, s.shm_perm.id};
            float alpha = v.kernel->ns().shm_ids.find_id(s.shm_perm.id) ? 0.0f : v.leaving(ref);
            if (alpha > 0.0f) segment(v, *v.before, s, a, alpha), any = true;
        }
    if (!any) ImGui::TextDisabled("%s", explain::tr("no segment").data());
}

}  // namespace viz
