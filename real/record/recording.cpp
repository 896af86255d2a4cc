#include "real/record/recording.h"

#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "sim/scenario/lexer.h"
#include "sim/scenario/parser.h"
#include "sim/text.h"

namespace real::record {

namespace {

constexpr char kRef = '\x1f';

// A command name as a scenario name: `a.out` is `a_out`, and one that is a reserved word, a
// constant or starts with a digit gets a `p_` in front.
std::string name_from_comm(const std::string& comm) {
    std::string n;
    for (char c : comm) n += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
    if (n.empty()) n = "proc";
    if (!sim::scenario::is_free_name(n)) n = "p_" + n;
    return n;
}

// Variables are the first word of steps like `shmid = shmget(...)`.
std::set<std::string> variables(const Recording& r) {
    std::set<std::string> vars;
    for (const auto& e : r.entries) {
        if (e.kind != RecEntry::Kind::step) continue;
        auto eq = e.text.find(" = ");
        auto paren = e.text.find('(');
        if (eq != std::string::npos && eq < paren) vars.insert(e.text.substr(0, eq));
    }
    return vars;
}

// shm2, then shm2_2 for a second process running shm2.
std::vector<std::string> proc_names(const Recording& r) {
    std::set<std::string> taken = variables(r);
    std::vector<std::string> names(r.procs.size());
    for (std::size_t i = 0; i < r.procs.size(); ++i) {
        if (!r.procs[i].included) continue;
        std::string base = name_from_comm(r.procs[i].comm), n = base;
        for (int k = 2; taken.count(n); ++k) n = base + "_" + std::to_string(k);
        taken.insert(n);
        names[i] = n;
    }
    return names;
}

std::string resolve(const std::string& text, const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != kRef) {
            out += text[i];
            continue;
        }
        auto end = text.find(kRef, i + 1);
        out += names.at(std::stoul(text.substr(i + 1, end - i - 1)));
        i = end;
    }
    return out;
}

bool fork_written(const Recording& r, const RecEntry& e) {
    return r.procs[e.proc].included && r.procs[e.child].included;
}

std::string relative_source(const std::string& file, const std::string& out_dir) {
    std::error_code ec;
    auto rel = std::filesystem::relative(file, out_dir.empty() ? "." : out_dir, ec);
    return ec || rel.empty() ? file : rel.string();
}

std::string joined(const std::vector<std::string>& words) {
    std::string s;
    for (const auto& w : words) s += (s.empty() ? "" : " ") + w;
    return s;
}

// The command with its directories left out (`sh -c shm1 & shm2`): a title fits on a projector.
std::string short_command(const std::string& cmd) {
    std::string out;
    std::size_t word = 0;  // where the current word starts in out
    for (char c : cmd) {
        if (c == ' ' || c == '"' || c == '\'') word = out.size() + 1;
        if (c == '/') {
            out.resize(word);
            continue;
        }
        out += c;
    }
    return out;
}

void write_header(const Recording& r, const std::vector<std::string>& names, const std::string& out_dir, std::string& out) {
    std::string cmd = joined(r.command);
    out += "# Recorded by `ipcsim record -- " + cmd + "`: every System V call its processes made, with its result,\n";
    out += "# and the shared memory they touched, in the order the kernel saw them.\n";
    out += "title " + literal("Recording: " + short_command(cmd)) + " zh " + literal("录制：" + short_command(cmd)) + "\n";
    if (r.host_ipc)
        out += "note \"Recorded in the machine's own IPC namespace (--host-ipc): ids and keys are the host's, and objects made before the "
               "recording are not in it.\" zh \"在本机自己的 IPC 命名空间中录制（--host-ipc）：标识符和键都是本机的，录制之前创建的对象不在其中。\"\n";
    std::set<int> forked;
    for (const auto& e : r.entries)
        if (e.kind == RecEntry::Kind::fork && fork_written(r, e)) forked.insert(e.child);
    out += "\n";
    for (std::size_t i = 0; i < r.procs.size(); ++i) {
        const auto& p = r.procs[i];
        if (!p.included || forked.count(static_cast<int>(i))) continue;
        out += "proc " + names[i];
        if (p.uid != 0) out += " uid=" + std::to_string(p.uid);
        if (p.gid != 0) out += " gid=" + std::to_string(p.gid);
        out += "\n";
    }
    for (std::size_t i = 0; i < r.procs.size(); ++i)
        if (r.procs[i].included && !r.procs[i].source.empty())
            out += "source " + names[i] + " " + literal(relative_source(r.procs[i].source, out_dir)) + "\n";
    out += "\n";
}

std::string at_line(const Recording& r, const RecEntry& e) {
    if (!e.where || e.proc < 0 || e.where->file != r.procs[e.proc].source) return "";
    return " @ " + std::to_string(e.where->line);
}

}  // namespace

std::string proc_ref(int proc) { return kRef + std::to_string(proc) + kRef; }

std::string literal(const std::string& bytes) {
    std::string s = "\"";
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (std::size_t n = c >= 0x80 ? sim::scenario::utf8_length(bytes, i) : 0; n > 1) {
            s.append(bytes, i, n);  // a whole UTF-8 character (Chinese text) stays readable
            i += n - 1;
        } else {
            sim::append_escaped(s, c);
        }
    }
    return s + '"';
}

std::string text_value(const std::string& bytes) {
    constexpr std::size_t kRun = 16;
    std::string out, plain;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : " + ") + part; };
    for (std::size_t i = 0; i < bytes.size();) {
        std::size_t j = i;
        while (j < bytes.size() && bytes[j] == bytes[i]) ++j;
        if (j - i < kRun) {
            plain.append(bytes, i, j - i);
        } else {
            if (!plain.empty()) add(literal(plain));
            plain.clear();
            std::string n = std::to_string(j - i);
            add(bytes[i] == '\0' ? "zeros(" + n + ")" : "bytes(" + n + ", " + literal(std::string(1, bytes[i])) + ")");
        }
        i = j;
    }
    if (!plain.empty() || out.empty()) add(literal(plain));
    return out;
}

std::string write_scenario(const Recording& r, const std::string& out_dir) {
    auto names = proc_names(r);
    std::string out;
    write_header(r, names, out_dir, out);
    for (const auto& e : r.entries) {
        switch (e.kind) {
        case RecEntry::Kind::note: out += "note " + literal(e.text) + " zh " + literal(e.zh) + "\n"; break;
        case RecEntry::Kind::expect: out += "expect " + resolve(e.text, names) + "\n"; break;
        case RecEntry::Kind::fork:
            if (fork_written(r, e)) out += names[e.proc] + ": fork(" + names[e.child] + ") => " + names[e.child] + at_line(r, e) + "\n";
            break;
        case RecEntry::Kind::step:
            if (r.procs[e.proc].included) out += names[e.proc] + ": " + resolve(e.text, names) + at_line(r, e) + "\n";
            break;
        }
    }
    return out;
}

}  // namespace real::record
