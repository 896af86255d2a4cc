#include "explain/lang.h"

#include <cstdlib>
#include <string_view>

namespace explain {

sim::scenario::Lang choose_lang(const std::string& flag) {
    using sim::scenario::Lang;
    if (!flag.empty()) return flag == "zh" ? Lang::zh : Lang::en;
    for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* v = std::getenv(name);
        if (!v || !*v) continue;
        // LANGUAGE may list several ("zh_CN:en"): the first is the one asked for.
        return std::string_view(v).substr(0, 2) == "zh" ? Lang::zh : Lang::en;
    }
    return Lang::en;
}

}  // namespace explain
