#include "sim/text.h"

namespace sim {

std::string hex(std::uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), digits[v & 15]);
        v >>= 4;
    } while (v);
    return "0x" + s;
}

std::string oct(std::uint64_t v) {
    std::string s;
    do {
        s.insert(s.begin(), static_cast<char>('0' + (v & 7)));
        v >>= 3;
    } while (v);
    return "0" + s;
}

void append_escaped(std::string& s, unsigned char c) {
    static const char digits[] = "0123456789abcdef";
    switch (c) {
    case '\n': s += "\\n"; break;
    case '\t': s += "\\t"; break;
    case '\\': s += "\\\\"; break;
    case '"': s += "\\\""; break;
    case 0: s += "\\0"; break;
    default:
        if (c < 32 || c >= 127) {
            s += "\\x";
            s += digits[c >> 4];
            s += digits[c & 15];
        } else {
            s += static_cast<char>(c);
        }
    }
}

std::string quoted(std::string_view bytes, std::size_t max) {
    std::string s = "\"";
    for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
        auto c = static_cast<unsigned char>(bytes[i]);
        if (c >= 128) s += static_cast<char>(c);  // the reader's terminal shows UTF-8 as it is
        else append_escaped(s, c);
    }
    s += '"';
    if (bytes.size() > max) s += "...";
    return s;
}

}  // namespace sim
