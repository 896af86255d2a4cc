// The predict mode's questions, answered headless over every lesson and test scenario, right and
// wrong: each has 3 to 5 different choices and one right answer, and the answer is what the step did.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "explain/catalog.h"
#include "explain/message.h"
#include "scenario_files.h"
#include "sim/model_backend.h"
#include "sim/quiz.h"

namespace {

struct Asked {
    std::size_t step;
    sim::Question q;
};

// Every question of a scenario, as the predict mode meets them.
std::vector<Asked> questions_of(const sim::scenario::Scenario& s) {
    sim::ModelBackend model;
    sim::RunState st;
    sim::start_run(s, model);
    std::vector<Asked> out;
    while (st.next < s.steps.size()) {
        std::size_t i = st.next;
        sim::Observation before = model.observe();
        auto r = sim::run_step(s, model, st);
        if (r.error) break;
        if (auto q = sim::make_question(s, i, before, *r.record, model.observe())) out.push_back({i, std::move(*q)});
    }
    return out;
}

std::vector<Asked> lesson_questions(const char* name) {
    return questions_of(testing_files::parsed(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/" + name));
}

// The question of the step on `line`, and its right answer in English.
std::pair<sim::QuestionKind, std::string> at_line(const std::vector<Asked>& qs, const sim::scenario::Scenario& s, int line) {
    for (const auto& a : qs)
        if (s.steps[a.step].pos.line == line) return {a.q.kind, sim::english(a.q.choices[a.q.answer])};
    ADD_FAILURE() << "no question at line " << line;
    return {};
}

TEST(Quiz, every_step_worth_asking_has_three_to_five_different_choices_and_one_answer) {
    std::size_t total = 0;
    std::set<sim::QuestionKind> kinds;
    for (const auto& path : testing_files::scenarios()) {
        auto s = testing_files::parsed(path);
        for (const auto& [step, q] : questions_of(s)) {
            ++total;
            kinds.insert(q.kind);
            EXPECT_GE(q.choices.size(), 3u) << path << " step " << step + 1;
            EXPECT_LE(q.choices.size(), 5u) << path << " step " << step + 1;
            EXPECT_LT(q.answer, q.choices.size()) << path;
            EXPECT_FALSE(sim::english(q.text).empty());
            std::set<std::string> texts;
            for (const auto& c : q.choices) texts.insert(sim::english(c));
            EXPECT_EQ(texts.size(), q.choices.size()) << path << " step " << step + 1 << ": two choices read the same";
        }
    }
    EXPECT_GT(total, 200u);
    EXPECT_EQ(kinds.size(), 9u) << "every kind of question is asked by some lesson";
}

TEST(Quiz, answering_right_scores_every_question_and_wrong_none) {
    for (const auto& path : testing_files::scenarios()) {
        sim::QuizScore right, wrong;
        for (const auto& [step, q] : questions_of(testing_files::parsed(path))) {
            std::size_t given = q.answer;
            right.count(given == q.answer);
            std::size_t other = (q.answer + 1) % q.choices.size();
            wrong.count(other == q.answer);
        }
        EXPECT_EQ(right.right, right.asked) << path;
        EXPECT_EQ(wrong.right, 0u) << path;
        EXPECT_EQ(wrong.asked, right.asked);
    }
}

TEST(Quiz, the_answer_is_what_the_first_touch_did) {
    auto s = testing_files::parsed(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/01-shm1-shm2.ipc");
    auto qs = questions_of(s);
    // shm1's first store allocates the frame; shm2's first touch finds it in the segment.
    EXPECT_EQ(at_line(qs, s, 28), std::make_pair(sim::QuestionKind::fault, std::string("a page fault, and a new frame is allocated and zeroed")));
    EXPECT_EQ(at_line(qs, s, 20), std::make_pair(sim::QuestionKind::nattch, std::string("1")));
    bool found_in_segment = false;
    for (const auto& a : qs)
        if (a.q.kind == sim::QuestionKind::fault && a.q.answer == 2 && s.steps[a.step].proc == "shm2") found_in_segment = true;
    EXPECT_TRUE(found_in_segment) << "shm2's first touch: the page is already in the segment";
}

TEST(Quiz, a_read_only_store_answers_sigsegv) {
    bool segv = false;
    for (const auto& a : lesson_questions("06-shm-rdonly.ipc"))
        if (a.q.kind == sim::QuestionKind::fault && sim::english(a.q.choices[a.q.answer]).starts_with("SIGSEGV")) segv = true;
    EXPECT_TRUE(segv);
}

TEST(Quiz, queues_ask_who_blocks_who_wakes_and_which_message) {
    auto s11 = testing_files::parsed(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/11-two-receivers.ipc");
    auto q11 = questions_of(s11);
    EXPECT_EQ(at_line(q11, s11, 9).second, "blocks: no message matches, so r1 sleeps on q_receivers");
    EXPECT_EQ(at_line(q11, s11, 14).second, "returns 0: the message goes straight to a receiver asleep on q_receivers");
    auto s12 = testing_files::parsed(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/12-rmid-sleepers.ipc");
    auto q12 = questions_of(s12);
    EXPECT_EQ(at_line(q12, s12, 12).second, "blocks: the queue is full, so writer sleeps on q_senders");
    EXPECT_EQ(at_line(q12, s12, 18), std::make_pair(sim::QuestionKind::wakes, std::string("reader, then writer")));
    bool which = false;
    for (const auto& a : lesson_questions("09-msg-types.ipc")) which = which || a.q.kind == sim::QuestionKind::which_message;
    EXPECT_TRUE(which) << "msgrcv by type from a queue of several messages";
}

// ---------------------------------------------------------------- ipcsim quiz

struct Ran {
    int status = -1;
    std::string out;
};

Ran quiz(const std::string& lesson, const std::string& answers, const std::string& flags = "") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("ipcsim_quiz_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "in") << answers;
    std::string cmd = std::string(IPCSIM_BINARY) + " quiz " + flags + " " + IPCSIM_SOURCE_DIR + "/assets/lessons/" + lesson + " <" +
                      (dir / "in").string() + " >" + (dir / "out").string() + " 2>&1";
    int raw = std::system(cmd.c_str());
    std::ifstream f(dir / "out");
    Ran r{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, std::string(std::istreambuf_iterator<char>(f), {})};
    fs::remove_all(dir);
    return r;
}

TEST(QuizCommand, right_answers_on_stdin_score_full_marks) {
    auto qs = lesson_questions("08-msg1-msg2.ipc");
    std::string answers;
    for (const auto& a : qs) answers += std::to_string(a.q.answer + 1) + "\n";
    Ran r = quiz("08-msg1-msg2.ipc", answers);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("score: " + std::to_string(qs.size()) + " of " + std::to_string(qs.size()) + " right"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("in short:"), std::string::npos) << "each answer is followed by the step and its kernel path";
}

TEST(QuizCommand, wrong_answers_are_corrected_and_the_end_of_input_ends_the_quiz) {
    auto qs = lesson_questions("02-first-touch.ipc");
    ASSERT_GE(qs.size(), 3u);
    std::string answers = "x\n9\n";  // not answers: asked again
    for (std::size_t i = 0; i < 2; ++i) answers += std::to_string((qs[i].q.answer + 1) % qs[i].q.choices.size() + 1) + "\n";
    Ran r = quiz("02-first-touch.ipc", answers);
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("answer with a number from 1 to"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not quite: the answer is " + std::to_string(qs[0].q.answer + 1) + ") " + sim::english(qs[0].q.choices[qs[0].q.answer])),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("score: 0 of 2 right"), std::string::npos) << r.out;
}

TEST(QuizCommand, asks_in_chinese_with_the_lessons_own_question) {
    Ran r = quiz("01-shm1-shm2.ipc", "1\n", "--lang zh");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("你的答案"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("得分"), std::string::npos) << r.out;
    Ran en = quiz("01-shm1-shm2.ipc", "1\n1\n1\n");
    EXPECT_NE(en.out.find("shm1 writes its flag for the first time. Does the store fault, and is a frame allocated?"), std::string::npos)
        << "the lesson's ask replaces the model's question\n" << en.out;
    EXPECT_EQ(en.out.find("shm1 runs store: does it fault"), std::string::npos) << en.out;
}

}  // namespace

TEST(Quiz, semaphores_ask_whether_semop_blocks_what_the_value_becomes_and_who_wakes) {
    auto s25 = testing_files::parsed(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/25-atomic-semop.ipc");
    auto q25 = questions_of(s25);
    // Two sembufs, one of which cannot proceed: a sleeps and neither is applied.
    EXPECT_EQ(at_line(q25, s25, 12), std::make_pair(sim::QuestionKind::blocks,
                                                    std::string("blocks: a sembuf cannot proceed, so none is applied and a sleeps as a sem_queue")));
    // b takes what a did not: semaphore 0 goes from 1 to 0.
    EXPECT_EQ(at_line(q25, s25, 18), std::make_pair(sim::QuestionKind::semval, std::string("0")));
    auto s23 = testing_files::parsed(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/23-wait-for-zero.ipc");
    auto q23 = questions_of(s23);
    EXPECT_EQ(at_line(q23, s23, 12).second, "-1, errno EAGAIN: a sembuf cannot proceed and has IPC_NOWAIT");
    EXPECT_EQ(at_line(q23, s23, 27), std::make_pair(sim::QuestionKind::wakes, std::string("w1, then w2")));
}
