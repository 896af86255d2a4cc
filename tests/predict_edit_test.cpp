// The window's predict mode and editor, driven headless as a class would drive them: keys and typed
// characters into frames of the real UI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "headless_imgui.h"
#include "real/procfs.h"
#include "scenario_files.h"
#include "sim/model_backend.h"

namespace {

namespace fs = std::filesystem;

// Types into whatever has the keyboard; a second frame applies what the first asked (App::later).
void type(Headless& imgui, viz::App& app, const std::string& text) {
    for (char c : text) ImGui::GetIO().AddInputCharacter(static_cast<unsigned char>(c));
    imgui.frame(app);
    imgui.frame(app);
}

// Ctrl + a letter, held for one frame (the GLFW key codes of letters are their capitals).
void ctrl(Headless& imgui, viz::App& app, char key) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = true;
    io.KeysDown[static_cast<unsigned char>(key)] = true;
    imgui.frame(app);
    io.KeysDown[static_cast<unsigned char>(key)] = false;
    io.KeyCtrl = false;
    imgui.frame(app);
}

TEST(Predict, the_q_key_holds_each_step_until_its_question_is_answered) {
    Headless imgui;
    viz::App app(assets());
    ASSERT_TRUE(app.open(assets() + "/lessons/02-first-touch.ipc"));
    imgui.frame(app);
    type(imgui, app, "q");
    EXPECT_TRUE(app.predict());
    app.next_step();
    imgui.frame(app);
    ASSERT_TRUE(app.prediction().has_value()) << "the first step has a question";
    EXPECT_EQ(app.position(), 0u) << "the step waits for the answer";
    const sim::Question q = app.prediction()->question;
    std::size_t wrong = (q.answer + 1) % q.choices.size();
    type(imgui, app, std::string(1, static_cast<char>('1' + wrong)));
    EXPECT_EQ(app.position(), 1u) << "answering runs the step";
    EXPECT_EQ(app.score(), (sim::QuizScore{1, 0}));
    EXPECT_EQ(app.prediction()->chosen, wrong);
    // Back and forward again: a question is asked once.
    app.prev_step();
    app.next_step();
    EXPECT_EQ(app.position(), 1u);
    EXPECT_EQ(app.score().asked, 1u);
}

TEST(Predict, answering_every_question_of_every_lesson_right_scores_full_marks) {
    Headless imgui;
    for (const auto& path : testing_files::scenarios()) {
        if (path.parent_path().filename() != "lessons") continue;
        viz::App app(assets());
        ASSERT_TRUE(app.open(path.string())) << path;
        app.set_predict(true);
        std::size_t asked = 0;
        while (app.position() < app.view().total) {
            std::size_t at = app.position();
            app.next_step();
            if (app.position() == at) {
                ASSERT_TRUE(app.prediction() && !app.prediction()->chosen) << path << " step " << at + 1 << " is held with no question";
                imgui.frame(app);  // the question panel draws
                ++asked;
                app.answer(app.prediction()->question.answer);
                ASSERT_EQ(app.position(), at + 1) << path;
            }
            imgui.frame(app);
        }
        EXPECT_GT(asked, 0u) << path;
        EXPECT_EQ(app.score(), (sim::QuizScore{asked, asked})) << path;
    }
}

TEST(Predict, the_lessons_own_question_and_the_program_line_are_on_show) {
    Headless imgui;
    viz::App app(assets());
    ASSERT_TRUE(app.open(assets() + "/lessons/01-shm1-shm2.ipc"));
    app.settle_at(2);
    app.set_predict(true);
    app.next_step();
    imgui.frame(app);
    viz::View v = app.view();
    ASSERT_NE(v.prediction, nullptr);
    ASSERT_TRUE(v.scenario->steps[v.prediction->step].ask.has_value()) << "lesson 1 asks its own question before shm1's first store";
    EXPECT_EQ(v.scenario->steps[v.prediction->step].source_line, 38);
    ASSERT_NE(v.programs, nullptr);
    ASSERT_EQ(v.programs->count("../programs/shm1.c"), 1u);
    const viz::Program& shm1 = v.programs->at("../programs/shm1.c");
    EXPECT_TRUE(shm1.error.empty()) << shm1.error;
    EXPECT_NE(std::string(shm1.lines[37]).find("written_by_you = 0"), std::string::npos) << "line 38 of shm1.c is the store the step makes";
}

// ---------------------------------------------------------------- the editor

struct EditedFile {
    fs::path path = fs::temp_directory_path() / ("ipcviz_edit_" + std::to_string(::getpid()) + ".ipc");
    explicit EditedFile(const std::string& text) { std::ofstream(path) << text; }
    ~EditedFile() { fs::remove(path); }
};

TEST(Editor, typing_reruns_an_error_shows_at_its_line_and_undo_and_save_work) {
    Headless imgui;
    EditedFile file("proc a\na: q = msgget(IPC_PRIVATE, 0600) => 0\n");
    viz::App app(assets());
    ASSERT_TRUE(app.open(file.path.string()));
    app.settle_at(1);
    imgui.frame(app);
    type(imgui, app, "e");  // the cursor goes to the start of the editor
    ASSERT_TRUE(app.editing);
    imgui.frame(app);

    type(imgui, app, "sysctl msgmni = 0\n");
    EXPECT_EQ(app.text(), "sysctl msgmni = 0\nproc a\na: q = msgget(IPC_PRIVATE, 0600) => 0\n");
    EXPECT_TRUE(app.errors().empty());
    EXPECT_EQ(app.position(), 1u) << "the edit keeps the step";
    ASSERT_NE(app.view().record, nullptr);
    EXPECT_EQ(app.view().record->outcome.err, 28) << "re-run at once: no queue may exist, so msgget fails with ENOSPC";
    EXPECT_TRUE(app.unsaved());

    type(imgui, app, "(");
    ASSERT_FALSE(app.errors().empty());
    const std::string& e = app.errors().front();
    EXPECT_NE(e.find(file.path.string() + ":2:1: error:"), std::string::npos) << e;
    EXPECT_NE(e.find("(proc a\n^"), std::string::npos) << "the line and a caret under its column\n" << e;
    EXPECT_EQ(app.view().record->outcome.err, 28) << "the last good run stays on show";

    ctrl(imgui, app, 'Z');
    EXPECT_TRUE(app.errors().empty());
    EXPECT_EQ(app.text(), "sysctl msgmni = 0\nproc a\na: q = msgget(IPC_PRIVATE, 0600) => 0\n");
    ctrl(imgui, app, 'S');
    EXPECT_FALSE(app.unsaved());
    EXPECT_EQ(real::read_file(file.path.string()).value_or(""), app.text()) << "Ctrl+S wrote the file";
    ctrl(imgui, app, 'Z');
    EXPECT_EQ(app.text(), "proc a\na: q = msgget(IPC_PRIVATE, 0600) => 0\n") << "undo goes back to the file as it was opened";
    EXPECT_EQ(app.view().record->outcome.err, 0);
}

}  // namespace
