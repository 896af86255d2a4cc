#include "real/procfs.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

// PAGEMAP_SCAN came with Linux 6.7; Debian 12's kernel headers (6.1) do not have it. The ABI is stable:
// these are the definitions of include/uapi/linux/fs.h (and Documentation/admin-guide/mm/pagemap.rst).
#ifndef PAGEMAP_SCAN
struct page_region {
    __u64 start;
    __u64 end;
    __u64 categories;
};
struct pm_scan_arg {
    __u64 size;
    __u64 flags;
    __u64 start;
    __u64 end;
    __u64 walk_end;
    __u64 vec;
    __u64 vec_len;
    __u64 max_pages;
    __u64 category_inverted;
    __u64 category_mask;
    __u64 category_anyof_mask;
    __u64 return_mask;
};
#define PAGE_IS_PRESENT (1 << 3)
#define PAGEMAP_SCAN _IOWR('f', 16, struct pm_scan_arg)
#endif
static_assert(sizeof(pm_scan_arg) == 96 && sizeof(page_region) == 24, "the uapi layout of PAGEMAP_SCAN");

namespace real {

std::optional<std::string> read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    if (n < 0) return std::nullopt;
    return out;
}

std::optional<char> proc_state(int pid) {
    auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
    if (!text) return std::nullopt;
    // The command name may hold spaces and parentheses: the state follows the last ')'.
    auto close = text->rfind(')');
    if (close == std::string::npos || close + 2 >= text->size()) return std::nullopt;
    return (*text)[close + 2];
}

std::optional<long> proc_syscall(int pid) {
    auto text = read_file("/proc/" + std::to_string(pid) + "/syscall");
    if (!text || text->empty()) return std::nullopt;
    if (text->rfind("running", 0) == 0) return -1;
    try {
        return std::stol(*text);
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<SignalAction> signal_action_in_status(const std::string& status, int sig) {
    auto mask = [&](const char* field) -> std::optional<std::uint64_t> {
        auto at = status.find(field);
        if (at == std::string::npos) return std::nullopt;
        return std::strtoull(status.c_str() + at + std::strlen(field), nullptr, 16);
    };
    auto ign = mask("\nSigIgn:"), cgt = mask("\nSigCgt:");
    if (!ign || !cgt || sig < 1 || sig > 64) return std::nullopt;
    std::uint64_t bit = std::uint64_t{1} << (sig - 1);
    return (*cgt & bit) ? SignalAction::caught : (*ign & bit) ? SignalAction::ignored : SignalAction::deflt;
}

std::optional<SignalAction> proc_signal_action(int pid, int sig) {
    auto text = read_file("/proc/" + std::to_string(pid) + "/status");
    return text ? signal_action_in_status(*text, sig) : std::nullopt;
}

std::optional<SysvMapping> parse_maps_line(const std::string& line) {
    unsigned long long start = 0, end = 0, offset = 0, inode = 0;
    char perms[8] = {};
    char dev[16] = {};
    int path_at = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %15s %llu %n", &start, &end, perms, &offset, dev, &inode, &path_at) < 6)
        return std::nullopt;
    if (path_at <= 0 || line.compare(static_cast<std::size_t>(path_at), 5, "/SYSV") != 0) return std::nullopt;
    return SysvMapping{start, end, perms[1] == 'w', static_cast<int>(inode), offset / 4096, perms};
}

std::vector<SysvMapping> sysv_mappings(int pid) {
    std::vector<SysvMapping> out;
    auto text = read_file("/proc/" + std::to_string(pid) + "/maps");
    if (!text) return out;
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line))
        if (auto m = parse_maps_line(line)) out.push_back(*m);
    return out;
}

std::optional<std::uint64_t> pagemap_frame(std::uint64_t entry) {
    if (!(entry >> 63)) return std::nullopt;
    return entry & ((std::uint64_t{1} << 55) - 1);
}

namespace {

using PageMap = std::map<std::uint64_t, std::uint64_t>;
constexpr std::uint64_t kPage = 4096;
// At most 64 KiB of pagemap entries per pread: the one buffer a reading needs, whatever the range.
constexpr std::uint64_t kChunkEntries = 8192;

struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

int open_pagemap(int pid) { return ::open(("/proc/" + std::to_string(pid) + "/pagemap").c_str(), O_RDONLY | O_CLOEXEC); }

// Reads the pagemap entries of [from, to) (addresses, page-aligned) in chunks into buf, calling
// each(address, entry) for each; each returns false to stop. False when a read failed.
template <class Each>
bool read_entries(int fd, std::uint64_t from, std::uint64_t to, std::vector<std::uint64_t>& buf, Each&& each) {
    while (from < to) {
        std::uint64_t n = std::min<std::uint64_t>((to - from) / kPage, kChunkEntries);
        buf.resize(n);
        ssize_t got = ::pread(fd, buf.data(), n * 8, static_cast<off_t>(from / kPage * 8));
        if (got < 0 && errno == EINTR) continue;
        if (got < 8) return false;
        for (std::size_t i = 0; i < static_cast<std::size_t>(got) / 8; ++i, from += kPage)
            if (!each(from, buf[i])) return true;
    }
    return true;
}

}  // namespace

std::optional<std::uint64_t> smaps_rss_pages(int pid, std::uint64_t start, std::uint64_t end) {
    // Streamed line by line: a process's smaps grows with its mappings.
    std::ifstream smaps("/proc/" + std::to_string(pid) + "/smaps");
    std::string line;
    bool ours = false;
    while (std::getline(smaps, line)) {
        unsigned long long from = 0, to = 0;
        int after = 0;
        // A mapping's header is "start-end perms ..."; its fields are "Name:   value kB".
        if (std::sscanf(line.c_str(), "%llx-%llx %n", &from, &to, &after) == 2 && after > 0) {
            if (ours) return std::nullopt;  // our mapping had no Rss line
            ours = from == start && to == end;
            continue;
        }
        unsigned long long kb = 0;
        if (ours && std::sscanf(line.c_str(), "Rss: %llu kB", &kb) == 1) return kb * 1024 / kPage;
    }
    return std::nullopt;
}

std::optional<PageMap> present_pages_scan(int pid, std::uint64_t start, std::uint64_t end) {
    PageMap out;
    if (start >= end) return out;
    Fd fd(open_pagemap(pid));
    if (fd.fd < 0) return out;  // the process is gone: nothing is present
    // PAGEMAP_SCAN (do_pagemap_scan, pagemap_scan_pmd_entry in fs/proc/task_mmu.c) walks the page tables
    // and skips empty ones whole, so its cost follows what is mapped, not the size of the range. It
    // returns the present pages as ranges; a full vec ends the walk early, at walk_end.
    std::array<page_region, 256> regions{};
    std::vector<std::uint64_t> buf;
    for (std::uint64_t at = start; at < end;) {
        pm_scan_arg arg{};
        arg.size = sizeof arg;
        arg.start = at;
        arg.end = end;
        arg.vec = reinterpret_cast<std::uintptr_t>(regions.data());
        arg.vec_len = regions.size();
        arg.category_mask = PAGE_IS_PRESENT;
        arg.return_mask = PAGE_IS_PRESENT;
        int n = ::ioctl(fd.fd, PAGEMAP_SCAN, &arg);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;  // ENOTTY before 6.7, EINVAL if the ABI ever moved: read instead
        // The frames still come from pagemap itself: the scan says where to look, pagemap what is there.
        for (int r = 0; r < n; ++r)
            read_entries(fd.fd, regions[r].start, regions[r].end, buf, [&](std::uint64_t addr, std::uint64_t entry) {
                if (auto f = pagemap_frame(entry)) out[(addr - start) / kPage] = *f;
                return true;
            });
        if (arg.walk_end <= at) break;  // no progress: never loop forever on a kernel surprise
        at = arg.walk_end;
    }
    return out;
}

PageMap present_pages_read(int pid, std::uint64_t start, std::uint64_t end) {
    PageMap out;
    if (start >= end) return out;
    // Without PAGEMAP_SCAN, pagemap has to be read from the start; knowing how many pages are resident
    // lets the reading stop at the last one, and a mapping with none costs no reading at all.
    auto resident = smaps_rss_pages(pid, start, end);
    if (resident && *resident == 0) return out;
    Fd fd(open_pagemap(pid));
    if (fd.fd < 0) return out;
    std::vector<std::uint64_t> buf;
    read_entries(fd.fd, start, end, buf, [&](std::uint64_t addr, std::uint64_t entry) {
        if (auto f = pagemap_frame(entry)) out[(addr - start) / kPage] = *f;
        return !resident || out.size() < *resident;
    });
    return out;
}

std::map<std::uint64_t, std::uint64_t> present_pages(int pid, std::uint64_t start, std::uint64_t end) {
    // Never one read for the whole range: at 1 TiB that was a 2 GiB buffer after every step, and the
    // kernel caps one read at MAX_RW_COUNT (2 GiB - 4 KiB), so the last pages were not even seen.
    if (auto scanned = present_pages_scan(pid, start, end)) return *std::move(scanned);
    return present_pages_read(pid, start, end);
}

std::optional<int> inner_pid(int pid) {
    auto status = read_file("/proc/" + std::to_string(pid) + "/status");
    if (!status) return std::nullopt;
    std::istringstream lines(*status);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("NSpid:", 0) != 0) continue;
        std::istringstream nums(line.substr(6));
        int v = 0, last = 0;
        while (nums >> v) last = v;
        return last > 0 ? std::optional<int>(last) : std::nullopt;
    }
    return std::nullopt;
}

std::vector<ShmRow> read_sysvipc_shm(const std::string& text) {
    std::vector<ShmRow> out;
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
        ShmRow r;
        unsigned long long size = 0, nattch = 0, rss = 0, atime, dtime, ctime;
        long long key = 0;
        if (std::sscanf(line.c_str(), "%lld %d %o %llu %d %d %llu %u %u %u %u %llu %llu %llu %llu", &key, &r.shmid, &r.perms, &size,
                        &r.cpid, &r.lpid, &nattch, &r.uid, &r.gid, &r.cuid, &r.cgid, &atime, &dtime, &ctime, &rss) != 15)
            continue;
        r.key = key;
        r.size = size;
        r.nattch = nattch;
        r.rss_bytes = rss;
        r.atime = static_cast<std::int64_t>(atime);
        r.dtime = static_cast<std::int64_t>(dtime);
        r.ctime = static_cast<std::int64_t>(ctime);
        out.push_back(r);
    }
    return out;
}

std::vector<MsgRow> read_sysvipc_msg(const std::string& text) {
    std::vector<MsgRow> out;
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        MsgRow r;
        unsigned long long cbytes = 0, qnum = 0, stime = 0, rtime = 0, ctime = 0;
        long long key = 0;
        if (std::sscanf(line.c_str(), "%lld %d %o %llu %llu %d %d %u %u %u %u %llu %llu %llu", &key, &r.msqid, &r.perms, &cbytes, &qnum,
                        &r.lspid, &r.lrpid, &r.uid, &r.gid, &r.cuid, &r.cgid, &stime, &rtime, &ctime) < 11)
            continue;
        r.stime = static_cast<std::int64_t>(stime);
        r.rtime = static_cast<std::int64_t>(rtime);
        r.ctime = static_cast<std::int64_t>(ctime);
        r.key = key;
        r.cbytes = cbytes;
        r.qnum = qnum;
        out.push_back(r);
    }
    return out;
}

// "key semid perms nsems uid gid cuid cgid otime ctime" (sysvipc_sem_proc_show in ipc/sem.c).
std::vector<SemRow> read_sysvipc_sem(const std::string& text) {
    std::vector<SemRow> out;
    std::istringstream lines(text);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        SemRow r;
        unsigned long long nsems = 0, otime = 0, ctime = 0;
        long long key = 0;
        if (std::sscanf(line.c_str(), "%lld %d %o %llu %u %u %u %u %llu %llu", &key, &r.semid, &r.perms, &nsems, &r.uid, &r.gid, &r.cuid,
                        &r.cgid, &otime, &ctime) != 10)
            continue;
        r.key = key;
        r.nsems = nsems;
        r.otime = static_cast<std::int64_t>(otime);
        r.ctime = static_cast<std::int64_t>(ctime);
        out.push_back(r);
    }
    return out;
}

}  // namespace real
