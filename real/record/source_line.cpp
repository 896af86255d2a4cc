#include "real/record/source_line.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <dwarf.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "real/procfs.h"

namespace real::record {

namespace {

// Each cached process holds its Dwfl (open files, parsed CFI and DWARF) until forgotten; past this
// many the least recently used goes, so a program that forks hundreds of children keeps few descriptors.
constexpr std::size_t kMaxProcesses = 32;
// The executable's frame is among the first few; a walk that has not met it by this depth is lost in a
// corrupt stack (or a library's deep recursion) and would only cost time.
constexpr int kMaxFrames = 256;

// dwfl_standard_find_debuginfo ends with a query to the servers in DEBUGINFOD_URLS (Debian's
// /etc/profile.d/debuginfod.sh may set it) for a module without debug info: a network round trip, or its
// timeout, inside where(). With servers set, only the local build-id tree is searched.
int find_debuginfo(Dwfl_Module* module, void** userdata, const char* module_name, Dwarf_Addr base,
                   const char* file_name, const char* debuglink_file, GElf_Word debuglink_crc,
                   char** debuginfo_file_name) {
    const char* servers = std::getenv("DEBUGINFOD_URLS");
    bool online = servers != nullptr && *servers != '\0';
    auto* search = online ? dwfl_build_id_find_debuginfo : dwfl_standard_find_debuginfo;
    return search(module, userdata, module_name, base, file_name, debuglink_file, debuglink_crc,
                  debuginfo_file_name);
}

// The executable's module carries "/proc/PID/exe" as its userdata (see mark_executable): that link opens
// the file the process runs even when its path was deleted or replaced since the exec (a rebuild while it
// runs), where dwfl_linux_proc_find_elf would rebuild the file from memory, without its debug sections.
int find_elf(Dwfl_Module* module, void** userdata, const char* module_name, Dwarf_Addr base, char** file_name,
             Elf** elf) {
    if (*userdata != nullptr) {
        int fd = ::open(static_cast<const std::string*>(*userdata)->c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            *file_name = ::strdup(module_name);  // where a separate debug file would be looked for; libdwfl frees it
            return fd;
        }
    }
    return dwfl_linux_proc_find_elf(module, userdata, module_name, base, file_name, elf);
}

// dwfl_begin keeps a pointer to these: they must outlive every Dwfl.
const Dwfl_Callbacks kCallbacks = {
    .find_elf = find_elf,
    .find_debuginfo = find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

struct DwflEnd {
    void operator()(Dwfl* dwfl) const { dwfl_end(dwfl); }
};
using DwflPtr = std::unique_ptr<Dwfl, DwflEnd>;

std::string proc_file(int pid, const char* name) { return "/proc/" + std::to_string(pid) + "/" + name; }

// The file a process runs: its path as /proc/PID/exe and /proc/PID/maps both name it, and its
// identity, which an exec (or a pid reused by another program) changes.
struct Executable {
    std::string path;
    dev_t device = 0;
    ino_t inode = 0;
    bool same_file(const Executable& other) const { return device == other.device && inode == other.inode; }
};

std::optional<Executable> executable_of(int pid) {
    std::string link = proc_file(pid, "exe");
    std::error_code error;
    std::filesystem::path target = std::filesystem::read_symlink(link, error);
    struct stat file {};
    if (error || ::stat(link.c_str(), &file) != 0) return std::nullopt;
    return Executable{target.string(), file.st_dev, file.st_ino};
}

// The process a thread belongs to: one Dwfl serves all its threads.
std::optional<int> thread_group_of(int pid) {
    auto status = real::read_file(proc_file(pid, "status"));
    if (!status) return std::nullopt;
    auto at = status->find("\nTgid:");
    if (at == std::string::npos) return std::nullopt;
    int tgid = std::atoi(status->c_str() + at + 6);
    if (tgid <= 0) return std::nullopt;
    return tgid;
}

// Tells dwfl the modules /proc/PID/maps lists now; those it knew already keep what it loaded for them.
bool report_modules(Dwfl* dwfl, int tgid) {
    dwfl_report_begin(dwfl);
    int failure = dwfl_linux_proc_report(dwfl, tgid);
    return dwfl_report_end(dwfl, nullptr, nullptr) == 0 && failure == 0;
}

struct ExecutableLink {
    const std::string& path;  // the executable's name in /proc/PID/maps
    std::string& link;        // /proc/PID/exe, alive as long as the Dwfl
};

// Gives the executable's modules their /proc/PID/exe for find_elf, before anything opens their files.
void mark_executable(Dwfl* dwfl, ExecutableLink exe) {
    auto mark = [](Dwfl_Module*, void** userdata, const char* name, Dwarf_Addr, void* arg) -> int {
        auto& exe = *static_cast<ExecutableLink*>(arg);
        if (exe.path == name) *userdata = &exe.link;
        return DWARF_CB_OK;
    };
    dwfl_getmodules(dwfl, mark, &exe, 0);
}

std::string absolute_source(const char* name, const char* comp_dir) {
    std::filesystem::path file(name);
    if (file.is_relative() && comp_dir != nullptr) file = std::filesystem::path(comp_dir) / file;
    return file.lexically_normal().string();
}

std::optional<SourceLine> line_of(Dwfl_Module* module, Dwarf_Addr pc) {
    Dwfl_Line* line = dwfl_module_getsrc(module, pc);
    if (line == nullptr) return std::nullopt;
    int number = 0;
    const char* name = dwfl_lineinfo(line, nullptr, &number, nullptr, nullptr, nullptr);
    // Line 0 marks code the compiler made up, which no line of the source stands for.
    if (name == nullptr || number <= 0) return std::nullopt;
    return SourceLine{absolute_source(name, dwfl_line_comp_dir(line)), number};
}

const char* comp_dir_of(Dwarf_Die* cu) {
    Dwarf_Attribute attr;
    return dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));
}

// The call site of an inlined function (DW_AT_call_file, DW_AT_call_line), as a path and a line.
std::optional<SourceLine> call_site(Dwarf_Die* scope, Dwarf_Files* files, const char* comp_dir) {
    Dwarf_Attribute attr;
    Dwarf_Word file = 0, line = 0;
    if (files == nullptr || dwarf_formudata(dwarf_attr(scope, DW_AT_call_file, &attr), &file) != 0 ||
        dwarf_formudata(dwarf_attr(scope, DW_AT_call_line, &attr), &line) != 0 || line == 0)
        return std::nullopt;
    const char* name = dwarf_filesrc(files, file, nullptr, nullptr);
    if (name == nullptr) return std::nullopt;
    return SourceLine{absolute_source(name, comp_dir), static_cast<int>(line)};
}

// The line of pc in the file its compilation unit was compiled from: inside a header's inline function
// (sem_com.h's sem_add, inlined into main) it is the line of the .c file that calls it, the line a
// student wrote; elsewhere, or without such a caller, the line table's own line.
std::optional<SourceLine> program_line(Dwfl_Module* module, Dwarf_Addr pc) {
    auto line = line_of(module, pc);
    Dwarf_Addr bias = 0;
    Dwarf_Die* cu = line ? dwfl_module_addrdie(module, pc, &bias) : nullptr;
    const char* cu_name = cu ? dwarf_diename(cu) : nullptr;
    if (cu_name == nullptr) return line;
    const char* comp_dir = comp_dir_of(cu);
    std::string cu_file = absolute_source(cu_name, comp_dir);
    if (line->file == cu_file) return line;
    Dwarf_Files* files = nullptr;
    std::size_t count = 0;
    if (dwarf_getsrcfiles(cu, &files, &count) != 0) files = nullptr;
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(cu, pc - bias, &scopes);
    std::optional<SourceLine> found;
    for (int i = 0; i < n && !found; ++i) {
        if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine) continue;
        auto site = call_site(&scopes[i], files, comp_dir);
        if (site && site->file == cu_file) found = site;
    }
    std::free(scopes);
    return found ? found : line;
}

bool in_executable(Dwfl_Module* module, const std::string& exe_path) {
    const char* name = dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    return name != nullptr && exe_path == name;
}

struct FrameSearch {
    Dwfl* dwfl;
    const std::string& exe_path;
    int frames = 0;
    // The program's frames with a line, innermost first, each with its pc as the stack holds it
    // (0 for the innermost frame, which is running, not returned to).
    std::vector<std::pair<SourceLine, std::uint64_t>> found = {};
};

// Called by libdw for each frame, innermost first; nothing may be thrown through its C frames.
int on_frame(Dwfl_Frame* frame, void* arg) noexcept {
    auto& search = *static_cast<FrameSearch*>(arg);
    try {
        if (++search.frames > kMaxFrames) return DWARF_CB_ABORT;
        Dwarf_Addr pc = 0;
        bool activation = false;
        if (!dwfl_frame_pc(frame, &pc, &activation)) return DWARF_CB_ABORT;
        // A caller's pc is the return address, the instruction after the call: the call is the line wanted.
        Dwarf_Addr stacked = activation ? 0 : pc;
        if (!activation && pc > 0) --pc;
        Dwfl_Module* module = dwfl_addrmodule(search.dwfl, pc);
        if (module == nullptr || !in_executable(module, search.exe_path)) return DWARF_CB_OK;
        if (auto line = program_line(module, pc)) search.found.emplace_back(std::move(*line), stacked);
        return DWARF_CB_OK;
    } catch (...) {
        return DWARF_CB_ABORT;
    }
}

}  // namespace

struct SourceLines::Process {
    DwflPtr dwfl;
    Executable exe;
    std::string exe_link = {};  // /proc/PID/exe, which find_elf opens for the executable's module
    std::string maps = {};      // /proc/PID/maps as it was when the modules were last reported
    bool attached = false;
    unsigned long long last_use = 0;
    std::map<std::uint64_t, std::optional<SourceLine>> lines = {};  // line_at's answers, by pc: a loop asks again and again
};

SourceLines::SourceLines() = default;
SourceLines::~SourceLines() = default;

std::optional<SourceLine> SourceLines::where(int pid) {
    try {
        return find(pid);
    } catch (...) {
        return std::nullopt;
    }
}

void SourceLines::forget(int pid) { processes_.erase(pid); }

std::optional<SourceLine> SourceLines::find(int pid) {
    auto found = walk(pid);
    if (!found) return std::nullopt;
    return std::move(found->line);
}

std::optional<std::uint64_t> SourceLines::return_into_program(int pid) {
    try {
        auto found = walk(pid);
        if (!found || !found->line || found->innermost_return == 0) return std::nullopt;
        return found->innermost_return;
    } catch (...) {
        return std::nullopt;
    }
}

// The program's line of an instruction, from the debug information alone: no stack is read, and each
// pc is looked up once, so it is cheap enough for every single step.
std::optional<SourceLine> SourceLines::line_at(int pid, std::uint64_t pc) {
    try {
        auto cached = processes_.find(pid);
        Process* process = cached != processes_.end() ? cached->second.get() : process_for(pid);
        if (process == nullptr) return std::nullopt;
        if (auto known = process->lines.find(pc); known != process->lines.end()) return known->second;
        Dwfl_Module* module = dwfl_addrmodule(process->dwfl.get(), pc);
        std::optional<SourceLine> line;
        if (module != nullptr && in_executable(module, process->exe.path)) line = program_line(module, pc);
        return process->lines.emplace(pc, std::move(line)).first->second;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<SourceLines::Found> SourceLines::walk(int pid) {
    auto tgid = thread_group_of(pid);
    if (!tgid) return std::nullopt;
    Process* process = process_for(*tgid);
    if (process == nullptr) return std::nullopt;
    FrameSearch search{.dwfl = process->dwfl.get(), .exe_path = process->exe.path};
    // Its result tells only whether the walk ended early or failed part way; what was found is in search.
    dwfl_getthread_frames(process->dwfl.get(), pid, on_frame, &search);
    if (search.found.empty()) return Found{};
    // A call made in a header's inline function (sem_com.h) is shown at the line of the file that
    // holds main (the outermost frame) that leads to it: the file the window shows beside the scenario.
    const std::string& main_file = search.found.back().first.file;
    for (auto& [line, stacked] : search.found)
        if (line.file == main_file) return Found{std::move(line), search.found.front().second};
    return Found{};
}

// The cached Dwfl of tgid, made anew after an exec, its modules reported again when its maps changed
// (dlopen, shmat, mmap); null when the process cannot be read.
SourceLines::Process* SourceLines::process_for(int tgid) {
    auto exe = executable_of(tgid);
    auto maps = real::read_file(proc_file(tgid, "maps"));
    auto cached = processes_.find(tgid);
    if (cached != processes_.end() && (!exe || !cached->second->exe.same_file(*exe))) {
        processes_.erase(cached);
        cached = processes_.end();
    }
    if (!exe || !maps) return nullptr;
    if (cached == processes_.end()) {
        if (processes_.size() >= kMaxProcesses) evict_least_recently_used();
        DwflPtr dwfl(dwfl_begin(&kCallbacks));
        if (!dwfl) return nullptr;
        Process process{.dwfl = std::move(dwfl), .exe = *exe, .exe_link = proc_file(tgid, "exe")};
        cached = processes_.emplace(tgid, std::make_unique<Process>(std::move(process))).first;
    }
    Process& process = *cached->second;
    process.exe.path = exe->path;
    process.last_use = ++calls_;
    if (!update(process, tgid, std::move(*maps))) {
        processes_.erase(cached);
        return nullptr;
    }
    return &process;
}

bool SourceLines::update(Process& process, int tgid, std::string maps) {
    if (process.maps != maps) {
        process.maps.clear();
        if (!report_modules(process.dwfl.get(), tgid)) return false;
        mark_executable(process.dwfl.get(), {process.exe.path, process.exe_link});
        process.maps = std::move(maps);
    }
    // true: the tracee is ours and already stopped, so libdwfl neither attaches to it with ptrace nor, at
    // dwfl_end, detaches from it. A Dwfl attaches once, for its whole life; after the modules, which it
    // falls back on to learn the machine when it cannot read /proc/PID/exe.
    if (!process.attached) process.attached = dwfl_linux_proc_attach(process.dwfl.get(), tgid, true) == 0;
    return process.attached;
}

void SourceLines::evict_least_recently_used() {
    auto oldest = processes_.begin();
    for (auto it = processes_.begin(); it != processes_.end(); ++it)
        if (it->second->last_use < oldest->second->last_use) oldest = it;
    if (oldest != processes_.end()) processes_.erase(oldest);
}

}  // namespace real::record
