// The Shared memory panel: each segment as shmid_ds shows it, its page list, and its attach list
// (the seed's vm_next_shared chain; today the shmem file's i_mmap).
#include <imgui.h>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

void segment(const View& v, const sim::Kernel& k, const sim::shmid_kernel& s, float alpha) {
    const auto& p = s.shm_perm;
    ImGui::PushStyleVar(ImGuiStyleVar_Alpha, alpha);
    bool lit = v.touched_now({sim::ObjKind::shmid_kernel, p.id});
    std::string head = "shmid " + std::to_string(p.id) + "   key " + std::to_string(p.key) + "   mode " + sim::oct(p.mode) +
                       ((p.mode & sim::SHM_DEST) ? "  SHM_DEST" : "") + ((p.mode & sim::SHM_LOCKED) ? "  SHM_LOCKED" : "");
    text_box(head, object_colour(p.id, 0.2f), lit ? highlight_colour(v.anim) : object_colour(p.id), alpha);
    text_wrapped(explain::say("segsz {segsz}   nattch {nattch}   cpid {cpid}   lpid {lpid}   rss {rss} page(s)", fmt::arg("segsz", s.shm_segsz),
                              fmt::arg("nattch", s.shm_nattch), fmt::arg("cpid", comm(k, s.shm_cprid)), fmt::arg("lpid", comm(k, s.shm_lprid)),
                              fmt::arg("rss", s.pages.size())));
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
    std::string chain(explain::tr("attaches:"));
    int shown = 0;
    for (const auto& [pid, start] : s.attaches) {
        if (v.pending({sim::ObjKind::vm_area_struct, pid, start})) continue;
        if (++shown > 12) {
            chain += explain::say(" ... ({n} in all)", fmt::arg("n", s.shm_nattch));
            break;
        }
        chain += " " + comm(k, pid) + "@" + sim::hex(start) + " ->";
    }
    text_wrapped(shown > 12 ? chain : chain + " NULL");
    ImGui::Spacing();
    ImGui::PopStyleVar();
}

}  // namespace

void panel_shm(const View& v) {
    panel_title(explain::tr("Shared memory: shmid_ds"));
    if (!v.kernel) return;
    bool any = false;
    for (const auto& [idx, s] : v.kernel->ns().shm_ids.entries)
        if (!v.pending({sim::ObjKind::shmid_kernel, s.shm_perm.id})) segment(v, *v.kernel, s, 1.0f), any = true;
    if (v.before)  // a segment this step destroys fades out during the event that frees it
        for (const auto& [idx, s] : v.before->ns().shm_ids.entries) {
            sim::ObjRef ref{sim::ObjKind::shmid_kernel, s.shm_perm.id};
            float alpha = v.kernel->ns().shm_ids.find_id(s.shm_perm.id) ? 0.0f : v.leaving(ref);
            if (alpha > 0.0f) segment(v, *v.before, s, alpha), any = true;
        }
    if (!any) ImGui::TextDisabled("%s", explain::tr("no segment").data());
}

}  // namespace viz
