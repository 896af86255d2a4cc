// The Shared memory panel: each segment as shmid_ds shows it, its page list, and its attach list
// (the seed's vm_next_shared chain; today the shmem file's i_mmap).
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

void segment(const View& v, const sim::shmid_kernel& s) {
    const auto& p = s.shm_perm;
    bool lit = v.touched_now({sim::ObjKind::shmid_kernel, p.id});
    std::string head = "shmid " + std::to_string(p.id) + "   key " + std::to_string(p.key) + "   mode " + sim::oct(p.mode) +
                       ((p.mode & sim::SHM_DEST) ? "  SHM_DEST" : "") + ((p.mode & sim::SHM_LOCKED) ? "  SHM_LOCKED" : "");
    text_box(head, object_colour(p.id, 0.2f), lit ? highlight_colour(v.anim) : object_colour(p.id));
    ImGui::Text("segsz %llu   nattch %llu   cpid %s   lpid %s   rss %zu page(s)", static_cast<unsigned long long>(s.shm_segsz),
                static_cast<unsigned long long>(s.shm_nattch), comm(*v.kernel, s.shm_cprid).c_str(), comm(*v.kernel, s.shm_lprid).c_str(),
                s.pages.size());
    std::string pages = "pages:";
    int n = 0;
    for (const auto& [pgoff, pfn] : s.pages) {
        if (v.pending({sim::ObjKind::page, static_cast<std::int64_t>(pfn)})) continue;
        if (++n > 12) {
            pages += " ...";
            break;
        }
        pages += " [" + std::to_string(pgoff) + "]->" + sim::hex(pfn);
    }
    ImGui::TextWrapped("%s", n ? pages.c_str() : "pages: none yet (nothing touched)");
    std::string chain = "attaches:";
    for (const auto& [pid, start] : s.attaches) {
        if (v.pending({sim::ObjKind::vm_area_struct, pid, start})) continue;
        chain += " " + comm(*v.kernel, pid) + "@" + sim::hex(start) + " ->";
    }
    ImGui::TextWrapped("%s NULL", chain.c_str());
    ImGui::Spacing();
}

}  // namespace

void panel_shm(const View& v) {
    ImGui::TextUnformatted("Shared memory: shmid_ds");
    ImGui::Separator();
    if (!v.kernel) return;
    if (v.kernel->ns().shm_ids.entries.empty()) ImGui::TextDisabled("no segment");
    for (const auto& [idx, s] : v.kernel->ns().shm_ids.entries)
        if (!v.pending({sim::ObjKind::shmid_kernel, s.shm_perm.id})) segment(v, s);
}

}  // namespace viz
