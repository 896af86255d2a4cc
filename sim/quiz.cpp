#include "sim/quiz.h"

#include <algorithm>
#include <string>

#include "sim/scenario/constants.h"
#include "sim/scenario/diagnostic.h"

namespace sim {
namespace {

using scenario::CallKind;

constexpr int kSigsegv = 11;
constexpr int kEagain = 11, kEnomsg = 42, kE2big = 7;

Message errno_choice(int err) { return msg(N_("-1, errno {errno}"), arg("errno", scenario::errno_name(err))); }

bool has_event(const StepOutcome& o, EventKind kind, std::string_view function) {
    return std::any_of(o.events.begin(), o.events.end(), [&](const KernelEvent& e) { return e.kind == kind && e.function == function; });
}

// Puts the right choice among the others and notes where it went.
Question build(QuestionKind kind, Message text, std::vector<Message> choices, std::size_t answer) {
    return Question{kind, std::move(text), std::move(choices), answer};
}

// ---------------------------------------------------------------- does this access fault

// What the faults of a store/load came to, from its kernel path (handle_mm_fault and shmem_fault).
std::size_t fault_answer(const StepOutcome& o) {
    if ((o.fate == Fate::killed || o.fate == Fate::abandoned) && o.signo == kSigsegv) return 3;
    int faults = 0, frames = 0;
    for (const auto& e : o.events) {
        if (e.kind == EventKind::page_fault && e.arg("vaddr")) ++faults;
        if (e.kind == EventKind::frame_alloc) ++frames;
    }
    if (faults == 0) return 0;
    return frames > 0 ? 1 : 2;
}

Question fault_question(const StepRecord& rec) {
    return build(QuestionKind::fault,
                 msg(N_("{proc} runs {call}: does it fault, and is a frame allocated?"), arg("proc", rec.call.proc),
                     arg("call", rec.call.kind == CallKind::Store ? "store" : "load")),
                 {msg(N_("no page fault: the page table already maps the page")), msg(N_("a page fault, and a new frame is allocated and zeroed")),
                  msg(N_("a page fault, but the page is already in the segment: only the PTE is set")),
                  msg(N_("SIGSEGV: the access is not allowed there"))},
                 fault_answer(rec.outcome));
}

// ---------------------------------------------------------------- who wakes

std::vector<std::string> woken(const StepRecord& rec, const Observation& after) {
    std::vector<std::string> names;
    for (const auto& e : rec.outcome.events) {
        if (e.kind != EventKind::wake || e.touched.empty()) continue;
        std::string name = after.pid_name(static_cast<int>(e.touched[0].id));
        if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
    return names;
}

// "a, then b, then c", in the reader's language.
Message in_order(const std::vector<std::string>& names, std::size_t from = 0) {
    if (from + 1 >= names.size()) return verbatim(from < names.size() ? names[from] : "");
    return msg(N_("{first}, then {rest}"), arg("first", names[from]), arg("rest", in_order(names, from + 1)));
}

// Who wakes, when the step wakes someone and there is more than one way it could have gone.
std::optional<Question> wakes_question(const StepRecord& rec, const Observation& before, const Observation& after) {
    std::vector<std::string> order = woken(rec, after);
    if (order.empty()) return std::nullopt;
    std::vector<std::string> sleepers;
    for (const auto& p : before.procs)
        if (p.state == TaskState::blocked && p.name != rec.call.proc) sleepers.push_back(p.name);
    std::vector<std::vector<std::string>> options{order};
    auto add = [&](std::vector<std::string> o) {
        if (!o.empty() && std::find(options.begin(), options.end(), o) == options.end() && options.size() < 4) options.push_back(std::move(o));
    };
    add({order.rbegin(), order.rend()});
    add(sleepers);
    for (const auto& s : sleepers) add({s});
    if (options.size() < 2) return std::nullopt;  // with "nobody", fewer than three choices
    std::vector<std::string> right = options[0];
    std::sort(options.begin(), options.end());
    std::vector<Message> choices;
    std::size_t answer = 0;
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (options[i] == right) answer = i;
        choices.push_back(in_order(options[i]));
    }
    choices.push_back(msg(N_("nobody wakes")));
    return build(QuestionKind::wakes, msg(N_("Who wakes, and in what order?")), std::move(choices), answer);
}

// ---------------------------------------------------------------- message queues

std::optional<Question> which_message_question(const StepRecord& rec, const Observation& before) {
    const StepOutcome& o = rec.outcome;
    if (o.fate != Fate::returned || o.ret < 0 || rec.call.args.empty()) return std::nullopt;
    const MsqView* q = before.msq(static_cast<int>(rec.call.args[0]));
    if (!q || !q->messages || q->messages->size() < 2) return std::nullopt;
    const auto& msgs = *q->messages;
    std::size_t taken = msgs.size();
    for (std::size_t i = 0; i < msgs.size() && taken == msgs.size(); ++i)
        if (msgs[i].mtype == o.mtype && msgs[i].text.starts_with(o.data)) taken = i;
    if (taken == msgs.size()) return std::nullopt;
    // Four messages at most: the one taken and those nearest it in the queue.
    std::size_t first = taken > 1 ? taken - 1 : 0;
    first = msgs.size() > 4 ? std::min(first, msgs.size() - 4) : 0;
    std::vector<Message> choices;
    for (std::size_t i = first; i < msgs.size() && choices.size() < 4; ++i) {
        std::string text = msgs[i].text.size() > 24 ? msgs[i].text.substr(0, 24) + "..." : msgs[i].text;
        choices.push_back(msg(N_("message {n} of the queue: type {mtype}, \"{text}\""), arg("n", i + 1), arg("mtype", msgs[i].mtype),
                              arg("text", scenario::printable(text))));
    }
    choices.push_back(msg(N_("none of them: {proc} blocks"), arg("proc", rec.call.proc)));
    return build(QuestionKind::which_message, msg(N_("Which message does {proc}'s msgrcv get?"), arg("proc", rec.call.proc)), std::move(choices),
                 taken - first);
}

// The right choice among `fixed`, or an errno added as a choice of its own.
Question blocks_question(Message text, std::vector<Message> fixed, std::optional<std::size_t> right, int err) {
    std::size_t answer = right.value_or(fixed.size());
    if (!right) fixed.push_back(errno_choice(err));
    return build(QuestionKind::blocks, std::move(text), std::move(fixed), answer);
}

std::optional<Question> qnum_question(const StepRecord& rec, const Observation& before, const Observation& after);

Question msgsnd_question(const StepRecord& rec, const Observation& before, const Observation& after) {
    const StepOutcome& o = rec.outcome;
    std::optional<std::size_t> right;
    if (o.fate == Fate::blocked) right = 2;
    else if (o.ret == -1 && o.err == kEagain) right = 3;
    else if (o.ret == 0 && has_event(o, EventKind::copy, "pipelined_send")) right = 1;
    else if (o.ret == 0) {
        if (auto q = qnum_question(rec, before, after)) return *q;
        right = 0;
    }
    const std::string& p = rec.call.proc;
    return blocks_question(msg(N_("Does {proc}'s msgsnd block, and where does the message go?"), arg("proc", p)),
                           {msg(N_("returns 0: the message joins the queue")), msg(N_("returns 0: the message goes straight to a receiver asleep on q_receivers")),
                            msg(N_("blocks: the queue is full, so {proc} sleeps on q_senders"), arg("proc", p)),
                            msg(N_("-1, errno EAGAIN: the queue is full and IPC_NOWAIT is set"))},
                           right, o.err);
}

Question msgrcv_question(const StepRecord& rec) {
    const StepOutcome& o = rec.outcome;
    std::optional<std::size_t> right;
    if (o.fate == Fate::blocked) right = 1;
    else if (o.ret >= 0) right = 0;
    else if (o.err == kEnomsg) right = 2;
    else if (o.err == kE2big) right = 3;
    const std::string& p = rec.call.proc;
    return blocks_question(msg(N_("Does {proc}'s msgrcv block?"), arg("proc", p)),
                           {msg(N_("returns at once with a message")), msg(N_("blocks: no message matches, so {proc} sleeps on q_receivers"), arg("proc", p)),
                            msg(N_("-1, errno ENOMSG: nothing matches and IPC_NOWAIT is set")),
                            msg(N_("-1, errno E2BIG: the message is longer than msgsz"))},
                           right, o.err);
}

// ---------------------------------------------------------------- counts after the step

// Numbers around the right one: what it was, one more, one less.
Question count_question(QuestionKind kind, Message text, std::uint64_t was, std::uint64_t now) {
    std::vector<std::uint64_t> values{now, was, now + 1, std::max(now, was) + 1};
    if (now > 0) values.push_back(now - 1);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    while (values.size() > 4) values.erase(values.back() == now ? values.begin() : values.end() - 1);
    std::vector<Message> choices;
    std::size_t answer = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (values[i] == now) answer = i;
        choices.push_back(verbatim(std::to_string(values[i])));
    }
    return build(kind, std::move(text), std::move(choices), answer);
}

std::optional<Question> nattch_question(const Observation& before, const Observation& after) {
    for (const auto& was : before.shms) {
        const ShmView* now = after.shm(was.shmid);
        if (!now || now->nattch == was.nattch) continue;
        return count_question(QuestionKind::nattch, msg(N_("What is shm_nattch of segment {shmid} after this step?"), arg("shmid", was.shmid)),
                              was.nattch, now->nattch);
    }
    return std::nullopt;
}

std::optional<Question> qnum_question(const StepRecord& rec, const Observation& before, const Observation& after) {
    if (rec.call.args.empty()) return std::nullopt;
    int id = static_cast<int>(rec.call.args[0]);
    const MsqView* was = before.msq(id);
    const MsqView* now = after.msq(id);
    if (!was || !now || was->qnum == 0) return std::nullopt;
    return count_question(QuestionKind::qnum, msg(N_("How many messages are on queue {msqid} (qnum) after this step?"), arg("msqid", id)), was->qnum,
                          now->qnum);
}

// ---------------------------------------------------------------- semop

// semop that returned 0 and changed a value: the value after it; otherwise, whether it blocks.
std::optional<Question> semval_question(const StepRecord& rec, const Observation& before, const Observation& after) {
    if (rec.call.args.empty()) return std::nullopt;
    int id = static_cast<int>(rec.call.args[0]);
    const SemView* was = before.sem(id);
    const SemView* now = after.sem(id);
    if (!was || !now || was->sems.size() != now->sems.size()) return std::nullopt;
    for (std::size_t n = 0; n < now->sems.size(); ++n) {
        if (was->sems[n].val == now->sems[n].val) continue;
        return count_question(QuestionKind::semval,
                              msg(N_("What is semval of semaphore {num} of set {semid} after this step?"), arg("num", n), arg("semid", id)),
                              static_cast<std::uint64_t>(was->sems[n].val), static_cast<std::uint64_t>(now->sems[n].val));
    }
    return std::nullopt;
}

std::optional<Question> semop_question(const StepRecord& rec, const Observation& before, const Observation& after) {
    constexpr int kErange = 34;
    const StepOutcome& o = rec.outcome;
    std::optional<std::size_t> right;
    if (o.fate == Fate::blocked) right = 1;
    else if (o.ret == -1 && o.err == kEagain) right = 2;
    else if (o.ret == -1 && o.err == kErange) right = 3;
    else if (o.ret == 0) {
        if (auto q = semval_question(rec, before, after)) return q;
        right = 0;
    } else return std::nullopt;  // E2BIG, EFBIG, EINVAL...: the outcome question asks which
    const std::string& p = rec.call.proc;
    return blocks_question(msg(N_("Does {proc}'s semop proceed, or block?"), arg("proc", p)),
                           {msg(N_("returns 0: every sembuf is applied at once")),
                            msg(N_("blocks: a sembuf cannot proceed, so none is applied and {proc} sleeps as a sem_queue"), arg("proc", p)),
                            msg(N_("-1, errno EAGAIN: a sembuf cannot proceed and has IPC_NOWAIT")),
                            msg(N_("-1, errno ERANGE: a value would go above 32767"))},
                           right, o.err);
}

// ---------------------------------------------------------------- kill, and any call's return

std::optional<Question> state_question(const StepRecord& rec, const Observation& after) {
    const ProcView* target = after.proc(rec.call.target);
    if (!target) return std::nullopt;
    std::vector<Message> choices{msg(N_("it is ready: it runs on")), msg(N_("it is asleep in the kernel (blocked)")), msg(N_("it has exited")),
                                 msg(N_("it is killed by the signal"))};
    return build(QuestionKind::state, msg(N_("What becomes of {target}?"), arg("target", rec.call.target)), std::move(choices),
                 static_cast<std::size_t>(target->state));
}

// Errnos a student might expect of each call, beside the one it gives.
std::vector<int> likely_errnos(CallKind kind) {
    constexpr int eperm = 1, enoent = 2, enomem = 12, eacces = 13, eexist = 17, einval = 22, efbig = 27, enospc = 28, erange = 34, eidrm = 43;
    switch (kind) {
    case CallKind::Shmget: return {enoent, eexist, einval, eacces, enospc};
    case CallKind::Shmat: return {einval, eacces, eidrm, enomem};
    case CallKind::Shmdt: return {einval, eacces, enoent};
    case CallKind::Msgget: return {enoent, eexist, eacces, enospc};
    case CallKind::Shmctl:
    case CallKind::Msgctl: return {einval, eperm, eacces, eidrm};
    case CallKind::Munmap:
    case CallKind::Mprotect: return {einval, eacces, enomem};
    case CallKind::Fork: return {kEagain, enomem};
    case CallKind::Semget: return {enoent, eexist, einval, eacces, enospc};
    case CallKind::Semctl: return {einval, eperm, eacces, erange, eidrm};
    case CallKind::Semop: return {kEagain, kE2big, efbig, erange, eidrm};
    default: return {};
    }
}

std::optional<Question> outcome_question(const scenario::Scenario& s, std::size_t step, const StepRecord& rec) {
    std::vector<int> errnos = likely_errnos(rec.call.kind);
    const StepOutcome& o = rec.outcome;
    if (errnos.empty() || o.fate != Fate::returned) return std::nullopt;
    bool failed = o.ret == -1 && o.err != 0;
    std::vector<Message> choices;
    if (rec.call.kind == CallKind::Fork) choices.push_back(msg(N_("returns the pid of {child}"), arg("child", rec.call.target)));
    else if (rec.call.kind == CallKind::Shmat) choices.push_back(msg(N_("returns the address of the attachment")));
    else choices.push_back(failed ? msg(N_("succeeds")) : msg(N_("returns {ret}"), arg("ret", o.ret)));
    if (rec.call.kind == CallKind::Fork) choices.push_back(msg(N_("returns 0")));
    std::size_t answer = 0;
    if (failed && std::find(errnos.begin(), errnos.end(), o.err) == errnos.end()) errnos.insert(errnos.begin(), o.err);
    for (int e : errnos) {
        if (choices.size() >= 5) break;
        if (failed && e == o.err) answer = choices.size();
        choices.push_back(errno_choice(e));
    }
    if (failed && answer == 0) {  // cut off by the limit: the right errno replaces the last one
        choices.back() = errno_choice(o.err);
        answer = choices.size() - 1;
    }
    return build(QuestionKind::outcome, msg(N_("What does {proc}'s {call} return?"), arg("proc", rec.call.proc), arg("call", s.steps[step].call.name)),
                 std::move(choices), answer);
}

}  // namespace

std::optional<Question> make_question(const scenario::Scenario& s, std::size_t step, const Observation& before, const StepRecord& rec,
                                      const Observation& after) {
    CallKind kind = rec.call.kind;
    if (kind == CallKind::Store || kind == CallKind::Load) return fault_question(rec);
    std::vector<std::string> order = woken(rec, after);
    bool several = order.size() >= 2;
    if (kind == CallKind::Msgrcv && !several) {
        if (auto q = which_message_question(rec, before)) return q;
        return msgrcv_question(rec);
    }
    if (kind == CallKind::Msgsnd && !several) return msgsnd_question(rec, before, after);
    if (kind == CallKind::Semop && !several)
        if (auto q = semop_question(rec, before, after)) return q;
    if (auto q = wakes_question(rec, before, after)) return q;
    if (kind == CallKind::Kill) return state_question(rec, after);
    if (auto q = nattch_question(before, after)) return q;
    return outcome_question(s, step, rec);
}

}  // namespace sim
