// SourceLines: the text of a scenario, looked up by line (ast.h).
#include <algorithm>

#include "sim/scenario/ast.h"

namespace sim::scenario {

SourceLines::SourceLines(std::string text) : m_text(std::move(text)) {
    std::size_t start = 0, since_mark = 0;
    while (start < m_text.size()) {
        if (m_count % 16 == 0 || start - since_mark >= 4096) {
            m_marks.push_back({m_count, start});
            since_mark = start;
        }
        ++m_count;
        std::size_t nl = m_text.find('\n', start);
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
}

std::string_view SourceLines::operator[](std::size_t i) const {
    auto mark = std::upper_bound(m_marks.begin(), m_marks.end(), i, [](std::size_t l, const Mark& m) { return l < m.line; }) - 1;
    std::size_t start = mark->offset;
    for (std::size_t l = mark->line; l < i; ++l) start = m_text.find('\n', start) + 1;
    return line_at(start);
}

std::string_view SourceLines::line_at(std::size_t offset) const {
    std::string_view text = m_text;
    std::size_t end = std::min(text.find('\n', offset), text.size());
    std::string_view line = text.substr(offset, end - offset);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

SourceLines::const_iterator& SourceLines::const_iterator::operator++() {
    ++m_i;
    std::size_t nl = m_lines->m_text.find('\n', m_offset);
    m_offset = nl == std::string::npos ? m_lines->m_text.size() : nl + 1;
    return *this;
}

bool operator==(const SourceLines& a, const std::vector<std::string>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace sim::scenario
