// ipcviz: the window. The only file that knows GLFW and OpenGL: it makes the window, feeds ImGui,
// draws what App builds, and writes screenshots.
#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <spawn.h>
#include <stb_image_write.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string_view>
#include <variant>
#include <vector>

#include "explain/catalog.h"
#include "explain/cli_words.h"
#include "explain/lang.h"
#include "explain/message.h"
#include "real/real_backend.h"
#include "viz/app.h"
#include "viz/fonts.h"
#include "viz/layout.h"
#include "viz/settings.h"
#include "viz/slides.h"
#include "viz/theme.h"

namespace {

// imgui.ini lives in the user's config directory, never in the working directory.
std::string ini_path() {
    namespace fs = std::filesystem;
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    fs::path dir = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".config";
    dir /= "ipcviz";
    std::error_code ec;
    fs::create_directories(dir, ec);
    return (dir / "imgui.ini").string();
}

// The compiled-in folder, or ./assets when it is not there. One that is there but cannot be looked
// at is kept, so that App reports why (fs::exists without an error_code threw, and ipcviz aborted).
std::string assets_dir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(IPCSIM_ASSETS_DIR, ec) || ec) return IPCSIM_ASSETS_DIR;
    return "assets";
}

// Fonts and sizes follow zoom times the monitor's content scale, rebuilt crisp rather than stretched.
void apply_scale(viz::App& app, float content_scale, const std::string& glyphs) {
    float scale = app.zoom * content_scale;
    viz::load_fonts(17.0f * scale, glyphs);
    ImGuiStyle fresh;
    viz::apply_theme(fresh, app.dark);
    fresh.ScaleAllSizes(scale);
    ImGui::GetStyle() = fresh;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    app.fonts_dirty = false;
}

bool write_png(GLFWwindow* window, const std::string& out) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    std::vector<unsigned char> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);
    return stbi_write_png(out.c_str(), w, h, 4, pixels.data(), w * 4) != 0;
}

// The scene of issue 6's frame-time figure: 64 processes each mapping all 4,096 pages of one
// segment, and a queue holding 10,000 messages.
std::string bench_scene() {
    std::string s = "title \"ipcviz --bench-frames: 64 processes x 4096 pages, 10000 messages\"\n";
    for (int p = 0; p < 64; ++p) s += "proc p" + std::to_string(p) + "\n";
    s += "p0: id = shmget(IPC_PRIVATE, 4096 * PAGE_SIZE, 0666)\np0: q = msgget(IPC_PRIVATE, 0666)\n";
    for (int p = 0; p < 64; ++p) {
        std::string n = std::to_string(p);
        s += "p" + n + ": a" + n + " = shmat(id, NULL, 0)\np" + n + ": store(a" + n + ", bytes(4096 * PAGE_SIZE))\n";
    }
    for (int m = 0; m < 10000; ++m) s += "p0: msgsnd(q, " + std::to_string(1 + m % 7) + ", \"m\", 0)\n";
    return s;
}

void shut_down(GLFWwindow* window) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
}

// The CPU's half of a frame: ImGui's vertex lists.
void build_frame(viz::App& app) {
    ImGuiStyle& style = ImGui::GetStyle();  // read by NewFrame for every window's draw list
    style.AntiAliasedLines = style.AntiAliasedFill = !viz::at_scale(app.view());
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    app.ui();
    ImGui::Render();
}

// The GPU's half (llvmpipe's rasteriser threads under Xvfb).
void draw_frame(GLFWwindow* window) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void render(GLFWwindow* window, viz::App& app) {
    build_frame(app);
    draw_frame(window);
}

// Draws n frames of the last step and prints the median time of one (CPU side and GPU, glFinish).
int bench(GLFWwindow* window, viz::App& app, int n) {
    app.settle_at(app.view().total);
    std::vector<double> ms, build_ms;
    for (int i = 0; i < n; ++i) {
        glfwPollEvents();
        double t0 = glfwGetTime();
        build_frame(app);
        double t1 = glfwGetTime();
        draw_frame(window);
        glFinish();
        ms.push_back((glfwGetTime() - t0) * 1000.0);
        build_ms.push_back((t1 - t0) * 1000.0);
        glfwSwapBuffers(window);
    }
    std::sort(ms.begin(), ms.end());
    std::sort(build_ms.begin(), build_ms.end());
    std::printf("%d frames of %s at step %zu: median %.2f ms per frame (%.2f ms of it building the vertex lists), worst %.2f ms "
                "(goal <= 8 ms); %d triangles a frame\n",
                n, app.file().c_str(), app.view().step, ms[ms.size() / 2], build_ms[build_ms.size() / 2], ms.back(),
                ImGui::GetDrawData()->TotalIdxCount / 3);
    shut_down(window);
    return 0;
}

}  // namespace

// ipcviz [FILE] --record -- COMMAND...: ipcsim record makes the recording in a process of its own
// (the recorder enters the recording's namespaces), into FILE or a new file under $TMPDIR; then the
// window opens it. Returns the file, or the exit status to end with.
std::variant<std::string, int> record_for_window(std::string out, const std::vector<std::string>& command) {
    if (out.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        std::string dir = std::string(tmp && *tmp ? tmp : "/tmp") + "/ipcviz-recording-XXXXXX";
        if (!::mkdtemp(dir.data())) return 3;
        out = dir + "/" + std::filesystem::path(command.front()).filename().string() + ".ipc";
    }
    std::vector<std::string> args{real::program_beside_self("ipcsim"), "record", "-o", out, "--"};
    args.insert(args.end(), command.begin(), command.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int status = 0;
    if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0 || ::waitpid(pid, &status, 0) != pid) return 3;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
    std::cerr << sim::scenario::printable(explain::say("ipcviz: the recording is in {file}", fmt::arg("file", out))) << "\n";
    return out;
}

// Everything after --record (and the -- that follows it) is the command to record; the rest is
// ipcviz's own command line. Returns how many arguments are ipcviz's.
int split_record_command(int argc, char** argv, std::vector<std::string>& command) {
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) != "--record") continue;
        int from = i + 1 < argc && std::string_view(argv[i + 1]) == "--" ? i + 2 : i + 1;
        command.assign(argv + from, argv + argc);
        return i;
    }
    return argc;
}

int main(int argc, char** argv) {
    const auto started = std::chrono::steady_clock::now();
    // The language first: the help and CLI11's errors, which parsing may print, are in it too.
    explain::set_language(explain::choose_lang(explain::lang_flag(argc, argv)));
    CLI::App cli{"ipcviz: System V shared memory and message queues, animated step by step"};
    explain::localize_help(cli, false);
    std::string file, screenshot, size = "1600x900";
    long step = -1;
    int bench_frames = 0;
    int event = -1;
    float anim = 1.0f;
    cli.add_option("FILE", file, "the .ipc scenario (default: the first lesson)");
    cli.add_option("--step", step, "start at step N (with --screenshot: after its animation)");
    cli.add_option("--event", event, "with --step: put the cursor on kernel-path event K (from 0) of that step");
    cli.add_option("--anim", anim, "with --event: how far that event's animation has got, 0 to 1")->default_val(1.0f);
    cli.add_option("--screenshot", screenshot, "render, write a PNG to this path, and exit");
    cli.add_option("--size", size, "window size, WxH")->default_val("1600x900");
    std::string lang;
    cli.add_option("--lang", lang, "the language of the lesson's title and notes, the messages and the help: en or zh (default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG)")
        ->check(CLI::IsMember({"en", "zh"}));
    std::string assets;
    cli.add_option("--assets", assets, explain::say("the folder whose lessons/ the window lists (default: {dir})", fmt::arg("dir", IPCSIM_ASSETS_DIR)));
    cli.add_option("--bench-frames", bench_frames, "draw N frames of the last step (of FILE, or of a large generated scene) and print the median frame time");
    std::string theme;
    cli.add_option("--theme", theme, "dark or light (default: dark; the key t switches)")->check(CLI::IsMember({"dark", "light"}));
    float zoom = 0;
    cli.add_option("--zoom", zoom, "text and panel size, 0.5 to 3 (default: from the window's height; 1.5, text of 25 pixels, at 1080 lines: the lecture preset)")
        ->check(CLI::Range(0.5f, 3.0f));
    bool bench_startup = false;
    bool quiz = false;
    int answer = 0;
    bool edit = false;
    cli.add_flag("--edit", edit, "start with the scenario panel as an editor (the key e)");
    cli.add_flag("--quiz", quiz, "start in the predict mode (the key q): with --step N, the question before step N+1 is on show");
    cli.add_option("--answer", answer, "with --quiz: answer that question with choice K (from 1), to show the verdict");
    cli.add_flag("--bench-startup", bench_startup, "print how long the first frame took to appear, from the start, and exit");
    bool check_layout = false;
    cli.add_flag("--check-layout", check_layout,
                 "with --screenshot: print each panel whose content is cut off at the right, and how many page-table levels the walk panel drew");
    bool count_missing = false;
    cli.add_flag("--count-missing-glyphs", count_missing, "with --screenshot: print how many characters were drawn as a box, having no glyph");
    viz::SlideOptions slides;
    viz::add_slide_options(cli, slides);
    bool record_flag = false;  // for the help: the command line is split at --record before parsing
    cli.add_flag("--record", record_flag,
                 "record COMMAND (ipcviz [FILE] --record -- COMMAND...) with ipcsim record into FILE, or a new file, and open the recording");
    std::vector<std::string> record_command;
    int own_args = split_record_command(argc, argv, record_command);
    CLI11_PARSE(cli, own_args, argv);
    if (own_args < argc) {
        if (record_command.empty()) {
            std::cerr << explain::tr("ipcviz: error: --record needs a command after --") << "\n";
            return 2;
        }
        auto recorded = record_for_window(file, record_command);
        if (auto* status = std::get_if<int>(&recorded)) return *status;
        file = std::get<std::string>(recorded);
    }
    int width = 1600, height = 900;
    if (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2 || width < 200 || height < 200) {
        std::cerr << sim::scenario::printable(explain::say("ipcviz: error: --size wants WxH, at least 200x200, not '{size}'", fmt::arg("size", size)))
                  << "\n";
        return 2;
    }

    viz::App app(assets.empty() ? assets_dir() : assets);
    // --lang, else the language last chosen in the window, else the locale.
    app.settings = viz::settings_file();
    app.set_lang(viz::window_lang(lang, app.settings), false);
    if (!app.errors().empty()) {
        // docs/decisions.md: 2 when the folder is the user's (--assets), 3 when it is the installation's.
        for (const auto& e : app.errors()) std::cerr << e;
        return assets.empty() ? 3 : 2;
    }
    // The kernel run goes on beside the window, which opens at once; a screenshot or a benchmark of
    // frames waits for it, so that its pictures are always the same.
    app.background_kernel_run = screenshot.empty() && bench_frames == 0;
    bool opened = bench_frames > 0 && file.empty() ? app.open_text("bench-scene.ipc", bench_scene()) : app.open(file);
    if (!opened) {
        for (const auto& e : app.errors()) std::cerr << e;
        return 2;
    }
    if (!viz::prepare_slides(app, slides)) return 2;
    if (!glfwInit()) {
        std::cerr << explain::tr("ipcviz: error: cannot open a window (no display?)") << "\n";
        return 3;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWwindow* window = glfwCreateWindow(width, height, "ipcviz", nullptr, nullptr);
    if (!window) {
        std::cerr << explain::tr("ipcviz: error: cannot create an OpenGL 3 window") << "\n";
        glfwTerminate();
        return 3;
    }
    glfwMakeContextCurrent(window);
    glfwSwapInterval(1);
    float xscale = 1.0f, yscale = 1.0f;
    glfwGetWindowContentScale(window, &xscale, &yscale);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    static const std::string ini = ini_path();
    ImGui::GetIO().IniFilename = ini.c_str();
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 130");
    // A taller window is a bigger screen, often a projector: the text starts a quarter larger for each
    // 180 pixels above 720 (17 px text on a 1080-line projector could not be read from the back).
    app.zoom = zoom > 0 ? zoom : std::clamp(std::floor(static_cast<float>(height) / 180.0f) / 4.0f, 1.0f, 2.0f);
    if (!theme.empty()) app.dark = theme == "dark";
    const std::string glyphs = viz::lesson_text(assets.empty() ? assets_dir() : assets, file);
    apply_scale(app, xscale, glyphs);
    bool dark = app.dark;
    if (bench_frames > 0) return bench(window, app, bench_frames);
    if (slides.wanted()) {
        int status = viz::export_slides(app, slides, {[&] { render(window, app); }, [&](const std::string& png) { return write_png(window, png); }});
        shut_down(window);
        return status;
    }
    if (step >= 0 && event >= 0) app.freeze_at(static_cast<std::size_t>(step), event, anim);
    else if (step >= 0) app.settle_at(static_cast<std::size_t>(step));
    if (edit) app.start_editing();
    if (quiz) {
        app.set_predict(true);
        app.next_step();  // asks before the next step
        if (answer > 0) app.answer(static_cast<std::size_t>(answer - 1));
        if (answer > 0 && !screenshot.empty()) app.settle_at(app.position());
    }

    int frames = 0;
    double last = glfwGetTime();
    while (!glfwWindowShouldClose(window)) {
        glfwPollEvents();
        double now = glfwGetTime();
        if (screenshot.empty()) app.advance(static_cast<float>(now - last));
        last = now;
        if (app.fonts_dirty || app.dark != dark) {
            dark = app.dark;
            apply_scale(app, xscale, glyphs);
        }
        render(window, app);
        // ImGui lays out auto-sized things over two frames, and panels sized by their content take
        // two more: the fifth is the one to keep.
        if (!screenshot.empty() && ++frames == 5) {
            bool ok = write_png(window, screenshot);
            if (!ok) std::cerr << sim::scenario::printable(explain::say("ipcviz: error: cannot write {file}", fmt::arg("file", screenshot))) << "\n";
            if (count_missing) std::printf("missing glyphs drawn: %d\n", viz::missing_glyphs_drawn(ImGui::GetDrawData()));
            if (check_layout) {
                for (const auto& w : viz::overflowing_windows()) std::printf("cut off: %s\n", w.c_str());
                std::printf("walk levels drawn: %d\n", viz::walk_levels_drawn());
                std::printf("semaphore bars drawn: %d\n", viz::semaphore_bars_drawn());
                std::printf("program line lit: %d\n", viz::program_line_lit());
            }
            shut_down(window);
            return ok ? 0 : 1;
        }
        glfwSwapBuffers(window);
        if (bench_startup) {
            glFinish();
            auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
            std::printf("first frame after %.0f ms (goal <= 300 ms); the kernel run %s\n", ms,
                        app.kernel_run_going() ? "was still going" : "was done");
            shut_down(window);
            return 0;
        }
    }
    shut_down(window);
    return 0;
}
