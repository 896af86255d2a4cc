// The .ipc lexer (docs/scenario-language.md, "Lexical rules"). A statement never spans lines, so the lexer works
// one line at a time: that is what lets the parser report one error per line and carry on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/ast.h"
#include "sim/scenario/diagnostic.h"

namespace sim::scenario {

enum class TokenKind {
    End,  // end of the line (or the start of a comment)
    Name, Int, String,
    LParen, RParen, LBracket, RBracket,
    LBrace, RBrace,  // { } around a sembuf (version 2)
    Comma, Colon, Dot,
    Assign,  // =
    Arrow,   // =>
    Pipe, Plus, Minus, Star,
    At,      // @ LINE after a step (version 2)
    Eq, Ne, Lt, Le, Gt, Ge,
};

struct Token {
    TokenKind kind = TokenKind::End;
    SourcePos pos;
    std::string text;        // Name: the name; String: the bytes, escapes resolved; others: the spelling
    std::int64_t value = 0;  // Int
};

struct LexedLine {
    std::vector<Token> tokens;        // always ends with an End token, also after an error
    std::optional<Diagnostic> error;  // the first lexical error on the line; tokens stop before it
    bool cut = false;                 // the error is kMaxTokensPerLine: an earlier error is more useful
};

// A line holds at most this many tokens: some 3.5 MiB of them, where a 64 MiB line of '(' would
// have made 3.5 GiB before the parser saw one. The parser's own limits (nesting, nodes per line)
// refuse any line that long earlier, so its error is the one reported.
inline constexpr std::size_t kMaxTokensPerLine = std::size_t{1} << 16;

// Lexes one line (without its newline) into `out`, reusing its storage; `line_no` is 1-based and
// only used for positions.
void lex_line(std::string_view line, int line_no, LexedLine& out);
LexedLine lex_line(std::string_view line, int line_no);

// The length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when s[i] does not
// start one (stray continuation byte, overlong form, surrogate, past U+10FFFF, cut short).
std::size_t utf8_length(std::string_view s, std::size_t i);

// How a token reads in a message: "'shmget'", "'42'", "')'", "string", "end of line". A string's
// bytes are left out: they may hold anything, newlines included.
std::string describe(const Token& t);
// The same as a Message, for the language the user reads.
Message described(const Token& t);

}  // namespace sim::scenario
