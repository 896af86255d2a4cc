#include "viz/handout.h"

#include "explain/catalog.h"

namespace viz {

using sim::scenario::Lang;

namespace {

// The fixed words in the handout's language, and the program's language back afterwards.
class InLanguage {
public:
    explicit InLanguage(Lang lang) : m_before(explain::language()) { explain::set_language(lang); }
    ~InLanguage() { explain::set_language(m_before); }
    InLanguage(const InLanguage&) = delete;
    InLanguage& operator=(const InLanguage&) = delete;

private:
    Lang m_before;
};

// Legible on screen and on paper: black on white, the pictures as wide as the page, and when
// printed one slide per page (the title shares the first page with slide 0).
constexpr std::string_view kStyle = R"css(
body { font-family: "DejaVu Sans", "WenQuanYi Micro Hei", system-ui, sans-serif; color: #111; background: #fff;
       max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 0 0 0.5rem; }
h3 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
section.slide { border-top: 2px solid #bbb; padding-top: 1rem; margin-top: 2rem; }
figure { margin: 0 0 0.6rem; }
img { display: block; max-width: 100%; height: auto; border: 1px solid #777; }
figcaption { font-size: 0.9rem; color: #333; }
.step-line, .path { font-family: "DejaVu Sans Mono", ui-monospace, monospace; }
.step-line { font-weight: bold; white-space: pre-wrap; overflow-wrap: anywhere; }
.note { border-left: 4px solid #a66a00; background: #fff6e0; padding: 0.3rem 0.7rem; margin: 0.4rem 0; white-space: pre-wrap; }
.summary { font-style: italic; }
table.path { border-collapse: collapse; font-size: 0.85rem; }
table.path td { vertical-align: top; padding: 0.1rem 0.8rem 0.1rem 0; }
table.path td.function { white-space: nowrap; font-weight: bold; }
.events { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 0.8rem; }
footer { margin-top: 2rem; font-size: 0.8rem; color: #444; }
@media print {
  @page { margin: 1.2cm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.slide { break-before: page; page-break-before: always; border-top: 0; margin-top: 0; padding-top: 0; }
  section.slide.first { break-before: auto; page-break-before: auto; }
  figure { break-inside: avoid; page-break-inside: avoid; }
  figure.slide-picture img { max-height: 58vh; width: auto; max-width: 100%; }
  .events { display: block; break-before: page; page-break-before: always; }
  .events figure img { max-height: 40vh; width: auto; }
  table.path tr { break-inside: avoid; }
}
)css";

std::string picture(const std::string& cls, const std::string& image, const std::string& alt, const std::string& caption) {
    std::string out = "<figure class=\"" + cls + "\"><img src=\"" + html_escape(image) + "\" alt=\"" + html_escape(alt) + "\">";
    if (!caption.empty()) out += "<figcaption>" + html_escape(caption) + "</figcaption>";
    return out + "</figure>\n";
}

std::string path_table(const std::vector<cli::PathLine>& path) {
    std::string out = "<h3>" + html_escape(explain::tr("Kernel path")) + "</h3>\n<table class=\"path\">\n";
    for (const auto& line : path)
        out += "<tr><td class=\"function\">" + html_escape(line.function) + "</td><td>" + html_escape(line.sentence) + "</td></tr>\n";
    return out + "</table>\n";
}

std::string event_pictures(const HandoutSlide& s) {
    std::string out = "<div class=\"events\">\n";
    for (std::size_t k = 0; k < s.events.size(); ++k) {
        std::string caption = explain::say("step {n}, event {k}: {function}", fmt::arg("n", s.step), fmt::arg("k", k),
                                           fmt::arg("function", s.events[k].function));
        out += picture("event-picture", s.events[k].image, caption, caption);
    }
    return out + "</div>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string handout_head(const std::string& title, Lang lang) {
    std::string t = html_escape(title);
    return std::string("<!DOCTYPE html>\n<html lang=\"") + (lang == Lang::zh ? "zh-CN" : "en") +
           "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + t +
           "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>" + t + "</h1>\n";
}

std::string handout_slide(const HandoutSlide& s, Lang lang) {
    InLanguage words(lang);
    std::string heading = explain::say("Step {n} of {total}", fmt::arg("n", s.step), fmt::arg("total", s.total));
    std::string out = "<section class=\"slide" + std::string(s.step == 0 ? " first" : "") + "\" id=\"step-" + std::to_string(s.step) +
                      "\">\n<h2>" + html_escape(heading) + "</h2>\n";
    std::string alt = s.step == 0 ? std::string(explain::tr("the window before the first step"))
                                  : explain::say("the window after step {n}: {line}", fmt::arg("n", s.step), fmt::arg("line", s.step_line));
    out += picture("slide-picture", s.image, alt, "");
    if (s.step == 0) out += "<p class=\"step-line\">" + html_escape(explain::tr("before the first step")) + "</p>\n";
    else out += "<p class=\"step-line\">" + html_escape(s.step_line) + "</p>\n";
    for (const auto& n : s.notes) out += "<p class=\"note\">" + html_escape(n) + "</p>\n";
    if (!s.summary.empty()) out += "<p class=\"summary\">" + html_escape(explain::say("in short: {summary}", fmt::arg("summary", s.summary))) + "</p>\n";
    if (!s.path.empty()) out += path_table(s.path);
    if (!s.events.empty()) out += event_pictures(s);
    return out + "</section>\n";
}

std::string handout_tail(const std::string& file, Lang lang) {
    InLanguage words(lang);
    return "<footer>" + html_escape(explain::say("made with ipcviz --export-slides from {file}", fmt::arg("file", file))) +
           "</footer>\n</body>\n</html>\n";
}

std::string handout_html(const std::string& title, const std::string& file, const std::vector<HandoutSlide>& slides, Lang lang) {
    std::string out = handout_head(title, lang);
    for (const auto& s : slides) out += handout_slide(s, lang);
    return out + handout_tail(file, lang);
}

}  // namespace viz
