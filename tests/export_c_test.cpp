// `ipcsim export-c` as a user meets it: a broken scenario is refused like a compiler would, a good
// one becomes a C program on standard output or in the file -o names. (tests/export_c.sh compiles
// and runs the programs of every lesson.)
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "real/procfs.h"
#include "run_ipcsim.h"

namespace fs = std::filesystem;

namespace {

using testing_cli::ipcsim;
using testing_cli::Ran;
using testing_cli::scenario_file;

}  // namespace

TEST(ExportC, a_syntax_error_exits_2_with_file_line_col_and_writes_no_program) {
    auto f = scenario_file("export_c_bad.ipc", "proc a\na: shmget(IPC_PRIVATE, 100 0600)\n");
    fs::path out = fs::temp_directory_path() / "export_c_bad.c";
    fs::remove(out);
    Ran r = ipcsim("export-c " + f + " -o " + out.string());
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(f + ":2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": error: "), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_FALSE(fs::exists(out));
}

TEST(ExportC, a_step_by_an_exited_process_is_a_scenario_error_too) {
    auto f = scenario_file("export_c_exited.ipc", "proc a\na: exit(0)\na: shmget(IPC_PRIVATE, 100, 0600)\n");
    Ran r = ipcsim("export-c " + f);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(f + ":3:1: error: process 'a' cannot make a call: it has exited"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(ExportC, a_lesson_becomes_a_c_program_on_stdout_or_in_the_file_o_names) {
    std::string lesson = std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/08-msg1-msg2.ipc";
    Ran r = ipcsim("export-c " + lesson);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("int main(void)"), std::string::npos);
    EXPECT_NE(r.out.find("return receive_message(v.id, 8192, 0, 0);"), std::string::npos);
    EXPECT_NE(r.out.find("outcome_blocks(18);"), std::string::npos);
    // The queue's wait lists are the model's: named, not checked.
    EXPECT_NE(r.out.find("model_only(\"msq(id).receivers == [msg1]\""), std::string::npos);
    fs::path out = fs::temp_directory_path() / "export_c_08.c";
    Ran o = ipcsim("export-c " + lesson + " -o " + out.string());
    EXPECT_EQ(o.status, 0) << o.err;
    EXPECT_TRUE(o.out.empty());
    EXPECT_EQ(real::read_file(out.string()).value_or(""), r.out);
    fs::remove(out);
}

TEST(ExportC, an_output_file_that_cannot_be_written_exits_1_with_why) {
    std::string lesson = std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/01-shm1-shm2.ipc";
    Ran r = ipcsim("export-c " + lesson + " -o /nonexistent/dir/out.c");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("/nonexistent/dir/out.c: error: cannot write the C program"), std::string::npos) << r.err;
}

TEST(ExportC, its_help_speaks_chinese_too) {
    Ran en = ipcsim("export-c --help");
    EXPECT_EQ(en.status, 0);
    EXPECT_NE(en.out.find("-o"), std::string::npos);
    Ran zh = ipcsim("--lang zh export-c --help");
    EXPECT_EQ(zh.status, 0);
    EXPECT_EQ(zh.out.find("Write FILE as one C program"), std::string::npos) << zh.out;
}
