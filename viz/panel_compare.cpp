// The Kernel comparison panel: the kernel run's values beside the model's for this step,
// differences in red; or one line saying why there is no kernel run here.
#include <imgui.h>

#include "explain/catalog.h"
#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {
namespace {

// `compared`: a value the two runs must agree on (a difference is red); an address is not one.
void row(const char* what, const std::string& model, const std::string& kernel, bool compared = true) {
    // Cells wrap (an address breaks where it must): a narrow panel cuts nothing off.
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    text_wrapped(what);
    ImGui::TableNextColumn();
    text_wrapped(model);
    ImGui::TableNextColumn();
    bool differs = compared && model != kernel;
    if (differs) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(error_colour()));
    text_wrapped(kernel);
    if (differs) ImGui::PopStyleColor();
}

std::string num(std::uint64_t v) { return std::to_string(v); }

void values(const sim::Observation& m, const sim::Observation& k) {
    if (!ImGui::BeginTable("cmp", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn(explain::tr("value").data());
    ImGui::TableSetupColumn(explain::tr("model").data());
    ImGui::TableSetupColumn(explain::tr("kernel").data());
    ImGui::TableHeadersRow();
    for (const auto& mp : m.procs) {
        const sim::ProcView* kp = k.proc(mp.name);
        std::string what = explain::say("{proc} state, minflt", fmt::arg("proc", mp.name));
        auto show = [](const sim::ProcView& p) { return std::string(explain::tr(sim::to_string(p.state))) + ", " + std::to_string(p.minflt); };
        row(what.c_str(), show(mp), kp ? show(*kp) : "-");
        // Each attachment's address in both runs: the kernel's base is random (ASLR), the model's
        // fixed per process, so they differ, and the scenario compares offsets into them instead.
        for (std::size_t i = 0; i < mp.maps.size(); ++i) {
            std::string at = explain::say("{proc}: shm {shmid} at", fmt::arg("proc", mp.name), fmt::arg("shmid", mp.maps[i].shmid));
            row(at.c_str(), sim::hex(mp.maps[i].start), kp && i < kp->maps.size() ? sim::hex(kp->maps[i].start) : "-", false);
        }
    }
    for (const auto& ms : m.shms) {
        const sim::ShmView* ks = k.shm(ms.shmid);
        std::string what = "shm(" + std::to_string(ms.shmid) + ") nattch, rss";
        auto show = [](const sim::ShmView& s) { return num(s.nattch) + ", " + num(s.rss); };
        row(what.c_str(), show(ms), ks ? show(*ks) : std::string(explain::tr("gone")));
    }
    for (const auto& mq : m.msqs) {
        const sim::MsqView* kq = k.msq(mq.msqid);
        std::string what = "msq(" + std::to_string(mq.msqid) + ") qnum, cbytes";
        auto show = [](const sim::MsqView& q) { return num(q.qnum) + ", " + num(q.cbytes); };
        row(what.c_str(), show(mq), kq ? show(*kq) : std::string(explain::tr("gone")));
    }
    ImGui::EndTable();
}

}  // namespace

void panel_compare(const View& v) {
    panel_title(explain::tr("Kernel comparison: the real kernel, same step"));
    if (v.compare.unavailable) {
        text_wrapped(explain::say("No kernel run here: {why}", fmt::arg("why", *v.compare.unavailable)));
        return;
    }
    if (!v.compare.kernel) return;
    const auto& diffs = *v.compare.differences;
    if (diffs.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, good_colour());
        text_wrapped(explain::tr("model and kernel agree on every value after this step"));
        ImGui::PopStyleColor();
    }
    for (const auto& d : diffs)
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(error_colour()), "%s",
                           explain::say("{what}: model {model}, kernel {kernel}", fmt::arg("what", d.what), fmt::arg("model", d.model), fmt::arg("kernel", d.kernel)).c_str());
    values(*v.compare.model, *v.compare.kernel);
}

}  // namespace viz
