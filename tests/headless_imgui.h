// Dear ImGui with no window, for tests of the window's panels (examples/example_null): a context
// with a display size, a built font atlas, and frames run by hand.
#pragma once

#include <imgui.h>

#include <string>

#include "viz/app.h"
#include "viz/fonts.h"

struct Headless {
    Headless() {
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.DisplaySize = ImVec2(1600, 900);
        io.DeltaTime = 1.0f / 60;
        io.IniFilename = nullptr;
        viz::load_fonts(17.0f);
        unsigned char* pixels;
        int w, h;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    }
    ~Headless() { ImGui::DestroyContext(); }
    Headless(const Headless&) = delete;
    Headless& operator=(const Headless&) = delete;
    void frame(viz::App& app) {
        ImGui::NewFrame();
        app.ui();
        ImGui::Render();
    }
};

// The source tree's assets folder.
inline std::string assets() { return std::string(IPCSIM_SOURCE_DIR) + "/assets"; }
