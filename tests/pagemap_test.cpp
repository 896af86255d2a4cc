// present_pages: which pages a process maps, read from /proc/PID/pagemap at a cost that follows the
// pages present, not the size of the mapping (issue 10: no input exhausts the machine).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ipc.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "real/procfs.h"

using namespace real;

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kTiB = std::uint64_t{1} << 40;
constexpr long kMaxRssKiB = 512 * 1024;

using PageMap = std::map<std::uint64_t, std::uint64_t>;

// A private segment, attached and already removed, so nothing outlives the test even when it fails.
struct Segment {
    char* at = nullptr;
    std::uint64_t size = 0;
    std::string error;  // why there is none
    Segment(std::uint64_t bytes, int flags) : size(bytes) {
        int id = ::shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600 | flags);
        if (id < 0) {
            error = std::string("shmget: ") + std::strerror(errno);
            return;
        }
        void* p = ::shmat(id, nullptr, 0);
        int saved = errno;
        ::shmctl(id, IPC_RMID, nullptr);
        if (p == reinterpret_cast<void*>(-1)) {
            error = std::string("shmat: ") + std::strerror(saved);
            return;
        }
        at = static_cast<char*>(p);
    }
    ~Segment() {
        if (at) ::shmdt(at);
    }
    Segment(const Segment&) = delete;
    Segment& operator=(const Segment&) = delete;
    std::uint64_t start() const { return reinterpret_cast<std::uintptr_t>(at); }
    std::uint64_t end() const { return start() + size; }
    void touch(std::uint64_t page) { reinterpret_cast<volatile char*>(at)[page * kPage] = 1; }
};

// What the old present_pages did, for comparison on small mappings: one read of the whole range.
PageMap full_read(std::uint64_t start, std::uint64_t end) {
    PageMap out;
    std::vector<std::uint64_t> entries((end - start) / kPage);
    int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return out;
    ssize_t got = ::pread(fd, entries.data(), entries.size() * 8, static_cast<off_t>(start / kPage * 8));
    ::close(fd);
    for (std::size_t i = 0; got > 0 && i < static_cast<std::size_t>(got) / 8; ++i)
        if (auto f = pagemap_frame(entries[i])) out[i] = *f;
    return out;
}

std::string describe(const PageMap& pages) {
    std::string s = "{";
    for (auto& [index, frame] : pages) s += " " + std::to_string(index) + (frame ? "" : "(frame 0)");
    return s + " }";
}

// Frame numbers need CAP_SYS_ADMIN; without it pagemap reads them as 0.
bool frames_visible() { return ::geteuid() == 0; }

// Runs body in a forked child, so that a huge mapping stays out of the test process and wait4's
// ru_maxrss is the child's own peak. body returns "" when all is well, "skip: ..." to skip, else
// what went wrong.
struct ChildRun {
    int status = -1;
    std::string message;
    long maxrss_kib = 0;
};
ChildRun run_in_child(const std::function<std::string()>& body) {
    ChildRun run;
    int fds[2];
    if (::pipe(fds) != 0) {
        run.message = "pipe failed";
        return run;
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        std::string message = body();
        ssize_t ignored = ::write(fds[1], message.data(), message.size());
        (void)ignored;
        ::_exit(message.empty() ? 0 : message.rfind("skip: ", 0) == 0 ? 77 : 1);
    }
    ::close(fds[1]);
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) run.message.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    struct rusage ru {};
    if (pid > 0 && ::wait4(pid, &run.status, 0, &ru) == pid) run.maxrss_kib = ru.ru_maxrss;
    return run;
}

#define EXPECT_CHILD_OK(run)                                                                           \
    do {                                                                                               \
        if (WIFEXITED((run).status) && WEXITSTATUS((run).status) == 77) GTEST_SKIP() << (run).message; \
        ASSERT_TRUE(WIFEXITED((run).status)) << "the child died, status " << (run).status;             \
        EXPECT_EQ(WEXITSTATUS((run).status), 0) << (run).message;                                      \
    } while (0)

// Bytes this process has read so far (rchar of /proc/self/io): how much of pagemap a reading took,
// 8 bytes a page, which is what the work grows with.
std::uint64_t bytes_read_so_far() {
    auto io = read_file("/proc/self/io").value_or("");
    auto at = io.find("rchar: ");
    return at == std::string::npos ? 0 : std::stoull(io.substr(at + 7));
}

// A 1 TiB SHM_NORESERVE attachment with its first and last pages touched, read by read.
std::string two_pages_of_a_tebibyte(const std::function<PageMap(std::uint64_t, std::uint64_t)>& read, std::uint64_t& bytes) {
    // Without SHM_NORESERVE (or under vm.overcommit_memory=2, which ignores it) the kernel refuses to
    // account 1 TiB: ENOMEM.
    Segment seg(kTiB, SHM_NORESERVE);
    if (!seg.at) return "skip: a 1 TiB SHM_NORESERVE segment: " + seg.error;
    const std::uint64_t last = kTiB / kPage - 1;
    seg.touch(0);
    seg.touch(last);
    std::uint64_t before = bytes_read_so_far();
    PageMap pages = read(seg.start(), seg.end());
    bytes = bytes_read_so_far() - before;
    if (pages.size() != 2 || !pages.count(0) || !pages.count(last))
        return "expected pages { 0 " + std::to_string(last) + " }, got " + describe(pages);
    if (frames_visible() && (pages[0] == 0 || pages[last] == 0)) return "frame 0 as root: " + describe(pages);
    if (frames_visible() && pages[0] == pages[last]) return "two pages, one frame";
    return "";
}

}  // namespace

// The old present_pages read 2 GiB of pagemap for this in one go (and the kernel's cap on one read,
// MAX_RW_COUNT, hid the last page from it); 32 TiB ended in bad_alloc.
TEST(PresentPages, ATebibyteMappingCostsOnlyWhatIsPresent) {
    auto run = run_in_child([] {
        std::uint64_t bytes = 0;
        std::string r = two_pages_of_a_tebibyte([](auto s, auto e) { return present_pages(::getpid(), s, e); }, bytes);
        // Two entries, and a few reads of /proc besides: nothing like the 2 GiB of the whole range.
        return r.empty() && bytes > (std::uint64_t{1} << 20) ? "read " + std::to_string(bytes) + " bytes" : r;
    });
    EXPECT_CHILD_OK(run);
    EXPECT_LT(run.maxrss_kib, kMaxRssKiB) << "peak RSS of the child, KiB";
    RecordProperty("child_maxrss_kib", std::to_string(run.maxrss_kib));
}

// The fallback for kernels before 6.7 reads pagemap from the start, in bounded chunks, so it stays
// small in memory; Rss from smaps lets it stop at the last resident page.
TEST(PresentPages, TheFallbackReadsInBoundedChunks) {
    auto run = run_in_child([] {
        std::uint64_t bytes = 0;
        return two_pages_of_a_tebibyte([](auto s, auto e) { return present_pages_read(::getpid(), s, e); }, bytes);
    });
    EXPECT_CHILD_OK(run);
    EXPECT_LT(run.maxrss_kib, kMaxRssKiB) << "peak RSS of the child, KiB";
}

TEST(PresentPages, TheFallbackStopsAtTheLastResidentPage) {
    auto run = run_in_child([] {
        Segment seg(kTiB, SHM_NORESERVE);
        if (!seg.at) return "skip: a 1 TiB SHM_NORESERVE segment: " + seg.error;
        seg.touch(0);
        seg.touch(5);
        auto rss = smaps_rss_pages(::getpid(), seg.start(), seg.end());
        if (rss != std::optional<std::uint64_t>{2}) return std::string("smaps Rss is not 2 pages");
        std::uint64_t before = bytes_read_so_far();
        PageMap pages = present_pages_read(::getpid(), seg.start(), seg.end());
        std::uint64_t bytes = bytes_read_so_far() - before;
        if (pages.size() != 2 || !pages.count(0) || !pages.count(5)) return "expected pages { 0 5 }, got " + describe(pages);
        // The whole terabyte is 2 GiB of entries; the first chunk, 64 KiB, holds both pages.
        if (bytes > (std::uint64_t{1} << 20)) return "read " + std::to_string(bytes) + " bytes: the reading did not stop";
        return std::string();
    });
    EXPECT_CHILD_OK(run);
}

// Every third page of 64 touched: the same pages and frames as one read of the whole range, by both ways.
TEST(PresentPages, AgreesWithAFullReadOnASmallMapping) {
    Segment seg(64 * kPage, 0);
    ASSERT_TRUE(seg.at) << seg.error;
    for (std::uint64_t i = 0; i < 64; i += 3) {
        if (i % 2) seg.touch(i);
        else (void)reinterpret_cast<volatile char*>(seg.at)[i * kPage];  // a read maps a page too
    }
    PageMap full = full_read(seg.start(), seg.end());
    ASSERT_EQ(full.size(), 22u) << describe(full);
    for (std::uint64_t i = 0; i < 64; i += 3) EXPECT_TRUE(full.count(i)) << i;
    if (frames_visible()) {
        for (auto& [index, frame] : full) EXPECT_NE(frame, 0u) << index;
    }
    EXPECT_EQ(present_pages(::getpid(), seg.start(), seg.end()), full);
    EXPECT_EQ(present_pages_read(::getpid(), seg.start(), seg.end()), full);
    if (auto scanned = present_pages_scan(::getpid(), seg.start(), seg.end())) {
        EXPECT_EQ(*scanned, full);
    }
    EXPECT_EQ(smaps_rss_pages(::getpid(), seg.start(), seg.end()), std::optional<std::uint64_t>{22});
    EXPECT_EQ(smaps_rss_pages(::getpid(), seg.start(), seg.end() + kPage), std::nullopt);
    // A part of the mapping: indexes count from its own start.
    PageMap part = present_pages(::getpid(), seg.start() + 3 * kPage, seg.start() + 10 * kPage);
    EXPECT_EQ(part, (PageMap{{0, full[3]}, {3, full[6]}, {6, full[9]}}));
}

// More present ranges than one PAGEMAP_SCAN call returns, and a range longer than one read's chunk.
TEST(PresentPages, ManyRangesAndLongRanges) {
    const std::uint64_t scattered = 1024, run_length = 8192 + 100;  // 512 ranges; 64 KiB + 800 bytes of entries
    Segment seg((scattered + run_length + 1) * kPage, 0);
    ASSERT_TRUE(seg.at) << seg.error;
    for (std::uint64_t i = 0; i < scattered; i += 2) seg.touch(i);
    for (std::uint64_t i = scattered + 1; i < scattered + 1 + run_length; ++i) seg.touch(i);
    PageMap full = full_read(seg.start(), seg.end());
    ASSERT_EQ(full.size(), scattered / 2 + run_length);
    EXPECT_EQ(present_pages(::getpid(), seg.start(), seg.end()), full);
    EXPECT_EQ(present_pages_read(::getpid(), seg.start(), seg.end()), full);
    if (auto scanned = present_pages_scan(::getpid(), seg.start(), seg.end())) {
        EXPECT_EQ(*scanned, full);
    }
}

TEST(PresentPages, NothingForAGoneProcessOrAnEmptyRange) {
    Segment seg(4 * kPage, 0);
    ASSERT_TRUE(seg.at) << seg.error;
    seg.touch(1);
    EXPECT_TRUE(present_pages(::getpid(), seg.start(), seg.start()).empty());
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    EXPECT_TRUE(present_pages(child, seg.start(), seg.end()).empty());
    EXPECT_EQ(present_pages(::getpid(), seg.start(), seg.end()).size(), 1u);
}
