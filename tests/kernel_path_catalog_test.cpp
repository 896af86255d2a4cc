// Kernel-path sentences are catalog keys (N_("...") in sim/ and explain/): every one has its Chinese,
// each is one string literal that a scan finds whole, and what a typed event says in Chinese carries
// its numbers. The errno descriptions the presenter shows ({errno_text}) have their Chinese too.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "explain/catalog.h"
#include "explain/present.h"
#include "real/procfs.h"
#include "tests/scenario_files.h"
#include "sim/kernel.h"
#include "sim/scenario/constants.h"

namespace {

namespace fs = std::filesystem;

// The literals inside every N_( ... ) of sim/ and explain/, one entry per N_, adjacent literals kept apart.
std::vector<std::pair<std::string, std::vector<std::string>>> sentence_keys() {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    static const std::regex call(R"re(N_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\))re");
    static const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
    for (const char* dir : {"sim", "sim/scenario", "explain"})
        for (const auto& f : fs::directory_iterator(fs::path(IPCSIM_SOURCE_DIR) / dir)) {
            if (f.path().extension() != ".cpp" && f.path().extension() != ".h") continue;
            std::string text = real::read_file(f.path().string()).value_or("");
            for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
                std::string args = (*it)[1];
                std::vector<std::string> lits;
                for (std::sregex_iterator l(args.begin(), args.end(), literal); l != end; ++l) lits.push_back((*l)[1]);
                out.emplace_back(f.path().filename().string(), lits);
            }
        }
    return out;
}


}  // namespace

TEST(Catalog, every_kernel_path_sentence_is_one_literal_with_chinese) {
    auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    ASSERT_TRUE(zh);
    auto keys = sentence_keys();
    ASSERT_GT(keys.size(), 100u) << "the scan found no N_ keys";
    for (const auto& [file, lits] : keys) {
        ASSERT_FALSE(lits.empty());
        EXPECT_EQ(lits.size(), 1u) << file << ": a key split into adjacent literals: \"" << lits[0] << "\" ...";
        EXPECT_NE(zh->find(testing_files::unescaped(lits[0])), nullptr) << file << ": not in po/zh_CN/*.po: \"" << lits[0] << "\"";
    }
}

TEST(Catalog, every_errno_description_has_chinese) {
    auto zh = explain::Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    ASSERT_TRUE(zh);
    int described = 0;
    for (int e = 1; e < 200; ++e) {
        std::string_view text = sim::scenario::errno_text(e);
        if (text.empty()) continue;
        ++described;
        EXPECT_NE(zh->find(std::string(text)), nullptr) << sim::scenario::errno_name(e) << ": \"" << text << "\"";
    }
    EXPECT_GT(described, 100);
}

// seteuid(1000) as root: commit_creds keeps the new ids as typed arguments, and the Chinese reader
// sees them; the seteuid(2000) that follows fails (2000 is none of 0/1000/0) and says 不允许的操作 for EPERM.
TEST(Catalog, a_credential_change_reads_in_chinese_with_its_ids) {
    sim::Kernel k;
    int a = k.spawn("a", 0, 0);
    const sim::StepOutcome& set = k.set_id(a, sim::Kernel::SetId::seteuid, 1000);
    const sim::KernelEvent* commit = nullptr;
    for (const auto& e : set.events)
        if (e.function == "commit_creds") commit = &e;
    ASSERT_NE(commit, nullptr);
    EXPECT_EQ(commit->arg("euid"), 1000u);  // the claim, checked on the typed argument
    EXPECT_EQ(commit->arg("uid"), 0u);
    explain::set_language(explain::Lang::zh);
    std::string said = explain::sentence(*commit, set.texts, k);
    explain::set_language(explain::Lang::en);
    EXPECT_NE(said.find("a 现在的 uid 为 0/1000/0"), std::string::npos) << said;
    EXPECT_NE(said.find("有效能力集被清空"), std::string::npos) << said;

    sim::StepOutcome fail = k.set_id(a, sim::Kernel::SetId::seteuid, 2000);
    EXPECT_EQ(fail.err, EPERM);
    const sim::KernelEvent* error = nullptr;
    for (const auto& e : fail.events)
        if (e.kind == sim::EventKind::error) error = &e;
    ASSERT_NE(error, nullptr);
    explain::set_language(explain::Lang::zh);
    said = explain::sentence(*error, fail.texts, k);
    explain::set_language(explain::Lang::en);
    EXPECT_NE(said.find("-EPERM（不允许的操作）"), std::string::npos) << said;
}
