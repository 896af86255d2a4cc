// The main menu bar: the language, the theme, zoom, and the lessons, each item in the window's language.
// The language menu names each language in itself, so that a reader lost in the other one finds it.
#include <imgui.h>

#include <filesystem>
#include <map>
#include <string>

#include "explain/catalog.h"
#include "real/scenario_file.h"
#include "sim/scenario/parser.h"
#include "viz/app.h"
#include "viz/layout.h"

namespace viz {
namespace {

using sim::scenario::Lang;

// A translated label with a fixed ImGui id, so that switching the language keeps menus open.
std::string label(std::string_view text, const char* id) { return std::string(text) + "###" + id; }

// A lesson's title (parsed once, for the menu); its file name when it has none or does not parse.
const sim::scenario::LessonText& lesson_title(const std::string& file) {
    static std::map<std::string, sim::scenario::LessonText> titles;
    auto it = titles.find(file);
    if (it != titles.end()) return it->second;
    sim::scenario::LessonText title;
    auto read = real::read_scenario_file(file);
    if (read.ok()) title = sim::scenario::parse(file, std::move(read.text)).scenario.title;
    if (title.en.empty()) title.en = std::filesystem::path(file).filename().string();
    return titles.emplace(file, std::move(title)).first->second;
}

void language_menu(App& app) {
    if (!ImGui::BeginMenu(label(explain::tr("Language"), "language").c_str())) return;
    if (ImGui::MenuItem("English", nullptr, app.lang == Lang::en)) app.set_lang(Lang::en, true);
    if (ImGui::MenuItem("中文", nullptr, app.lang == Lang::zh)) app.set_lang(Lang::zh, true);
    ImGui::EndMenu();
}

void view_menu(App& app) {
    if (!ImGui::BeginMenu(label(explain::tr("View"), "view").c_str())) return;
    if (ImGui::MenuItem(label(explain::tr("Dark theme"), "dark").c_str(), "t", app.dark)) app.dark = true;
    if (ImGui::MenuItem(label(explain::tr("Light theme"), "light").c_str(), "t", !app.dark)) app.dark = false;
    ImGui::Separator();
    if (ImGui::MenuItem(label(explain::tr("Zoom in"), "zoomin").c_str(), "+", false, app.zoom < 3.0f)) app.zoom_by(0.25f);
    if (ImGui::MenuItem(label(explain::tr("Zoom out"), "zoomout").c_str(), "-", false, app.zoom > 0.5f)) app.zoom_by(-0.25f);
    if (ImGui::MenuItem(label(explain::tr("Actual size"), "zoom1").c_str(), nullptr, false, app.zoom != 1.0f)) app.zoom_by(1.0f - app.zoom);
    ImGui::Separator();
    if (ImGui::MenuItem(label(explain::tr("Predict mode"), "predict").c_str(), "q", app.predict())) app.set_predict(!app.predict());
    if (ImGui::MenuItem(label(explain::tr("Edit the scenario"), "edit").c_str(), "e", app.editing)) app.editing ? (void)(app.editing = false) : app.start_editing();
    if (ImGui::MenuItem(label(explain::tr("Save"), "save").c_str(), "Ctrl+S", false, app.unsaved())) app.save();
    if (ImGui::MenuItem(label(explain::tr("Undo the last edit"), "undo").c_str(), "Ctrl+Z", false, app.editing)) app.undo();
    ImGui::EndMenu();
}

void lessons_menu(App& app) {
    if (!ImGui::BeginMenu(label(explain::tr("Lessons"), "lessons").c_str())) return;
    for (const auto& file : app.lessons()) {
        std::string name = std::filesystem::path(file).stem().string();
        std::string item = name.substr(0, name.find('-')) + "  " + lesson_title(file).in(app.lang) + "###" + file;
        if (ImGui::MenuItem(item.c_str(), nullptr, file == app.file())) app.open(file);
    }
    ImGui::EndMenu();
}

}  // namespace

void draw_menu_bar(App& app) {
    if (!ImGui::BeginMainMenuBar()) return;
    language_menu(app);
    view_menu(app);
    lessons_menu(app);
    ImGui::EndMainMenuBar();
}

}  // namespace viz
