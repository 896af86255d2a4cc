// The handout of `ipcviz --export-slides`: DIR/index.html, one section per slide (its picture, the
// step's line, its notes, the one-line summary and the kernel path as `ipcsim run` prints them).
// Pure functions from data to text: no files, no window. A lesson file is untrusted input, so every
// text it gives (title, notes, strings in calls) is HTML-escaped here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cli/trace.h"
#include "sim/scenario/ast.h"

namespace viz {

// One picture of a kernel-path event: its file (relative to index.html) and its function.
struct HandoutEvent {
    std::string image;
    std::string function;
};

struct HandoutSlide {
    std::size_t step = 0;   // steps done: 0 is the slide before the first step
    std::size_t total = 0;  // steps in the lesson
    std::string image;      // relative to index.html: "step-003.png"
    std::string step_line;  // "line 17  a: store(p, "page zero")  ->  returned 0"; empty on slide 0
    std::vector<std::string> notes;  // in the handout's language
    std::string summary;             // explain::step_summary; may be empty
    std::vector<cli::PathLine> path;
    std::vector<HandoutEvent> events;  // with --events: one picture per kernel-path event
};

// `&`, `<`, `>`, `"` and `'` as entities; other bytes as they are (the text is UTF-8).
std::string html_escape(std::string_view text);

// The document, in three parts so that a long lesson can be written slide by slide. The fixed words
// ("Step", "Kernel path", "in short") are in `lang`, whatever the program's language is.
std::string handout_head(const std::string& title, sim::scenario::Lang lang);
std::string handout_slide(const HandoutSlide& slide, sim::scenario::Lang lang);
std::string handout_tail(const std::string& file, sim::scenario::Lang lang);

// The whole document: head, every slide, tail.
std::string handout_html(const std::string& title, const std::string& file, const std::vector<HandoutSlide>& slides,
                         sim::scenario::Lang lang);

}  // namespace viz
