// The handout of `ipcviz --export-slides` (viz/handout.h): what a lesson says reaches the page as
// text, never as markup; the pictures are named relative to index.html; both languages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "explain/catalog.h"
#include "viz/handout.h"
#include "viz/slides.h"

namespace {

using sim::scenario::Lang;

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
    return n;
}

// A lesson of two steps whose title and note are hostile, the second with two event pictures.
std::vector<viz::HandoutSlide> hostile_slides() {
    viz::HandoutSlide before;
    before.total = 2;
    before.image = viz::slide_file(0);
    viz::HandoutSlide first = before;
    first.step = 1;
    first.image = viz::slide_file(1);
    first.step_line = "line 7  a: store(p, \"<b>\")  ->  returned 0";
    first.notes = {"Tom & Jerry <script>alert(1)</script>", "第二条注释"};
    first.summary = "a faults at 0x7effffffd000: frame 0x1a000 is allocated & zeroed";
    first.path = {{"do_user_addr_fault", "no PTE for 0x7effffffd000 in a's page table"}, {"store", "9 byte(s) \"<i>\""}};
    viz::HandoutSlide second = first;
    second.step = 2;
    second.image = viz::slide_file(2);
    second.step_line = "line 9  a: shmdt(p)  ->  returned 0";
    second.notes = {};
    second.events = {{viz::event_file(2, 0), "ksys_shmdt"}, {viz::event_file(2, 1), "do_munmap"}};
    return {before, first, second};
}

}  // namespace

TEST(Handout, a_note_with_markup_is_shown_in_the_handout_as_text) {
    std::string html = viz::handout_html("<script>x()</script> & co", "02-first-touch.ipc", hostile_slides(), Lang::en);
    EXPECT_EQ(html.find("<script"), std::string::npos) << "a lesson's <script> reached the page as markup";
    EXPECT_EQ(html.find("<b>"), std::string::npos);
    EXPECT_EQ(html.find("<i>"), std::string::npos);
    EXPECT_NE(html.find("Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("<title>&lt;script&gt;x()&lt;/script&gt; &amp; co</title>"), std::string::npos);
    EXPECT_NE(html.find("allocated &amp; zeroed"), std::string::npos);
    EXPECT_NE(html.find("store(p, &quot;&lt;b&gt;&quot;)"), std::string::npos);
    // No bare ampersand: each one starts an entity.
    for (auto at = html.find('&'); at != std::string::npos; at = html.find('&', at + 1)) {
        auto end = html.find(';', at);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LT(end - at, 8u) << html.substr(at, 20);
    }
}

TEST(Handout, the_handout_names_each_picture_once_relative_to_the_page_with_alt_text) {
    std::string html = viz::handout_html("First touch", "02-first-touch.ipc", hostile_slides(), Lang::en);
    for (const char* png : {"step-000.png", "step-001.png", "step-002.png", "step-002-event-00.png", "step-002-event-01.png"})
        EXPECT_EQ(count(html, std::string("src=\"") + png + "\""), 1u) << png;
    EXPECT_EQ(count(html, "<img "), 5u);
    EXPECT_EQ(count(html, "<img src=\"step-"), 5u) << "an image path is not relative";
    EXPECT_EQ(count(html, "alt=\"\""), 0u) << "a picture without alt text";
    EXPECT_NE(html.find("alt=\"the window after step 1: line 7  a: store(p, &quot;&lt;b&gt;&quot;)  -&gt;  returned 0\""), std::string::npos);
    EXPECT_EQ(html.find("http"), std::string::npos) << "the handout must open with no network";
}

TEST(Handout, an_english_handout_has_the_english_words_in_order) {
    std::string html = viz::handout_html("First touch", "02-first-touch.ipc", hostile_slides(), Lang::en);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
    EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
    EXPECT_NE(html.find("@media print"), std::string::npos);
    EXPECT_NE(html.find("break-before: page"), std::string::npos) << "one slide per printed page";
    EXPECT_EQ(count(html, "<section class=\"slide"), 3u);
    EXPECT_EQ(count(html, "Kernel path"), 2u);
    EXPECT_NE(html.find("in short: a faults"), std::string::npos);
    auto s0 = html.find("Step 0 of 2"), s1 = html.find("Step 1 of 2"), s2 = html.find("Step 2 of 2");
    ASSERT_NE(s0, std::string::npos);
    EXPECT_LT(s0, s1);
    EXPECT_LT(s1, s2);
    auto line = html.find("line 7  a: store"), note = html.find("Tom &amp; Jerry"), summary = html.find("in short:"),
         path = html.find("do_user_addr_fault");
    EXPECT_LT(s1, line);
    EXPECT_LT(line, note);
    EXPECT_LT(note, summary);
    EXPECT_LT(summary, path);
    EXPECT_LT(path, s2);
    EXPECT_NE(html.find("step 2, event 1: do_munmap"), std::string::npos);
}

TEST(Handout, a_chinese_handout_has_the_chinese_words_and_leaves_the_program_language_alone) {
    explain::set_language(Lang::en);
    std::string html = viz::handout_html("第一次访问", "02-first-touch.ipc", hostile_slides(), Lang::zh);
    EXPECT_EQ(explain::language(), Lang::en);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"zh-CN\">", 0), 0u);
    EXPECT_NE(html.find("<title>第一次访问</title>"), std::string::npos);
    EXPECT_NE(html.find("第 1 步（共 2 步）"), std::string::npos);
    EXPECT_NE(html.find("概要："), std::string::npos) << "in short: has no Chinese";
    EXPECT_NE(html.find("内核路径"), std::string::npos) << "Kernel path has no Chinese";
    EXPECT_EQ(html.find("Kernel path"), std::string::npos);
    EXPECT_EQ(html.find("Step 1"), std::string::npos);
    EXPECT_NE(html.find("第二条注释"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(Handout, handout_picture_files_are_numbered_for_sorting) {
    EXPECT_EQ(viz::slide_file(0), "step-000.png");
    EXPECT_EQ(viz::slide_file(42), "step-042.png");
    EXPECT_EQ(viz::event_file(3, 2), "step-003-event-02.png");
}
