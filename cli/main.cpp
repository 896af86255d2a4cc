// ipcsim: runs .ipc scenarios on the model and checks their expectations.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/quiz.h"
#include "cli/record.h"
#include "cli/export_c.h"
#include "explain/catalog.h"
#include "explain/cli_words.h"
#include "explain/lang.h"

int main(int argc, char** argv) {
    // The language first: the help and CLI11's errors, which parsing may print, are in it too.
    sim::scenario::Lang language = explain::choose_lang(explain::lang_flag(argc, argv));
    explain::set_language(language);
    CLI::App app{"ipcsim: System V shared memory and message queues, modelled step by step.\n"
                 "Runs .ipc scenarios (see docs/scenario-language.md) and shows the kernel path of every call."};
    explain::localize_help(app, true);
    app.require_subcommand(1);

    std::string run_file;
    bool json = false;
    auto* run = app.add_subcommand("run", "Run FILE on the model: each step, its kernel path, the notes, and the final tables");
    run->add_option("FILE", run_file, "the .ipc scenario")->required();
    run->add_flag("--json", json, "print one JSON object per step instead of text");
    std::string perfetto;
    run->add_option("--perfetto", perfetto, "also write the run to OUT.json as a Chrome Trace Event file, for ui.perfetto.dev and chrome://tracing")
        ->option_text("OUT.json");
    std::string lang;
    auto lang_option = [&](CLI::App* command) {
        command->add_option("--lang", lang, "the language of the lesson's title and notes, the messages and the help: en or zh (default: from "
                                            "LANGUAGE, LC_ALL, LC_MESSAGES or LANG)")
            ->check(CLI::IsMember({"en", "zh"}));
    };
    lang_option(&app);  // before the command too: ipcsim --lang zh run FILE
    lang_option(run);

    std::vector<std::string> check_files;
    bool on_kernel = false;
    auto* check = app.add_subcommand("check", "Check every => and expect of each FILE on the model, or with --real on the kernel");
    check->add_option("FILE", check_files, "the .ipc scenarios")->required();
    check->add_flag("--real", on_kernel, "run on the real kernel, in a private IPC namespace, with real processes");
    bool lint = false;
    check->add_flag("--lint", lint, "also list titles and notes without a zh text, and steps that no expect follows");
    lang_option(check);

    std::vector<std::string> compare_files;
    auto* compare = app.add_subcommand("compare", "Run each FILE on the model and on the kernel and compare after every step");
    compare->add_option("FILE", compare_files, "the .ipc scenarios")->required();
    lang_option(compare);

    std::string quiz_file;
    auto* quiz = app.add_subcommand("quiz", "Predict each step of FILE before it is shown: a question, numbered choices answered on stdin, then the step and its kernel path; the score at the end");
    quiz->add_option("FILE", quiz_file, "the .ipc scenario")->required();
    lang_option(quiz);
    std::string export_file, export_out;
    auto* export_c = app.add_subcommand("export-c", "Write FILE as one C program that makes the same calls in the same order with real processes and checks the same outcomes");
    export_c->add_option("FILE", export_file, "the .ipc scenario")->required();
    export_c->add_option("-o", export_out, "write the C program to this file (OUT.c) instead of standard output");
    lang_option(export_c);

    cli::RecordArgs rec;
    auto* record = app.add_subcommand("record", "Run COMMAND under ptrace, follow every process it starts, and write what they did to System V IPC objects and shared memory as a scenario");
    record->add_option("-o", rec.out, "write the scenario to this file (OUT.ipc); without it, the scenario goes to standard output and the command's output to standard error")
        ->option_text("OUT.ipc");
    record->add_option("--timeout", rec.timeout_s, "kill every traced process after this many seconds (default 10)")->check(CLI::Range(0.1, 3600.0));
    record->add_option("--max-steps", rec.max_steps, "kill every traced process after this many steps (default 10000)")->check(CLI::Range(1, 1000000));
    record->add_flag("--host-ipc", rec.host_ipc, "record in this machine's IPC namespace (for programs that talk to ones already running), not a private one");
    record->add_flag("--check", rec.check, "replay the recording on the model at once and print the first step where the model differs from the kernel");
    record->add_option("COMMAND", rec.command, "the command and its arguments, after --")->required();
    lang_option(record);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : cli::exit_scenario;
    }
    if (*run) return cli::run_command(run_file, json, language, perfetto);
    if (*record) return cli::record_command(rec);
    if (*quiz) return cli::quiz_command(quiz_file, language, std::cin, std::cout, ::isatty(0) == 1);
    if (*compare) return cli::compare_command(compare_files);
    if (*export_c) return cli::export_c_command(export_file, export_out);
    return cli::check_command(check_files, on_kernel, lint);
}
