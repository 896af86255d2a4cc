#include "sim/scenario/diagnostic.h"

#include <algorithm>
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

// Keeps an echoed line short: a 50 MB line would otherwise go to the terminal whole.
constexpr std::size_t kContext = 80;  // bytes shown on each side of the column

struct Window {
    std::string_view text;  // the part of the line shown
    int col;                // the column within it
    bool cut_before, cut_after;
};

// Moves i back to the start of the UTF-8 sequence it is in, so that no character is cut.
std::size_t char_start(std::string_view s, std::size_t i) {
    for (int k = 0; k < 3 && i > 0 && i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; ++k) --i;
    return i;
}

Window window(std::string_view line, int col) {
    std::size_t at = col > 1 ? std::min(static_cast<std::size_t>(col - 1), line.size()) : 0;
    std::size_t from = char_start(line, at > kContext ? at - kContext : 0);
    std::size_t to = char_start(line, std::min(line.size(), at + kContext));
    if (line.size() - to < 4) to = line.size();
    return {line.substr(from, to - from), static_cast<int>(at - from) + 1, from > 0, to < line.size()};
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

// The message in the wording's language; a diagnostic made from a plain string has only its English.
std::string words_of(const Wording& w, const std::string& message, const Message& text) {
    if (text.empty()) return message;
    return w.say ? w.say(text) : english(text);
}

template <typename Lines>
void append_entry(std::string& out, const std::string& file, const Lines& lines, SourcePos pos,
                  std::string_view severity, const std::string& message) {
    out += printable(file) + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": ";
    out.append(severity);
    out += printable(message) + "\n";
    if (pos.line < 1 || static_cast<std::size_t>(pos.line) > lines.size()) return;
    Window w = window(lines[static_cast<std::size_t>(pos.line) - 1], pos.col);
    out += std::string(w.cut_before ? "..." : "") + clean_line(w.text) + (w.cut_after ? "...\n" : "\n");
    out += std::string(w.cut_before ? "   " : "") + caret_line(w.text, w.col) + "\n";
}

template <typename Lines>
std::string format(const std::string& file, const Lines& lines, const Diagnostic& d, const Wording& w) {
    std::string out;
    append_entry(out, file, lines, d.pos, w.error, words_of(w, d.message, d.text));
    for (const auto& note : d.notes) append_entry(out, file, lines, note.pos, w.note, words_of(w, note.message, note.text));
    return out;
}

}  // namespace

std::string format_diagnostic(const std::string& file, const SourceLines& lines, const Diagnostic& d, const Wording& w) {
    return format(file, lines, d, w);
}

std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines,
                              const Diagnostic& d, const Wording& w) {
    return format(file, lines, d, w);
}

std::string printable(std::string_view text) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        Unit u = unit_at(text, i);
        auto b = static_cast<unsigned char>(text[i]);
        if (u.printable) out.append(text.substr(i, u.len));
        else if (b == '\n') out += "\\n";
        else for (std::size_t k = 0; k < u.len; ++k) {  // a C1 control is two bytes: both shown
            auto c = static_cast<unsigned char>(text[i + k]);
            out += "\\x";
            out += digits[c >> 4];
            out += digits[c & 15];
        }
        i += u.len;
    }
    return out;
}

}  // namespace sim::scenario
