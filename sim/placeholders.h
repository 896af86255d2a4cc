// The one walk over a sentence's {name} placeholders, for the kernel path's sentences
// (explain/present.cpp) and the scenario's messages (sim/message.cpp).
#pragma once

#include <string>
#include <string_view>

namespace sim {

// Copies `tmpl` to `out`, calling put(name, out) for each {name}; put appends the value and returns
// false when it has none, and the placeholder is then kept as it is. "{{" and "}}" stand for braces.
template <typename Put>
void fill_placeholders(std::string_view tmpl, std::string& out, Put put) {
    out.reserve(out.size() + tmpl.size() + 32);
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        char c = tmpl[i];
        if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
            out += c, ++i;
            continue;
        }
        std::size_t close = c == '{' ? tmpl.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos || !put(tmpl.substr(i + 1, close - i - 1), out)) {
            out += c;
            continue;
        }
        i = close;
    }
}

}  // namespace sim
