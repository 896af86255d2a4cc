#include "sim/compare.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "sim/ctl_buf.h"
#include "sim/runner.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace sim {
namespace {

struct Differ {
    std::vector<Difference>& out;

    template <typename T>
    void field(const std::string& what, const T& m, const T& k) {
        if (m != k) out.push_back({what, text(m), text(k)});
    }
    static std::string text(std::int64_t v) { return std::to_string(v); }
    static std::string text(std::uint64_t v) { return std::to_string(v); }
    static std::string text(std::uint32_t v) { return oct(v); }
    static std::string text(int v) { return std::to_string(v); }
    static std::string text(const std::string& v) { return v; }
    static std::string text(TaskState v) { return std::string(to_string(v)); }
};

// A process's attachments as a comparable list: where each is (segment and page in it), how big,
// its permissions, and which of its pages this process maps. Addresses themselves differ by design.
struct MapKey {
    int shmid;
    std::uint64_t pgoff;
    std::uint64_t pages;
    std::string perms;
    std::vector<std::uint64_t> present;
    auto operator<=>(const MapKey&) const = default;
};

std::vector<MapKey> map_keys(const ProcView& p) {
    std::vector<MapKey> keys;
    for (const auto& m : p.maps) {
        MapKey k{m.shmid, m.pgoff, (m.end - m.start) / 4096, m.perms, {}};
        for (const auto& [page, pfn] : m.present) k.present.push_back(page);
        keys.push_back(std::move(k));
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::string maps_text(const std::vector<MapKey>& keys) {
    std::string s;
    for (const auto& k : keys) {
        s += cat(s.empty() ? "" : "; ", "shm ", k.shmid, " ", k.perms, k.pgoff ? cat(" from page ", k.pgoff) : "", " pages mapped [");
        for (std::size_t i = 0; i < k.present.size(); ++i) s += cat(i ? "," : "", k.present[i]);
        s += "]";
    }
    return s.empty() ? "none" : s;
}

// Which mapped pages share a frame, as labels given in a fixed order: the same partition gives the
// same labels, whatever the frame numbers are. A page is named by the segment page it maps
// (pgoff + index), so the pieces of a split attachment sort the same way in both runs.
std::vector<int> frame_partition(const Observation& o) {
    std::vector<std::tuple<std::string, int, std::uint64_t, bool, std::uint64_t>> pages;  // proc, shmid, page, rdonly, pfn
    for (const auto& p : o.procs)
        for (const auto& m : p.maps)
            for (const auto& [page, pfn] : m.present) pages.emplace_back(p.name, m.shmid, m.pgoff + page, m.rdonly, pfn);
    std::sort(pages.begin(), pages.end());
    std::map<std::uint64_t, int> label;
    std::vector<int> out;
    for (const auto& t : pages) out.push_back(label.try_emplace(std::get<4>(t), static_cast<int>(label.size())).first->second);
    return out;
}

// docs/scenario-language.md, "Times": the model counts steps and the kernel seconds, so a time compares only as
// set or never set.
std::string time_text(std::int64_t t) { return t ? "set" : "0 (never set)"; }

void compare_time(Differ& d, const std::string& what, std::int64_t m, std::int64_t k) {
    if ((m != 0) != (k != 0)) d.out.push_back({what, time_text(m), time_text(k)});
}

// PROC.buf: which structure, then each of its fields; pids by name, times as set or not.
void compare_buf(const Observation& mo, const ProcView& mp, const Observation& ko, const ProcView& kp, Differ& d) {
    const std::string n = mp.name + ".buf";
    if (mp.buf.kind != kp.buf.kind) {
        d.out.push_back({n, std::string(buf_kind_name(mp.buf.kind)), std::string(buf_kind_name(kp.buf.kind))});
        return;
    }
    if (mp.buf.kind == BufKind::semall) {  // GETALL's values, which have no names: n.buf[N]
        d.field(n + " values", static_cast<std::uint64_t>(mp.buf.semall_count), static_cast<std::uint64_t>(kp.buf.semall_count));
        std::size_t kept = std::min<std::size_t>({mp.buf.semall_count, kp.buf.semall_count, kSemallMax});
        for (std::size_t i = 0; i < kept; ++i) d.field(cat(n, "[", i, "]"), static_cast<int>(mp.buf.semall[i]), static_cast<int>(kp.buf.semall[i]));
        return;
    }
    std::string_view fields = buf_fields(mp.buf.kind);
    while (!fields.empty()) {
        std::size_t sp = fields.find(' ');
        std::string f(fields.substr(0, sp));
        fields = sp == std::string_view::npos ? std::string_view{} : fields.substr(sp + 1);
        auto mv = read_buf_field(mp.buf, f), kv = read_buf_field(kp.buf, f);
        if (!mv || !kv) continue;
        std::string what = n + "." + f;
        if (mv->type == BufField::Type::Time) compare_time(d, what, mv->value, kv->value);
        else if (mv->type == BufField::Type::Pid)
            d.field(what, mo.pid_name(static_cast<int>(mv->value)), ko.pid_name(static_cast<int>(kv->value)));
        else if (mv->type == BufField::Type::Unsigned)
            d.field(what, static_cast<std::uint64_t>(mv->value), static_cast<std::uint64_t>(kv->value));
        else d.field(what, mv->value, kv->value);
    }
}

// semctl's return value: GETPID's is a pid, which compares as the process it names; any other
// value as a number (a value that names a process on both sides by chance is equal on both).
bool same_semctl_ret(const Observation& m, std::int64_t mret, const Observation& k, std::int64_t kret) {
    if (mret == kret) return true;
    if (mret <= 0 || kret <= 0 || mret > INT32_MAX || kret > INT32_MAX) return false;
    const ProcView* mp = m.proc_by_pid(static_cast<int>(mret));
    const ProcView* kp = k.proc_by_pid(static_cast<int>(kret));
    return mp && kp && mp->name == kp->name;
}

void compare_procs(const Observation& m, const Observation& k, const LastCalls& last, Differ& d) {
    for (const auto& mp : m.procs) {
        const ProcView* kp = k.proc(mp.name);
        if (!kp) {
            d.out.push_back({mp.name, "exists", "missing"});
            continue;
        }
        const std::string n = mp.name + ".";
        d.field(n + "state", mp.state, kp->state);
        auto it = last.find(mp.name);
        bool raw_ret = it == last.end() || (it->second != scenario::CallKind::Shmat && it->second != scenario::CallKind::Fork);
        bool semctl = it != last.end() && it->second == scenario::CallKind::Semctl;
        // A sleeper's call has not returned: its ret is the one before (shmat's address, say).
        bool asleep = mp.state == TaskState::blocked && kp->state == TaskState::blocked;
        if (semctl && !asleep) {
            if (!same_semctl_ret(m, mp.ret, k, kp->ret)) d.field(n + "ret", mp.ret, kp->ret);
        } else if (!asleep && (raw_ret || mp.ret == -1 || kp->ret == -1)) {
            d.field(n + "ret", mp.ret, kp->ret);
        }
        d.field(n + "errno", std::string(scenario::errno_name(mp.err)), std::string(scenario::errno_name(kp->err)));
        if (mp.data != kp->data) d.out.push_back({n + "data", quoted(mp.data, 48), quoted(kp->data, 48)});
        d.field(n + "mtype", mp.mtype, kp->mtype);
        d.field(n + "minflt", mp.minflt, kp->minflt);
        d.field(n + "signal", std::string(scenario::signal_name(mp.term_signal)), std::string(scenario::signal_name(kp->term_signal)));
        auto mk = map_keys(mp), kk = map_keys(*kp);
        if (mk != kk) d.out.push_back({n + "attachments", maps_text(mk), maps_text(kk)});
        compare_buf(m, mp, k, *kp, d);
    }
}

void compare_shms(const Observation& m, const Observation& k, Differ& d) {
    for (const auto& ms : m.shms) {
        const ShmView* ks = k.shm(ms.shmid);
        std::string n = cat("shm(", ms.shmid, ").");
        if (!ks) {
            d.out.push_back({n + "exists", "1", "0"});
            continue;
        }
        d.field(n + "key", ms.key, ks->key);
        d.field(n + "mode", ms.mode, ks->mode);
        d.field(n + "segsz", ms.segsz, ks->segsz);
        d.field(n + "nattch", ms.nattch, ks->nattch);
        d.field(n + "cpid", m.pid_name(ms.cpid), k.pid_name(ks->cpid));
        d.field(n + "lpid", m.pid_name(ms.lpid), k.pid_name(ks->lpid));
        d.field(n + "uid", ms.uid, ks->uid);
        d.field(n + "gid", ms.gid, ks->gid);
        d.field(n + "cuid", ms.cuid, ks->cuid);
        d.field(n + "cgid", ms.cgid, ks->cgid);
        d.field(n + "rss", ms.rss, ks->rss);
        compare_time(d, n + "atime", ms.atime, ks->atime);
        compare_time(d, n + "dtime", ms.dtime, ks->dtime);
        compare_time(d, n + "ctime", ms.ctime, ks->ctime);
    }
    for (const auto& ks : k.shms)
        if (!m.shm(ks.shmid)) d.out.push_back({cat("shm(", ks.shmid, ").exists"), "0", "1"});
}

void compare_msqs(const Observation& m, const Observation& k, Differ& d) {
    for (const auto& mq : m.msqs) {
        const MsqView* kq = k.msq(mq.msqid);
        std::string n = cat("msq(", mq.msqid, ").");
        if (!kq) {
            d.out.push_back({n + "exists", "1", "0"});
            continue;
        }
        d.field(n + "key", mq.key, kq->key);
        d.field(n + "mode", mq.mode, kq->mode);
        d.field(n + "qnum", mq.qnum, kq->qnum);
        d.field(n + "cbytes", mq.cbytes, kq->cbytes);
        d.field(n + "qbytes", mq.qbytes, kq->qbytes);
        d.field(n + "lspid", m.pid_name(mq.lspid), k.pid_name(kq->lspid));
        d.field(n + "lrpid", m.pid_name(mq.lrpid), k.pid_name(kq->lrpid));
        d.field(n + "uid", mq.uid, kq->uid);
        d.field(n + "gid", mq.gid, kq->gid);
        d.field(n + "cuid", mq.cuid, kq->cuid);
        d.field(n + "cgid", mq.cgid, kq->cgid);
        compare_time(d, n + "stime", mq.stime, kq->stime);
        compare_time(d, n + "rtime", mq.rtime, kq->rtime);
        compare_time(d, n + "ctime", mq.ctime, kq->ctime);
    }
    for (const auto& kq : k.msqs)
        if (!m.msq(kq.msqid)) d.out.push_back({cat("msq(", kq.msqid, ").exists"), "0", "1"});
}

// Each set by id: its semid_ds, then each semaphore (sempid by name). `pending` is the model's alone.
void compare_sems(const Observation& m, const Observation& k, Differ& d) {
    for (const auto& ms : m.sems) {
        const SemView* ks = k.sem(ms.semid);
        std::string n = cat("sem(", ms.semid, ")");
        if (!ks) {
            d.out.push_back({n + ".exists", "1", "0"});
            continue;
        }
        d.field(n + ".key", ms.key, ks->key);
        d.field(n + ".mode", ms.mode, ks->mode);
        d.field(n + ".nsems", ms.nsems, ks->nsems);
        d.field(n + ".uid", ms.uid, ks->uid);
        d.field(n + ".gid", ms.gid, ks->gid);
        d.field(n + ".cuid", ms.cuid, ks->cuid);
        d.field(n + ".cgid", ms.cgid, ks->cgid);
        compare_time(d, n + ".otime", ms.otime, ks->otime);
        compare_time(d, n + ".ctime", ms.ctime, ks->ctime);
        std::size_t common = std::min(ms.sems.size(), ks->sems.size());
        for (std::size_t i = 0; i < common; ++i) {
            const SemValue &mv = ms.sems[i], &kv = ks->sems[i];
            std::string e = cat(n, "[", i, "].");
            d.field(e + "val", mv.val, kv.val);
            d.field(e + "pid", m.pid_name(mv.pid), k.pid_name(kv.pid));
            d.field(e + "ncnt", mv.ncnt, kv.ncnt);
            d.field(e + "zcnt", mv.zcnt, kv.zcnt);
        }
        // Only when nsems itself agrees: otherwise that difference says it already.
        if (ms.sems.size() != ks->sems.size() && ms.nsems == ks->nsems)
            d.out.push_back({n + " semaphores", cat(ms.sems.size()), cat(ks->sems.size())});
    }
    for (const auto& ks : k.sems)
        if (!m.sem(ks.semid)) d.out.push_back({cat("sem(", ks.semid, ").exists"), "0", "1"});
}


}  // namespace

std::vector<Difference> differences(const Observation& model, const Observation& kernel, const LastCalls& last_call, bool frames) {
    std::vector<Difference> out;
    Differ d{out};
    compare_procs(model, kernel, last_call, d);
    compare_shms(model, kernel, d);
    compare_msqs(model, kernel, d);
    compare_sems(model, kernel, d);
    if (frames && frame_partition(model) != frame_partition(kernel))
        out.push_back({"frames", "pages share frames one way", "pages share frames another way"});
    return out;
}

std::vector<Difference> differences(const std::string& proc, const StepOutcome& model, const StepOutcome& kernel,
                                    scenario::CallKind kind) {
    std::string m = describe(model, kind), k = describe(kernel, kind);
    // shmat returns an address and fork a pid: their numbers differ by design, only success counts.
    if ((kind == scenario::CallKind::Shmat || kind == scenario::CallKind::Fork) && model.fate == kernel.fate &&
        (model.ret == -1) == (kernel.ret == -1) && model.err == kernel.err)
        return {};
    if (m == k) return {};
    return {{proc + " (the step's outcome)", m, k}};
}

std::vector<Difference> differences(const std::string& proc, const StepOutcome& model, const StepOutcome& kernel, scenario::CallKind kind,
                                    const Observation& model_after, const Observation& kernel_after) {
    // semctl(GETPID) returns a pid: the same process on both sides is the same outcome.
    if (kind == scenario::CallKind::Semctl && model.fate == Fate::returned && kernel.fate == Fate::returned && model.err == kernel.err &&
        model.ret != -1 && kernel.ret != -1 && same_semctl_ret(model_after, model.ret, kernel_after, kernel.ret))
        return {};
    return differences(proc, model, kernel, kind);
}

std::size_t values_compared(const Observation& o) {
    std::size_t n = 1;  // the frame partition
    for (const auto& p : o.procs) {
        n += 8 + p.maps.size();
        if (p.buf.kind == BufKind::semall) n += 1 + std::min<std::size_t>(p.buf.semall_count, kSemallMax);
        for (std::string_view f = buf_fields(p.buf.kind); !f.empty(); ++n) {
            std::size_t sp = f.find(' ');
            f = sp == std::string_view::npos ? std::string_view{} : f.substr(sp + 1);
        }
    }
    for (const auto& s : o.sems) n += 9 + s.sems.size() * 4;
    return n + o.shms.size() * 14 + o.msqs.size() * 14;
}

}  // namespace sim
