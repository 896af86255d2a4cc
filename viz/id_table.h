// The kernel's table of one kind of IPC object (struct ipc_ids, an idr by index; the seed's
// shm_segs and msgque arrays): in_use, and each index in use with the id it holds (seq * 32768 + idx).
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>

#include "viz/draw.h"
#include "viz/view.h"

namespace viz {

template <typename Ids>
void id_table(const View& v, const Ids& ids, std::string_view title, sim::ObjKind kind) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(std::string(title) + " " + explain::say("in_use {n}", fmt::arg("n", ids.in_use)));
    ImGui::PopStyleColor();
    int shown = 0;
    for (const auto& [idx, obj] : ids.entries) {
        int id = obj.perm().id;
        if (v.pending({kind, id})) continue;
        if (shown++ == 8) {
            ImGui::SameLine();
            ImGui::TextDisabled("...");
            break;
        }
        if (shown > 1) {
            ImGui::SameLine();
            if (ImGui::GetContentRegionAvail().x < ImGui::GetFontSize() * 5) ImGui::NewLine();
        }
        bool lit = v.touched_now({kind, id});
        text_box(fmt::format("[{}] {}", idx, id), object_colour(kind == sim::ObjKind::msg_queue ? 100 + id : kind == sim::ObjKind::sem_array ? 400 + id : id, 0.2f),
                 lit ? highlight_colour(v.anim) : dim_colour(), 1.0f, 2.0f);
    }
}

}  // namespace viz
