// The window without a window: every panel over every step of every lesson, in a headless ImGui
// context (as Dear ImGui's example_null does); and ipcviz itself under Xvfb, looked at as a PNG.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>
#include <stb_image.h>

#include <filesystem>
#include <set>

#include "tests/headless_imgui.h"
#include "viz/app.h"

namespace fs = std::filesystem;

TEST(Viz, every_panel_draws_every_step_and_every_event_of_every_lesson) {
    Headless imgui;
    viz::App app(assets());
    ASSERT_FALSE(app.lessons().empty());
    for (const auto& lesson : app.lessons()) {
        ASSERT_TRUE(app.open(lesson)) << lesson;
        for (std::size_t n = 0; n < 40 && app.position() < app.view().total; ++n) {
            app.next_step();
            for (int e = 0; e < 30; ++e) {
                imgui.frame(app);
                app.advance(0.5f);  // each event's animation runs out and the next one starts
            }
            EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, 1000) << lesson << " step " << app.position();
        }
        EXPECT_EQ(app.position(), app.view().total) << lesson;
    }
}

TEST(Viz, stepping_back_shows_the_earlier_step_complete_and_forward_replays_its_path) {
    Headless imgui;
    viz::App app(assets());
    ASSERT_TRUE(app.open(assets() + "/lessons/01-shm1-shm2.ipc"));
    app.go_to(3);  // shm1's first store: the fault path
    auto v = app.view();
    EXPECT_EQ(v.event, static_cast<int>(v.events().size()) - 1);
    app.prev_step();
    EXPECT_EQ(app.view().step, 2u);
    EXPECT_TRUE(app.view().kernel->task_by_name("shm1")->mm.page_table.empty());
    app.next_step();
    v = app.view();
    EXPECT_EQ(v.event, 0);  // the path starts over, one event at a time
    // Before the PTE's event comes, the PTE is not drawn yet.
    const auto* shm1 = v.kernel->task_by_name("shm1");
    auto vpage = shm1->mm.page_table.begin()->first;
    EXPECT_TRUE(v.pending({sim::ObjKind::pte, shm1->pid, vpage}));
    app.go_to(3);
    EXPECT_FALSE(app.view().pending({sim::ObjKind::pte, shm1->pid, vpage}));
}

TEST(Viz, a_screenshot_under_xvfb_is_a_real_picture) {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) GTEST_SKIP() << "xvfb-run is not installed";
    fs::path out = fs::temp_directory_path() / ("ipcviz_test_" + std::to_string(::getpid()) + ".png");
    for (const char* lesson : {"01-shm1-shm2.ipc", "08-msg1-msg2.ipc"}) {
        // Leak checks stay with the headless tests above: Mesa and X keep allocations to the end.
        std::string cmd = "ASAN_OPTIONS=detect_leaks=0 xvfb-run -a -s '-screen 0 1920x1080x24' " + std::string(IPCVIZ_BINARY) + " " + assets() + "/lessons/" + lesson +
                          " --step 4 --size 1280x720 --screenshot " + out.string() + " >/dev/null 2>&1";
        ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
        int w = 0, h = 0, n = 0;
        unsigned char* px = stbi_load(out.string().c_str(), &w, &h, &n, 4);
        ASSERT_NE(px, nullptr);
        EXPECT_EQ(w, 1280);
        EXPECT_EQ(h, 720);
        std::set<unsigned> colours;
        for (int i = 0; i < w * h; i += 7) colours.insert(px[4 * i] << 16 | px[4 * i + 1] << 8 | px[4 * i + 2]);
        stbi_image_free(px);
        EXPECT_GT(colours.size(), 50u) << lesson << ": the picture is nearly blank";
        fs::remove(out);
    }
}

// The atlas is built from the characters the window will show, not from a fixed range: with
// ImGui's "common" Chinese range alone, 拟, 函, 拷, 逻 and 辑 (in 虚拟内存, 函数, 拷贝, 逻辑地址, words
// of the seed) were boxes.
TEST(Viz, the_font_atlas_has_a_glyph_for_every_character_of_every_lesson) {
    Headless h;
    std::string text = viz::lesson_text(assets(), "") + "虚拟内存 函数 拷贝 逻辑地址";
    ASSERT_TRUE(viz::load_fonts(17.0f, text)) << "no Chinese font (fonts-wqy-microhei)";
    unsigned char* pixels;
    int w, hgt;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &hgt);
    ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
    std::set<unsigned> missing;
    for (const char* p = text.data(), *end = p + text.size(); p < end;) {
        unsigned c = 0;
        int n = ImTextCharFromUtf8(&c, p, end);
        p += n > 0 ? n : 1;
        if (c >= 0x20 && !font->FindGlyphNoFallback(static_cast<ImWchar>(c))) missing.insert(c);
    }
    EXPECT_TRUE(missing.empty()) << missing.size() << " characters have no glyph, the first U+" << std::hex << *missing.begin();
}

// A file that lists thousands of rare characters gets the common set, not an atlas past the GPU's size.
TEST(Viz, a_file_of_every_cjk_character_keeps_the_atlas_to_the_common_set) {
    Headless h;
    std::string text;
    for (unsigned c = 0x4e00; c < 0x9fff; ++c) {
        char buf[5] = {};
        ImTextCharToUtf8(buf, c);
        text += buf;
    }
    ASSERT_TRUE(viz::load_fonts(17.0f, text));
    unsigned char* pixels;
    int w, hgt;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &hgt);
    EXPECT_LE(hgt, 8192);
    ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
    EXPECT_NE(font->FindGlyphNoFallback(0x5171), nullptr) << "共, of the common set";
}

// 'l' switches the lesson's title and notes between English and Chinese; the window draws the
// Chinese note's glyphs (more vertices than the same frame in English, whose note is shorter).
TEST(Viz, the_l_key_switches_the_lesson_texts_to_chinese) {
    Headless imgui;
    viz::App app(assets());
    ASSERT_TRUE(app.open_text("zh.ipc", "title \"Shared memory\" zh \"共享内存\"\nproc a\n"
                                        "note \"x\" zh \"第一次访问共享内存时，内核为它分配物理页面并填写页表项。\"\n"
                                        "a: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600)\n"));
    app.settle_at(1);
    imgui.frame(app);
    int english = ImGui::GetDrawData()->TotalVtxCount;
    EXPECT_EQ(app.lang, sim::scenario::Lang::en);
    ImGui::GetIO().AddInputCharacter('l');
    imgui.frame(app);
    EXPECT_EQ(app.lang, sim::scenario::Lang::zh);
    imgui.frame(app);
    EXPECT_GT(ImGui::GetDrawData()->TotalVtxCount, english + 4 * 20) << "the Chinese note's glyphs are drawn";
    ImGui::GetIO().AddInputCharacter('l');
    imgui.frame(app);
    EXPECT_EQ(app.lang, sim::scenario::Lang::en);
}
