// The presentation layer (explain/present.cpp): events are data, and their sentences are made
// when they are shown, in either language, from the same arguments.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "explain/catalog.h"
#include "explain/present.h"
#include "sim/scenario/parser.h"
#include "sim/stepper.h"
#include "tests/scenario_files.h"

namespace fs = std::filesystem;
using sim::scenario::Lang;

namespace {

// Resets the language when a test ends, whatever it asserted.
struct InLanguage {
    explicit InLanguage(Lang l) { explain::set_language(l); }
    ~InLanguage() { explain::set_language(Lang::en); }
};

bool has_cjk(const std::string& s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0xe4 && c <= 0xe9) return true;  // U+4E00..U+9FFF start with E4..E9 in UTF-8
    }
    return false;
}

}  // namespace

TEST(Present, every_event_of_every_scenario_has_its_sentence_in_both_languages) {
    std::size_t shown = 0;
    for (const auto& path : testing_files::scenarios()) {
        const auto scenario = testing_files::parsed(path);  // the stepper keeps a reference to it
        sim::Stepper st(scenario);
        for (std::size_t n = 1; n <= st.total(); ++n) {
            if (st.seek(n) != n || !st.last()) break;
            const auto& o = st.last()->outcome;
            for (const auto& e : o.events) {
                std::string where = path.filename().string() + " step " + std::to_string(n) + " " + std::string(e.function);
                std::string en, zh;
                ASSERT_NO_THROW(en = explain::english_sentence(e, o.texts, st.model().kernel())) << where << ": " << e.msgid;
                {
                    InLanguage chinese(Lang::zh);
                    ASSERT_NO_THROW(zh = explain::sentence(e, o.texts, st.model().kernel())) << where << ": " << e.msgid;
                }
                EXPECT_FALSE(en.empty()) << where;
                ++shown;
            }
        }
    }
    EXPECT_GT(shown, 1000u);
}

TEST(Present, a_sentence_names_processes_fills_phrases_and_says_what_a_failed_call_returns) {
    sim::Kernel k;
    int a = k.spawn("writer", 0, 0);
    int b = k.spawn("reader", 0, 0);
    auto q = k.msgget(a, 0, 0600).ret;
    sim::StepOutcome blocked = k.msgrcv(b, q, 8, 5, 0);  // waits for type 5
    ASSERT_EQ(blocked.fate, sim::Fate::blocked);
    auto sleep = std::find_if(blocked.events.begin(), blocked.events.end(), [](const auto& e) { return e.kind == sim::EventKind::sleep; });
    ASSERT_NE(sleep, blocked.events.end());
    EXPECT_EQ(sleep->arg("msgtyp"), 5u);
    EXPECT_EQ(explain::english_sentence(*sleep, blocked.texts, k),
              "reader joins q_receivers at position 1, waiting for type 5 with a buffer of 8 bytes, and sleeps");

    sim::StepOutcome failed = k.msgsnd(a, q, 0, "x", 0);  // mtype 0 is EINVAL
    const auto& error = failed.events.at(failed.events.size() - 1);
    ASSERT_EQ(error.kind, sim::EventKind::error);
    EXPECT_EQ(explain::english_sentence(error, failed.texts, k),
              "mtype 0 is below 1: returns -EINVAL (Invalid argument) to writer; the C library sets errno and returns -1");
    InLanguage chinese(Lang::zh);
    std::string zh = explain::sentence(error, failed.texts, k);
    EXPECT_TRUE(has_cjk(zh)) << zh;
    EXPECT_NE(zh.find("EINVAL"), std::string::npos) << zh;
    EXPECT_NE(zh.find("writer"), std::string::npos) << zh;
}

TEST(Present, a_sentence_that_names_an_argument_the_event_lacks_is_an_error_not_a_blank) {
    sim::KernelEvent e;
    e.kind = sim::EventKind::check;
    e.function = "test";
    e.msgid = "finds {nothing}";
    sim::set_args(e, sim::ev::num<"msqid">(3));
    sim::Kernel k;
    EXPECT_THROW(explain::english_sentence(e, {}, k), std::invalid_argument);
}
