#include "viz/settings.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "explain/lang.h"

namespace viz {

namespace fs = std::filesystem;
using sim::scenario::Lang;

fs::path settings_file() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    fs::path dir;
    if (xdg && *xdg) dir = xdg;
    else if (home && *home) dir = fs::path(home) / ".config";
    else return {};
    return dir / "ipcsim" / "ipcviz.conf";
}

std::optional<Lang> remembered_lang(const fs::path& file) {
    std::error_code ec;
    if (file.empty() || !fs::is_regular_file(file, ec) || fs::file_size(file, ec) > 4096) return std::nullopt;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line == "lang = zh") return Lang::zh;
        if (line == "lang = en") return Lang::en;
    }
    return std::nullopt;
}

bool remember_lang(const fs::path& file, Lang lang) {
    if (file.empty()) return false;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    fs::path tmp = file;
    tmp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "# ipcviz remembers the language last chosen in its window (--lang overrides it)\n"
            << "lang = " << (lang == Lang::zh ? "zh" : "en") << "\n";
        out.flush();
        if (!out) {
            fs::remove(tmp, ec);
            return false;
        }
    }
    fs::rename(tmp, file, ec);  // rename(2): a reader sees the old file or the new one, never half of one
    if (!ec) return true;
    fs::remove(tmp, ec);
    return false;
}

Lang window_lang(const std::string& flag, const fs::path& file) {
    if (!flag.empty()) return explain::choose_lang(flag);
    if (auto remembered = remembered_lang(file)) return *remembered;
    return explain::choose_lang("");
}

}  // namespace viz
