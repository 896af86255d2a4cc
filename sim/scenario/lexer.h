// The .ipc lexer (SCENARIO.md, "Lexical rules"). A statement never spans lines, so the lexer works
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
    LParen, RParen, LBracket, RBracket, Comma, Colon, Dot,
    Assign,  // =
    Arrow,   // =>
    Pipe, Plus, Minus, Star,
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
};

// Splits a file into lines: no '\n', a trailing '\r' stripped, no empty line after a final '\n'.
std::vector<std::string> split_lines(std::string_view text);

// Lexes one line (without its newline); `line_no` is 1-based and only used for positions.
LexedLine lex_line(std::string_view line, int line_no);

// The length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when s[i] does not
// start one (stray continuation byte, overlong form, surrogate, past U+10FFFF, cut short).
std::size_t utf8_length(std::string_view s, std::size_t i);

// How a token reads in a message: "'shmget'", "'42'", "')'", "string", "end of line". A string's
// bytes are left out: they may hold anything, newlines included.
std::string describe(const Token& t);

}  // namespace sim::scenario
