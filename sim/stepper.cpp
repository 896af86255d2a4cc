#include "sim/stepper.h"

#include <algorithm>

namespace sim {

namespace {

constexpr std::size_t kUnitBytes = 4096;  // a frame's worth of bytes: one unit, as one frame is

// Bytes a task holds besides its fixed fields: what its last load or msgrcv gave it, the message
// it carries asleep in msgsnd or was handed in msgrcv, and its page table.
std::size_t task_bytes(const task_struct& t) {
    std::size_t bytes = t.regs.data.size() + t.mm.page_table.size() * sizeof(pte_t);
    if (t.pending) {
        bytes += t.pending->msg.m_text.size();
        if (t.pending->r_msg) bytes += t.pending->r_msg->m_text.size();
    }
    return bytes;
}

// What a checkpoint copies, in pages' worth: one unit per object (task, mapping, segment, queue,
// message, frame) and one per 4 KiB of the bytes they hold. Walks the tasks and queues, not the
// messages: q_cbytes already sums up a queue's texts.
std::size_t units_held(const ModelBackend& m) {
    const Kernel& k = m.kernel();
    std::size_t objects = k.tasks().size() + k.ns().shm_ids.entries.size() + k.ns().msg_ids.entries.size() + k.frames().size();
    std::size_t bytes = 0;
    for (const auto& [pid, t] : k.tasks()) {
        objects += t.mm.mmap.size();
        bytes += task_bytes(t);
    }
    for (const auto& [idx, q] : k.ns().msg_ids.entries) {
        objects += q.q_qnum;
        bytes += q.q_cbytes;
    }
    for (const auto& [idx, s] : k.ns().sem_ids.entries) objects += 1 + s.queues.size() + s.list_id.size() + s.nsems() / 256;
    return objects + bytes / kUnitBytes;
}

}  // namespace

Stepper::Stepper(const scenario::Scenario& s, std::size_t checkpoint_every)
    : m_s(s), m_every(checkpoint_every ? checkpoint_every : 1) {
    m_initial = start_run(m_s, m_model);
    m_checkpoints.push_back({0, m_model, m_run, units_held(m_model)});
}

// One step forward, keeping a checkpoint once the last one is far enough behind.
bool Stepper::forward(bool record_events) {
    if (m_run.next >= m_s.steps.size() || (m_error_at && *m_error_at == m_run.next)) return false;
    m_model.record_events(record_events);
    StepRun r = run_step(m_s, m_model, m_run);
    m_model.record_events(true);
    if (r.error) {
        m_error = r.error;
        m_error_at = m_run.next;
        return false;
    }
    m_last = std::move(r.record);
    checkpoint_due();
    return true;
}

// Keeps a checkpoint once the newest is max(K, 4 x units) steps behind, so that each costs at most
// a quarter unit per step it covers. Measuring walks every task, so after a look that keeps none,
// the next waits a quarter of that many steps too. Replays below the newest checkpoint never look.
bool Stepper::checkpoint_due() {
    if (m_run.next < m_next_look) return false;
    std::size_t units = units_held(m_model);
    std::size_t due = m_checkpoints.back().at + std::max(m_every, 4 * units);
    if (m_run.next < due) {
        m_next_look = std::max(due, m_run.next + units / 4);
        return false;
    }
    m_checkpoints.push_back({m_run.next, m_model, m_run, units});
    m_next_look = m_run.next + m_every;
    return true;
}

std::size_t Stepper::checkpoint_units() const {
    std::size_t units = 0;
    for (const auto& c : m_checkpoints) units += c.units;
    return units;
}

// Restores the newest checkpoint taken before step n (strictly before, so that replaying the
// step that ends at n recovers its record), unless going forward from here is shorter.
void Stepper::restore_before(std::size_t n) {
    auto it = std::lower_bound(m_checkpoints.begin(), m_checkpoints.end(), n,
                               [](const Checkpoint& c, std::size_t v) { return c.at < v; });
    if (it != m_checkpoints.begin()) --it;
    if (n >= m_run.next && it->at <= m_run.next) return;
    m_model = it->model;
    m_run = it->run;
    m_last.reset();
}

std::size_t Stepper::seek(std::size_t n) {
    if (n != m_run.next) restore_before(n);
    // Only the step that ends at n is shown, so only it records its kernel path.
    while (m_run.next < n && forward(m_run.next + 1 == n)) {
    }
    return m_run.next;
}

}  // namespace sim
