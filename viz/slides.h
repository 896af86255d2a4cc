// `ipcviz FILE --export-slides DIR [--events]`: a PNG of the window after every step of FILE (and,
// with --events, after every kernel-path event of every step), and DIR/index.html, a handout of
// them (viz/handout.h). One window, one GL context: main.cpp hands over how to draw a frame and how
// to save it, so this file knows neither GLFW nor OpenGL.
#pragma once

#include <functional>
#include <string>

namespace CLI {
class App;
}

namespace viz {

class App;

struct SlideOptions {
    std::string dir;  // empty: no export
    bool events = false;
    bool wanted() const { return !dir.empty(); }
};

// --export-slides DIR and --events, on ipcviz's command line.
void add_slide_options(CLI::App& cli, SlideOptions& o);

// Before the window opens, for the scenario `app` has open: DIR exists (it is made when missing) and
// can be written, and every step of the scenario runs. Otherwise prints why (`ipcviz: error: ...`,
// or the scenario error as a compiler does) and returns false: exit status 2.
bool prepare_slides(const App& app, const SlideOptions& o);

// How main.cpp draws one frame of the window (the CPU and GPU halves, no buffer swap) and writes
// the frame just drawn to a PNG.
struct FrameSink {
    std::function<void()> draw;
    std::function<bool(const std::string& png)> save;
};

// Writes every slide and the handout; the exit status (0, or 2 when DIR cannot be written).
int export_slides(App& app, const SlideOptions& o, const FrameSink& sink);

// The picture files: step-000.png, and step-003-event-02.png for event 2 of step 3.
std::string slide_file(std::size_t step);
std::string event_file(std::size_t step, std::size_t event);

}  // namespace viz
