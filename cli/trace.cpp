#include "explain/catalog.h"
#include "cli/trace.h"

#include <fmt/format.h>

#include "sim/scenario/diagnostic.h"
#include "explain/message.h"
#include "explain/present.h"
#include "explain/summary.h"
#include "sim/model_backend.h"
#include "sim/text.h"
#include "sim/uapi.h"

namespace cli {

using sim::EventKind;
using sim::scenario::printable;

std::string call_source(const sim::scenario::Scenario& s, const sim::scenario::Step& step) {
    int line = step.call.pos.line;
    if (line < 1 || line > static_cast<int>(s.lines.size())) return step.call.name;
    std::string_view text = s.lines[static_cast<std::size_t>(line - 1)];
    std::string out;
    int depth = 0;
    bool in_string = false;
    // From the call's name to its closing parenthesis.
    for (std::size_t i = static_cast<std::size_t>(step.call.pos.col - 1); i < text.size(); ++i) {
        char c = text[i];
        out += c;
        if (c == '"' && (i == 0 || text[i - 1] != '\\')) in_string = !in_string;
        if (in_string) continue;
        if (c == '(') ++depth;
        if (c == ')' && --depth == 0) break;
    }
    return out;
}

std::string format_check(const sim::Check& c) {
    // The marks line up in a column: each translation keeps its width.
    std::string_view mark = explain::tr(c.verdict == sim::Verdict::holds ? "ok  " : c.verdict == sim::Verdict::fails ? "FAIL" : "n/a ");
    const char* form = c.is_outcome ? "=>" : "expect";
    if (c.verdict == sim::Verdict::holds) return fmt::format("    {} {} {}\n", mark, form, printable(c.expected));
    return fmt::format("    {} {} {}   {}\n", mark, form, printable(c.expected), explain::say("(got {got})", fmt::arg("got", printable(c.got_text.empty() ? c.got : explain::say(c.got_text)))));
}

std::string call_text(const sim::scenario::Scenario& s, const sim::scenario::Step& step) {
    return (step.var ? *step.var + " = " : "") + call_source(s, step);
}

std::string result_text(const sim::scenario::Scenario& s, const sim::StepRecord& r) {
    const auto& step = s.steps[r.index];
    std::string result = explain::outcome_text(r.outcome, step.call.kind);
    if (step.call.kind == sim::scenario::CallKind::Fork && r.outcome.ret > 0) result += " (" + r.call.target + ")";
    return result;
}

std::vector<PathLine> kernel_path(const sim::StepRecord& r, const sim::Kernel& names) {
    std::vector<PathLine> out;
    // The caller's entry and return are the step's own line; a woken task's return is news.
    std::int64_t caller = r.outcome.events.empty() || r.outcome.events[0].touched.empty() ? -1 : r.outcome.events[0].touched[0].id;
    for (const auto& e : r.outcome.events) {
        if (e.kind == EventKind::syscall) continue;
        if (e.kind == EventKind::ret && !e.touched.empty() && e.touched[0].id == caller) continue;
        out.push_back({std::string(e.function), explain::sentence(e, r.outcome.texts, names)});
    }
    return out;
}

std::string format_step(const sim::scenario::Scenario& s, const sim::StepRecord& r, sim::scenario::Lang lang,
                        const sim::Kernel& names) {
    const auto& step = s.steps[r.index];
    std::string out;
    for (const auto& n : step.notes) out += "\n  " + explain::say("note: {text}", fmt::arg("text", printable(n.in(lang)))) + "\n";
    out += "\n" + explain::say("[{n}] line {line}  {proc}: {call}  -> {result}", fmt::arg("n", r.index + 1), fmt::arg("line", step.pos.line),
                               fmt::arg("proc", step.proc), fmt::arg("call", printable(call_text(s, step))),
                               fmt::arg("result", printable(result_text(s, r)))) + "\n";
    if (std::string summary = explain::step_summary(r.outcome, names); !summary.empty())
        out += "    " + explain::say("in short: {summary}", fmt::arg("summary", printable(summary))) + "\n";
    for (const auto& line : kernel_path(r, names)) out += fmt::format("      {:<26} {}\n", line.function, printable(line.sentence));
    for (const auto& c : r.checks) out += format_check(c);
    return out;
}

namespace {

std::string pid_name(const sim::Kernel& k, int pid) {
    if (pid == 0) return "-";
    const sim::task_struct* t = k.task(pid);
    return t ? t->comm : std::to_string(pid);
}

// Terminal columns a text takes: a CJK character takes two.
std::size_t columns(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if ((c & 0xc0) == 0x80) continue;
        n += c >= 0xe1 ? 2 : 1;
    }
    return n;
}

// A header row: each cell padded to its column's width (0: the last, unpadded).
std::string row(std::initializer_list<std::string_view> cells, std::initializer_list<std::size_t> widths) {
    std::string out;
    auto w = widths.begin();
    for (std::string_view c : cells) {
        out += c;
        std::size_t width = *w++;
        if (width) out.append(width + 1 > columns(c) ? width + 1 - columns(c) : 1, ' ');
    }
    return out + "\n";
}

std::string segment_table(const sim::Kernel& k) {
    std::string out = explain::say("------ Shared Memory Segments (model) --------") + "\n";
    out += row({explain::tr("key"), "shmid", explain::tr("owner"), explain::tr("perms"), explain::tr("bytes"), "nattch", "cpid", "lpid", "rss",
                explain::tr("status")},
               {10, 10, 6, 6, 12, 7, 6, 6, 5, 0});
    for (const auto& [idx, seg] : k.ns().shm_ids.entries) {
        const auto& p = seg.shm_perm;
        std::string status = (p.mode & sim::SHM_DEST) ? "dest" : "";
        if (p.mode & sim::SHM_LOCKED) status += status.empty() ? "locked" : " locked";
        out += fmt::format("0x{:08x} {:<10} {:<6} {:<6o} {:<12} {:<7} {:<6} {:<6} {:<5} {}\n",
                           static_cast<std::uint32_t>(p.key), p.id, p.uid, p.mode & 0777, seg.shm_segsz,
                           seg.shm_nattch, pid_name(k, seg.shm_cprid), pid_name(k, seg.shm_lprid), seg.pages.size(), status);
    }
    return out;
}

std::string queue_table(const sim::Kernel& k) {
    std::string out = "\n" + explain::say("------ Message Queues (model) --------") + "\n";
    out += row({explain::tr("key"), "msqid", explain::tr("owner"), explain::tr("perms"), explain::tr("used-bytes"), explain::tr("messages"), "lspid",
                "lrpid", "qbytes"},
               {10, 10, 6, 6, 11, 9, 6, 6, 0});
    for (const auto& [idx, q] : k.ns().msg_ids.entries) {
        const auto& p = q.q_perm;
        out += fmt::format("0x{:08x} {:<10} {:<6} {:<6o} {:<11} {:<9} {:<6} {:<6} {}\n", static_cast<std::uint32_t>(p.key), p.id,
                           p.uid, p.mode & 0777, q.q_cbytes, q.q_qnum, pid_name(k, q.q_lspid), pid_name(k, q.q_lrpid), q.q_qbytes);
        for (const auto& m : q.q_messages)
            out += "    " + explain::say("msg_msg  type {type}, {size} byte(s) {text}", fmt::arg("type", m.m_type), fmt::arg("size", m.m_ts()),
                                         fmt::arg("text", printable(sim::quoted(m.m_text, 40)))) + "\n";
        for (const auto& r : q.q_receivers)
            out += "    " + explain::say("q_receivers: {who} (buffer {size} bytes)", fmt::arg("who", pid_name(k, r.r_tsk)), fmt::arg("size", r.r_maxsize)) + "\n";
        for (const auto& snd : q.q_senders)
            out += "    " + explain::say("q_senders:   {who} ({size} byte(s) to send)", fmt::arg("who", pid_name(k, snd.tsk)), fmt::arg("size", snd.msgsz)) + "\n";
    }
    return out;
}

// As `ipcs -s`, then each set's semaphores as `ipcs -s -i SEMID` shows them, who sleeps in semop on
// what (a deadlock shows here), and the undo each process leaves for exit_sem.
std::string semaphore_table(const sim::Kernel& k) {
    std::string out = "\n" + explain::say("------ Semaphore Arrays (model) --------") + "\n";
    out += row({explain::tr("key"), "semid", explain::tr("owner"), explain::tr("perms"), "nsems"}, {10, 10, 6, 6, 0});
    for (const auto& [idx, s] : k.ns().sem_ids.entries) {
        const auto& p = s.sem_perm;
        out += fmt::format("0x{:08x} {:<10} {:<6} {:<6o} {}\n", static_cast<std::uint32_t>(p.key), p.id, p.uid, p.mode & 0777, s.nsems());
        out += "    " + row({explain::tr("semnum"), explain::tr("value"), "ncount", "zcount", "pid"}, {6, 6, 6, 6, 0});
        for (std::size_t i = 0; i < s.nsems(); ++i)
            out += fmt::format("    {:<6} {:<6} {:<6} {:<6} {}\n", i, s.sems[i].semval, sim::count_semcnt(s, static_cast<int>(i), false),
                               sim::count_semcnt(s, static_cast<int>(i), true), pid_name(k, s.sems[i].sempid));
        for (const auto& q : s.queues) {
            std::string ops;
            for (const auto& b : q.sops) ops += sim::cat(ops.empty() ? "" : " ", "{", b.sem_num, ", ", b.sem_op, ", ", b.sem_flg, "}");
            out += "    " + explain::say("sem_queue: {who} sleeps in semop {sembufs}, blocked on semaphore {num}", fmt::arg("who", pid_name(k, q.pid)),
                                         fmt::arg("sembufs", ops), fmt::arg("num", q.blocking < q.sops.size() ? q.sops[q.blocking].sem_num : 0)) +
                   "\n";
        }
        for (const auto& u : s.list_id) {
            std::string adj;
            for (int v : u.semadj) adj += (adj.empty() ? "" : " ") + std::to_string(v);
            out += "    " + explain::say("sem_undo: {who}, adjustments {adj}", fmt::arg("who", pid_name(k, u.pid)), fmt::arg("adj", adj)) + "\n";
        }
    }
    return out;
}

std::string mapping_table(const sim::Kernel& k) {
    std::string out = "\n" + explain::say("------ Processes: attachments and page tables (model) --------") + "\n";
    for (const auto& [pid, t] : k.tasks()) {
        out += explain::say("{comm} (pid {pid}, uid {uid}, {state}), {faults} minor fault(s)", fmt::arg("comm", t.comm), fmt::arg("pid", pid),
                            fmt::arg("uid", t.cred.euid), fmt::arg("state", explain::tr(sim::to_string(t.state))), fmt::arg("faults", t.min_flt)) +
               "\n";
        if (t.mm.mmap.empty()) out += "    " + explain::say("no attachments") + "\n";
        for (const auto& [start, vma] : t.mm.mmap) {
            out += "    " + explain::say("[{start}, {end}) shmid {shmid} {perms}  PTEs:", fmt::arg("start", sim::hex(vma.vm_start)),
                                         fmt::arg("end", sim::hex(vma.vm_end)), fmt::arg("shmid", vma.shmid), fmt::arg("perms", vma.perms().substr(0, 3)));
            auto first = t.mm.page_table.lower_bound(vma.vm_start), last = t.mm.page_table.lower_bound(vma.vm_end);
            if (first == last) out += " " + explain::say("none");
            for (auto it = first; it != last; ++it)
                out += " " + explain::say("page {page}->frame {pfn}", fmt::arg("page", (it->first - vma.vm_start) / sim::PAGE_SIZE),
                                          fmt::arg("pfn", sim::hex(it->second.pfn)));
            out += "\n";
        }
    }
    return out;
}

}  // namespace

std::string format_tables(const sim::Kernel& k) { return segment_table(k) + queue_table(k) + semaphore_table(k) + mapping_table(k); }

}  // namespace cli
