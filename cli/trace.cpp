#include "explain/catalog.h"
#include "cli/trace.h"

#include <fmt/format.h>

#include "sim/scenario/diagnostic.h"
#include "explain/present.h"
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
    const char* mark = c.verdict == sim::Verdict::holds ? "ok  " : c.verdict == sim::Verdict::fails ? "FAIL" : "n/a ";
    const char* form = c.is_outcome ? "=>" : "expect";
    if (c.verdict == sim::Verdict::holds) return fmt::format("    {} {} {}\n", mark, form, printable(c.expected));
    return fmt::format("    {} {} {}   (got {})\n", mark, form, printable(c.expected), printable(c.got));
}

std::string format_step(const sim::scenario::Scenario& s, const sim::StepRecord& r, sim::scenario::Lang lang,
                        const sim::Kernel& names) {
    const auto& step = s.steps[r.index];
    std::string out;
    for (const auto& n : step.notes) out += "\n  " + explain::say("note: {text}", fmt::arg("text", printable(n.in(lang)))) + "\n";
    std::string lhs = step.var ? *step.var + " = " : "";
    std::string result = sim::describe(r.outcome, step.call.kind);
    if (step.call.kind == sim::scenario::CallKind::Fork && r.outcome.ret > 0) result += " (" + r.call.target + ")";
    out += fmt::format("\n[{}] line {}  {}: {}{}  -> {}\n", r.index + 1, step.pos.line, step.proc, lhs,
                       printable(call_source(s, step)), printable(result));
    // The caller's entry and return are the step's own line; a woken task's return is news.
    std::int64_t caller = r.outcome.events.empty() || r.outcome.events[0].touched.empty() ? -1 : r.outcome.events[0].touched[0].id;
    for (const auto& e : r.outcome.events) {
        if (e.kind == EventKind::syscall) continue;
        if (e.kind == EventKind::ret && !e.touched.empty() && e.touched[0].id == caller) continue;
        out += fmt::format("      {:<26} {}\n", e.function, printable(explain::sentence(e, r.outcome.texts, names)));
    }
    for (const auto& c : r.checks) out += format_check(c);
    return out;
}

namespace {

std::string pid_name(const sim::Kernel& k, int pid) {
    if (pid == 0) return "-";
    const sim::task_struct* t = k.task(pid);
    return t ? t->comm : std::to_string(pid);
}

std::string segment_table(const sim::Kernel& k) {
    std::string out = "------ Shared Memory Segments (model) --------\n";
    out += fmt::format("{:<10} {:<10} {:<6} {:<6} {:<12} {:<7} {:<6} {:<6} {:<5} {}\n", "key", "shmid", "owner",
                       "perms", "bytes", "nattch", "cpid", "lpid", "rss", "status");
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
    std::string out = "\n------ Message Queues (model) --------\n";
    out += fmt::format("{:<10} {:<10} {:<6} {:<6} {:<11} {:<9} {:<6} {:<6} {}\n", "key", "msqid", "owner", "perms",
                       "used-bytes", "messages", "lspid", "lrpid", "qbytes");
    for (const auto& [idx, q] : k.ns().msg_ids.entries) {
        const auto& p = q.q_perm;
        out += fmt::format("0x{:08x} {:<10} {:<6} {:<6o} {:<11} {:<9} {:<6} {:<6} {}\n", static_cast<std::uint32_t>(p.key), p.id,
                           p.uid, p.mode & 0777, q.q_cbytes, q.q_qnum, pid_name(k, q.q_lspid), pid_name(k, q.q_lrpid), q.q_qbytes);
        for (const auto& m : q.q_messages)
            out += fmt::format("    msg_msg  type {}, {} byte(s) {}\n", m.m_type, m.m_ts(), printable(sim::quoted(m.m_text, 40)));
        for (const auto& r : q.q_receivers)
            out += fmt::format("    q_receivers: {} (buffer {} bytes)\n", pid_name(k, r.r_tsk), r.r_maxsize);
        for (const auto& snd : q.q_senders)
            out += fmt::format("    q_senders:   {} ({} byte(s) to send)\n", pid_name(k, snd.tsk), snd.msgsz);
    }
    return out;
}

std::string mapping_table(const sim::Kernel& k) {
    std::string out = "\n------ Processes: attachments and page tables (model) --------\n";
    for (const auto& [pid, t] : k.tasks()) {
        out += fmt::format("{} (pid {}, uid {}, {}), {} minor fault(s)\n", t.comm, pid, t.cred.euid,
                           sim::to_string(t.state), t.min_flt);
        if (t.mm.mmap.empty()) out += "    no attachments\n";
        for (const auto& [start, vma] : t.mm.mmap) {
            out += fmt::format("    [{}, {}) shmid {} {}  PTEs:", sim::hex(vma.vm_start), sim::hex(vma.vm_end),
                               vma.shmid, vma.perms().substr(0, 3));
            auto first = t.mm.page_table.lower_bound(vma.vm_start), last = t.mm.page_table.lower_bound(vma.vm_end);
            if (first == last) out += " none";
            for (auto it = first; it != last; ++it)
                out += fmt::format(" page {}->frame {}", (it->first - vma.vm_start) / sim::PAGE_SIZE, sim::hex(it->second.pfn));
            out += "\n";
        }
    }
    return out;
}

}  // namespace

std::string format_tables(const sim::Kernel& k) { return segment_table(k) + queue_table(k) + mapping_table(k); }

}  // namespace cli
