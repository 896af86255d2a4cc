// The window's parse errors in its language (issue 12): the compiler form of that language, worded
// again when the key l switches it.
#include <gtest/gtest.h>
#include <imgui.h>

#include "tests/headless_imgui.h"
#include "viz/app.h"

TEST(Viz, parse_errors_in_the_window_follow_the_l_key) {
    Headless imgui;
    viz::App app(assets());
    ASSERT_FALSE(app.open_text("bad.ipc", "proc a\nproc a\n"));
    ASSERT_EQ(app.errors().size(), 1u);
    EXPECT_EQ(app.errors()[0].rfind("bad.ipc:2:6: error: duplicate process 'a'\n", 0), 0u) << app.errors()[0];
    ImGui::GetIO().AddInputCharacter('l');
    imgui.frame(app);
    ASSERT_EQ(app.lang, sim::scenario::Lang::zh);
    EXPECT_EQ(app.errors()[0],
              "bad.ipc:2:6: 错误：重复的进程 'a'\nproc a\n     ^\n"
              "bad.ipc:1:6: 附注：'a' 第一次声明在这里\nproc a\n     ^\n");
    ImGui::GetIO().AddInputCharacter('l');
    imgui.frame(app);
    EXPECT_EQ(app.errors()[0].rfind("bad.ipc:2:6: error: duplicate process 'a'\n", 0), 0u);
}
