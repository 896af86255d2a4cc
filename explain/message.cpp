#include "explain/message.h"

#include <cctype>
#include <string_view>

#include "explain/catalog.h"

namespace explain {
namespace {

// Marks where a nested sentence starts and ends inside the one around it, until spaced() has looked.
constexpr char kOpen = '\x01', kClose = '\x02';

// The code point of the UTF-8 sequence that starts at s[i] (0 past the end or for a stray byte).
char32_t code_at(std::string_view s, std::size_t i) {
    if (i >= s.size()) return 0;
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return b;
    std::size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    char32_t c = b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return c;
}

// The code point that ends just before s[i].
char32_t code_before(std::string_view s, std::size_t i) {
    std::size_t j = i;
    while (j > 0 && (static_cast<unsigned char>(s[--j]) & 0xC0) == 0x80) {}
    return j < i ? code_at(s, j) : 0;
}

bool is_han(char32_t c) { return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF); }
bool opens_latin(char32_t c) { return (c < 0x80 && std::isalnum(static_cast<int>(c))) || c == '\'' || c == '"' || c == '<' || c == '[' || c == '('; }
bool closes_latin(char32_t c) { return (c < 0x80 && std::isalnum(static_cast<int>(c))) || c == '\'' || c == '"' || c == '>' || c == ']' || c == ')'; }

// Chinese sets Latin text apart from Han characters with a space; where a nested sentence meets
// the words around it, the translation cannot know which side is which, so the space goes in here.
std::string spaced(const std::string& marked) {
    std::string clean;
    for (char c : marked)
        if (c != kOpen && c != kClose) clean += c;
    std::string out;
    std::size_t at = 0;  // in clean
    for (char c : marked) {
        if (c != kOpen && c != kClose) {
            out += c;
            ++at;
            continue;
        }
        char32_t before = code_before(clean, at), after = code_at(clean, at);
        bool spaced_already = !out.empty() && out.back() == ' ';  // two sentences may start at one place
        if (!spaced_already && ((is_han(before) && opens_latin(after)) || (closes_latin(before) && is_han(after)))) out += ' ';
    }
    return out;
}

std::string marked_say(const sim::Message& m) {
    return sim::fill(tr(m.msgid), m, [](const sim::Message& n) { return kOpen + marked_say(n) + kClose; });
}

}  // namespace

std::string say(const sim::Message& m) {
    if (language() != Lang::zh) return sim::english(m);
    return spaced(marked_say(m));
}

sim::scenario::Wording wording() {
    return {explain::tr("error: "), explain::tr("note: "), [](const sim::Message& m) { return say(m); }};
}

std::string format_diagnostic(const std::string& file, const sim::scenario::SourceLines& lines, const sim::scenario::Diagnostic& d) {
    return sim::scenario::format_diagnostic(file, lines, d, wording());
}

std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines, const sim::scenario::Diagnostic& d) {
    return sim::scenario::format_diagnostic(file, lines, d, wording());
}

std::string file_error(const std::string& file, const sim::Message& why) {
    return sim::scenario::printable(file) + ": " + std::string(explain::tr("error: ")) + sim::scenario::printable(say(why));
}

}  // namespace explain
