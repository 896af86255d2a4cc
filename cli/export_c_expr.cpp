// Scenario expressions written as C: call arguments for the scenario's processes, and the values
// main compares for `=>` and `expect` (struct val, see kChecks).
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cli/export_c.h"
#include "sim/text.h"

namespace cli::export_c {

using sim::scenario::Expr;
using sim::scenario::ExprKind;

std::string c_name(const std::string& name) {
    static const std::set<std::string> reserved = {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for",
        "goto", "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct",
        "switch", "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary", "_Alignas",
        "_Alignof", "_Atomic", "_Generic", "_Noreturn", "_Static_assert", "_Thread_local"};
    return reserved.count(name) ? name + "_" : name;
}

std::string c_string(std::string_view bytes) {
    std::string out = "\"";
    std::size_t col = 0;
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        std::string piece;
        if (c == '\n') piece = "\\n";
        else if (c == '\t') piece = "\\t";
        else if (c == '\\') piece = "\\\\";
        else if (c == '"') piece = "\\\"";
        else if (c == '?') piece = "\\?";  // no trigraph can form
        else if (c < 32 || c >= 127) {
            // Always three octal digits: "\0" followed by "1" would read as "\01".
            piece = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)), static_cast<char>('0' + (c & 7))};
        } else piece = std::string(1, static_cast<char>(c));
        // A long text goes on several lines; the compiler joins adjacent literals.
        if (col + piece.size() > 96) {
            out += "\"\n        \"";
            col = 0;
        }
        out += piece;
        col += piece.size();
    }
    return out + "\"";
}

namespace {

// The literal as the scenario spells it (0666, 0x4d2), when that reads back as its value.
std::string literal(const Names& n, const Expr& e) {
    if (n.s && e.pos.line >= 1 && static_cast<std::size_t>(e.pos.line) <= n.s->lines.size()) {
        std::string_view line = n.s->lines[static_cast<std::size_t>(e.pos.line - 1)];
        std::size_t at = static_cast<std::size_t>(e.pos.col - 1), end = at;
        if (end < line.size() && line[end] == '-') ++end;
        while (end < line.size() && (std::isalnum(static_cast<unsigned char>(line[end])))) ++end;
        std::string token(line.substr(at < line.size() ? at : line.size(), end > at ? end - at : 0));
        if (!token.empty()) {
            char* stop = nullptr;
            bool negative = token[0] == '-';
            unsigned long long u = std::strtoull(token.c_str() + (negative ? 1 : 0), &stop, 0);
            auto value = static_cast<std::int64_t>(negative ? 0 - u : u);
            if (stop && *stop == 0 && value == e.value) {
                // A literal above LLONG_MAX (0xfffffffffeffffff) is unsigned in C; say what it becomes.
                if (!negative && u > static_cast<unsigned long long>(INT64_MAX)) return "(long long)" + token + "ULL";
                return token;
            }
        }
    }
    if (e.value == INT64_MIN) return "(-9223372036854775807LL - 1)";
    return std::to_string(e.value);
}

std::string var_ref(const std::string& name, Side side) { return side == Side::process ? "v." + c_name(name) : "var_" + name + ".i"; }

}  // namespace

std::string int_expr(const Names& n, const Expr& e, Side side) {
    switch (e.kind) {
    case ExprKind::Int:
        if (e.text == "NULL") return "0";
        return e.text.empty() ? literal(n, e) : e.text;
    case ExprKind::Name: return n.vars.count(e.text) ? var_ref(e.text, side) : "0";
    case ExprKind::Negate: return "-(" + int_expr(n, e.args[0], side) + ")";
    case ExprKind::Binary: {
        auto side_of = [&](const Expr& a) {
            std::string s = int_expr(n, a, side);
            return a.kind == ExprKind::Binary ? "(" + s + ")" : s;
        };
        return side_of(e.args[0]) + " " + e.text + " " + side_of(e.args[1]);
    }
    default: return "0";
    }
}

std::string text_expr(const Names& n, const Expr& e, Side side) {
    if (e.kind == ExprKind::String) {
        // A C buffer holding a short string and then zeroes: say so, rather than spell each NUL.
        std::size_t end = e.text.find_last_not_of('\0');
        std::size_t len = end == std::string::npos ? 0 : end + 1;
        if (e.text.size() - len >= 16)
            return "text_padded(" + c_string(std::string_view(e.text).substr(0, len)) + ", " + std::to_string(len) + ", " +
                   std::to_string(e.text.size()) + ")";
        return "text_of(" + c_string(e.text) + ", " + std::to_string(e.text.size()) + ")";
    }
    if (e.kind == ExprKind::Bytes && !e.args.empty())
        return "text_repeat(" + int_expr(n, e.args[0], side) + ", " + c_string(e.text) + ", " + std::to_string(e.text.size()) + ")";
    if (e.kind == ExprKind::Binary && e.args.size() == 2)
        return "text_join(" + text_expr(n, e.args[0], side) + ", " + text_expr(n, e.args[1], side) + ")";
    return "text_of(\"\", 0)";
}

namespace {

std::string quoted_name(const std::string& s) { return c_string(s); }

std::string proc_ref(const std::string& name) { return "P_" + name; }

std::string object_field(const Names& n, const Expr& obj, const std::string& field) {
    if (obj.kind == ExprKind::Name) return "proc_field(" + proc_ref(obj.text) + ", " + quoted_name(field) + ")";
    if (obj.kind == ExprKind::Field && obj.text == "buf" && !obj.args.empty())
        return "buf_field(" + proc_ref(obj.args[0].text) + ", " + quoted_name(field) + ")";
    if (obj.kind == ExprKind::Call && obj.text == "sem" && obj.args.size() == 2)
        return "sem_value_field(" + val_expr(n, obj.args[0]) + ", " + val_expr(n, obj.args[1]) + ", " + quoted_name(field) + ")";
    if (obj.kind == ExprKind::Call && !obj.args.empty())
        return (obj.text == "shm" ? "shm_field(" : obj.text == "sem" ? "sem_field(" : "msq_field(") + val_expr(n, obj.args[0]) + ", " + quoted_name(field) + ")";
    return "vmissing(\"not an object\")";
}

std::string call_value(const Names& n, const Expr& e) {
    if ((e.text == "pte" || e.text == "frame") && e.args.size() == 2)
        return e.text + "(" + proc_ref(e.args[0].text) + ", " + val_expr(n, e.args[1]) + ")";
    if (e.text == "vmas" && !e.args.empty()) return "vmas(" + proc_ref(e.args[0].text) + ")";
    std::string kind = e.args.empty() ? "msq" : e.args[0].text == "shm" || e.args[0].text == "sem" ? e.args[0].text : "msq";
    if (e.text == "count") return "count_" + kind + "()";
    if (e.text == "exists" && e.args.size() == 2) return "exists_" + kind + "(" + val_expr(n, e.args[1]) + ")";
    return "vmissing(\"unknown function " + e.text + "\")";
}

}  // namespace

std::string val_expr(const Names& n, const Expr& e) {
    switch (e.kind) {
    case ExprKind::Int:
        if (e.text == "NULL") return "vnamed(0, \"NULL\")";
        if (!e.text.empty()) return "vnamed(" + e.text + ", " + quoted_name(e.text) + ")";
        return "vint(" + literal(n, e) + ")";
    case ExprKind::String:
    case ExprKind::Bytes: return "vtext(" + text_expr(n, e, Side::main) + ")";
    case ExprKind::Name:
        if (n.vars.count(e.text)) return "var_" + e.text;
        if (e.text == "ready" || e.text == "blocked" || e.text == "exited" || e.text == "killed")
            return "vtext(text_of(\"" + e.text + "\", " + std::to_string(e.text.size()) + "))";
        if (e.text == "now") return "vnow()";
        return "vproc(" + quoted_name(e.text) + ")";
    case ExprKind::Binary:
        if (sim::scenario::is_text_expr(e)) return "vtext(" + text_expr(n, e, Side::main) + ")";
        return "vbin('" + e.text + "', " + val_expr(n, e.args[0]) + ", " + val_expr(n, e.args[1]) + ")";
    case ExprKind::Negate: return "vneg(" + val_expr(n, e.args[0]) + ")";
    case ExprKind::Field:
        // PROC.buf[N]: Field buf {PROC, N}
        if (e.text == "buf" && e.args.size() == 2 && e.args[0].kind == ExprKind::Name) return "buf_value(" + proc_ref(e.args[0].text) + ", " + val_expr(n, e.args[1]) + ")";
        return object_field(n, e.args[0], e.text);
    case ExprKind::Call: return call_value(n, e);
    case ExprKind::List:
    case ExprKind::Tuple: break;
    }
    return "vunobservable(\"a list exists only in the model\")";
}

std::string model_only_reason(const Expr& e) {
    if (e.kind == ExprKind::Field && (e.text == "receivers" || e.text == "senders" || e.text == "messages"))
        return "the kernel does not show who sleeps on a queue or what it holds (msq(ID).receivers, .senders, .messages are the model's)";
    if (e.kind == ExprKind::Field && e.text == "pending") return "the kernel does not show a semaphore set's sleeping semop calls";
    if (e.kind == ExprKind::Call && e.text == "ptpages")
        return "a real process's libraries and stack share its page-table pages, so ptpages() is the model's";
    if (e.kind == ExprKind::List || e.kind == ExprKind::Tuple) return "lists are the model's wait lists and queues";
    for (const auto& a : e.args)
        if (auto why = model_only_reason(a); !why.empty()) return why;
    return {};
}

}  // namespace cli::export_c
