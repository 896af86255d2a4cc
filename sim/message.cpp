#include "sim/message.h"

#include <cstring>

#include "sim/placeholders.h"

namespace sim {

bool Message::operator==(const Message& o) const { return std::strcmp(msgid, o.msgid) == 0 && args == o.args; }

bool Message::Arg::operator==(const Arg& o) const {
    return std::strcmp(name, o.name) == 0 && text == o.text && nested == o.nested;
}

Message verbatim(std::string text) { return msg(N_("{text}"), arg("text", std::move(text))); }

std::string fill(std::string_view tmpl, const Message& m, const std::function<std::string(const Message&)>& say) {
    std::string out;
    fill_placeholders(tmpl, out, [&](std::string_view name, std::string& to) {
        for (const auto& a : m.args) {
            if (name != a.name) continue;
            if (a.nested.empty()) to += a.text;
            else for (const auto& n : a.nested) to += n.empty() ? std::string() : say(n);
            return true;
        }
        return false;
    });
    return out;
}

std::string english(const Message& m) {
    return fill(m.msgid, m, [](const Message& n) { return english(n); });
}

}  // namespace sim
