// The message catalog: every sentence a user reads, keyed by its English text with named
// placeholders ("{passed} passed, {failed} failed"), and its Simplified Chinese from po/zh_CN/*.po,
// which the build compiles with msgfmt. English needs no catalog: the key is the text.
#pragma once

#include <fmt/format.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "sim/scenario/ast.h"

namespace explain {

using sim::scenario::Lang;

// A compiled catalog (.mo, GNU gettext's binary format): msgid -> msgstr.
class Catalog {
public:
    // Reads a .mo file; nothing when it is missing or malformed.
    static std::optional<Catalog> load(const std::string& path);
    // The translation of `msgid`, or null when the catalog has none.
    const std::string* find(std::string_view msgid) const;
    std::size_t size() const { return m_entries.size(); }
    const std::map<std::string, std::string, std::less<>>& entries() const { return m_entries; }

private:
    std::map<std::string, std::string, std::less<>> m_entries;
};

// The language this program speaks, chosen once at start (--lang, or the locale); English until then.
void set_language(Lang lang);
Lang language();

// `msgid` in the program's language: the Chinese catalog's text, or msgid itself.
std::string_view tr(std::string_view msgid);

// Translates, then fills the named placeholders: say("{n} passed", fmt::arg("n", 3)).
template <typename... Args>
std::string say(std::string_view msgid, Args&&... args) {
    return fmt::format(fmt::runtime(tr(msgid)), std::forward<Args>(args)...);
}

}  // namespace explain
