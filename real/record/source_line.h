// Where a stopped tracee is in its own program's C source, found by unwinding its stack with libdw.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace real::record {

struct SourceLine {
    std::string file;  // absolute path of the source file (comp_dir joined with the DWARF file name, normalised)
    int line = 0;
};

// Not thread-safe; call it from the tracer's own thread (libdw reads the registers with ptrace).
class SourceLines {
public:
    SourceLines();
    ~SourceLines();
    SourceLines(const SourceLines&) = delete;
    SourceLines& operator=(const SourceLines&) = delete;
    // pid must be in a ptrace stop of this process (its tracer). The innermost frame that lies in the
    // process's main executable (the file /proc/PID/exe names), has line information and is in the
    // file that holds main (a call inside a header's inline function is shown at its caller); empty when
    // there is none (no debug info, stripped binary, or the stack cannot be unwound). Never throws, never
    // prints, never leaves the tracee in a different state (it stays stopped).
    std::optional<SourceLine> where(int pid);
    // Drop what is cached for pid (after it execs a new program or exits).
    void forget(int pid);
    // The line of the instruction at pc when it is in the program's own code and has line information;
    // from the line table alone (no unwinding), for every single step of a traced process.
    std::optional<SourceLine> line_at(int pid, std::uint64_t pc);
    // When pid stops inside a library the program called: the return address in the program's own code
    // of that call, from its innermost frame there (where a breakpoint brings it back into its code).
    // Empty when pid stops in its own code, or its stack has no frame of the program with line information.
    std::optional<std::uint64_t> return_into_program(int pid);

private:
    struct Process;  // one traced program: its Dwfl, attached, with the modules of its maps reported
    Process* process_for(int tgid);
    static bool update(Process& process, int tgid, std::string maps);
    std::optional<SourceLine> find(int pid);
    struct Found {
        std::optional<SourceLine> line;       // in the file of main
        std::uint64_t innermost_return = 0;   // the innermost program frame's return address
    };
    std::optional<Found> walk(int pid);
    void evict_least_recently_used();

    std::map<int, std::unique_ptr<Process>> processes_;  // by thread-group id
    unsigned long long calls_ = 0;                       // orders the processes by last use
};

}  // namespace real::record
