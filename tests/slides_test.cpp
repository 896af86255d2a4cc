// `ipcviz FILE --export-slides DIR [--events]` under Xvfb: a PNG per step and one before the first
// (and, with --events, one per kernel-path event, as many as `ipcsim run --json` lists), each a PNG
// of the size asked for, and DIR/index.html naming each picture once, with each step's line.
#include <gtest/gtest.h>

#include "tests/peak_rss.h"
#include <nlohmann/json.hpp>
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/headless_imgui.h"

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Ran {
    int status = -1;
    std::string out;
};

Ran shell(const std::string& cmd) {
    Ran r;
    FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

fs::path fresh_dir(const std::string& name) {
    fs::path d = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()));
    fs::remove_all(d);
    return d;
}

bool have_xvfb() { return std::system("command -v xvfb-run >/dev/null 2>&1") == 0; }

Ran export_slides(const std::string& lesson, const fs::path& dir, const std::string& args) {
    return shell("ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1920x1080x24' " + std::string(IPCVIZ_BINARY) + " " + lesson +
                 " --export-slides " + dir.string() + " " + args);
}

// Each step of `ipcsim run --json`: its line, its process, and how many kernel-path events it has.
struct JsonStep {
    int line = 0;
    std::string proc;
    std::size_t events = 0;
};

std::vector<JsonStep> json_steps(const std::string& lesson) {
    Ran r = shell(std::string(IPCSIM_BINARY) + " run --json " + lesson + " 2>/dev/null");
    std::vector<JsonStep> out;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);) {
        auto j = nlohmann::json::parse(l);
        out.push_back({j.at("line").get<int>(), j.at("proc").get<std::string>(), j.at("events").size()});
    }
    return out;
}

// Width and height from a PNG's IHDR, or {0, 0} when the file is no PNG.
std::pair<unsigned, unsigned> png_size(const fs::path& p) {
    std::string head = read_all(p).substr(0, 24);
    if (head.size() < 24 || head.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || head.compare(12, 4, "IHDR") != 0) return {0, 0};
    auto be32 = [&](std::size_t at) {
        unsigned v = 0;
        for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(head[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

std::vector<unsigned char> pixels(const fs::path& p) {
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(p.string().c_str(), &w, &h, &n, 4);
    if (!px) return {};
    std::vector<unsigned char> out(px, px + static_cast<std::size_t>(w) * h * 4);
    stbi_image_free(px);
    return out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

// The whole check of one export: pictures, their sizes, and the handout.
void check_export(const std::string& lesson, const fs::path& dir, bool events, const std::string& line_word) {
    auto steps = json_steps(lesson);
    ASSERT_GT(steps.size(), 3u) << lesson;
    std::set<std::string> slides, event_pngs;
    for (const auto& f : fs::directory_iterator(dir)) {
        std::string name = f.path().filename().string();
        if (std::regex_match(name, std::regex(R"(step-\d{3}\.png)"))) slides.insert(name);
        else if (std::regex_match(name, std::regex(R"(step-\d{3}-event-\d{2}\.png)"))) event_pngs.insert(name);
        else EXPECT_EQ(name, "index.html") << "a file nobody asked for";
    }
    EXPECT_EQ(slides.size(), steps.size() + 1) << lesson << ": one picture per step and one before the first";
    std::size_t path_events = 0;
    for (const auto& s : steps) path_events += s.events;
    EXPECT_EQ(event_pngs.size(), events ? path_events : 0u) << lesson << ": one picture per kernel-path event";
    std::set<std::string> all = slides;
    all.insert(event_pngs.begin(), event_pngs.end());
    for (const auto& name : all) EXPECT_EQ(png_size(dir / name), std::make_pair(960u, 540u)) << name;

    auto first = pixels(dir / *slides.begin()), last = pixels(dir / *slides.rbegin());
    ASSERT_EQ(first.size(), last.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < first.size(); i += 4) differing += first[i] != last[i] || first[i + 1] != last[i + 1] || first[i + 2] != last[i + 2];
    EXPECT_GT(differing, 2000u) << lesson << ": the first and the last slide look the same";

    std::string html = read_all(dir / "index.html");
    for (const auto& name : all) EXPECT_EQ(occurrences(html, "\"" + name + "\""), 1u) << name;
    EXPECT_EQ(occurrences(html, "<img src=\""), all.size());
    std::size_t at = 0;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        std::string said = line_word + " " + std::to_string(steps[i].line);
        auto found = html.find(said, at);
        EXPECT_NE(found, std::string::npos) << lesson << ": step " << i + 1 << " (" << said << ") is not in the handout, in order";
        if (found != std::string::npos) at = found;
    }
    EXPECT_NE(html.find("</html>"), std::string::npos);
}

}  // namespace

TEST(Slides, export_slides_of_lesson_2_with_every_kernel_path_event) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed";
    std::string lesson = assets() + "/lessons/02-first-touch.ipc";
    fs::path dir = fresh_dir("ipcviz_slides_02") / "made" / "here";  // folders that do not exist yet
    Ran r = export_slides(lesson, dir, "--size 960x540 --events");
    ASSERT_EQ(r.status, 0) << r.out;
    check_export(lesson, dir, true, "line");
    std::string html = read_all(dir / "index.html");
    EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
    EXPECT_NE(html.find("Kernel path"), std::string::npos);
    EXPECT_NE(html.find("shmem_alloc_and_add_folio"), std::string::npos) << "the kernel path of the first touch";
    fs::remove_all(dir.parent_path().parent_path());
}

TEST(Slides, export_slides_of_lesson_8_in_chinese_in_the_light_theme) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed";
    std::string lesson = assets() + "/lessons/08-msg1-msg2.ipc";
    fs::path dir = fresh_dir("ipcviz_slides_08");
    Ran r = export_slides(lesson, dir, "--size 960x540 --lang zh --theme light");
    ASSERT_EQ(r.status, 0) << r.out;
    check_export(lesson, dir, false, "第");
    std::string html = read_all(dir / "index.html");
    EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
    EXPECT_NE(html.find("内核路径"), std::string::npos);
    EXPECT_EQ(html.find("Kernel path"), std::string::npos);
    fs::remove_all(dir);
}

// Neither needs a display: both are found before the window opens.
TEST(Slides, export_slides_to_a_folder_that_cannot_be_made_is_an_error_with_status_2) {
    fs::path dir = fresh_dir("ipcviz_slides_blocked");
    fs::create_directories(dir);
    std::ofstream(dir / "a-file") << "not a folder";
    for (const char* lang : {"en", "zh"}) {
        Ran r = shell(std::string(IPCVIZ_BINARY) + " " + assets() + "/lessons/02-first-touch.ipc --lang " + lang + " --export-slides " +
                      (dir / "a-file" / "slides").string());
        EXPECT_EQ(r.status, 2) << r.out;
        EXPECT_NE(r.out.find(std::string(lang) == "en" ? "ipcviz: error: cannot create" : "ipcviz: 错误：无法创建"), std::string::npos) << r.out;
    }
    Ran r = shell(std::string(IPCVIZ_BINARY) + " " + assets() + "/lessons/02-first-touch.ipc --events");
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find("--events goes with --export-slides"), std::string::npos) << r.out;
    fs::remove_all(dir);
}

TEST(Slides, export_slides_of_a_wrong_scenario_reports_it_as_a_compiler_does_and_writes_nothing) {
    fs::path dir = fresh_dir("ipcviz_slides_wrong");
    fs::create_directories(dir);
    // A parse error, and a step that cannot run (a process asleep in msgrcv makes another call).
    std::ofstream(dir / "parse.ipc") << "proc a\na: shmgett(IPC_PRIVATE, 4096, 0600)\n";
    std::ofstream(dir / "run.ipc") << "proc a\na: q = msgget(IPC_PRIVATE, 0600)\na: msgrcv(q, 0, 100, 0) => blocks\na: msgsnd(q, 1, \"x\", 0)\n";
    for (const char* file : {"parse.ipc", "run.ipc"}) {
        Ran r = shell(std::string(IPCVIZ_BINARY) + " " + (dir / file).string() + " --lang en --export-slides " + (dir / "out").string());
        EXPECT_EQ(r.status, 2) << file << ": " << r.out;
        EXPECT_NE(r.out.find((dir / file).string() + ":"), std::string::npos) << r.out;
        EXPECT_NE(r.out.find(": error: "), std::string::npos) << r.out;
        EXPECT_FALSE(fs::exists(dir / "out" / "step-000.png")) << file;
    }
    fs::remove_all(dir);
}

namespace {

Ran screenshot(const std::string& lesson, const std::string& args, const fs::path& png) {
    return shell("ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1920x1080x24' " + std::string(IPCVIZ_BINARY) + " " + lesson + " " + args +
                 " --screenshot " + png.string());
}

// The peak memory (KiB) that /usr/bin/time reports for a command's line, or -1.
long peak_kib(const Ran& r) {
    auto at = r.out.rfind("peak-kib ");
    return at == std::string::npos ? -1 : std::stol(r.out.substr(at + 9));
}

}  // namespace

// Each slide is what the window shows after its step, settled: the same picture as `--step N
// --screenshot`, made in a fresh window. (Up to the right-hand column, whose kernel addresses ASLR
// makes different in every run.)
TEST(Slides, export_slides_draws_each_step_as_the_screenshot_of_that_step_does) {
    if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed";
    std::string lesson = assets() + "/lessons/02-first-touch.ipc";
    fs::path dir = fresh_dir("ipcviz_slides_same");
    ASSERT_EQ(export_slides(lesson, dir, "--size 960x540").status, 0);
    for (int step = 1; step <= 13; ++step) {
        fs::path shot = dir / ("shot-" + std::to_string(step) + ".png");
        ASSERT_EQ(screenshot(lesson, "--size 960x540 --step " + std::to_string(step), shot).status, 0);
        char name[32];
        std::snprintf(name, sizeof name, "step-%03d.png", step);
        auto slide = pixels(dir / name), alone = pixels(shot);
        ASSERT_EQ(slide.size(), alone.size());
        ASSERT_EQ(slide.size(), 960u * 540 * 4);
        std::size_t differing = 0;
        for (std::size_t y = 0; y < 540; ++y)
            for (std::size_t x = 0; x < 600; ++x)
                for (std::size_t c = 0; c < 3; ++c) differing += slide[(y * 960 + x) * 4 + c] != alone[(y * 960 + x) * 4 + c];
        EXPECT_EQ(differing, 0u) << "slide " << step << " is not the window after step " << step;
    }
    fs::remove_all(dir);
}

// Each picture is written and freed: 1,000 steps take no more memory than one screenshot (plus a
// little for the model's checkpoints and the kernel run's history, which a screenshot makes too).
TEST(Slides, export_slides_of_1000_steps_takes_the_memory_of_a_screenshot) {
    if (!have_xvfb() || !fs::exists("/usr/bin/time")) GTEST_SKIP() << "xvfb-run or /usr/bin/time is not installed";
#ifdef PEAK_RSS_UNDER_ASAN
    // 1001 slides take minutes under AddressSanitizer, whose quarantine (256 MiB) counts as memory
    // of the program: the plain build measures this.
    GTEST_SKIP() << "a memory bound measured in the plain build";
#endif
    fs::path dir = fresh_dir("ipcviz_slides_long");
    fs::create_directories(dir);
    {
        std::ofstream f(dir / "long.ipc");
        f << "title \"1000 steps\"\nproc a\nproc b\na: q = msgget(IPC_PRIVATE, 0600)\nb: r = msgget(IPC_PRIVATE, 0600)\n";
        for (int i = 0; i < 499; ++i) f << "a: msgsnd(q, 1, \"hello " << i << "\", 0)\nb: msgsnd(r, 2, \"there\", 0)\n";
    }
    std::string lesson = (dir / "long.ipc").string();
    auto timed = [](const std::string& args) {
        return shell("ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1920x1080x24' /usr/bin/time -f 'peak-kib %M' " + std::string(IPCVIZ_BINARY) +
                     " " + args);
    };
    Ran shot = timed(lesson + " --size 640x360 --step 1000 --screenshot " + (dir / "shot.png").string());
    Ran all = timed(lesson + " --size 640x360 --export-slides " + (dir / "slides").string());
    ASSERT_EQ(shot.status, 0) << shot.out;
    ASSERT_EQ(all.status, 0) << all.out;
    EXPECT_TRUE(fs::exists(dir / "slides" / "step-1000.png"));
    long one = peak_kib(shot), thousand = peak_kib(all);
    ASSERT_GT(one, 0) << shot.out;
    std::printf("peak memory: %ld KiB for one screenshot, %ld KiB for 1001 slides\n", one, thousand);
    EXPECT_LE(thousand, one + 8 * 1024) << "KiB at the peak: " << thousand << " for 1001 slides, " << one << " for one screenshot";
    fs::remove_all(dir);
}
