#include "viz/slides.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <imgui.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/trace.h"
#include "explain/catalog.h"
#include "explain/message.h"
#include "explain/summary.h"
#include "sim/scenario/diagnostic.h"
#include "sim/stepper.h"
#include "viz/app.h"
#include "viz/handout.h"

namespace viz {

namespace fs = std::filesystem;
using sim::scenario::printable;

namespace {

// As the screenshot does it (main.cpp): ImGui lays out auto-sized things over two frames, panels
// sized by their content take two more, and the kernel path and the source follow the current
// line for three frames after it moves. The fifth frame of one state is the one to keep.
constexpr int kSettleFrames = 5;

void error(std::string_view message) { std::cerr << printable(message) << "\n"; }

// Draws the state the app is in until the layout has settled, then writes it to DIR/name.
bool shoot(const FrameSink& sink, const fs::path& dir, const std::string& name) {
    for (int i = 0; i < kSettleFrames; ++i) sink.draw();
    fs::path png = dir / name;
    if (sink.save(png.string())) return true;
    error(explain::say("ipcviz: error: cannot write {file}", fmt::arg("file", png.string())));
    return false;
}

// "line 17  a: store(p, "page zero")  ->  returned 0": the step's line, as the kernel path panel shows it.
std::string step_line(const View& v) {
    const auto& step = v.scenario->steps[v.record->index];
    return explain::say("line {line}  {proc}: {call}  ->  {outcome}", fmt::arg("line", step.pos.line), fmt::arg("proc", step.proc),
                        fmt::arg("call", printable(cli::call_text(*v.scenario, step))),
                        fmt::arg("outcome", printable(cli::result_text(*v.scenario, *v.record))));
}

// What the handout says of the state the app shows now: the step just done (none on slide 0).
HandoutSlide slide_of(const View& v, sim::scenario::Lang lang) {
    HandoutSlide s;
    s.step = v.step;
    s.total = v.total;
    s.image = slide_file(v.step);
    if (!v.record) return s;
    s.step_line = step_line(v);
    for (const auto& n : v.scenario->steps[v.record->index].notes) s.notes.push_back(printable(n.in(lang)));
    // The notes after the last step close the lesson: they go with its last slide.
    if (v.step == v.total)
        for (const auto& n : v.scenario->trailing_notes) s.notes.push_back(printable(n.in(lang)));
    s.summary = printable(explain::step_summary(v.record->outcome, *v.kernel));
    s.path = cli::kernel_path(*v.record, *v.kernel);
    for (auto& line : s.path) line.sentence = printable(line.sentence);
    return s;
}

// Slide `step` (and its events' pictures, with --events) written, and its section of the handout.
bool export_step(App& app, std::size_t step, const SlideOptions& o, const FrameSink& sink, std::ostream& html, std::size_t& pictures) {
    app.settle_at(step);
    if (!shoot(sink, o.dir, slide_file(step))) return false;
    ++pictures;
    HandoutSlide slide = slide_of(app.view(), app.lang);
    std::size_t events = app.view().events().size();
    for (std::size_t k = 0; o.events && step > 0 && k < events; ++k) {
        app.freeze_at(step, static_cast<int>(k), 1.0f);  // at the end of that event's animation
        if (!shoot(sink, o.dir, event_file(step, k))) return false;
        ++pictures;
        slide.events.push_back({event_file(step, k), std::string(app.view().events()[k].function)});
    }
    html << handout_slide(slide, app.lang);
    return true;
}

std::string title_of(const App& app) {
    const auto* s = app.view().scenario;
    return printable(s->title.en.empty() ? fs::path(app.file()).filename().string() : s->title.in(app.lang));
}

}  // namespace

std::string slide_file(std::size_t step) { return fmt::format("step-{:03}.png", step); }

std::string event_file(std::size_t step, std::size_t event) { return fmt::format("step-{:03}-event-{:02}.png", step, event); }

void add_slide_options(CLI::App& cli, SlideOptions& o) {
    cli.add_option("--export-slides", o.dir, "write a PNG of the window before the first step and after each step of FILE into DIR, "
                                             "with DIR/index.html, a handout of them, and exit");
    cli.add_flag("--events", o.events, "with --export-slides: also a PNG after each kernel-path event of every step");
}

bool prepare_slides(const App& app, const SlideOptions& o) {
    if (!o.wanted()) {
        if (o.events) error(explain::tr("ipcviz: error: --events goes with --export-slides DIR"));
        return !o.events;
    }
    // A step that cannot run stops the window's stepper: said here, as `ipcsim run` says it.
    const auto& scenario = *app.view().scenario;
    sim::Stepper stepper(scenario);
    stepper.seek(scenario.steps.size());
    if (stepper.error()) {
        std::cerr << explain::format_diagnostic(app.file(), scenario.lines, *stepper.error());
        return false;
    }
    std::error_code ec;
    fs::create_directories(o.dir, ec);
    if (ec) {
        error(explain::say("ipcviz: error: cannot create {dir}: {why}", fmt::arg("dir", o.dir), fmt::arg("why", ec.message())));
        return false;
    }
    fs::path index = fs::path(o.dir) / "index.html";
    if (!std::ofstream(index, std::ios::binary)) {
        error(explain::say("ipcviz: error: cannot write {file}", fmt::arg("file", index.string())));
        return false;
    }
    return true;
}

int export_slides(App& app, const SlideOptions& o, const FrameSink& sink) {
    // The pictures show the model, not where the pointer happens to be.
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouse;
    app.wait_for_kernel_run();  // the comparison panel shows the kernel's values, as in a screenshot
    fs::path index = fs::path(o.dir) / "index.html";
    std::ofstream html(index, std::ios::binary);
    html << handout_head(title_of(app), app.lang);
    std::size_t total = app.view().total, pictures = 0;
    for (std::size_t step = 0; step <= total; ++step)
        if (!export_step(app, step, o, sink, html, pictures)) return 2;
    html << handout_tail(fs::path(app.file()).filename().string(), app.lang);
    html.close();
    if (!html) {
        error(explain::say("ipcviz: error: cannot write {file}", fmt::arg("file", index.string())));
        return 2;
    }
    std::cout << explain::say("ipcviz: {count} pictures and {file} written", fmt::arg("count", pictures), fmt::arg("file", index.string()))
              << "\n";
    return 0;
}

}  // namespace viz
