// Which language ipcsim and ipcviz speak: --lang, else the locale variables as gettext reads them.
// explain/ is where the words live: the presentation layer that both programs share.
#pragma once

#include <string>

#include "sim/scenario/ast.h"

namespace explain {

// `flag` is "en", "zh" or "" (not given). Without it: the first of LANGUAGE, LC_ALL, LC_MESSAGES and
// LANG that is set and not empty decides, and a value starting with "zh" means Chinese.
sim::scenario::Lang choose_lang(const std::string& flag);

}  // namespace explain
