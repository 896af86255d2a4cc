// What ipcviz remembers between runs: the language last chosen in the window, in
// $XDG_CONFIG_HOME/ipcsim/ipcviz.conf (~/.config/ipcsim/ipcviz.conf without it), one "lang = zh" line.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sim/scenario/ast.h"

namespace viz {

// The settings file's path from XDG_CONFIG_HOME or HOME; empty when neither is set.
std::filesystem::path settings_file();

// The remembered language; nothing when the file is missing, unreadable or garbled.
std::optional<sim::scenario::Lang> remembered_lang(const std::filesystem::path& file);

// Stores the language, atomically (a temporary file renamed over the old one). False on failure:
// the window goes on, it just does not remember.
bool remember_lang(const std::filesystem::path& file, sim::scenario::Lang lang);

// The window's language: --lang (`flag`, "" when not given), else the remembered choice, else the
// locale variables (explain::choose_lang).
sim::scenario::Lang window_lang(const std::string& flag, const std::filesystem::path& file);

}  // namespace viz
