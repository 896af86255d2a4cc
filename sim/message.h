// A sentence for the user kept as its English template (a catalog key with named {placeholders})
// and the values that fill it, so that explain/ can show it in the language asked for. sim/ itself
// only ever needs the English: english(m).
#pragma once

#include <concepts>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/msgid.h"

namespace sim {

struct Message {
    struct Arg;
    const char* msgid = "";  // N_("unknown call '{name}'{hint}"); "" for no sentence at all
    std::vector<Arg> args;
    bool empty() const { return *msgid == '\0'; }
    bool operator==(const Message& o) const;
};

struct Message::Arg {
    const char* name;
    std::string text;             // the value as it is shown: a name, a number, a constant
    std::vector<Message> nested;  // or, when not empty, a sentence of its own, in the same language
    bool operator==(const Arg& o) const;
};

inline Message::Arg arg(const char* name, std::string_view text) { return {name, std::string(text), {}}; }
inline Message::Arg arg(const char* name, const char* text) { return {name, std::string(text), {}}; }
inline Message::Arg arg(const char* name, Message m) { return {name, {}, {std::move(m)}}; }
template <std::integral T>
Message::Arg arg(const char* name, T v) { return {name, std::to_string(v), {}}; }

// msg(N_("unknown call '{name}'{hint}"), arg("name", n), arg("hint", h)).
template <typename... A>
Message msg(const char* msgid, A&&... args) { return Message{msgid, {std::forward<A>(args)...}}; }

// A text that is not a sentence of the catalog: a name, or an English text from elsewhere.
Message verbatim(std::string text);

// Puts the value of each {name} of `tmpl` (m's translated template, or m.msgid), a nested sentence
// through `say`; "{{" and "}}" are braces, as in fmt. A name m does not give stays as written.
std::string fill(std::string_view tmpl, const Message& m, const std::function<std::string(const Message&)>& say);

// The sentence in English: its msgid, filled.
std::string english(const Message& m);

}  // namespace sim
