#include "sim/message.h"

#include <cstring>

namespace sim {

bool Message::operator==(const Message& o) const { return std::strcmp(msgid, o.msgid) == 0 && args == o.args; }

bool Message::Arg::operator==(const Arg& o) const {
    return std::strcmp(name, o.name) == 0 && text == o.text && nested == o.nested;
}

Message verbatim(std::string text) { return msg(N_("{text}"), arg("text", std::move(text))); }

std::string fill(std::string_view tmpl, const Message& m, const std::function<std::string(const Message&)>& say) {
    std::string out;
    out.reserve(tmpl.size() + 32);
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        char c = tmpl[i];
        if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
            out += c;
            ++i;
            continue;
        }
        std::size_t close = c == '{' ? tmpl.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            out += c;
            continue;
        }
        std::string_view name = tmpl.substr(i + 1, close - i - 1);
        const Message::Arg* a = nullptr;
        for (const auto& candidate : m.args)
            if (name == candidate.name) a = &candidate;
        if (!a) {
            out += c;
            continue;
        }
        if (a->nested.empty()) out += a->text;
        else for (const auto& n : a->nested) out += n.empty() ? std::string() : say(n);
        i = close;
    }
    return out;
}

std::string english(const Message& m) {
    return fill(m.msgid, m, [](const Message& n) { return english(n); });
}

}  // namespace sim
