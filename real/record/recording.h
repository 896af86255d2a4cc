// What a recording holds while the tracer makes it, and how it becomes a scenario's text.
// The tracer appends entries in the order things happened; which processes appear, and under what
// names, is decided only at the end (a process that never touches System V IPC is left out).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "real/record/source_line.h"

namespace real::record {

struct RecProc {
    int pid = 0;              // as the tracer sees it
    std::string comm;         // the command it runs (after its last exec)
    int parent = -1;          // index of the traced process that started it; -1 for the first
    bool included = false;    // it made a System V call, touched a segment, or inherited an attachment
    std::uint32_t uid = 0, gid = 0;
    std::string source;       // the C file its steps come from, when its program has line information
};

struct RecEntry {
    enum class Kind { step, expect, note, fork };
    Kind kind = Kind::step;
    int proc = -1;            // step, fork: the process that makes it
    int child = -1;           // fork: the process it starts
    std::string text;         // a step's `[VAR =] CALL => OUTCOME`, an expect's `LEFT OP RIGHT`, a note's English
    std::string zh;           // a note's Chinese
    std::optional<SourceLine> where;
};

struct Recording {
    std::vector<std::string> command;
    bool host_ipc = false;
    std::vector<RecProc> procs;
    std::vector<RecEntry> entries;
};

// A process named inside an entry's text: replaced by its name when the scenario is written.
std::string proc_ref(int proc);

// Bytes as a scenario string literal: printable ASCII and whole UTF-8 characters as they are,
// every other byte escaped, so the result is valid UTF-8 whatever the program wrote.
std::string literal(const std::string& bytes);

// Bytes as a scenario text value: runs of 16 or more equal bytes become zeros(N) or bytes(N, "c"),
// joined to the rest with +, so a 8192-byte buffer with "hello" in it reads as "hello\n" + zeros(8186).
std::string text_value(const std::string& bytes);

// The scenario: a header that says where it comes from, a `proc` for each process that starts on
// its own, `source` for those with a C file (relative to out_dir, the directory the file goes to),
// then the entries. Forks are written only when both sides are in the scenario.
std::string write_scenario(const Recording& r, const std::string& out_dir);

}  // namespace real::record
