#include "viz/app.h"

#include <imgui.h>

#include <algorithm>
#include <fstream>

#include "explain/catalog.h"
#include "real/procfs.h"
#include "real/real_backend.h"
#include "real/scenario_file.h"
#include "sim/model_backend.h"
#include "sim/scenario/diagnostic.h"
#include "sim/scenario/parser.h"
#include "viz/layout.h"
#include "viz/settings.h"

namespace viz {

namespace fs = std::filesystem;

namespace {

// The comparison panel shows no text longer than this: the history keeps no more of one.
constexpr std::size_t kShownTextBytes = 256;
// ... and the addresses of no more than this many attachments of a process.
constexpr std::size_t kShownMaps = 8;
// The editor takes files up to this size (a generated scene of megabytes is not typed).
constexpr std::size_t kEditableBytes = std::size_t{1} << 20;
constexpr std::size_t kProgramBytes = std::size_t{1} << 20;
constexpr std::size_t kUndoDepth = 256;

// A text cut to what can be shown, saying how long it was.
void cut_text(std::string& s) {
    if (s.size() <= kShownTextBytes) return;
    std::string all = " ... (" + std::to_string(s.size()) + " bytes)";
    s.resize(kShownTextBytes);
    s += all;
    s.shrink_to_fit();
}

// Leaves of an observation what the comparison panel shows: no page tables, no queue contents
// (model only: the kernel side cannot see them), and each PROC.data cut to its first bytes.
// Equality of the full values is in the step's differences, made before this.
void trim_for_history(sim::Observation& o) {
    for (auto& p : o.procs) {
        // Where each attachment starts stays, for the panel's addresses side by side; not the pages.
        if (p.maps.size() > kShownMaps) p.maps.resize(kShownMaps);
        for (auto& m : p.maps) m.present = {};
        p.maps.shrink_to_fit();
        if (p.data.size() > kShownTextBytes) {
            p.data.resize(kShownTextBytes);
            p.data.shrink_to_fit();
        }
    }
    o.forget_queue_insides();
}

std::size_t bytes_of(const sim::Observation& o) {
    std::size_t n = sizeof o + o.procs.capacity() * sizeof(sim::ProcView) + o.shms.capacity() * sizeof(sim::ShmView) +
                    o.msqs.capacity() * sizeof(sim::MsqView);
    for (const auto& p : o.procs) {
        n += p.name.capacity() + p.data.capacity() + p.maps.capacity() * sizeof(sim::MappingView);
        for (const auto& m : p.maps) n += m.perms.capacity();
    }
    return n;
}

std::size_t bytes_of(const std::vector<sim::Difference>& diffs) {
    std::size_t n = sizeof diffs + diffs.capacity() * sizeof(sim::Difference);
    for (const auto& d : diffs) n += d.what.capacity() + d.model.capacity() + d.kernel.capacity();
    return n;
}

std::string mib_or_bytes(std::size_t n) {
    return n >= (std::size_t{1} << 20) ? std::to_string(n >> 20) + " MiB" : explain::say("{n} bytes", fmt::arg("n", n));
}

}  // namespace

// A folder that cannot be read (as opposed to one that is not there) is an error in m_errors:
// the iterator's throwing forms would have ended ipcviz in std::terminate.
App::App(std::string assets_dir) : m_assets(std::move(assets_dir)) {
    std::error_code ec;
    fs::path dir = fs::path(m_assets) / "lessons";
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".ipc") m_lessons.push_back(it->path().string());
    if (ec && ec != std::errc::no_such_file_or_directory)
        m_errors.push_back(sim::scenario::printable(explain::say("{dir}: error: cannot read the lessons: {why}", fmt::arg("dir", dir.string()),
                                                                 fmt::arg("why", ec.message()))) + "\n");
    std::sort(m_lessons.begin(), m_lessons.end());
}

App::~App() {
    if (m_cancel) *m_cancel = true;
}

bool App::open(const std::string& requested) {
    std::string file = requested.empty() && !m_lessons.empty() ? m_lessons.front() : requested;
    std::error_code ec;
    m_mtime = fs::last_write_time(file, ec);  // before reading: an edit made meanwhile is seen next time
    auto read = real::read_scenario_file(file);
    if (!read.ok()) {
        m_file = file;
        m_diagnostics.clear();
        m_errors = {explain::file_error(file, read.why) + "\n"};
        return false;
    }
    return open_text(file, std::move(read.text));
}

bool App::open_text(const std::string& file, std::string text) { return open_text(file, std::move(text), true); }

bool App::open_text(const std::string& file, std::string text, bool with_kernel) {
    if (file != m_file) {  // another lesson: its own score, questions and edits
        m_score = {};
        m_answered.clear();
        m_undo.clear();
        m_unsaved = false;
    }
    m_prediction.reset();
    m_text = text.size() <= kEditableBytes ? text : std::string();
    auto parsed = sim::scenario::parse(file, std::move(text));
    m_file = file;
    m_diagnostics = std::move(parsed.diagnostics);
    m_error_lines = m_diagnostics.empty() ? sim::scenario::SourceLines() : parsed.scenario.lines;
    word_errors();
    if (!m_diagnostics.empty()) return false;
    std::size_t keep = position();
    m_stepper.reset();
    m_scenario = std::make_unique<sim::scenario::Scenario>(std::move(parsed.scenario));
    m_stepper = std::make_unique<sim::Stepper>(*m_scenario);
    m_kernel_stale = !with_kernel;
    if (with_kernel) run_kernel_side();
    else stop_kernel_side();
    load_programs();
    go_to(std::min(keep, m_scenario->steps.size()));  // live editing keeps the place
    return true;
}

// ---------------------------------------------------------------- the predict mode

void App::set_predict(bool on) {
    m_predict = on;
    if (!on && m_prediction && !m_prediction->chosen) m_prediction.reset();
}

// The question is made from the step itself: the stepper runs it, and comes back.
bool App::ask_before(std::size_t step) {
    if (!m_predict || !m_scenario || m_answered.count(step)) return true;
    if (m_prediction && m_prediction->step == step) return m_prediction->chosen.has_value();
    sim::Observation before = m_stepper->model().observe();
    m_stepper->seek(step + 1);
    std::optional<sim::Question> q;
    if (m_stepper->position() == step + 1 && m_stepper->last())
        q = sim::make_question(*m_scenario, step, before, *m_stepper->last(), m_stepper->model().observe());
    seek(step);
    if (!q) return true;  // nothing worth predicting: the step is shown at once
    m_prediction = Prediction{step, std::move(*q), std::nullopt};
    return false;
}

void App::answer(std::size_t choice) {
    if (!m_prediction || m_prediction->chosen || choice >= m_prediction->question.choices.size()) return;
    m_prediction->chosen = choice;
    m_score.count(choice == m_prediction->question.answer);
    m_answered[m_prediction->step] = choice;
    if (position() == m_prediction->step) next_step();
}

// ---------------------------------------------------------------- the editor

void App::start_editing() {
    editing = true;
}

void App::edit(std::string text) {
    if (text == m_text) return;
    if (m_undo.size() >= kUndoDepth) m_undo.erase(m_undo.begin());
    m_undo.push_back(m_text);
    m_unsaved = true;
    open_text(m_file, std::move(text), false);
}

bool App::undo() {
    if (m_undo.empty()) return false;
    std::string text = std::move(m_undo.back());
    m_undo.pop_back();
    m_unsaved = true;
    ++text_version;
    open_text(m_file, std::move(text), false);
    return true;
}

// Written beside the file and renamed over it, so that a failed write loses nothing.
bool App::save() {
    if (!m_unsaved && !m_kernel_stale) return true;
    fs::path tmp = m_file + ".saving";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << m_text;
        if (!out.flush()) {
            m_save_error = explain::say("cannot save {file}", fmt::arg("file", m_file));
            return false;
        }
    }
    std::error_code ec;
    fs::rename(tmp, m_file, ec);
    if (ec) {
        fs::remove(tmp, ec);
        m_save_error = explain::say("cannot save {file}", fmt::arg("file", m_file));
        return false;
    }
    m_save_error.clear();
    m_mtime = fs::last_write_time(m_file, ec);  // our own write is no outside edit
    m_unsaved = false;
    if (m_diagnostics.empty() && m_scenario) {
        m_kernel_stale = false;
        run_kernel_side();
    }
    return true;
}

// The programs `source` names, beside the .ipc file; at most kProgramBytes each (a lesson is untrusted).
void App::load_programs() {
    m_programs.clear();
    if (!m_scenario) return;
    for (const auto& d : m_scenario->sources) {
        if (m_programs.count(d.path)) continue;
        fs::path path = fs::path(m_file).parent_path() / d.path;
        Program p;
        std::error_code ec;
        auto size = fs::file_size(path, ec);
        if (ec || !fs::is_regular_file(path, ec)) p.error = explain::say("cannot read {file}", fmt::arg("file", path.string()));
        else if (size > kProgramBytes) p.error = explain::say("{file} is larger than {max} bytes", fmt::arg("file", path.string()), fmt::arg("max", kProgramBytes));
        else if (auto text = real::read_file(path.string())) p.lines = sim::scenario::SourceLines(std::move(*text));
        else p.error = explain::say("cannot read {file}", fmt::arg("file", path.string()));
        m_programs.emplace(d.path, std::move(p));
    }
}

// A file that became unreadable, or no regular file, shows its error; the scenario stays.
void App::reload_if_changed() {
    std::error_code ec;
    auto t = fs::last_write_time(m_file, ec);
    if (ec || t == m_mtime) return;
    open(m_file);
    ++text_version;  // the editor shows the file as it is now
    m_unsaved = false;
}

namespace {

// Keeps what the comparison panel shows after the step just made, both sides and their differences
// (found on the full observations). False, with the reason kept, when that would pass the budget.
bool keep_step(KernelHistory& h, std::size_t budget, const sim::Backend& model, const sim::Backend& kernel, const sim::RunState& ms) {
    sim::Observation mo = model.observe(), ko = kernel.observe();
    auto diffs = sim::differences(mo, ko, ms.last_call, kernel.sees_frames());
    trim_for_history(mo);
    trim_for_history(ko);
    for (auto& d : diffs) {
        cut_text(d.model);
        cut_text(d.kernel);
    }
    std::size_t bytes = bytes_of(mo) + bytes_of(ko) + bytes_of(diffs);
    if (h.kept_bytes + bytes > budget) {
        std::size_t kept = h.kernel_obs.size();
        h.cut = [kept, budget] {
            std::string first = kept ? explain::say("the kernel's values are kept up to step {step}", fmt::arg("step", kept - 1))
                                     : std::string(explain::tr("no kernel values are kept"));
            return explain::say("{first}: the window keeps at most {budget} of them, and step {step} would pass that; `ipcsim compare` compares every step",
                                fmt::arg("first", first), fmt::arg("budget", mib_or_bytes(budget)), fmt::arg("step", kept));
        };
        return false;
    }
    h.model_obs.push_back(std::move(mo));
    h.kernel_obs.push_back(std::move(ko));
    h.diffs.push_back(std::move(diffs));
    h.kept_bytes += bytes;
    return true;
}

// The kernel run beside the model, step by step, until the end, the budget, or `cancel`.
KernelHistory kernel_history(std::shared_ptr<const sim::scenario::Scenario> s, std::size_t budget, std::shared_ptr<std::atomic<bool>> cancel) {
    KernelHistory h;
    try {
        sim::ModelBackend model;
        real::RealBackend kernel;
        sim::RunState ms, ks;
        sim::start_run(*s, model);
        sim::start_run(*s, kernel);
        bool more = keep_step(h, budget, model, kernel, ms);
        while (more && ks.next < s->steps.size() && !*cancel) {
            if (sim::run_step(*s, model, ms).error || sim::run_step(*s, kernel, ks).error) break;
            more = keep_step(h, budget, model, kernel, ms);
        }
    } catch (const std::exception& e) {
        h.unavailable = [what = std::string(e.what())] { return explain::say("the kernel run failed: {why}", fmt::arg("why", what)); };
    }
    return h;
}

}  // namespace

void App::stop_kernel_side() {
    if (m_cancel) *m_cancel = true;
    if (m_kernel_run.valid()) m_kernel_run.wait();  // the run of the file before, ended at its next step
    m_kernel_run = {};
    m_history = KernelHistory{};
}

// The kernel run of the whole file, once, so that every step has the kernel's values beside the model's.
void App::run_kernel_side() {
    stop_kernel_side();
    if (auto why = real::RealBackend::cannot_run(*m_scenario)) {
        m_history.unavailable = [why = *why] { return explain::say(why); };  // in the language of the moment
        return;
    }
    // Every step's observations are kept for the panel: a very long scenario is left to `ipcsim compare`.
    constexpr std::size_t kMaxSteps = 2000;
    if (m_scenario->steps.size() > kMaxSteps) {
        m_history.unavailable = [steps = m_scenario->steps.size(), max = kMaxSteps] {
            return explain::say("{steps} steps are more than the window runs beside the kernel ({max}); `ipcsim compare` compares them all",
                                fmt::arg("steps", steps), fmt::arg("max", max));
        };
        return;
    }
    auto scenario = std::make_shared<const sim::scenario::Scenario>(*m_scenario);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    if (!background_kernel_run) {
        m_history = kernel_history(scenario, kernel_history_budget, m_cancel);
        return;
    }
    m_kernel_run = std::async(std::launch::async, kernel_history, scenario, kernel_history_budget, m_cancel);
}

void App::take_finished_run() const {
    if (m_kernel_run.valid() && m_kernel_run.wait_for(std::chrono::seconds(0)) == std::future_status::ready) m_history = m_kernel_run.get();
}

void App::wait_for_kernel_run() const {
    if (m_kernel_run.valid()) m_history = m_kernel_run.get();
}

int App::last_event() const {
    const auto& rec = m_stepper ? m_stepper->last() : std::nullopt;
    return rec ? static_cast<int>(rec->outcome.events.size()) - 1 : -1;
}

void App::seek(std::size_t step) {
    m_before.reset();
    m_picked.reset();
    if (step > 0) {
        m_stepper->seek(step - 1);
        m_before = m_stepper->model().kernel();
    }
    m_stepper->seek(step);
    if (m_stepper->position() != step) m_before.reset();
}

void App::go_to(std::size_t step) {
    if (!m_stepper) return;
    if (m_prediction && !m_prediction->chosen) m_prediction.reset();  // a jump takes the question back
    seek(step);
    m_event = last_event();
    m_anim = 1.0f;
}

void App::settle_at(std::size_t step) {
    go_to(step);
    playing = false;
}

void App::freeze_at(std::size_t step, int event, float anim) {
    settle_at(step);
    m_event = std::clamp(event, last_event() >= 0 ? 0 : -1, last_event());
    m_anim = std::clamp(anim, 0.0f, 1.0f);
}

void App::next_step() {
    if (!m_stepper || m_stepper->position() >= m_stepper->total()) {
        playing = false;
        return;
    }
    std::size_t before = m_stepper->position();
    if (!ask_before(before)) {  // the class answers first
        playing = false;
        return;
    }
    seek(before + 1);
    if (m_stepper->position() == before) {  // a step that cannot run: the error is on show
        playing = false;
        return;
    }
    m_event = last_event() >= 0 ? 0 : -1;  // the step's path plays from its first event
    m_anim = 0.0f;
}

void App::prev_step() {
    if (m_stepper && m_stepper->position() > 0) go_to(m_stepper->position() - 1);
}

void App::next_event() {
    if (m_event < last_event()) {
        ++m_event;
        m_anim = 0.0f;
    } else {
        next_step();
    }
}

void App::prev_event() {
    if (m_event > 0) {
        --m_event;
        m_anim = 1.0f;
    } else {
        prev_step();
    }
}

void App::advance(float dt) {
    m_anim = std::min(1.0f, m_anim + dt / std::max(0.01f, seconds_per_event));
    if (m_anim >= 1.0f && m_event < last_event()) {
        ++m_event;
        m_anim = 0.0f;
    } else if (playing && m_anim >= 1.0f) {
        m_play_clock += dt;
        if (m_play_clock >= seconds_per_event * 2) {
            m_play_clock = 0;
            next_step();
        }
    }
    m_since_check += dt;
    if (m_since_check > 0.5f) {  // live editing: the file is looked at twice a second
        m_since_check = 0;
        reload_if_changed();
    }
}

View App::view() const {
    View v;
    v.zoom = zoom;
    if (!m_stepper) return v;
    v.scenario = m_scenario.get();
    v.kernel = &m_stepper->model().kernel();
    v.before = m_before ? &*m_before : nullptr;
    v.record = m_stepper->last() ? &*m_stepper->last() : nullptr;
    v.step = m_stepper->position();
    v.total = m_stepper->total();
    v.event = m_event;
    v.anim = m_anim;
    v.picked = &m_picked;
    take_finished_run();
    const KernelHistory& h = m_history;
    v.predict = m_predict;
    v.prediction = m_prediction ? &*m_prediction : nullptr;
    v.score = &m_score;
    v.programs = &m_programs;
    if (m_kernel_stale) {
        v.compare.unavailable = std::string(explain::tr("edited: the kernel run follows when the file is saved (Ctrl+S)"));
    } else if (m_kernel_run.valid()) {
        v.compare.unavailable = std::string(explain::tr("the kernel run is still going: its values show when it is done"));
    } else if (h.unavailable) {
        v.compare.unavailable = h.unavailable();
    } else if (v.step < h.kernel_obs.size()) {
        v.compare.kernel = &h.kernel_obs[v.step];
        v.compare.model = &h.model_obs[v.step];
        v.compare.differences = &h.diffs[v.step];
    } else {
        v.compare.unavailable = h.cut ? h.cut() : std::string(explain::tr("the kernel run stopped before this step"));
    }
    return v;
}

const std::vector<std::string>& App::errors() const {
    if (!m_diagnostics.empty() && m_errors_lang != explain::language()) word_errors();
    return m_errors;
}

void App::word_errors() const {
    m_errors_lang = explain::language();
    m_errors.clear();
    for (const auto& d : m_diagnostics) m_errors.push_back(explain::format_diagnostic(m_file, m_error_lines, d));
}

void App::handle_keys() {
    ImGuiIO& io = ImGui::GetIO();
    // Ctrl+S and Ctrl+Z by the keys' GLFW codes, which are their letters (1.86 names no S key).
    if (io.KeyCtrl && ImGui::IsKeyPressed('S', false)) save();
    if (io.KeyCtrl && ImGui::IsKeyPressed('Z')) undo();
    if (io.WantTextInput) return;
    auto pressed = [](ImGuiKey k) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(k)); };
    if (pressed(ImGuiKey_Space) || pressed(ImGuiKey_RightArrow)) io.KeyShift ? next_event() : next_step();
    if (pressed(ImGuiKey_LeftArrow)) io.KeyShift ? prev_event() : prev_step();
    if (pressed(ImGuiKey_Home)) go_to(0);
    if (pressed(ImGuiKey_End) && m_stepper) go_to(m_stepper->total());
    for (ImWchar c : io.InputQueueCharacters) {
        if (c == '+' || c == '=') zoom_by(0.25f);
        if (c == '-') zoom_by(-0.25f);
        if (c == 'p') playing = !playing;
        if (c == 't') dark = !dark;
        if (c == 'l') set_lang(lang == sim::scenario::Lang::en ? sim::scenario::Lang::zh : sim::scenario::Lang::en, true);
        if (c == 'q') set_predict(!m_predict);
        if (c == 'e') editing ? (void)(editing = false) : start_editing();
        if (c >= '1' && c <= '5' && m_prediction && !m_prediction->chosen) answer(static_cast<std::size_t>(c - '1'));
    }
}

void App::set_lang(sim::scenario::Lang l, bool remember) {
    bool changed = l != lang;
    lang = l;
    explain::set_language(l);
    if (remember && changed) remember_lang(settings, l);
}

void App::zoom_by(float step) {
    zoom = std::clamp(zoom + step, 0.5f, 3.0f);
    fonts_dirty = true;
}

void App::ui() {
    auto later = std::move(m_later);
    m_later.clear();
    for (auto& f : later) f();
    handle_keys();
    draw_menu_bar(*this);
    draw_layout(*this, view());
}

}  // namespace viz
