// The Page-table walk panel: the address split into its four indexes and its offset, then CR3 and
// the four table pages the MMU reads, each with the entry it takes lit, down to the frame and the
// byte. A first touch plays the walk stop by stop, the tables being allocated, the PTE being set.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/text.h"
#include "viz/draw.h"
#include "viz/layout.h"
#include "viz/walk.h"

namespace viz {
namespace {

int g_levels_drawn = 0;  // what the last frame's panel drew, for the tests

constexpr const char* kLevel[4] = {"PGD", "PUD", "PMD", "PTE"};
constexpr int kHigh[5] = {47, 38, 29, 20, 11};  // each field's top bit; the low bit is the next's top + 1

// One box of a row: its lines of text, and how it is drawn.
struct Box {
    std::vector<std::string> lines;
    ImU32 edge = 0;
    ImU32 fill = 0;
    float thickness = 1.0f;
    ImU32 text = 0;
};

ImVec2 box_size(const Box& b, float pad) {
    ImVec2 s(0, 0);
    for (const auto& l : b.lines) {
        ImVec2 t = ImGui::CalcTextSize(l.c_str());
        s.x = std::max(s.x, t.x);
        s.y += ImGui::GetTextLineHeight();
    }
    return ImVec2(s.x + 2 * pad, s.y + 2 * pad);
}

void draw_box(ImDrawList* dl, const Box& b, ImVec2 p, ImVec2 size, float pad) {
    ImVec2 q(p.x + size.x, p.y + size.y);
    if (b.fill) dl->AddRectFilled(p, q, b.fill, 3.0f);
    dl->AddRect(p, q, b.edge, 3.0f, 0, b.thickness);
    float ty = p.y + pad;
    for (const auto& l : b.lines) {
        dl->AddText(ImVec2(p.x + pad, ty), b.text ? b.text : text_colour(), l.c_str());
        ty += ImGui::GetTextLineHeight();
    }
}

void arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 c) {
    float head = ImGui::GetFontSize() * 0.3f;
    dl->AddLine(from, to, c, 1.5f);
    ImVec2 d(to.x - from.x, to.y - from.y);
    float len = std::sqrt(d.x * d.x + d.y * d.y);
    if (len < 1) return;
    d = ImVec2(d.x / len, d.y / len);
    dl->AddTriangleFilled(to, ImVec2(to.x - d.x * head - d.y * head * 0.6f, to.y - d.y * head + d.x * head * 0.6f),
                          ImVec2(to.x - d.x * head + d.y * head * 0.6f, to.y - d.y * head - d.x * head * 0.6f), c);
}

std::string bits(std::uint64_t v, int n) {
    std::string s;
    for (int i = n - 1; i >= 0; --i) s += (v >> i) & 1 ? '1' : '0';
    return s;
}

// Column f's field of the address: its bits, and its value in hex.
Box field_box(const Walk& w, int f) {
    int low = f < 4 ? kHigh[f + 1] + 1 : 0, n = kHigh[f] - low + 1;
    std::uint64_t v = (w.vaddr >> low) & ((std::uint64_t{1} << n) - 1);
    std::string name = f < 4 ? std::string(kLevel[f]) : std::string(explain::tr("offset"));
    return {{bits(v, n), fmt::format("{} {:#x}", name, v)}, object_colour(20 + f), object_colour(20 + f, 0.15f), 1.0f, 0};
}

// How a stop of the walk is drawn: lit while the MMU is there, red where the walk cannot go on.
Box stop_box(const Walk& w, int stop, std::vector<std::string> lines, bool missing, bool growing, float anim) {
    Box b{std::move(lines), object_colour(20 + std::min(stop, 4)), 0, 1.0f, 0};
    bool lit = w.lit > static_cast<float>(stop);
    if (missing) {
        b.edge = error_colour();
        b.text = dim_colour();
        if (lit || w.stops_at == static_cast<WalkLevel>(stop)) b.thickness = 2.0f, b.text = error_colour();
    }
    if (growing) b.edge = faded(highlight_colour(0), 0.4f + 0.6f * anim), b.fill = highlight_fill(1.0f - anim), b.thickness = 3.0f;
    else if (lit && !missing) b.fill = highlight_fill(0.6f), b.thickness = 2.0f;
    return b;
}

// The x86 flag letters of a PTE, '-' for a clear bit: P (the MMU's present bit: a PROT_NONE entry is
// present to the kernel but not to the MMU), W (R/W), U (U/S: a user page), A (accessed), D (dirty).
std::string flags_of(const sim::pte_t& p) {
    return fmt::format("{} {} U {} {}", p.protnone ? '-' : 'P', p.writable ? 'W' : '-', p.accessed ? 'A' : '-', p.dirty ? 'D' : '-');
}

// Indexes as ranges, "253" or "509-511, 3": at most two ranges, then "...".
std::string index_ranges(const std::vector<unsigned>& at) {
    std::string out;
    int ranges = 0;
    for (std::size_t i = 0; i < at.size();) {
        std::size_t j = i;
        while (j + 1 < at.size() && at[j + 1] == at[j] + 1) ++j;
        if (ranges++ == 2) return out + ", ...";
        out += (out.empty() ? "" : ", ") + (i == j ? std::to_string(at[i]) : fmt::format("{}-{}", at[i], at[j]));
        i = j + 1;
    }
    return out;
}

Box table_box(const View& v, const Walk& w, int level) {
    const WalkTable& t = w.tables[static_cast<std::size_t>(level)];
    std::vector<std::string> lines{level == 0 ? std::string("PGD (CR3)") : explain::say("{level} table", fmt::arg("level", kLevel[level]))};
    bool missing = !t.exists && !t.allocating;
    if (missing) {
        lines.push_back(std::string(explain::tr("not allocated")));
    } else {
        lines.push_back(explain::say("entry {i}", fmt::arg("i", t.index)));
        lines.push_back(explain::say("{used}/512 used", fmt::arg("used", t.used)));
        if (!t.used_at.empty()) lines.push_back("[" + index_ranges(t.used_at) + "]");
    }
    if (level == 3 && !missing) lines.push_back(w.pte ? flags_of(*w.pte) : std::string(explain::tr("not present")));
    bool pte_missing = level == 3 && !missing && w.stops_at == WalkLevel::pte;
    return stop_box(w, level, lines, missing || pte_missing, t.allocating || (level == 3 && w.installing), v.anim);
}

Box frame_box(const View& v, const Walk& w) {
    std::vector<std::string> lines{std::string(explain::tr("frame"))};
    bool reached = w.pte && w.stops_at != WalkLevel::pte;
    if (reached) {
        std::uint64_t off = w.vaddr & (sim::PAGE_SIZE - 1);
        lines.push_back(sim::hex(w.pte->pfn));
        auto it = v.kernel->frames().find(w.pte->pfn);
        const sim::page* pg = it != v.kernel->frames().end() ? &it->second : nullptr;
        unsigned char byte = pg && off < pg->data.size() ? static_cast<unsigned char>(pg->data[off]) : 0;
        lines.push_back(explain::say("byte: {value}", fmt::arg("value", fmt::format("{:#04x}", byte))));
    } else {
        lines.push_back(std::string(explain::tr("not reached")));
    }
    return stop_box(w, 4, lines, !reached, w.installing, v.anim);
}

// Five columns: each level's bits of the address over the table page they index, and the offset
// over the frame. Arrows: each table's entry to the next table, and each field down to its table.
// The font shrinks (to half at most) where the panel is too narrow for the five columns.
void walk_grid(const View& v, const Walk& w) {
    std::vector<Box> top, bottom;
    for (int f = 0; f < 5; ++f) top.push_back(field_box(w, f));
    for (int level = 0; level < 4; ++level) bottom.push_back(table_box(v, w, level));
    g_levels_drawn = 4;
    bottom.push_back(frame_box(v, w));
    // Room for a vertical scrollbar even while there is none: the panel gets one when the grid is
    // taller than it, and a grid that fitted would then be cut off by it.
    float avail = ImGui::GetContentRegionAvail().x - (ImGui::GetCurrentWindow()->ScrollbarY ? 0.0f : ImGui::GetStyle().ScrollbarSize);
    auto measure = [&](std::vector<float>& cols, float& top_h, float& bottom_h, float pad) {
        cols.assign(5, 0.0f);
        top_h = bottom_h = 0;
        for (int i = 0; i < 5; ++i) {
            ImVec2 a = box_size(top[static_cast<std::size_t>(i)], pad), b = box_size(bottom[static_cast<std::size_t>(i)], pad);
            cols[static_cast<std::size_t>(i)] = std::max(a.x, b.x);
            top_h = std::max(top_h, a.y), bottom_h = std::max(bottom_h, b.y);
        }
        float total = 0;
        for (float c : cols) total += c;
        return total;
    };
    std::vector<float> cols;
    float top_h = 0, bottom_h = 0, pad = 4.0f, gap = ImGui::GetFontSize() * 0.9f;
    float total = measure(cols, top_h, bottom_h, pad) + 4 * gap;
    // Text does not scale quite linearly (whole pixels): shrink again until it fits, or is at half.
    for (float scale = 1.0f; total > avail && scale > 0.5f;) {
        scale = std::max(0.5f, scale * avail / total * 0.98f);
        ImGui::SetWindowFontScale(scale);
        gap = ImGui::GetFontSize() * 0.9f;
        total = measure(cols, top_h, bottom_h, pad) + 4 * gap;
    }
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float drop = ImGui::GetFontSize() * 1.2f, y1 = origin.y + top_h + drop, x = origin.x;
    for (int i = 0; i < 5; ++i) {
        float cw = cols[static_cast<std::size_t>(i)];
        draw_box(dl, top[static_cast<std::size_t>(i)], ImVec2(x, origin.y), ImVec2(cw, top_h), pad);
        draw_box(dl, bottom[static_cast<std::size_t>(i)], ImVec2(x, y1), ImVec2(cw, bottom_h), pad);
        arrow(dl, ImVec2(x + cw / 2, origin.y + top_h), ImVec2(x + cw / 2, y1), object_colour(20 + i));
        if (i < 4) {
            float mid = y1 + pad + ImGui::GetTextLineHeight() * 1.5f;
            bool lit = w.lit > static_cast<float>(i + 1);
            arrow(dl, ImVec2(x + cw + 1, mid), ImVec2(x + cw + gap - 1, mid), lit ? highlight_colour(0) : dim_colour());
        }
        x += cw + gap;
    }
    ImGui::Dummy(ImVec2(total, y1 + bottom_h - origin.y));
    ImGui::SetWindowFontScale(1.0f);
}

// Why the walk stops, or that it got through, in one line under the chain.
void verdict(const Walk& w) {
    std::string says;
    if (w.stops_at && *w.stops_at != WalkLevel::pte)
        says = explain::say("no {level} table yet: the walk stops, and the MMU raises a page fault", fmt::arg("level", kLevel[static_cast<int>(*w.stops_at)]));
    else if (w.stops_at && w.pte && !w.pte->protnone)
        says = explain::tr("the PTE is present but read-only, and this is a write: a protection fault");
    else if (w.stops_at && w.pte && w.pte->protnone)
        says = explain::tr("the PTE is PROT_NONE: present to the kernel, but not to the MMU, so every access faults");
    else if (w.stops_at)
        says = explain::tr("the PTE is not present: the MMU raises a page fault");
    else if (w.pte && !w.pte->writable)
        says = explain::tr("the walk reaches the frame; the PTE is read-only, so a write raises a protection fault");
    else
        says = explain::tr("the walk reaches the frame: no fault");
    ImGui::PushStyleColor(ImGuiCol_Text, w.stops_at ? error_vec() : good_colour());
    text_wrapped(says);
    ImGui::PopStyleColor();
}

}  // namespace

int walk_levels_drawn() { return g_levels_drawn; }

void panel_walk(const View& v) {
    g_levels_drawn = 0;
    panel_title(explain::tr("Page-table walk: the MMU's four levels"));
    std::optional<Walk> w = walk_of(v);
    if (!w) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        text_wrapped(explain::tr("No access yet: the walk shows when a process touches memory, or when a PTE cell is clicked."));
        ImGui::PopStyleColor();
        return;
    }
    text_wrapped(explain::say("{who} (pid {pid}): virtual address {vaddr}; page-table pages below the PGD: {n}", fmt::arg("who", comm(*v.kernel, w->pid)),
                              fmt::arg("pid", w->pid), fmt::arg("vaddr", sim::hex(w->vaddr)), fmt::arg("n", w->pgtable_pages)));
    walk_grid(v, *w);
    verdict(*w);
}

}  // namespace viz
