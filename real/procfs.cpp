#include "real/procfs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

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

std::optional<SysvMapping> parse_maps_line(const std::string& line) {
    unsigned long long start = 0, end = 0, offset = 0, inode = 0;
    char perms[8] = {};
    char dev[16] = {};
    int path_at = 0;
    if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %15s %llu %n", &start, &end, perms, &offset, dev, &inode, &path_at) < 6)
        return std::nullopt;
    if (path_at <= 0 || line.compare(static_cast<std::size_t>(path_at), 5, "/SYSV") != 0) return std::nullopt;
    return SysvMapping{start, end, perms[1] == 'w', static_cast<int>(inode)};
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

std::map<std::uint64_t, std::uint64_t> present_pages(int pid, std::uint64_t start, std::uint64_t end) {
    std::map<std::uint64_t, std::uint64_t> out;
    int fd = ::open(("/proc/" + std::to_string(pid) + "/pagemap").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    const std::uint64_t page = 4096;
    std::vector<std::uint64_t> entries((end - start) / page);
    ssize_t got = ::pread(fd, entries.data(), entries.size() * 8, static_cast<off_t>(start / page * 8));
    ::close(fd);
    for (std::size_t i = 0; got > 0 && i < static_cast<std::size_t>(got) / 8; ++i)
        if (auto f = pagemap_frame(entries[i])) out[i] = *f;
    return out;
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
        unsigned long long cbytes = 0, qnum = 0;
        long long key = 0;
        if (std::sscanf(line.c_str(), "%lld %d %o %llu %llu %d %d %u %u %u %u", &key, &r.msqid, &r.perms, &cbytes, &qnum,
                        &r.lspid, &r.lrpid, &r.uid, &r.gid, &r.cuid, &r.cgid) != 11)
            continue;
        r.key = key;
        r.cbytes = cbytes;
        r.qnum = qnum;
        out.push_back(r);
    }
    return out;
}

}  // namespace real
