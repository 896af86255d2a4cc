#include "sim/scenario/lexer.h"

#include <limits>

#include "sim/msgid.h"

namespace sim::scenario {
namespace {

// Plain ASCII tests rather than <cctype>: those depend on the C locale, and a byte >= 0x80 must
// never count as a letter here.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

int digit_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

std::string hex_byte(unsigned char b) {
    const char* digits = "0123456789abcdef";
    return std::string("0x") + digits[b >> 4] + digits[b & 15];
}

// Keeps messages one line long even when the input holds a megabyte-long word.
std::string shorten(std::string_view s) {
    constexpr std::size_t kMax = 40;
    if (s.size() <= kMax) return std::string(s);
    return std::string(s.substr(0, kMax)) + "...";
}

struct Punct {
    std::string_view spelling;
    TokenKind kind;
};

// Two-byte operators first, so that "=>" is never read as "=" followed by ">".
constexpr Punct kPuncts[] = {
    {"=>", TokenKind::Arrow}, {"==", TokenKind::Eq},     {"!=", TokenKind::Ne},
    {"<=", TokenKind::Le},    {">=", TokenKind::Ge},     {"(", TokenKind::LParen},
    {")", TokenKind::RParen}, {"[", TokenKind::LBracket}, {"]", TokenKind::RBracket},
    {"{", TokenKind::LBrace}, {"}", TokenKind::RBrace},
    {",", TokenKind::Comma},  {":", TokenKind::Colon},   {".", TokenKind::Dot},
    {"=", TokenKind::Assign}, {"|", TokenKind::Pipe},    {"+", TokenKind::Plus},
    {"-", TokenKind::Minus},  {"*", TokenKind::Star},    {"<", TokenKind::Lt},
    {">", TokenKind::Gt},     {"@", TokenKind::At},
};

class LineLexer {
public:
    LineLexer(std::string_view line, int line_no, LexedLine& out) : m_s(line), m_no(line_no), m_out(out) {}
    void run();

private:
    SourcePos pos_at(std::size_t i) const { return {m_no, static_cast<int>(i) + 1}; }
    bool fail(std::size_t i, Message message);
    std::size_t checked_char(std::size_t i);
    void push(TokenKind kind, std::size_t start, std::string text, std::int64_t value = 0);
    bool lex_token();
    bool lex_name();
    bool lex_number();
    bool lex_digits(std::size_t start, std::size_t end, int base);
    bool lex_string();
    bool lex_escape(std::size_t quote, std::string& bytes);
    bool lex_punct();
    void check_comment();

    std::string_view m_s;
    int m_no;
    std::size_t m_i = 0;
    std::size_t m_end = 0;  // just past the last token: where End points
    LexedLine& m_out;
};

void LineLexer::run() {
    while (true) {
        while (m_i < m_s.size() && (m_s[m_i] == ' ' || m_s[m_i] == '\t')) ++m_i;
        if (m_i >= m_s.size()) break;
        if (m_s[m_i] == '#') {
            check_comment();
            break;
        }
        if (!lex_token()) break;
    }
    m_out.tokens.push_back(Token{TokenKind::End, pos_at(m_end), "", 0});
}

bool LineLexer::fail(std::size_t i, Message message) {
    m_out.error = Diagnostic{pos_at(i), std::move(message), {}};
    return false;
}

// The length of the character at i, or 0 after reporting it: the file must be UTF-8 text,
// and control bytes would garble the terminal when the line is echoed in a diagnostic.
std::size_t LineLexer::checked_char(std::size_t i) {
    auto b = static_cast<unsigned char>(m_s[i]);
    std::size_t n = (b < 0x20 && b != '\t') || b == 0x7f ? 0 : utf8_length(m_s, i);
    if (n == 0) fail(i, msg(N_("invalid byte {byte}"), arg("byte", hex_byte(b))));
    return n;
}

void LineLexer::push(TokenKind kind, std::size_t start, std::string text, std::int64_t value) {
    m_out.tokens.push_back(Token{kind, pos_at(start), std::move(text), value});
    m_end = m_i;
}

// A comment's text is free, but it is still part of a UTF-8 file.
void LineLexer::check_comment() {
    for (std::size_t i = m_i; i < m_s.size();) {
        std::size_t n = checked_char(i);
        if (n == 0) return;
        i += n;
    }
}

bool LineLexer::lex_token() {
    if (m_out.tokens.size() == kMaxTokensPerLine) {
        m_out.cut = true;
        return fail(m_i, msg(N_("the line is too long: more than {n} tokens"), arg("n", kMaxTokensPerLine)));
    }
    char c = m_s[m_i];
    if (is_name_start(c)) return lex_name();
    if (is_digit(c)) return lex_number();
    if (c == '"') return lex_string();
    return lex_punct();
}

bool LineLexer::lex_name() {
    std::size_t start = m_i;
    while (m_i < m_s.size() && is_name_char(m_s[m_i])) ++m_i;
    push(TokenKind::Name, start, std::string(m_s.substr(start, m_i - start)));
    return true;
}

// C integer literals: 42, 0x4d2, 0666. The whole alphanumeric run is taken first so that
// "12abc" is one bad literal rather than a number followed by a name.
bool LineLexer::lex_number() {
    std::size_t start = m_i;
    while (m_i < m_s.size() && is_name_char(m_s[m_i])) ++m_i;
    std::string_view word = m_s.substr(start, m_i - start);
    if (word.size() >= 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
        if (word.size() == 2 || !is_hex(word[2]))
            return fail(start, msg(N_("hexadecimal literal '{prefix}' has no digits"), arg("prefix", word.substr(0, 2))));
        return lex_digits(start, start + 2, 16);
    }
    if (word.size() >= 2 && word[0] == '0') return lex_digits(start, start + 1, 8);
    return lex_digits(start, start, 10);
}

// Reads the digits of one literal from `from` up to m_i and pushes it. Literals go up to 2^64 - 1
// (0xfffffffffeffffff is the default shmmax); one above 2^63 - 1 is kept as its 64-bit pattern,
// as C's unsigned long long would be, and unsigned fields compare with it as unsigned.
bool LineLexer::lex_digits(std::size_t start, std::size_t from, int base) {
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t value = 0;
    bool too_large = false;
    std::size_t i = from;
    for (; i < m_i && digit_value(m_s[i]) < base; ++i) {
        auto d = static_cast<std::uint64_t>(digit_value(m_s[i]));
        if (value > (kMax - d) / static_cast<std::uint64_t>(base)) too_large = true;
        if (!too_large) value = value * static_cast<std::uint64_t>(base) + d;
    }
    if (i < m_i && base == 8 && (m_s[i] == '8' || m_s[i] == '9'))
        return fail(i, msg(N_("invalid digit '{digit}' in octal literal"), arg("digit", m_s.substr(i, 1))));
    if (i < m_i)
        return fail(i, msg(N_("invalid suffix '{suffix}' on integer literal"), arg("suffix", shorten(m_s.substr(i, m_i - i)))));
    if (too_large) return fail(start, msg(N_("integer literal is too large (the largest is {max})"), arg("max", kMax)));
    push(TokenKind::Int, start, std::string(m_s.substr(start, m_i - start)), static_cast<std::int64_t>(value));
    return true;
}

bool LineLexer::lex_string() {
    std::size_t quote = m_i++;
    std::string bytes;
    while (true) {
        if (m_i >= m_s.size()) return fail(quote, msg(N_("unterminated string")));
        char c = m_s[m_i];
        if (c == '"') break;
        if (c == '\\') {
            if (!lex_escape(quote, bytes)) return false;
            continue;
        }
        std::size_t n = checked_char(m_i);
        if (n == 0) return false;
        bytes.append(m_s.substr(m_i, n));
        m_i += n;
    }
    ++m_i;
    push(TokenKind::String, quote, std::move(bytes));
    return true;
}

// The string escapes of the language (docs/scenario-language.md): \n \t \\ \" \0 \xHH. C's other octal escapes are refused rather
// than misread: "\012" would otherwise quietly become a NUL followed by "12".
bool LineLexer::lex_escape(std::size_t quote, std::string& bytes) {
    std::size_t slash = m_i;
    if (slash + 1 >= m_s.size()) return fail(quote, msg(N_("unterminated string")));
    char e = m_s[slash + 1];
    m_i = slash + 2;
    switch (e) {
    case 'n': bytes += '\n'; return true;
    case 't': bytes += '\t'; return true;
    case '\\': bytes += '\\'; return true;
    case '"': bytes += '"'; return true;
    case '0':
        if (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '7')
            return fail(slash, msg(N_("octal escapes other than \\0 are not supported; use \\xHH")));
        bytes += '\0';
        return true;
    case 'x':
        if (m_i + 1 >= m_s.size() || !is_hex(m_s[m_i]) || !is_hex(m_s[m_i + 1]))
            return fail(slash, msg(N_("\\x needs two hex digits, as in \\x41")));
        bytes += static_cast<char>(digit_value(m_s[m_i]) * 16 + digit_value(m_s[m_i + 1]));
        m_i += 2;
        return true;
    default: break;
    }
    std::size_t n = checked_char(slash + 1);
    if (n == 0) return false;
    return fail(slash, msg(N_("unknown escape sequence '\\{char}'"), arg("char", m_s.substr(slash + 1, n))));
}

bool LineLexer::lex_punct() {
    std::string_view rest = m_s.substr(m_i);
    for (const auto& p : kPuncts) {
        if (rest.substr(0, p.spelling.size()) != p.spelling) continue;
        std::size_t start = m_i;
        m_i += p.spelling.size();
        push(p.kind, start, std::string(p.spelling));
        return true;
    }
    std::size_t n = checked_char(m_i);
    if (n == 0) return false;
    return fail(m_i, msg(N_("unexpected character '{char}'"), arg("char", m_s.substr(m_i, n))));
}

}  // namespace

void lex_line(std::string_view line, int line_no, LexedLine& out) {
    out.tokens.clear();
    out.error.reset();
    out.cut = false;
    LineLexer(line, line_no, out).run();
}

LexedLine lex_line(std::string_view line, int line_no) {
    LexedLine out;
    lex_line(line, line_no, out);
    return out;
}


std::size_t utf8_length(std::string_view s, std::size_t i) {
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b = at(i);
    if (b < 0x80) return 1;
    std::size_t n = b < 0xC2 ? 0 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : b < 0xF5 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4).
    unsigned char lo = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
    if (at(i + 1) < lo || at(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (at(i + k) < 0x80 || at(i + k) > 0xBF) return 0;
    return n;
}

std::string describe(const Token& t) { return english(described(t)); }

Message described(const Token& t) {
    switch (t.kind) {
    case TokenKind::End: return msg(N_("end of line"));
    case TokenKind::String: return msg(N_("string"));
    default: return msg(N_("'{token}'"), arg("token", shorten(t.text)));
    }
}

}  // namespace sim::scenario
