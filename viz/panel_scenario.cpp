// The toolbar (the stepper's controls) and the Scenario panel: the source, the current line,
// the notes, and the diagnostics when an edit does not parse.
#include <imgui.h>
#include <imgui_internal.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "explain/catalog.h"
#include "viz/app.h"
#include "viz/draw.h"
#include "viz/layout.h"

namespace viz {

static std::string percent_escaped(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '%' ? "%%" : std::string(1, c);
    return out;
}

// The toolbar's next item on the same line when it fits there, else on the next: at zoom 1.5 in a
// 1280-pixel window the row ran off the right edge.
static void then(float width) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

static float button_width(const std::string& label) {
    return ImGui::CalcTextSize(label.c_str(), nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

static bool button(const std::string& label) { return ImGui::Button(label.c_str()); }

void panel_toolbar(App& app, const View& v) {
    if (button("|<")) app.go_to(0);
    then(button_width("<"));
    if (button("<")) app.prev_step();
    std::string play = std::string(app.playing ? explain::tr("Pause") : explain::tr("Play")) + "###play";
    then(button_width(play));
    if (button(play)) app.playing = !app.playing;
    then(button_width(">"));
    if (button(">")) app.next_step();
    then(button_width(">|"));
    if (button(">|")) app.go_to(v.total);
    then(220 * v.zoom);
    int step = static_cast<int>(v.step);
    ImGui::SetNextItemWidth(220 * v.zoom);
    // The slider's printf format: the step said in words, its '%' doubled.
    std::string shown = percent_escaped(explain::say("step {n}", fmt::arg("n", step)));
    if (ImGui::SliderInt("##timeline", &step, 0, static_cast<int>(v.total), shown.c_str()) && step >= 0)
        app.go_to(static_cast<std::size_t>(step));
    std::string where = explain::say("of {total}  |  event {event} of {events}", fmt::arg("total", v.total), fmt::arg("event", v.event + 1),
                                     fmt::arg("events", v.events().size()));
    then(ImGui::CalcTextSize(where.c_str()).x);
    ImGui::TextUnformatted(where.c_str());
    std::string speed = std::string(explain::tr("s/event")) + "###speed";
    then(110 * v.zoom + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(speed.c_str(), nullptr, true).x);
    ImGui::SetNextItemWidth(110 * v.zoom);
    ImGui::SliderFloat(speed.c_str(), &app.seconds_per_event, 0.05f, 1.5f, "%.2f");
    std::string zoom = explain::say("zoom {zoom:.2f}", fmt::arg("zoom", app.zoom));
    then(button_width("-") * 2 + ImGui::CalcTextSize(zoom.c_str()).x + 2 * ImGui::GetStyle().ItemSpacing.x);
    if (button("-")) app.zoom_by(-0.25f);
    ImGui::SameLine();
    ImGui::TextUnformatted(zoom.c_str());
    ImGui::SameLine();
    if (button("+")) app.zoom_by(0.25f);
    std::string theme = std::string(app.dark ? explain::tr("Light") : explain::tr("Dark")) + "###theme";
    then(button_width(theme));
    if (button(theme)) app.dark = !app.dark;
    then(200 * v.zoom);
    ImGui::SetNextItemWidth(-1);
    std::string current = std::filesystem::path(app.file()).filename().string();
    if (ImGui::BeginCombo("##lesson", current.c_str())) {
        for (const auto& l : app.lessons())
            if (ImGui::Selectable(std::filesystem::path(l).filename().string().c_str(), l == app.file())) app.later([&app, l] { app.open(l); });
        ImGui::EndCombo();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(explain::tr("Space/Right: next step   Left: back   Shift: one kernel-path event   Home/End   p: play   q: predict   e: edit   +/-: zoom   t: theme   l: 中文/English"));
    ImGui::PopStyleColor();
}

static void notes(const App& app, const View& v) {
    const auto* in_force = v.notes_in_force();
    if (!in_force) return;
    for (const auto& n : *in_force) {
        ImGui::PushStyleColor(ImGuiCol_Text, note_colour());
        text_wrapped(n.in(app.lang));
        ImGui::PopStyleColor();
    }
    if (!in_force->empty()) ImGui::Separator();
}

// One line of the source: its number, then its text wrapped beside it (a note's line is long);
// the current line lit under both.
static void source_line(const View& v, int line, bool current, std::string_view shown = {}) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    ImVec2 p = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x;
    dl->ChannelsSplit(2);
    dl->ChannelsSetCurrent(1);
    // The current line's number reads on its highlight; the others stay dim.
    if (current) ImGui::Text("%3d", line);
    else ImGui::TextDisabled("%3d", line);
    ImGui::SameLine();
    ImGui::BeginGroup();
    text_wrapped(shown.empty() ? v.scenario->lines[static_cast<std::size_t>(line - 1)] : shown);
    ImGui::EndGroup();
    dl->ChannelsSetCurrent(0);
    if (current) dl->AddRectFilled(p, ImVec2(p.x + w, ImGui::GetItemRectMax().y), highlight_fill(0.6f));
    dl->ChannelsMerge();
}

// The source. A lesson's lines wrap; a long generated file (thousands of lines) is laid out only
// where it is on screen, one row per line, and scrolls sideways.
// What the predict mode hides of the source: the outcome of the step asked about, the notes and
// asks before it (they tell the answer), and everything after it.
struct Hidden {
    int next = 0;  // the line of the next step, shown without its outcome; 0: nothing hidden
    int current = 0;
    bool hides(const View& v, int line) const {
        if (next == 0 || line < current || line == next) return false;
        if (line > next) return true;
        std::string_view text = v.scenario->lines[static_cast<std::size_t>(line - 1)];
        std::size_t start = text.find_first_not_of(" \t");
        text = start == std::string_view::npos ? std::string_view() : text.substr(start);
        return line > current && (text.starts_with("note") || text.starts_with("ask"));
    }
};

static Hidden hidden(const View& v, int current) {
    if (!v.predict || v.step >= v.total) return {};
    return {v.scenario->steps[v.step].pos.line, current};
}

// The next step's line without what it returns: "shm1: store(p, "x") => ?".
static std::string without_outcome(std::string_view line) {
    bool in_string = false;
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
        if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) in_string = !in_string;
        if (!in_string && line[i] == '=' && line[i + 1] == '>') return std::string(line.substr(0, i)) + "=> ?";
        if (!in_string && line[i] == '#') break;
    }
    return std::string(line);
}

static void source(const View& v, float height) {
    int current = v.record ? v.scenario->steps[v.record->index].pos.line : 0;
    // The current line to a third of the way down once it moves, and for two frames more, while the
    // panels above it (the note) settle their heights.
    static std::pair<const void*, int> scrolled_to{nullptr, -1};
    static int settling = 0;
    if (scrolled_to != std::pair<const void*, int>{v.scenario, current}) scrolled_to = {v.scenario, current}, settling = 3;
    bool follow = settling > 0 && current > 0;
    if (settling > 0) --settling;
    int lines = static_cast<int>(v.scenario->lines.size());
    constexpr int kWrappedLines = 2000;
    ImGui::BeginChild("source", ImVec2(0, height), false, lines > kWrappedLines ? ImGuiWindowFlags_HorizontalScrollbar : 0);
    if (lines <= kWrappedLines) {
        Hidden h = hidden(v, current);
        for (int line = 1; line <= lines; ++line) {
            if (h.hides(v, line)) continue;
            if (line == h.next) source_line(v, line, false, without_outcome(v.scenario->lines[static_cast<std::size_t>(line - 1)]));
            else source_line(v, line, line == current);
            if ((line == current || (line == h.next && current == 0)) && follow) ImGui::SetScrollHereY(0.35f);
        }
        if (h.next > 0 && h.next < lines) ImGui::TextDisabled("%s", explain::tr("... (the rest shows as the class answers)").data());
        ImGui::EndChild();
        return;
    }
    float row = ImGui::GetTextLineHeightWithSpacing();
    if (follow) ImGui::SetScrollY(std::max(0.0f, static_cast<float>(current - 1) * row - ImGui::GetWindowHeight() * 0.35f));
    ImGuiListClipper clipper;
    clipper.Begin(lines, row);
    while (clipper.Step())
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            int line = i + 1;
            ImVec2 p = ImGui::GetCursorScreenPos();
            if (line == current)
                ImGui::GetWindowDrawList()->AddRectFilled(p, ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y + ImGui::GetTextLineHeight()),
                                                          highlight_fill(0.6f));
            if (line == current) ImGui::Text("%3d", line);
            else ImGui::TextDisabled("%3d", line);
            ImGui::SameLine();
            std::string_view text = v.scenario->lines[static_cast<std::size_t>(i)];
            ImGui::TextUnformatted(text.data(), text.data() + text.size());
        }
    ImGui::EndChild();
}

// The first n characters (UTF-8 sequences) of a line.
static std::string_view first_chars(std::string_view line, std::size_t n) {
    std::size_t i = 0;
    for (std::size_t k = 0; k < n && i < line.size(); ++k) {
        ++i;
        while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
    }
    return line.substr(0, i);
}

// A compiler-style diagnostic in the panel's own font: its caret under the column it names, measured
// on the line above (a proportional font has no cells to count).
static void diagnostic(const std::string& text) {
    ImGui::PushStyleColor(ImGuiCol_Text, error_vec());
    std::string_view rest = text, above;
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        std::size_t caret = line.find('^');
        if (caret != std::string_view::npos && line.find_first_not_of(" \t") == caret && caret + 1 == line.size()) {
            float x = ImGui::CalcTextSize(first_chars(above, caret).data(), first_chars(above, caret).data() + first_chars(above, caret).size()).x;
            ImGui::SetCursorPosX(ImGui::GetCursorPosX() + x);
            ImGui::TextUnformatted("^");
        } else {
            ImGui::TextUnformatted(line.data(), line.data() + line.size());
        }
        above = line;
    }
    ImGui::PopStyleColor();
}

static bool& editor_open() {
    static bool open = false;
    return open;
}
static void editor_closed() { editor_open() = false; }

// The editor: the whole file, each change re-parsed and re-run at once (App::edit).
static void editor(App& app, float height) {
    static std::string buffer;
    static std::pair<std::string, std::uint64_t> synced{"", ~std::uint64_t{0}};
    bool resync = synced != std::pair<std::string, std::uint64_t>{app.file(), app.text_version};
    if (resync) {
        buffer = app.text();
        synced = {app.file(), app.text_version};
        if (ImGui::GetActiveID() == ImGui::GetID("##editor")) ImGui::ClearActiveID();  // the widget keeps a copy while active
    }
    std::string state = app.unsaved() ? std::string(explain::tr("unsaved: Ctrl+S saves, Ctrl+Z undoes")) : std::string(explain::tr("saved"));
    if (!app.save_error().empty()) state = app.save_error();
    ImGui::TextDisabled("%s", state.c_str());
    // The cursor goes to the editor when editing starts (the key e), and after an undo.
    if (!editor_open() || resync) ImGui::SetKeyboardFocusHere();
    editor_open() = true;
    if (ImGui::InputTextMultiline("##editor", &buffer, ImVec2(-1, height), ImGuiInputTextFlags_NoUndoRedo | ImGuiInputTextFlags_AllowTabInput))
        app.later([&app, text = buffer] { app.edit(text); });
}

void panel_scenario(App& app, const View& v) {
    for (const auto& e : app.errors()) diagnostic(e);
    if (!app.editing) editor_closed();
    if (app.editing) {
        std::string done = std::string(explain::tr("Done editing")) + "###done";
        if (ImGui::Button(done.c_str())) app.editing = false;
        ImGui::SameLine();
    }
    if (v.scenario) text_wrapped(v.scenario->title.en.empty() ? app.file() : v.scenario->title.in(app.lang));
    else if (!app.editing) return;
    ImGui::Separator();
    if (v.scenario) notes(app, v);
    float height = ImGui::GetContentRegionAvail().y;
    bool program = has_programs(v);
    float listing = program ? height * 0.55f : 0.0f;
    if (app.editing) editor(app, program ? listing : -1.0f);
    else source(v, listing);
    if (!program) return;
    ImGui::BeginChild("Program", ImVec2(0, 0), true);
    panel_program(v);
    ImGui::EndChild();
}

}  // namespace viz
