#include "real/wire.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <unistd.h>

#include "real/protocol.h"

namespace real {

void WireWriter::u64(std::uint64_t v) {
    char b[8];
    std::memcpy(b, &v, 8);
    m_buf.append(b, 8);
}

void WireWriter::str(std::string_view s) {
    u64(s.size());
    m_buf.append(s);
}

std::uint64_t WireReader::u64() {
    if (m_data.size() < 8) {
        m_ok = false;
        m_data = {};
        return 0;
    }
    std::uint64_t v;
    std::memcpy(&v, m_data.data(), 8);
    m_data.remove_prefix(8);
    return v;
}

std::string WireReader::str() {
    std::uint64_t n = u64();
    if (n > m_data.size()) {
        m_ok = false;
        m_data = {};
        return {};
    }
    std::string s(m_data.substr(0, n));
    m_data.remove_prefix(n);
    return s;
}

std::size_t WireReader::count(std::size_t min_bytes) {
    std::uint64_t n = u64();
    if (min_bytes && n > m_data.size() / min_bytes) {
        m_ok = false;
        m_data = {};
        return 0;
    }
    return static_cast<std::size_t>(n);
}

// ---- the types, field by field, in declaration order ----

void encode(WireWriter& w, const RunSetup& s) {
    w.i64(s.settle_timeout_ms);
    w.i64(s.max_resident_bytes);
    w.u64(s.sysctls.size());
    for (const auto& [name, value] : s.sysctls) w.str(name), w.i64(value);
    w.u64(s.procs.size());
    for (const auto& p : s.procs) w.str(p.name), w.u64(p.uid), w.u64(p.gid), w.u64(p.exists_at_start);
}

std::optional<RunSetup> decode_setup(std::string_view payload) {
    WireReader r(payload);
    RunSetup s;
    s.settle_timeout_ms = r.i64();
    s.max_resident_bytes = r.i64();
    for (std::size_t i = 0, n = r.count(16); i < n; ++i) {
        std::string name = r.str();
        s.sysctls.emplace_back(std::move(name), r.i64());
    }
    for (std::size_t i = 0, n = r.count(32); i < n; ++i) {
        RunSetup::Proc p;
        p.name = r.str();
        p.uid = static_cast<std::uint32_t>(r.u64());
        p.gid = static_cast<std::uint32_t>(r.u64());
        p.exists_at_start = r.u64() != 0;
        s.procs.push_back(std::move(p));
    }
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return s;
}

void encode(WireWriter& w, const sim::Invocation& c) {
    w.str(c.proc);
    w.i64(static_cast<std::int64_t>(c.kind));
    w.u64(c.args.size());
    for (auto a : c.args) w.i64(a);
    w.str(c.text);
    w.str(c.target);
    w.u64(c.fields.size());
    for (const auto& [name, value] : c.fields) w.str(name), w.i64(value);
    w.u64(c.sysctls.size());
    for (const auto& [name, value] : c.sysctls) w.str(name), w.i64(value);
    w.u64(c.array.size());
    for (auto v : c.array) w.i64(v);
}

std::optional<sim::Invocation> decode_invocation(std::string_view payload) {
    WireReader r(payload);
    sim::Invocation c;
    c.proc = r.str();
    auto kind = r.i64();
    if (kind < 0 || kind > static_cast<std::int64_t>(sim::scenario::CallKind::Semctl)) return std::nullopt;
    c.kind = static_cast<sim::scenario::CallKind>(kind);
    for (std::size_t i = 0, n = r.count(); i < n; ++i) c.args.push_back(r.i64());
    c.text = r.str();
    c.target = r.str();
    for (std::size_t i = 0, n = r.count(16); i < n; ++i) {
        std::string name = r.str();
        c.fields.emplace_back(std::move(name), r.i64());
    }
    for (std::size_t i = 0, n = r.count(16); i < n; ++i) {
        std::string name = r.str();
        c.sysctls.emplace_back(std::move(name), r.i64());
    }
    for (std::size_t i = 0, n = r.count(); i < n; ++i) c.array.push_back(r.i64());
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return c;
}

namespace {

// PROC.buf, field by field in declaration order.
void encode_buf(WireWriter& w, const sim::CtlBuf& b) {
    w.i64(static_cast<std::int64_t>(b.kind)), w.i64(b.cmd), w.i64(b.key);
    for (std::uint32_t v : {b.mode, b.uid, b.gid, b.cuid, b.cgid}) w.u64(v);
    w.u64(b.segsz), w.u64(b.nattch), w.i64(b.cpid), w.i64(b.lpid);
    w.u64(b.qnum), w.u64(b.cbytes), w.u64(b.qbytes), w.i64(b.lspid), w.i64(b.lrpid);
    for (std::int64_t v : {b.atime, b.dtime, b.ctime, b.stime, b.rtime}) w.i64(v);
    for (std::uint64_t v : {b.shmmax, b.shmmin, b.shmmni, b.shmseg, b.shmall, b.used_ids, b.shm_tot, b.shm_rss, b.shm_swp}) w.u64(v);
    for (std::int64_t v : {b.msgpool, b.msgmap, b.msgmax, b.msgmnb, b.msgmni, b.msgssz, b.msgtql, b.msgseg}) w.i64(v);
    w.u64(b.sem_nsems), w.i64(b.sem_otime);
    for (std::int64_t v : {b.semmap, b.semmni, b.semmns, b.semmnu, b.semmsl, b.semopm, b.semume, b.semusz, b.semvmx, b.semaem}) w.i64(v);
    // GETALL: the set's nsems, then the values kept (at most kSemallMax of them).
    w.u64(b.semall_count);
    std::size_t n = std::min<std::size_t>(b.semall_count, b.semall.size());
    for (std::size_t i = 0; i < n; ++i) w.i64(b.semall[i]);
}

sim::CtlBuf decode_buf(WireReader& r) {
    sim::CtlBuf b;
    b.kind = static_cast<sim::BufKind>(std::min<std::uint64_t>(r.u64(), static_cast<std::uint64_t>(sim::BufKind::semall)));
    b.cmd = static_cast<std::int32_t>(r.i64());
    b.key = r.i64();
    for (std::uint32_t* v : {&b.mode, &b.uid, &b.gid, &b.cuid, &b.cgid}) *v = static_cast<std::uint32_t>(r.u64());
    b.segsz = r.u64(), b.nattch = r.u64();
    b.cpid = static_cast<std::int32_t>(r.i64()), b.lpid = static_cast<std::int32_t>(r.i64());
    b.qnum = r.u64(), b.cbytes = r.u64(), b.qbytes = r.u64();
    b.lspid = static_cast<std::int32_t>(r.i64()), b.lrpid = static_cast<std::int32_t>(r.i64());
    for (std::int64_t* v : {&b.atime, &b.dtime, &b.ctime, &b.stime, &b.rtime}) *v = r.i64();
    for (std::uint64_t* v : {&b.shmmax, &b.shmmin, &b.shmmni, &b.shmseg, &b.shmall, &b.used_ids, &b.shm_tot, &b.shm_rss, &b.shm_swp}) *v = r.u64();
    for (std::int64_t* v : {&b.msgpool, &b.msgmap, &b.msgmax, &b.msgmnb, &b.msgmni, &b.msgssz, &b.msgtql, &b.msgseg}) *v = r.i64();
    b.sem_nsems = r.u64(), b.sem_otime = r.i64();
    for (std::int64_t* v : {&b.semmap, &b.semmni, &b.semmns, &b.semmnu, &b.semmsl, &b.semopm, &b.semume, &b.semusz, &b.semvmx, &b.semaem}) *v = r.i64();
    // A set has fewer than 2^32 semaphores (semmsl is an int); a larger count is a broken reply.
    std::uint64_t count = r.u64();
    if (count > 0xffffffffu) count = 0, r.fail();
    b.semall_count = static_cast<std::uint32_t>(count);
    b.semall.resize(std::min<std::size_t>(count, sim::kSemallMax));  // the values the sender kept
    for (auto& v : b.semall) v = static_cast<std::int32_t>(r.i64());
    return b;
}

void encode_proc(WireWriter& w, const sim::ProcView& p) {
    w.str(p.name), w.i64(p.pid), w.u64(static_cast<std::uint64_t>(p.state)), w.i64(p.term_signal);
    w.i64(p.ret), w.i64(p.err), w.str(p.data), w.i64(p.mtype), w.u64(p.minflt);
    w.u64(p.maps.size());
    for (const auto& m : p.maps) {
        w.i64(m.shmid), w.u64(m.start), w.u64(m.end), w.u64(m.rdonly);
        w.u64(m.present.size());
        for (const auto& [page, pfn] : m.present) w.u64(page), w.u64(pfn);
        w.u64(m.pgoff), w.str(m.perms);
    }
    encode_buf(w, p.buf);
}

sim::ProcView decode_proc(WireReader& r) {
    sim::ProcView p;
    p.name = r.str();
    p.pid = static_cast<int>(r.i64());
    p.state = static_cast<sim::TaskState>(std::min<std::uint64_t>(r.u64(), 3));
    p.term_signal = static_cast<int>(r.i64());
    p.ret = r.i64();
    p.err = static_cast<int>(r.i64());
    p.data = r.str();
    p.mtype = r.i64();
    p.minflt = r.u64();
    for (std::size_t i = 0, n = r.count(40); i < n; ++i) {
        sim::MappingView m;
        m.shmid = static_cast<int>(r.i64());
        m.start = r.u64();
        m.end = r.u64();
        m.rdonly = r.u64() != 0;
        for (std::size_t j = 0, k = r.count(16); j < k; ++j) {
            std::uint64_t page = r.u64();
            m.present.emplace_hint(m.present.end(), page, r.u64());
        }
        m.pgoff = r.u64();
        m.perms = r.str();
        p.maps.push_back(std::move(m));
    }
    p.buf = decode_buf(r);
    return p;
}

void encode_shm(WireWriter& w, const sim::ShmView& s) {
    w.i64(s.shmid), w.i64(s.key), w.u64(s.mode), w.u64(s.segsz), w.u64(s.nattch), w.i64(s.cpid), w.i64(s.lpid);
    w.u64(s.uid), w.u64(s.gid), w.u64(s.cuid), w.u64(s.cgid), w.u64(s.rss);
    w.i64(s.atime), w.i64(s.dtime), w.i64(s.ctime);
}

sim::ShmView decode_shm(WireReader& r) {
    sim::ShmView s;
    s.shmid = static_cast<int>(r.i64());
    s.key = r.i64();
    s.mode = static_cast<std::uint32_t>(r.u64());
    s.segsz = r.u64();
    s.nattch = r.u64();
    s.cpid = static_cast<int>(r.i64());
    s.lpid = static_cast<int>(r.i64());
    s.uid = static_cast<std::uint32_t>(r.u64());
    s.gid = static_cast<std::uint32_t>(r.u64());
    s.cuid = static_cast<std::uint32_t>(r.u64());
    s.cgid = static_cast<std::uint32_t>(r.u64());
    s.rss = r.u64();
    s.atime = r.i64(), s.dtime = r.i64(), s.ctime = r.i64();
    return s;
}

// The kernel run cannot see inside a queue: its wait lists and messages are never sent.
void encode_msq(WireWriter& w, const sim::MsqView& q) {
    w.i64(q.msqid), w.i64(q.key), w.u64(q.mode), w.u64(q.qnum), w.u64(q.cbytes), w.u64(q.qbytes), w.i64(q.lspid), w.i64(q.lrpid);
    w.u64(q.uid), w.u64(q.gid), w.u64(q.cuid), w.u64(q.cgid);
    w.i64(q.stime), w.i64(q.rtime), w.i64(q.ctime);
}

sim::MsqView decode_msq(WireReader& r) {
    sim::MsqView q;
    q.msqid = static_cast<int>(r.i64());
    q.key = r.i64();
    q.mode = static_cast<std::uint32_t>(r.u64());
    q.qnum = r.u64();
    q.cbytes = r.u64();
    q.qbytes = r.u64();
    q.lspid = static_cast<int>(r.i64());
    q.lrpid = static_cast<int>(r.i64());
    q.uid = static_cast<std::uint32_t>(r.u64());
    q.gid = static_cast<std::uint32_t>(r.u64());
    q.cuid = static_cast<std::uint32_t>(r.u64());
    q.cgid = static_cast<std::uint32_t>(r.u64());
    q.stime = r.i64(), q.rtime = r.i64(), q.ctime = r.i64();
    return q;
}

// A set and each of its semaphores; `pending` is the model's alone and never sent.
void encode_sem(WireWriter& w, const sim::SemView& s) {
    w.i64(s.semid), w.i64(s.key), w.u64(s.mode), w.u64(s.nsems);
    w.u64(s.uid), w.u64(s.gid), w.u64(s.cuid), w.u64(s.cgid);
    w.i64(s.otime), w.i64(s.ctime);
    w.u64(s.sems.size());
    for (const auto& v : s.sems) w.i64(v.val), w.i64(v.pid), w.i64(v.ncnt), w.i64(v.zcnt);
}

sim::SemView decode_sem(WireReader& r) {
    sim::SemView s;
    s.semid = static_cast<int>(r.i64());
    s.key = r.i64();
    s.mode = static_cast<std::uint32_t>(r.u64());
    s.nsems = r.u64();
    s.uid = static_cast<std::uint32_t>(r.u64());
    s.gid = static_cast<std::uint32_t>(r.u64());
    s.cuid = static_cast<std::uint32_t>(r.u64());
    s.cgid = static_cast<std::uint32_t>(r.u64());
    s.otime = r.i64(), s.ctime = r.i64();
    for (std::size_t i = 0, n = r.count(32); i < n; ++i) {
        sim::SemValue v;
        v.val = static_cast<int>(r.i64());
        v.pid = static_cast<int>(r.i64());
        v.ncnt = static_cast<int>(r.i64());
        v.zcnt = static_cast<int>(r.i64());
        s.sems.push_back(v);
    }
    return s;
}

}  // namespace

// A step's kernel path is the model's alone: the kernel run's outcome has no events to send.
void encode(WireWriter& w, const RunReply& r) {
    w.u64(r.error.has_value());
    w.str(r.error.value_or(""));
    w.u64(r.sees_frames);
    const auto& o = r.outcome;
    w.u64(static_cast<std::uint64_t>(o.fate)), w.i64(o.ret), w.i64(o.err), w.i64(o.signo), w.str(o.data), w.i64(o.mtype);
    const auto& obs = r.observation;
    w.u64(obs.procs.size());
    for (const auto& p : obs.procs) encode_proc(w, p);
    w.u64(obs.shms.size());
    for (const auto& s : obs.shms) encode_shm(w, s);
    w.u64(obs.msqs.size());
    for (const auto& q : obs.msqs) encode_msq(w, q);
    w.u64(obs.sems.size());
    for (const auto& s : obs.sems) encode_sem(w, s);
    w.i64(obs.now.earliest), w.i64(obs.now.latest);
}

std::optional<RunReply> decode_reply(std::string_view payload) {
    WireReader r(payload);
    RunReply out;
    bool failed = r.u64() != 0;
    std::string why = r.str();
    if (failed) out.error = std::move(why);
    out.sees_frames = r.u64() != 0;
    auto& o = out.outcome;
    o.fate = static_cast<sim::Fate>(std::min<std::uint64_t>(r.u64(), static_cast<std::uint64_t>(sim::Fate::abandoned)));
    o.ret = r.i64();
    o.err = static_cast<int>(r.i64());
    o.signo = static_cast<int>(r.i64());
    o.data = r.str();
    o.mtype = r.i64();
    auto& obs = out.observation;
    for (std::size_t i = 0, n = r.count(80); i < n && r.ok(); ++i) obs.procs.push_back(decode_proc(r));
    for (std::size_t i = 0, n = r.count(96); i < n && r.ok(); ++i) obs.shms.push_back(decode_shm(r));
    for (std::size_t i = 0, n = r.count(96); i < n && r.ok(); ++i) obs.msqs.push_back(decode_msq(r));
    for (std::size_t i = 0, n = r.count(88); i < n && r.ok(); ++i) obs.sems.push_back(decode_sem(r));
    obs.now.earliest = r.i64();
    obs.now.latest = r.i64();
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return out;
}

// ---- frames ----

bool send_frame(int fd, const std::string& payload) {
    std::uint64_t n = payload.size();
    return write_all(fd, &n, sizeof n) && write_all(fd, payload.data(), payload.size());
}

std::optional<std::string> receive_frame(int fd, int timeout_ms, std::uint64_t max_bytes) {
    auto start = std::chrono::steady_clock::now();
    std::uint64_t n = 0;
    if (!read_all(fd, &n, sizeof n, timeout_ms) || n > max_bytes) return std::nullopt;
    auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    int left = timeout_ms < 0 ? -1 : static_cast<int>(std::max<long long>(timeout_ms - spent, 0));
    std::string payload(n, '\0');
    if (!read_all(fd, payload.data(), payload.size(), left)) return std::nullopt;
    return payload;
}

}  // namespace real
