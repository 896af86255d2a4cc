#include "explain/message.h"

#include "explain/catalog.h"

namespace explain {

std::string say(const sim::Message& m) {
    return sim::fill(tr(m.msgid), m, [](const sim::Message& n) { return say(n); });
}

sim::scenario::Wording wording() {
    return {explain::tr("error: "), explain::tr("note: "), [](const sim::Message& m) { return say(m); }};
}

std::string format_diagnostic(const std::string& file, const sim::scenario::SourceLines& lines, const sim::scenario::Diagnostic& d) {
    return sim::scenario::format_diagnostic(file, lines, d, wording());
}

std::string format_diagnostic(const std::string& file, const std::vector<std::string>& lines, const sim::scenario::Diagnostic& d) {
    return sim::scenario::format_diagnostic(file, lines, d, wording());
}

std::string file_error(const std::string& file, const sim::Message& why) {
    return sim::scenario::printable(file) + ": " + std::string(explain::tr("error: ")) + sim::scenario::printable(say(why));
}

std::string catalog_text() {
    std::string out;
    if (auto zh = Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo"))
        for (const auto& [id, str] : zh->entries()) out += str;
    return out;
}

}  // namespace explain
