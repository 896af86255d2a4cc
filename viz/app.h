// The window's state: the scenario, its model run (a Stepper), the kernel run beside it, and the
// UI's own state (cursor, animation, zoom, theme). Panels read a View built from it each frame;
// only the stepper changes what is shown.
#pragma once

#include <atomic>
#include <filesystem>
#include <future>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explain/message.h"
#include "sim/stepper.h"
#include "viz/view.h"

namespace viz {

// What the window keeps of the kernel run (App::run_kernel_side). Why there is no kernel run, or
// why its history ends early, is said in the language of the moment, so made when shown.
struct KernelHistory {
    std::function<std::string()> unavailable;
    std::vector<sim::Observation> kernel_obs, model_obs;
    std::vector<std::vector<sim::Difference>> diffs;
    std::size_t kept_bytes = 0;
    std::function<std::string()> cut;  // why the history ends before the scenario does
};

class App {
public:
    explicit App(std::string assets_dir);
    ~App();  // ends a kernel run still going at its next step
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Opens FILE (or the first lesson when empty). False when it does not parse; the errors stay
    // on show and the previous scenario, if any, stays loaded.
    bool open(const std::string& file);
    // The same for text that is no file (a generated scene); it is not watched for changes.
    bool open_text(const std::string& name, std::string text);
    // The same with the kernel run left for later (an edit not yet saved).
    bool open_text(const std::string& name, std::string text, bool with_kernel);
    void reload_if_changed();

    // The stepper: whole steps, single kernel-path events, play and pause.
    void next_step();
    void prev_step();
    void next_event();
    void prev_event();
    void go_to(std::size_t step);
    void advance(float dt);  // animation and play

    // Shows step n complete, with no animation left: for screenshots.
    void settle_at(std::size_t step);
    // Shows step n with the cursor on its kernel-path event k, that event's animation at `anim`.
    void freeze_at(std::size_t step, int event, float anim);

    // The predict mode: before each step a question from the model (sim/quiz.h), the step held back
    // until it is answered ('1'..'5' or a click); the score is kept for the lesson.
    bool predict() const { return m_predict; }
    void set_predict(bool on);
    void answer(std::size_t choice);
    const std::optional<Prediction>& prediction() const { return m_prediction; }
    const sim::QuizScore& score() const { return m_score; }

    // The editor: every change re-parses and re-runs the model at once, keeping the step; an error
    // shows at its line and the last good run stays. Ctrl+S saves (and runs the kernel side), Ctrl+Z undoes.
    bool editing = false;
    void start_editing();
    void edit(std::string text);
    bool undo();
    bool save();
    const std::string& text() const { return m_text; }
    bool unsaved() const { return m_unsaved; }
    const std::string& save_error() const { return m_save_error; }
    std::uint64_t text_version = 0;  // changes when the text changes other than by typing (undo, reload)

    // What a panel asks for while the frame's View is in use (open a lesson, an edit, an answer): done
    // at the start of the next frame, before a new View is made, so no panel draws from a freed model.
    void later(std::function<void()> f) { m_later.push_back(std::move(f)); }

    View view() const;
    void ui();  // builds the whole UI for this frame (between NewFrame and Render)

    // One language for everything the window says (its own words through explain::tr, the lesson's
    // title and notes): sets `lang` and the program's language together. `remember`: a choice the
    // user made in the window, stored in `settings` for the next run.
    void set_lang(sim::scenario::Lang l, bool remember);
    void zoom_by(float step);  // +0.25 or -0.25, within 0.5..3

    float zoom = 1.0f;
    bool dark = true;
    sim::scenario::Lang lang = sim::scenario::Lang::en;  // read it here; change it with set_lang ('l', the menu)
    std::filesystem::path settings;  // where set_lang remembers a choice; empty (tests): nowhere
    bool playing = false;
    float seconds_per_event = 0.35f;
    bool fonts_dirty = false;  // zoom changed: main rebuilds the font atlas
    // The most the kernel run's history may keep, in bytes (set before open). A lesson file is
    // untrusted: past this, the window keeps no more steps of it and says so.
    std::size_t kernel_history_budget = std::size_t{256} << 20;

    const std::string& file() const { return m_file; }
    // What keeps FILE from opening; a parse error in the language explain/ speaks at the moment.
    const std::vector<std::string>& errors() const;
    const std::vector<std::string>& lessons() const { return m_lessons; }
    std::size_t position() const { return m_stepper ? m_stepper->position() : 0; }
    // Bytes the kernel run's history keeps now, counted as kernel_history_budget counts them.
    std::size_t kernel_history_bytes() const { return (take_finished_run(), m_history.kept_bytes); }
    // The kernel run in the background: open() returns, and the window draws, before it is done.
    bool background_kernel_run = false;
    bool kernel_run_going() const { return (take_finished_run(), m_kernel_run.valid()); }
    void wait_for_kernel_run() const;

private:
    void handle_keys();
    bool ask_before(std::size_t step);  // false: a question now holds the step back
    void load_programs();
    void seek(std::size_t step);  // moves the stepper, keeping the model as it was before that step
    void run_kernel_side();
    void stop_kernel_side();
    int last_event() const;

    std::string m_assets;
    std::vector<std::string> m_lessons;
    std::string m_file;
    std::filesystem::file_time_type m_mtime{};
    float m_since_check = 0;
    mutable std::vector<std::string> m_errors;
    // The parse errors of m_file as diagnostics, worded again when the language changes ('l').
    std::vector<sim::scenario::Diagnostic> m_diagnostics;
    sim::scenario::SourceLines m_error_lines;
    mutable sim::scenario::Lang m_errors_lang = sim::scenario::Lang::en;
    void word_errors() const;
    std::unique_ptr<sim::scenario::Scenario> m_scenario;
    std::unique_ptr<sim::Stepper> m_stepper;
    std::string m_text;  // the file's text as last read or edited
    std::vector<std::string> m_undo;  // the texts before each edit
    bool m_unsaved = false;
    std::string m_save_error;
    bool m_kernel_stale = false;  // edited: the kernel run waits for a save
    std::map<std::string, Program> m_programs;
    bool m_predict = false;
    std::optional<Prediction> m_prediction;
    std::map<std::size_t, std::size_t> m_answered;  // step -> the choice given: asked once
    sim::QuizScore m_score;
    std::vector<std::function<void()>> m_later;
    std::optional<sim::Kernel> m_before;
    // The PTE a click picked for the walk panel; a step or a new file lets the access choose again.
    mutable std::optional<std::pair<int, std::uint64_t>> m_picked;  // the model before the current step, for what the step removes
    int m_event = -1;
    float m_anim = 1.0f;
    float m_play_clock = 0;

    // The kernel run of the whole scenario, made once per load: after each step, what the
    // comparison panel shows of both observations, and their differences. Made on a thread of its
    // own when background_kernel_run is set (the window opens first), else before open returns.
    mutable KernelHistory m_history;
    mutable std::future<KernelHistory> m_kernel_run;
    std::shared_ptr<std::atomic<bool>> m_cancel;  // set to end a run whose file was replaced
    void take_finished_run() const;
};

}  // namespace viz
