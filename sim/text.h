// Small string builders for what a check found and what a comparison differs in (the kernel path is data: sim/event.h).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace sim {

std::string hex(std::uint64_t v);   // 0x7f0000000000
std::string oct(std::uint64_t v);   // 0666
std::string quoted(std::string_view bytes, std::size_t max = 32);  // "hi\n"… C-escaped, cut
// One byte as a scenario string literal holds it: \n \t \\ \" \0, \xHH for other controls and bytes >= 127.
void append_escaped(std::string& s, unsigned char c);

inline void cat_one(std::string& out, std::string_view s) { out += s; }
inline void cat_one(std::string& out, const char* s) { out += s; }
inline void cat_one(std::string& out, const std::string& s) { out += s; }
inline void cat_one(std::string& out, char c) { out += c; }
template <typename T>
    requires std::is_integral_v<T>
void cat_one(std::string& out, T v) {
    char buf[24];
    out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// cat("nattch ", 1, " -> ", 2): concatenates strings and integers.
template <typename... Args>
std::string cat(const Args&... args) {
    std::string out;
    out.reserve(160);  // one allocation for a typical sentence, instead of one per doubling
    (cat_one(out, args), ...);
    return out;
}

}  // namespace sim
