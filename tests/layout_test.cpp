// A layout for the room (issue 13): at 1280x720 and 1920x1080, in both themes, at zoom 1, at the
// lecture preset and a step above it, no panel's content is wider than the panel (no text cut off at the right, by the
// ImGui item rectangles), over every step of three lessons: one shm, one first touch with the walk,
// one queue with sleepers.
#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/headless_imgui.h"
#include "viz/layout.h"
#include "viz/theme.h"

namespace {

// Fonts at `zoom`, as ipcviz builds them (main.cpp apply_scale), for the lesson's characters.
void set_zoom(viz::App& app, float zoom, bool dark) {
    app.zoom = zoom;
    app.dark = dark;
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    viz::load_fonts(17.0f * zoom);
    unsigned char* pixels;
    int w, h;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    ImGuiStyle style;
    viz::apply_theme(style, dark);
    style.ScaleAllSizes(zoom);
    ImGui::GetStyle() = style;
}

}  // namespace

TEST(Layout, no_panel_is_cut_off_at_either_size_theme_or_zoom) {
    Headless imgui;
    viz::App app(assets());
    struct Size { float w, h, lecture; };
    for (const char* lesson : {"01-shm1-shm2.ipc", "02-first-touch.ipc", "11-two-receivers.ipc"}) {
        ASSERT_TRUE(app.open(assets() + "/lessons/" + lesson));
        for (Size size : {Size{1280, 720, 1.25f}, Size{1920, 1080, 1.5f}})
            for (bool dark : {true, false})
                for (float zoom : {1.0f, size.lecture, size.lecture + 0.25f}) {
                    ImGui::GetIO().DisplaySize = ImVec2(size.w, size.h);
                    set_zoom(app, zoom, dark);
                    for (std::size_t step = 0; step <= app.view().total; ++step) {
                        app.settle_at(step);
                        // Sizes settle over frames (panels sized by their content, a scrollbar that
                        // appears): ipcviz's screenshots are its fifth frame, and so is what is checked here.
                        for (int f = 0; f < 5; ++f) imgui.frame(app);
                        // Lesson 2's step 4 is a first touch: the walk panel draws its four levels.
                        if (std::string(lesson) == "02-first-touch.ipc" && step == 4) {
                            EXPECT_EQ(viz::walk_levels_drawn(), 4) << size.w << "x" << size.h << " zoom " << zoom;
                        }
                        for (const auto& w : viz::overflowing_windows())
                            ADD_FAILURE() << lesson << " at " << size.w << "x" << size.h << (dark ? " dark" : " light") << " zoom " << zoom
                                          << " step " << step << ": " << w;
                    }
                }
    }
    ImGui::GetIO().DisplaySize = ImVec2(1600, 900);
}

// The lecture preset: at 1920x1080, ipcviz starts at zoom 1.5, which makes text 25 pixels high.
TEST(Layout, the_lecture_preset_makes_text_at_least_24_pixels_at_1080_lines) {
    Headless imgui;
    float zoom = std::clamp(std::floor(1080.0f / 180.0f) / 4.0f, 1.0f, 2.0f);  // as main.cpp chooses it
    viz::load_fonts(17.0f * zoom);
    EXPECT_GE(ImGui::GetIO().Fonts->Fonts[0]->FontSize, 24.0f);
}
