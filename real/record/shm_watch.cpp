// What a process did to its attached segments since it last ran, read from the outside: a page
// newly present in its page table is a first touch, changed bytes are its stores, and a page that
// became present with nothing changed was read (a one-byte load). Only one traced process runs at
// a time, so every change belongs to the one that just ran.
#include <utility>
#include <vector>

#include "real/procfs.h"
#include "real/record/tracer.h"

namespace real::record {

namespace {

constexpr std::uint64_t kPage = 4096;
// Changed bytes closer than this are one store: a struct written field by field is one step.
constexpr std::size_t kJoin = 8;

// The changed byte ranges of a page, as [begin, end) pairs in address order.
std::vector<std::pair<std::size_t, std::size_t>> changes(const std::string& before, const std::string& after) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (before[i] == after[i]) continue;
        if (!out.empty() && i - out.back().second <= kJoin) out.back().second = i + 1;
        else out.emplace_back(i, i + 1);
    }
    return out;
}

}  // namespace

bool Tracer::observe(Tracee& t, const std::optional<SourceLine>& line) {
    if (t.attachments.empty()) return false;
    std::set<std::uint64_t> now;
    bool wrote = false;
    // Every step of one look has the same line: t's stack is read once, and only when a step is written.
    StepLine at{line, line.has_value()};
    for (const auto& m : sysv_mappings(t.pid))
        for (const auto& [start, a] : t.attachments)
            if (a.shmid == m.shmid && m.start >= start && m.end <= start + a.size) wrote |= observe_mapping(t, a, m.start, m.end, now, at);
    t.present = std::move(now);
    return wrote;
}

// One mapping of attachment a (a whole one, or a piece that munmap or mprotect left), compared
// with t.present: the pages present at t's last look.
bool Tracer::observe_mapping(Tracee& t, const Attachment& a, std::uint64_t start, std::uint64_t end, std::set<std::uint64_t>& now,
                             StepLine& at) {
    bool wrote = false;
    auto step = [&](std::string text) {
        if (!at.known && t.state == Tracee::State::stopped) at.line = m_lines.where(t.pid);
        at.known = true;
        emit(t, RecEntry::Kind::step, std::move(text), at.line, false);
    };
    for (const auto& [index, frame] : present_pages(t.pid, start, end)) {
        std::uint64_t addr = start + index * kPage;
        now.insert(addr);
        auto bytes = read_bytes(t.pid, addr, kPage);
        if (!bytes) continue;
        std::string& known = m_segment_pages[a.shmid][(addr - a.start) / kPage];
        if (known.empty()) known.assign(kPage, '\0');  // a page nobody has touched reads as zeros
        auto changed = changes(known, *bytes);
        wrote = wrote || !changed.empty() || !t.present.count(addr);
        if (changed.empty() && !t.present.count(addr))
            step("load(" + addr_arg(t, addr) + ", 1) => " + literal(bytes->substr(0, 1)));
        for (auto [b, e] : changed)
            step("store(" + addr_arg(t, addr + b) + ", " + text_value(bytes->substr(b, e - b)) + ") => 0");
        known = std::move(*bytes);
    }
    return wrote;
}

}  // namespace real::record
