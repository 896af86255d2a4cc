// The window's fixed layout: a toolbar, then the panels in three columns that fit 1280x720 and
// 1920x1080 alike, and the lines from PTEs to frames drawn over them.
#pragma once

#include <string>
#include <vector>

#include "viz/view.h"

namespace viz {

class App;
// The main menu bar (menu.cpp), drawn before the layout, which starts below it.
void draw_menu_bar(App& app);
void draw_layout(App& app, const View& v);
// A scene of thousands of frames (the benchmark's 64 processes x 4,096 pages, not a lesson) is drawn
// without anti-aliasing: llvmpipe shades each one-pixel fringe in whole 4x4 blocks, and at that
// scale the fringes cost more than everything else on screen.
bool at_scale(const View& v);

// The windows whose content was wider than what they show in the last frame (item rectangles past
// the right edge: cut-off text), each as "NAME: content W px in V px". For the layout tests.
std::vector<std::string> overflowing_windows();

// The panels (one file each). They only read the View; the scenario panel may ask App to open a lesson.
void panel_toolbar(App& app, const View& v);
void panel_scenario(App& app, const View& v);
// The program behind the steps (panel_program.cpp), when the scenario names one with `source`.
bool has_programs(const View& v);
void panel_program(const View& v);
void panel_path(const View& v);
// The predict mode (panel_predict.cpp): the question in place of the kernel path while it is asked
// (false when none is), the verdict above the path once answered, and the score as words.
bool panel_question(App& app, const View& v);
void prediction_verdict(const View& v);
std::string score_text(const View& v);
void panel_processes(const View& v, Anchors& anchors);
void panel_memory(const View& v, Anchors& anchors);
void panel_walk(const View& v);
// The page-table levels the last frame's walk panel drew: 4, or 0 when it showed no walk (tests).
int walk_levels_drawn();
void panel_shm(const View& v, Anchors& anchors);
void panel_msg(const View& v, Anchors& anchors);
void panel_sem(const View& v, Anchors& anchors);
// The semaphore bars the last frame's Semaphores panel showed on screen (tests).
int semaphore_bars_drawn();
// The line of the C program that the program panel lit in the last frame; 0 when none.
int program_line_lit();
void panel_compare(const View& v);

}  // namespace viz
