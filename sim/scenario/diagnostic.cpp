#include "sim/scenario/diagnostic.h"

#include <cstddef>
#include <string_view>

#include "sim/scenario/lexer.h"

namespace sim::scenario {
namespace {

// One character of a line as a terminal would see it.
struct Unit {
    std::size_t len;  // bytes: a whole UTF-8 sequence, or 1 for a byte that does not start one
    bool printable;
};

// Not printable: bytes that are not UTF-8, C0 controls other than tab, DEL, and C1 controls
// (U+0080..U+009F), which some terminals obey as escape sequences.
Unit unit_at(std::string_view s, std::size_t i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b == '\t') return {1, true};
    if (b < 0x20 || b == 0x7f) return {1, false};
    std::size_t n = utf8_length(s, i);
    if (n == 0) return {1, false};
    bool c1 = n == 2 && b == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    return {n, !c1};
}

// The source line with every unprintable character replaced by '?'.
std::string clean_line(std::string_view line) {
    std::string out;
    for (std::size_t i = 0; i < line.size();) {
        Unit u = unit_at(line, i);
        out.append(u.printable ? line.substr(i, u.len) : std::string_view("?"));
        i += u.len;
    }
    return out;
}

// One cell per character before the column (a tab stays a tab, so it expands as the line above
// did), then the caret. The column counts bytes, but a terminal shows a character per cell.
std::string caret_line(std::string_view line, int col) {
    std::string out;
    std::size_t target = col > 1 ? static_cast<std::size_t>(col - 1) : 0;
    if (target > line.size()) target = line.size();  // at most just past the end of the line
    std::size_t i = 0;
    while (i < target && i < line.size()) {
        out += line[i] == '\t' ? '\t' : ' ';
        i += unit_at(line, i).len;
    }
    return out + "^";
}

void append_entry(std::string& out, const std::string& file, const std::vector<std::string>& lines,
                  SourcePos pos, std::string_view severity, const std::string& message) {
    out += file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": ";
    out.append(severity);
    out += ": " + message + "\n";
    if (pos.line < 1 || static_cast<std::size_t>(pos.line) > lines.size()) return;
    const std::string& line = lines[static_cast<std::size_t>(pos.line) - 1];
    out += clean_line(line) + "\n";
    out += caret_line(line, pos.col) + "\n";
}

}  // namespace

std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines,
                              const Diagnostic& d) {
    std::string out;
    append_entry(out, file, lines, d.pos, "error", d.message);
    for (const auto& note : d.notes) append_entry(out, file, lines, note.pos, "note", note.message);
    return out;
}

}  // namespace sim::scenario
