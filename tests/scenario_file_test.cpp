// real::read_scenario_file, the one loader of ipcsim and ipcviz, and how the window shows what it
// refuses: what if the "file" is a directory, a FIFO, a device, a lie about its size, or gone.
#include "real/scenario_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "viz/app.h"

namespace fs = std::filesystem;

namespace {

fs::path temp(const std::string& name) { return fs::temp_directory_path() / (std::to_string(::getpid()) + "_" + name); }

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

}  // namespace

TEST(ScenarioFile, a_regular_file_is_read_whole) {
    fs::path p = temp("ok.ipc");
    write(p, "proc a\n");
    auto f = real::read_scenario_file(p.string());
    EXPECT_TRUE(f.ok()) << f.error;
    EXPECT_EQ(f.text, "proc a\n");
    fs::remove(p);
}

TEST(ScenarioFile, what_is_no_regular_file_is_refused_without_blocking) {
    fs::path dir = temp("dir.ipc"), fifo = temp("fifo.ipc");
    fs::create_directories(dir);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    for (const auto& p : {dir.string(), fifo.string(), std::string("/dev/zero"), std::string("/dev/null")})
        EXPECT_EQ(real::read_scenario_file(p).error, p + ": error: not a regular file");
    fs::remove(dir);
    fs::remove(fifo);
}

TEST(ScenarioFile, errors_name_their_cause) {
    EXPECT_EQ(real::read_scenario_file("/proc/self/mem").error, "/proc/self/mem: error: cannot read: Input/output error");
    EXPECT_EQ(real::read_scenario_file("/nonexistent/x.ipc").error, "/nonexistent/x.ipc: error: cannot open: No such file or directory");
}

TEST(ScenarioFile, the_size_limit_holds_to_the_byte) {
    fs::path p = temp("limit.ipc");
    write(p, std::string(100, '\n'));
    EXPECT_TRUE(real::read_scenario_file(p.string(), 100).ok());
    auto over = real::read_scenario_file(p.string(), 99);
    EXPECT_EQ(over.error, p.string() + ": error: the file is larger than the 99 bytes a scenario may be");
    EXPECT_TRUE(over.text.empty()) << "refused by its size, before any read";
    fs::remove(p);
}

// A /proc file says it is empty and then has more to read: the same as a file that grows while it
// is read. The read stops one byte past the limit.
TEST(ScenarioFile, a_file_longer_than_its_size_said_is_cut_one_byte_past_the_limit) {
    auto f = real::read_scenario_file("/proc/self/maps", 100);
    EXPECT_EQ(f.error, "/proc/self/maps: error: the file is larger than the 100 bytes a scenario may be");
    EXPECT_EQ(f.text.size(), 101u);
}

TEST(ScenarioFile, the_window_shows_a_refused_file_as_an_error_and_keeps_what_it_had) {
    viz::App app(std::string(IPCSIM_SOURCE_DIR) + "/assets");
    fs::path dir = temp("window-dir.ipc"), p = temp("window.ipc");
    fs::create_directories(dir);
    EXPECT_FALSE(app.open(dir.string()));
    ASSERT_EQ(app.errors().size(), 1u);
    EXPECT_EQ(app.errors()[0], dir.string() + ": error: not a regular file\n");

    write(p, "proc a\na: exit(0)\n");
    ASSERT_TRUE(app.open(p.string()));
    EXPECT_EQ(app.view().total, 1u);
    // The lesson is replaced by a FIFO, as an attacker could: the reload must not block on it.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a later mtime
    fs::remove(p);
    ASSERT_EQ(::mkfifo(p.c_str(), 0600), 0);
    app.reload_if_changed();
    ASSERT_EQ(app.errors().size(), 1u);
    EXPECT_EQ(app.errors()[0], p.string() + ": error: not a regular file\n");
    EXPECT_EQ(app.view().total, 1u) << "the scenario shown before stays";
    fs::remove(p);
    fs::remove(dir);
}
