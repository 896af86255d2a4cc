// The peak memory of a command and of every process it starts, added up: what the machine gave
// the whole run, which is what a hostile file tries to exhaust. Measured with a memory cgroup of
// its own where this machine lets the test make one (v1 memory.max_usage_in_bytes, v2
// memory.peak); otherwise by sampling the resident size of the command's process tree.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace peak_memory {

struct Result {
    int status = -1;           // as waitpid gives it
    std::uint64_t peak_bytes = 0;
    std::string method;        // "cgroup v1", "cgroup v2" or "sampling"
    bool timed_out = false;
};

inline std::string read_all(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// This process's cgroup directory for the memory controller, and which version it is.
inline std::optional<std::pair<std::string, int>> own_memory_cgroup() {
    std::istringstream lines(read_all("/proc/self/cgroup"));
    std::string line;
    while (std::getline(lines, line)) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (controllers == "memory" && std::filesystem::exists("/sys/fs/cgroup/memory" + path + "/memory.max_usage_in_bytes"))
            return std::make_pair("/sys/fs/cgroup/memory" + path, 1);
        if (controllers.empty() && std::filesystem::exists("/sys/fs/cgroup" + path + "/memory.peak"))
            return std::make_pair("/sys/fs/cgroup" + path, 2);
    }
    return std::nullopt;
}

// Resident bytes of pid and all its descendants now.
inline std::uint64_t tree_rss(int root) {
    std::vector<std::pair<int, int>> parent_of;  // pid, ppid
    for (const auto& e : std::filesystem::directory_iterator("/proc")) {
        std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string stat = read_all(e.path() / "stat");
        auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(stat.substr(close + 2));
        char state;
        int ppid;
        rest >> state >> ppid;
        parent_of.emplace_back(std::stoi(name), ppid);
    }
    std::vector<int> tree{root};
    for (std::size_t i = 0; i < tree.size(); ++i)
        for (auto [pid, ppid] : parent_of)
            if (ppid == tree[i]) tree.push_back(pid);
    std::uint64_t total = 0;
    for (int pid : tree) {
        std::istringstream status(read_all("/proc/" + std::to_string(pid) + "/status"));
        std::string line;
        while (std::getline(status, line))
            if (line.rfind("VmRSS:", 0) == 0) total += std::stoull(line.substr(6)) * 1024;
    }
    return total;
}

// Runs argv (stdout and stderr to /dev/null unless `output` is given) and waits at most
// `timeout`; a command that takes longer is killed and marked.
inline Result run(const std::vector<std::string>& argv, std::chrono::seconds timeout, const std::string& output = "/dev/null") {
    Result r;
    auto cg = own_memory_cgroup();
    std::string dir;
    if (cg) {
        dir = cg->first + "/peak-" + std::to_string(::getpid());
        std::error_code ec;
        if (!std::filesystem::create_directory(dir, ec)) cg.reset();
    }
    pid_t pid = ::fork();
    if (pid == 0) {
        if (cg) std::ofstream(dir + "/cgroup.procs") << ::getpid() << std::flush;
        FILE* out = std::freopen(output.c_str(), "w", stdout);
        (void)out;
        ::dup2(1, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (!cg) r.peak_bytes = std::max(r.peak_bytes, tree_rss(pid));
        if (::waitpid(pid, &r.status, WNOHANG) == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            r.timed_out = true;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &r.status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(cg ? 20 : 2));
    }
    if (cg) {
        r.method = cg->second == 1 ? "cgroup v1" : "cgroup v2";
        std::string file = dir + (cg->second == 1 ? "/memory.max_usage_in_bytes" : "/memory.peak");
        r.peak_bytes = std::stoull("0" + read_all(file));
        // The run's processes may take a moment to leave the cgroup after their coordinator went.
        std::error_code ec;
        for (int i = 0; i < 200 && !std::filesystem::remove(dir, ec); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } else {
        r.method = "sampling";
    }
    return r;
}

}  // namespace peak_memory
