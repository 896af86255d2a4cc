#include "explain/catalog.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>

namespace explain {
namespace {

Lang g_lang = Lang::en;

// The .mo header: magic, revision, count, and the offsets of the two tables of (length, offset) pairs.
constexpr std::uint32_t kMagic = 0x950412de;
constexpr std::size_t kMaxCatalogBytes = std::size_t{16} << 20;

std::optional<std::uint32_t> word(const std::string& data, std::size_t at) {
    if (at + 4 > data.size()) return std::nullopt;
    std::uint32_t v;
    std::memcpy(&v, data.data() + at, 4);
    return v;
}

std::optional<std::string> string_at(const std::string& data, std::uint32_t table, std::uint32_t i) {
    auto len = word(data, table + std::size_t{8} * i), off = word(data, table + std::size_t{8} * i + 4);
    if (!len || !off || std::size_t{*off} + *len > data.size()) return std::nullopt;
    return data.substr(*off, *len);
}

const Catalog* zh_catalog() {
    static const std::optional<Catalog> zh = Catalog::load(IPCSIM_CATALOG_DIR "/zh_CN.mo");
    return zh ? &*zh : nullptr;
}

}  // namespace

std::optional<Catalog> Catalog::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string data;
    data.resize(kMaxCatalogBytes);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<std::size_t>(in.gcount()));
    auto magic = word(data, 0), count = word(data, 8), originals = word(data, 12), translations = word(data, 16);
    if (!magic || *magic != kMagic || !count || !originals || !translations) return std::nullopt;
    Catalog c;
    for (std::uint32_t i = 0; i < *count; ++i) {
        auto id = string_at(data, *originals, i), str = string_at(data, *translations, i);
        if (!id || !str) return std::nullopt;
        if (!id->empty()) c.m_entries.emplace(std::move(*id), std::move(*str));  // "" holds the header
    }
    return c;
}

const std::string* Catalog::find(std::string_view msgid) const {
    auto it = m_entries.find(msgid);
    return it == m_entries.end() || it->second.empty() ? nullptr : &it->second;
}

void set_language(Lang lang) { g_lang = lang; }
Lang language() { return g_lang; }

std::string_view tr(std::string_view msgid) {
    if (g_lang != Lang::zh) return msgid;
    const Catalog* zh = zh_catalog();
    const std::string* s = zh ? zh->find(msgid) : nullptr;
    return s ? std::string_view(*s) : msgid;
}

}  // namespace explain
