// Rows of boxes that stand for kernel objects on a list (a queue's messages, its sleepers, a
// semaphore set's sem_queues): boxes fade in as an event makes them and out as one takes them away.
#pragma once

#include <imgui.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "viz/layout.h"

namespace viz {

// One box of a row: its text, the object it stands for, and how visible it is.
struct Entry {
    std::string label;
    sim::ObjRef ref;
    float alpha = 1.0f;
};

// The most boxes a row shows: a long queue shows its head, and the rest is a count.
inline constexpr std::size_t kMaxBoxes = 64;

// A row of boxes, wrapping. A box the current event brings in fades in as the flying one
// (layout.cpp) arrives; a box the step takes away fades out during the event that does it.
// `linked`: the boxes are a list (struct list_head), drawn with an arrow from each to the next.
void box_row(const View& v, Anchors& a, const char* name, const std::vector<Entry>& entries, std::size_t more, int colour_id, bool linked);

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

}  // namespace viz
