// Every kernel-path sentence about a page table or a frame says what the model's state was at
// that event: "no PTE" only where there was none, "present but read-only" only where the entry was
// there and read-only, "(read-only)" only for a mapping without VM_WRITE, "already holds it" only
// for a frame that existed. Walked over every lesson and test scenario, step by step.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "explain/present.h"
#include "sim/scenario/parser.h"
#include "sim/stepper.h"
#include "tests/scenario_files.h"

namespace fs = std::filesystem;

namespace {

// The event's sentence in English, as the presentation layer makes it.
std::string text_of(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names) {
    return explain::english_sentence(e, texts, names);
}

const sim::ObjRef* touched(const sim::KernelEvent& e, sim::ObjKind kind) {
    for (const auto& r : e.touched)
        if (r.kind == kind) return &r;
    return nullptr;
}

// Checks one event against the model before its step and after it; a message for each false claim.
void check_claims(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& before, const sim::Kernel& after,
                  const std::string& where) {
    const std::string text = text_of(e, texts, after);
    auto says = [&](const char* words) { return text.find(words) != std::string::npos; };
    const sim::ObjRef* pte = touched(e, sim::ObjKind::pte);
    const sim::ObjRef* frame = touched(e, sim::ObjKind::page);
    if (e.function == "do_user_addr_fault" && pte) {
        const sim::task_struct* t = before.task(static_cast<int>(pte->id));
        ASSERT_NE(t, nullptr) << where;
        auto entry = t->mm.page_table.find(pte->sub);
        bool present = entry != t->mm.page_table.end();
        // The address the sentence names is the entry's, exactly (a typed argument, not words).
        EXPECT_EQ(e.arg("vaddr"), pte->sub) << where << ": " << text;
        if (present) {
            EXPECT_EQ(e.arg("pfn"), entry->second.pfn) << where << ": " << text;
        }
        if (says("no PTE")) {
            EXPECT_FALSE(present) << where << ": " << text;
        }
        if (says("is present")) {
            EXPECT_TRUE(present) << where << ": " << text;
            EXPECT_TRUE(!present || !entry->second.writable) << where << ": " << text;
        }
    }
    if (e.function == "MMU" && pte) {
        const sim::task_struct* t = before.task(static_cast<int>(pte->id));
        ASSERT_NE(t, nullptr) << where;
        auto entry = t->mm.page_table.find(pte->sub);
        ASSERT_NE(entry, t->mm.page_table.end()) << where << ": " << text;
        EXPECT_EQ(e.arg("vaddr"), pte->sub) << where << ": " << text;
        EXPECT_EQ(e.arg("pfn"), entry->second.pfn) << where << ": " << text;
    }
    if (e.function == "shmem_fault" && says("already holds it") && frame) {
        EXPECT_NE(before.frames().find(static_cast<std::uint64_t>(frame->id)), before.frames().end()) << where << ": " << text;
        EXPECT_EQ(e.arg("pfn"), static_cast<std::uint64_t>(frame->id)) << where << ": " << text;
    }
    if (e.function == "finish_fault" && pte) {
        const sim::task_struct* t = after.task(static_cast<int>(pte->id));
        ASSERT_NE(t, nullptr) << where;
        const sim::vm_area_struct* vma = t->mm.find_vma(pte->sub);
        EXPECT_EQ(e.arg("vaddr"), pte->sub) << where << ": " << text;
        if (vma && t->state == sim::TaskState::ready) {
            EXPECT_EQ(says("(read-only)"), !vma->vm_write) << where << ": " << text;
            EXPECT_EQ(says("(read-write)"), vma->vm_write) << where << ": " << text;
            // The entry the step left: the frame the sentence names, writable as it says.
            auto entry = t->mm.page_table.find(pte->sub);
            ASSERT_NE(entry, t->mm.page_table.end()) << where << ": " << text;
            EXPECT_EQ(e.arg("pfn"), entry->second.pfn) << where << ": " << text;
            EXPECT_EQ(says("(read-write)"), entry->second.writable) << where << ": " << text;
        }
    }
    if (e.function == "change_protection") {
        const sim::task_struct* t = after.task(static_cast<int>(e.touched[0].id));
        ASSERT_NE(t, nullptr) << where;
        // {n} is the number of present entries in [start, end), each now as the sentence says.
        std::uint64_t n = 0, start = *e.arg("start"), end = *e.arg("end");
        for (auto it = t->mm.page_table.lower_bound(start); it != t->mm.page_table.end() && it->first < end; ++it, ++n) {
            if (says("PROT_NONE")) EXPECT_TRUE(it->second.protnone) << where << ": " << text;
            else EXPECT_EQ(it->second.writable, says("writable")) << where << ": " << text;
        }
        EXPECT_EQ(e.arg("n"), n) << where << ": " << text;
    }
}

// The counts of page-table pages a step's events give ({ntables}, and {pud}/{pmd}/{pte} freed)
// follow each other from the count before the step, and end at the count the step left.
void check_table_counts(const sim::StepOutcome& out, const sim::Kernel& before, const sim::Kernel& after, const std::string& where) {
    std::map<std::int64_t, std::uint64_t> count;
    auto start = [&](std::int64_t pid) {
        const sim::task_struct* t = before.task(static_cast<int>(pid));
        return count.try_emplace(pid, t ? t->mm.pgtables.pages() : 0).first;
    };
    for (const auto& e : out.events) {
        if (e.kind != sim::EventKind::pgtable_alloc && e.kind != sim::EventKind::pgtable_free) continue;
        auto it = start(e.touched[0].id);
        std::string text = explain::english_sentence(e, out.texts, after);
        std::uint64_t now = e.kind == sim::EventKind::pgtable_alloc ? it->second + 1
                                                                     : it->second - *e.arg("pud") - *e.arg("pmd") - *e.arg("pte");
        EXPECT_EQ(e.arg("ntables"), now) << where << ": " << text;
        it->second = now;
    }
    for (const auto& [pid, n] : count) {
        const sim::task_struct* t = after.task(static_cast<int>(pid));
        if (t && t->state == sim::TaskState::ready) {
            EXPECT_EQ(t->mm.pgtables.pages(), n) << where << ": pid " << pid;
        }
    }
}

}  // namespace

TEST(KernelPathClaims, every_page_table_and_frame_sentence_matches_the_state_it_describes) {
    std::size_t claims = 0;
    for (const auto& path : testing_files::scenarios()) {
        const auto scenario = testing_files::parsed(path);  // the stepper keeps a reference to it
        sim::Stepper st(scenario);
        for (std::size_t n = 1; n <= st.total(); ++n) {
            st.seek(n - 1);
            sim::Kernel before = st.model().kernel();
            if (st.seek(n) != n || !st.last()) break;
            for (const auto& e : st.last()->outcome.events) {
                std::string where = path.filename().string() + " step " + std::to_string(n) + " " + std::string(e.function);
                check_claims(e, st.last()->outcome.texts, before, st.model().kernel(), where);
                claims += e.function == "do_user_addr_fault" || e.function == "finish_fault" || e.function == "MMU";
            }
            check_table_counts(st.last()->outcome, before, st.model().kernel(), path.filename().string() + " step " + std::to_string(n));
        }
    }
    EXPECT_GT(claims, 50u) << "the lessons make page-table claims: the walk found too few to mean anything";
}
