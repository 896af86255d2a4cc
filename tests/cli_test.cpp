// ipcsim as a user meets it: exit statuses, the trace of a fault, the check report, diagnostics.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "real/procfs.h"
#include "run_ipcsim.h"

namespace fs = std::filesystem;

namespace {

using testing_cli::ipcsim;
using testing_cli::Ran;
using testing_cli::scenario_file;

std::string lesson(const char* name) { return std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/" + name; }

}  // namespace

TEST(Cli, run_prints_the_kernel_path_of_a_first_touch_fault) {
    Ran r = ipcsim("run " + lesson("01-shm1-shm2.ipc"));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("do_user_addr_fault"), std::string::npos);
    EXPECT_NE(r.out.find("shmem_alloc_and_add_folio"), std::string::npos);
    EXPECT_NE(r.out.find("finish_fault"), std::string::npos);
    EXPECT_NE(r.out.find("note: shm1: shmget"), std::string::npos);
    EXPECT_NE(r.out.find("------ Shared Memory Segments (model) --------"), std::string::npos);
}

TEST(Cli, run_json_prints_one_object_per_step_with_its_events) {
    Ran r = ipcsim("run --json " + lesson("01-shm1-shm2.ipc"));
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    int steps = 0;
    bool saw_fault = false;
    while (std::getline(lines, line)) {
        auto j = nlohmann::json::parse(line);
        EXPECT_EQ(j["step"].get<int>(), ++steps);
        for (const auto& e : j["events"]) saw_fault = saw_fault || e["kind"] == "page_fault";
    }
    EXPECT_EQ(steps, 18);
    EXPECT_TRUE(saw_fault);
}

// --json is language-neutral: kind, function, key and arguments are the same in both languages,
// and only the sentence, an extra field, follows --lang.
TEST(Cli, run_json_is_the_same_data_in_both_languages_with_the_sentence_translated) {
    Ran en = ipcsim("run --json --lang en " + lesson("08-msg1-msg2.ipc"));
    Ran zh = ipcsim("run --json --lang zh " + lesson("08-msg1-msg2.ipc"));
    ASSERT_EQ(en.status, 0) << en.err;
    ASSERT_EQ(zh.status, 0) << zh.err;
    std::istringstream en_lines(en.out), zh_lines(zh.out);
    std::string a, b;
    int translated = 0, events = 0;
    while (std::getline(en_lines, a) && std::getline(zh_lines, b)) {
        auto je = nlohmann::json::parse(a)["events"], jz = nlohmann::json::parse(b)["events"];
        ASSERT_EQ(je.size(), jz.size());
        for (std::size_t i = 0; i < je.size(); ++i, ++events) {
            for (const char* field : {"kind", "function", "key", "args", "touched"}) EXPECT_EQ(je[i][field], jz[i][field]) << field;
            translated += je[i]["text"] != jz[i]["text"];
        }
    }
    EXPECT_GT(events, 50);
    EXPECT_EQ(translated, events) << "every sentence of lesson 8 has its Chinese";
}

TEST(Cli, check_reports_each_failed_expectation_with_file_and_line) {
    auto f = scenario_file("ipcsim_fail.ipc",
                           "proc a\n"
                           "a: id = shmget(IPC_PRIVATE, 100, 0600) => 0\n"
                           "expect shm(id).nattch == 1\n"
                           "a: shmget(IPC_PRIVATE, 0, 0600) => 0\n");
    Ran r = ipcsim("check " + f);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find(f + ":3: expected shm(id).nattch == 1, got 0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(f + ":4: expected 0, got -1 EINVAL"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 passed, 2 failed"), std::string::npos) << r.out;
}

TEST(Cli, check_passes_on_every_lesson) {
    std::string files;
    for (const auto& e : fs::directory_iterator(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons"))
        if (e.path().extension() == ".ipc") files += " " + e.path().string();
    Ran r = ipcsim("check" + files);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST(Cli, a_syntax_error_exits_2_with_file_line_col_and_a_caret) {
    auto f = scenario_file("ipcsim_bad.ipc", "proc a\na: store(p, \"never closed)\n");
    Ran r = ipcsim("run " + f);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(f + ":2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(": error: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("a: store(p, \"never closed)\n            ^\n"), std::string::npos) << r.err;
}

TEST(Cli, random_bytes_exit_2_without_crashing) {
    std::string junk;
    for (int i = 0; i < 512; ++i) junk += static_cast<char>((i * 7919) & 0xff);
    auto f = scenario_file("ipcsim_junk.ipc", junk);
    EXPECT_EQ(ipcsim("run " + f).status, 2);
    EXPECT_EQ(ipcsim("check " + f).status, 2);
}

TEST(Cli, a_step_by_an_exited_process_is_a_scenario_error_naming_both_lines) {
    auto f = scenario_file("ipcsim_exited.ipc",
                           "proc a\n"
                           "a: exit(0)\n"
                           "a: shmget(IPC_PRIVATE, 100, 0600)\n");
    Ran r = ipcsim("run " + f);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(f + ":3:1: error: process 'a' cannot make a call: it has exited"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(f + ":2:1: note:"), std::string::npos) << r.err;
}

TEST(Cli, a_missing_file_exits_2) {
    Ran r = ipcsim("check /nonexistent/lesson.ipc");
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("/nonexistent/lesson.ipc"), std::string::npos);
}

TEST(Cli, help_is_there_for_the_program_and_each_command) {
    EXPECT_EQ(ipcsim("--help").status, 0);
    Ran run = ipcsim("run --help");
    EXPECT_EQ(run.status, 0);
    EXPECT_NE(run.out.find("--json"), std::string::npos);
    EXPECT_EQ(ipcsim("check --help").status, 0);
    EXPECT_EQ(ipcsim("frobnicate").status, 2);
}

TEST(Cli, running_a_lesson_twice_gives_byte_identical_json) {
    for (const char* name : {"01-shm1-shm2.ipc", "10-full-queue.ipc", "14-signals.ipc"}) {
        Ran a = ipcsim("run --json " + lesson(name));
        Ran b = ipcsim("run --json " + lesson(name));
        EXPECT_EQ(a.status, 0);
        EXPECT_FALSE(a.out.empty());
        EXPECT_EQ(a.out, b.out) << name;
    }
}

TEST(Cli, a_step_that_would_move_more_than_64_mib_is_an_error_not_an_allocation) {
    auto f = scenario_file("ipcsim_huge.ipc",
                           "proc a\n"
                           "a: q = msgget(IPC_PRIVATE, 0600)\n"
                           "a: msgsnd(q, 1, bytes(1024 * 1024 * 1024 * 1024), 0)\n");
    Ran r = ipcsim("run " + f);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(":3:23: error: bytes(N) is longer than a text may be (64 MiB)"), std::string::npos) << r.err;
    // A length known only when the step runs (here the id times a terabyte) meets the run's budget.
    f = scenario_file("ipcsim_huge.ipc",
                      "proc a\n"
                      "a: q = msgget(IPC_PRIVATE, 0600)\n"
                      "a: msgsnd(q, 1, bytes((q + 1) * 1024 * 1024 * 1024 * 1024), 0)\n");
    r = ipcsim("run " + f);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(":3:17: error: bytes(1099511627776) is more than a step may move (64 MiB)"), std::string::npos) << r.err;
}

TEST(Cli, reading_a_buf_field_the_buffer_lacks_fails_with_why) {
    // The file's last filling call is IPC_INFO, which passes the static check; it fails at run
    // time, so the buffer still holds the IPC_STAT before it.
    auto f = scenario_file("ipcsim_buf.ipc",
                           "proc a\n"
                           "a: s = shmget(IPC_PRIVATE, 100, 0600)\n"
                           "a: shmctl(s, IPC_STAT) => 0\n"
                           "a: shmctl(-1, IPC_INFO)\n"
                           "expect a.buf.shmmax != 0\n");
    Ran r = ipcsim("check " + f);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find(f + ":5: expected a.buf.shmmax != 0, got <a's last shmctl was IPC_STAT: its buffer (shmid_ds) has no field shmmax>"),
              std::string::npos)
        << r.out;
    Ran real = ipcsim("check --real " + f);
    if (real.status != 3) {
        EXPECT_EQ(real.out, r.out);
    }
}

// Version 2's `zh` texts: ipcsim shows the lesson's title and notes in the language asked for with
// --lang, else the one the locale variables name; a note without zh shows its English in both.
TEST(Cli, lesson_texts_follow_lang_and_the_locale_and_lint_lists_what_lacks_zh) {
    auto f = scenario_file("ipcsim_zh.ipc",
                           "title \"Shared memory\" zh \"共享内存\"\n"
                           "proc a\n"
                           "note \"A new segment\" zh \"新的共享内存段\"\n"
                           "a: id = shmget(IPC_PRIVATE, PAGE_SIZE, 0600) => ok\n"
                           "expect count(shm) == 1\n"
                           "note \"English only\"\n"
                           "a: exit(0)\n");
    for (const char* var : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) ::unsetenv(var);
    Ran en = ipcsim("run " + f);
    EXPECT_EQ(en.out.rfind("Shared memory\n", 0), 0u) << en.out;
    EXPECT_NE(en.out.find("note: A new segment\n"), std::string::npos);
    Ran zh = ipcsim("run --lang zh " + f);
    EXPECT_EQ(zh.out.rfind("共享内存\n", 0), 0u) << zh.out;
    EXPECT_NE(zh.out.find("说明：新的共享内存段\n"), std::string::npos) << "the catalog's words around the lesson's";
    EXPECT_NE(zh.out.find("说明：English only\n"), std::string::npos);
    EXPECT_NE(ipcsim("check --lang zh " + f).out.find("2 项通过，0 项失败\n"), std::string::npos);
    ::setenv("LANGUAGE", "zh_CN:en", 1);
    ::setenv("LANG", "en_US.UTF-8", 1);
    EXPECT_NE(ipcsim("run " + f).out.find("说明：新的共享内存段\n"), std::string::npos) << "LANGUAGE comes first";
    EXPECT_NE(ipcsim("run --lang en " + f).out.find("note: A new segment\n"), std::string::npos) << "--lang wins";
    ::unsetenv("LANGUAGE");
    EXPECT_NE(ipcsim("run " + f).out.find("note: A new segment\n"), std::string::npos);
    ::unsetenv("LANG");
    EXPECT_EQ(ipcsim("run --lang fr " + f).status, 2);
    Ran lint = ipcsim("check --lint " + f);
    EXPECT_EQ(lint.status, 0);
    EXPECT_EQ(lint.out, f + ":6: lint: no zh text: the Chinese class sees the English\n" + f +
                            ":7: lint: no expect follows this step\n2 passed, 0 failed\n");
}

// Issue 12: a scenario's errors and the help speak the chosen language. gcc under zh_CN writes
// "错误：" and "附注：" where it writes "error: " and "note: "; the line and the caret are the same.
TEST(Cli, a_broken_scenario_reports_in_chinese_like_gcc_under_zh_cn) {
    auto f = scenario_file("ipcsim_zh_broken.ipc", "proc a\nproc a\na: shmgett(1, 2, 3)\n");
    for (const char* var : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) ::unsetenv(var);
    Ran zh = ipcsim("check --lang zh " + f);
    EXPECT_EQ(zh.status, 2);
    EXPECT_EQ(zh.err, f + ":2:6: 错误：重复的进程 'a'\n"
                          "proc a\n"
                          "     ^\n" +
                          f + ":1:6: 附注：'a' 第一次声明在这里\n"
                              "proc a\n"
                              "     ^\n" +
                          f + ":3:4: 错误：未知的调用 'shmgett'；是不是要写 'shmget'？\n"
                              "a: shmgett(1, 2, 3)\n"
                              "   ^\n");
    Ran en = ipcsim("check " + f);
    EXPECT_EQ(en.status, 2);
    EXPECT_NE(en.err.find(":3:4: error: unknown call 'shmgett'; did you mean 'shmget'?\n"), std::string::npos) << en.err;
    EXPECT_NE(en.err.find(":1:6: note: 'a' is first declared here\n"), std::string::npos) << en.err;
    ::setenv("LC_ALL", "zh_CN.UTF-8", 1);
    EXPECT_NE(ipcsim("run " + f).err.find(":3:4: 错误：未知的调用"), std::string::npos) << "the locale, without --lang";
    EXPECT_NE(ipcsim("--lang en run " + f).err.find(":3:4: error: unknown call"), std::string::npos) << "--lang before the subcommand";
    ::unsetenv("LC_ALL");
}

// A step that cannot run (its process is asleep) is an error of the run, in the same form and language.
TEST(Cli, a_run_time_scenario_error_reports_in_chinese_too) {
    auto f = scenario_file("ipcsim_zh_asleep.ipc",
                           "proc a\n"
                           "a: q = msgget(IPC_PRIVATE, 0600)\n"
                           "a: msgrcv(q, 16, 0, 0) => blocks\n"
                           "a: exit(0)\n");
    Ran zh = ipcsim("run --lang zh " + f);
    EXPECT_EQ(zh.status, 2);
    EXPECT_NE(zh.err.find(":4:1: 错误：进程 'a' 不能发起调用：它正在内核中睡眠；死锁：a 在睡眠，没有谁能唤醒它\n"), std::string::npos) << zh.err;
    EXPECT_NE(zh.err.find(":3:1: 附注：'a' 在这里进入睡眠\n"), std::string::npos) << zh.err;
    Ran en = ipcsim("check " + f);
    EXPECT_NE(en.err.find(":4:1: error: process 'a' cannot make a call: it is blocked in the kernel; deadlock: a is asleep and nobody can wake it\n"),
              std::string::npos) << en.err;
}

TEST(Cli, help_and_command_line_errors_follow_lang_wherever_it_is_given) {
    for (const char* var : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) ::unsetenv(var);
    for (const char* args : {"--lang zh run --help", "run --help --lang zh", "run --lang=zh --help"}) {
        Ran zh = ipcsim(args);
        EXPECT_EQ(zh.status, 0) << args;
        EXPECT_NE(zh.out.find("在模型上运行 FILE"), std::string::npos) << args << "\n" << zh.out;
        EXPECT_NE(zh.out.find("用法"), std::string::npos) << args;
        EXPECT_NE(zh.out.find("每一步输出一个 JSON 对象，而不是文本"), std::string::npos) << args;
        EXPECT_EQ(zh.out.find("Print this help"), std::string::npos) << args;
    }
    // The descriptions line up in the terminal's cells: 必需 takes four, not its six bytes.
    EXPECT_NE(ipcsim("--lang zh run --help").out.find("\n  FILE TEXT 必需" + std::string(14, ' ') + ".ipc 场景文件\n"), std::string::npos);
    EXPECT_NE(ipcsim("--lang zh --help").out.find("\n子命令：\n  run" + std::string(25, ' ') + "在模型上运行 FILE"), std::string::npos);
    Ran en = ipcsim("run --help");
    EXPECT_NE(en.out.find("Run FILE on the model"), std::string::npos);
    EXPECT_NE(en.out.find("print one JSON object per step instead of text"), std::string::npos);
    ::setenv("LANG", "zh_CN.UTF-8", 1);
    EXPECT_NE(ipcsim("--help").out.find("子命令"), std::string::npos) << "the locale decides without --lang";
    ::unsetenv("LANG");
    Ran bad = ipcsim("--lang zh run a.ipc b.ipc");
    EXPECT_EQ(bad.status, 2);
    EXPECT_EQ(bad.err.rfind("错误：多余的参数：b.ipc\n", 0), 0u) << bad.err;
    EXPECT_NE(bad.err.find("在模型上运行 FILE"), std::string::npos) << "then the help, as in English";
    EXPECT_EQ(ipcsim("run a.ipc b.ipc").err.rfind("ERROR: run: The following argument was not expected: b.ipc\n", 0), 0u)
        << "English as CLI11 words it";
}
