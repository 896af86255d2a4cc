// Line by line through the program's own code. A store to a segment is seen only when the tracer
// looks, so the look is made whenever the C line changes: the store is then written with the line that
// made it, not with the line of the next system call. Inside the program's code (where it has line
// information) a process with attachments runs one instruction at a time; a call into a library runs
// at full speed up to an int3 at its return address. A loop that writes memory on one line for a whole
// slice runs free until it has left that line (Tracer::at_slice_end).
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>

#include <cstring>

#include "real/record/tracer.h"

namespace real::record {

namespace {

// Each look reads every page present in the process. Past this many, the process runs free and is
// looked at only at its calls and the ends of its slices: its lines are less exact, and the recording
// keeps pace with a program that fills a large segment.
constexpr std::size_t kPagesLookedAtEachLine = 64;

bool is_fork(long nr) { return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3; }

std::optional<user_regs_struct> regs_of(int pid) {
    user_regs_struct regs{};
    if (::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0) return std::nullopt;
    return regs;
}

bool same_line(const std::optional<SourceLine>& a, const SourceLine& b) { return a && a->line == b.line && a->file == b.file; }

}  // namespace

bool Tracer::worth_stepping(const Tracee& t) const { return !t.attachments.empty() && t.present.size() <= kPagesLookedAtEachLine; }

// A SIGTRAP that is not a system call stop: the end of our single step, our breakpoint, or the
// program's own (delivered to it).
void Tracer::on_trap(Tracee& t) {
    bool ours = t.single_stepped;
    t.single_stepped = false;
    if (ours) {
        t.stop = Tracee::Stop::stepped;
        t.signal = 0;
        return;
    }
    auto regs = regs_of(t.pid);
    if (t.breakpoint && regs && regs->rip == t.breakpoint + 1) {
        t.stop = Tracee::Stop::breakpoint;
        t.signal = 0;
    }
}

void Tracer::on_step(Tracee& t) {
    auto regs = regs_of(t.pid);
    if (!regs) return;
    if (auto l = m_lines.line_at(t.pid, regs->rip)) {
        if (same_line(t.line, *l)) return;
        observe(t, t.line);  // what the line just left did
        t.line = l;
        if (!worth_stepping(t)) t.mode = Tracee::Mode::free;
        t.moved = true;
        return;
    }
    // Out of the program's code: into the PLT and a library (the call's return address is on top of the
    // stack), or main returning to the C library.
    t.mode = Tracee::Mode::free;
    auto top = read_bytes(t.pid, regs->rsp, 8);
    std::uint64_t back = 0;
    if (top) std::memcpy(&back, top->data(), 8);
    if (back && m_lines.line_at(t.pid, back) && insert_breakpoint(t, back)) t.mode = Tracee::Mode::to_breakpoint;
}

// Back from a library call: what it did to the segments (strncpy into one) has the line that called it.
void Tracer::on_breakpoint(Tracee& t) {
    std::uint64_t at = t.breakpoint;
    remove_breakpoint(t);
    if (auto regs = regs_of(t.pid)) {
        regs->rip = at;
        ::ptrace(PTRACE_SETREGS, t.pid, nullptr, &*regs);
    }
    observe(t, t.line);
    t.mode = worth_stepping(t) ? Tracee::Mode::stepping : Tracee::Mode::free;
    t.line = m_lines.line_at(t.pid, at);
}

// At a system call made from a library the program called: break where that call returns to the program.
void Tracer::arm_at_return(Tracee& t) {
    if (t.mode != Tracee::Mode::free || t.breakpoint || !worth_stepping(t)) return;
    if (auto at = m_lines.return_into_program(t.pid); at && insert_breakpoint(t, *at)) {
        t.mode = Tracee::Mode::to_breakpoint;
        t.line = m_lines.line_at(t.pid, *at);
    }
}

// A fork copies the int3 into the child (a vfork shares it): it is taken out first, put back after.
void Tracer::before_syscall(Tracee& t) {
    if (!is_fork(t.syscall_nr)) return arm_at_return(t);
    if (!t.breakpoint) return;
    t.rearm = t.breakpoint;
    remove_breakpoint(t);
}

bool Tracer::insert_breakpoint(Tracee& t, std::uint64_t at) {
    errno = 0;
    long word = ::ptrace(PTRACE_PEEKTEXT, t.pid, at, nullptr);
    if (errno != 0) return false;
    long trapped = (word & ~0xffL) | 0xcc;
    if (::ptrace(PTRACE_POKETEXT, t.pid, at, trapped) != 0) return false;
    t.breakpoint = at;
    t.saved_word = static_cast<std::uint64_t>(word);
    return true;
}

void Tracer::remove_breakpoint(Tracee& t) {
    if (!t.breakpoint) return;
    ::ptrace(PTRACE_POKETEXT, t.pid, t.breakpoint, static_cast<long>(t.saved_word));
    t.breakpoint = 0;
}

}  // namespace real::record
