// `ipcsim run --perfetto OUT.json`: every lesson gives a trace that Perfetto and chrome://tracing can
// read and that tells the lesson's story: calls nested properly on each process's track, sleeps
// between the calls, an arrow from each msgsnd to the msgrcv that took its message, faults and counters.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "real/procfs.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Ran {
    int status = -1;
    std::string err;
};

fs::path scratch() {
    fs::path dir = fs::temp_directory_path() / ("ipcsim_perfetto_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return dir;
}

Ran run_perfetto(const std::string& out, const std::string& file) {
    fs::path err = scratch() / "err";
    std::string cmd = std::string(IPCSIM_BINARY) + " --lang en run --perfetto '" + out + "' '" + file + "' >/dev/null 2>" + err.string();
    int raw = std::system(cmd.c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, real::read_file(err.string()).value_or("")};
}

std::string lesson(const std::string& name) { return std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons/" + name; }

std::vector<std::string> lessons() {
    std::vector<std::string> out;
    for (const auto& f : fs::directory_iterator(std::string(IPCSIM_SOURCE_DIR) + "/assets/lessons"))
        if (f.path().extension() == ".ipc") out.push_back(f.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// The lesson's trace, parsed (a parse error fails the test through the exception).
json trace_of(const std::string& name) {
    fs::path out = scratch() / (name + ".json");
    Ran r = run_perfetto(out.string(), lesson(name));
    EXPECT_LE(r.status, 1) << name << ": " << r.err;
    std::ifstream in(out);
    EXPECT_TRUE(in.good()) << name << ": no trace written";
    json j = json::parse(in);
    fs::remove(out);
    return j;
}

std::vector<json> events(const json& j, const std::string& ph) {
    std::vector<json> out;
    for (const auto& e : j.at("traceEvents"))
        if (e.at("ph") == ph) out.push_back(e);
    return out;
}

using TrackKey = std::pair<int, int>;
TrackKey track(const json& e) { return {e.at("pid").get<int>(), e.at("tid").get<int>()}; }
std::int64_t end_of(const json& e) { return e.at("ts").get<std::int64_t>() + e.at("dur").get<std::int64_t>(); }

// Slices on one track either nest or follow each other: never a partial overlap.
void expect_proper_nesting(const std::string& name, const json& j) {
    std::map<TrackKey, std::vector<json>> tracks;
    for (const auto& e : events(j, "X")) {
        EXPECT_GE(e.at("dur").get<std::int64_t>(), 0) << name << ": " << e.dump();
        tracks[track(e)].push_back(e);
    }
    for (auto& [key, slices] : tracks) {
        std::stable_sort(slices.begin(), slices.end(), [](const json& a, const json& b) {
            return a.at("ts") != b.at("ts") ? a.at("ts") < b.at("ts") : a.at("dur") > b.at("dur");
        });
        std::vector<json> open;
        for (const auto& s : slices) {
            while (!open.empty() && end_of(open.back()) <= s.at("ts").get<std::int64_t>()) open.pop_back();
            if (!open.empty()) {
                EXPECT_LE(end_of(s), end_of(open.back())) << name << ": " << s.dump() << "\n  overlaps " << open.back().dump();
            }
            open.push_back(s);
        }
    }
}

// Whether a slice named `call` on track `key` covers ts.
bool inside_call(const json& j, const TrackKey& key, std::int64_t ts, const std::string& call) {
    for (const auto& e : events(j, "X"))
        if (track(e) == key && e.at("name") == call && e.at("ts").get<std::int64_t>() < ts && ts < end_of(e)) return true;
    return false;
}

// Every arrow that starts arrives once, later, inside a msgrcv on the receiver's track, and leaves
// from inside a msgsnd. Returns how many arrows there are.
std::size_t expect_flows_match(const std::string& name, const json& j) {
    std::map<std::int64_t, std::vector<json>> starts, ends;
    for (const auto& e : events(j, "s")) starts[e.at("id").get<std::int64_t>()].push_back(e);
    for (const auto& e : events(j, "f")) ends[e.at("id").get<std::int64_t>()].push_back(e);
    EXPECT_EQ(starts.size(), ends.size()) << name;
    for (const auto& [id, s] : starts) {
        EXPECT_EQ(s.size(), 1u) << name << ": flow " << id;
        EXPECT_EQ(ends[id].size(), 1u) << name << ": flow " << id << " arrives " << ends[id].size() << " times";
        if (s.size() != 1 || ends[id].size() != 1) continue;
        const json& f = ends[id][0];
        EXPECT_GE(f.at("ts").get<std::int64_t>(), s[0].at("ts").get<std::int64_t>()) << name;
        EXPECT_EQ(f.value("bp", ""), "e") << name;
        EXPECT_TRUE(inside_call(j, track(s[0]), s[0].at("ts"), "msgsnd")) << name << ": " << s[0].dump();
        EXPECT_TRUE(inside_call(j, track(f), f.at("ts"), "msgrcv")) << name << ": " << f.dump();
    }
    return starts.size();
}

// Each scenario process's track is named, and so is the trace's process (the lesson's title).
void expect_named_tracks(const std::string& name, const json& j) {
    std::set<TrackKey> named;
    bool process_named = false;
    for (const auto& m : events(j, "M")) {
        if (m.at("name") == "thread_name") named.insert(track(m));
        if (m.at("name") == "process_name") process_named = !m.at("args").at("name").get<std::string>().empty();
    }
    EXPECT_TRUE(process_named) << name;
    for (const auto& e : events(j, "X")) EXPECT_TRUE(named.contains(track(e))) << name << ": unnamed track of " << e.dump();
}

bool has_counter(const json& j, const std::string& series) {
    for (const auto& c : events(j, "C"))
        if (c.at("args").contains(series)) return true;
    return false;
}

std::string source(const std::string& name) { return real::read_file(lesson(name)).value_or(""); }

}  // namespace

TEST(Perfetto, every_lesson_gives_a_valid_perfetto_trace) {
    auto all = lessons();
    ASSERT_GE(all.size(), 19u);
    for (const auto& name : all) {
        json j = trace_of(name);
        ASSERT_TRUE(j.at("traceEvents").is_array()) << name;
        EXPECT_TRUE(j.contains("displayTimeUnit")) << name;
        EXPECT_FALSE(events(j, "X").empty()) << name;
        expect_proper_nesting(name, j);
        expect_flows_match(name, j);
        expect_named_tracks(name, j);
        std::string text = source(name);
        if (text.find("shmget(") != std::string::npos) {
            EXPECT_TRUE(has_counter(j, "nattch")) << name;
        }
        if (text.find("msgget(") != std::string::npos) {
            EXPECT_TRUE(has_counter(j, "qnum")) << name;
            EXPECT_TRUE(has_counter(j, "cbytes")) << name;
        }
    }
}

// msg2 sends three messages (one straight to the sleeping msg1 by pipelined_send, two through the
// queue) and msg1 receives all three.
TEST(Perfetto, lesson_08_draws_an_arrow_for_each_message_received) {
    json j = trace_of("08-msg1-msg2.ipc");
    EXPECT_EQ(expect_flows_match("08", j), 3u);
}

// r1 and r2 sleep on q_receivers; each sleep lasts until the message meant for it arrives, and the
// rest of its msgrcv follows the sleep on the same track.
TEST(Perfetto, lesson_11_shows_the_receivers_asleep_until_their_message) {
    json j = trace_of("11-two-receivers.ipc");
    std::vector<json> sleeps;
    for (const auto& e : events(j, "X"))
        if (e.at("name") == "asleep in msgrcv (q_receivers)") sleeps.push_back(e);
    ASSERT_EQ(sleeps.size(), 2u);
    for (const auto& s : sleeps) {
        EXPECT_NE(s.at("args").at("result").get<std::string>().find("returned 6"), std::string::npos) << s.dump();
        EXPECT_TRUE(inside_call(j, track(s), end_of(s) + 1, "msgrcv")) << "no msgrcv goes on after " << s.dump();
    }
    EXPECT_EQ(expect_flows_match("11", j), 3u);
}

TEST(Perfetto, lesson_10_shows_a_sender_asleep_on_a_full_queue) {
    json j = trace_of("10-full-queue.ipc");
    bool asleep = false;
    for (const auto& e : events(j, "X")) asleep = asleep || e.at("name") == "asleep in msgsnd (q_senders)";
    EXPECT_TRUE(asleep);
}

// Lesson 2 touches three pages one by one: each first touch faults and takes a new frame.
TEST(Perfetto, lesson_02_shows_page_faults_as_instants) {
    json j = trace_of("02-first-touch.ipc");
    int faults = 0, allocated = 0;
    for (const auto& e : events(j, "i")) {
        if (e.at("name") != "page_fault") continue;
        ++faults;
        EXPECT_EQ(e.at("s"), "t");
        EXPECT_TRUE(e.at("args").contains("address")) << e.dump();
        allocated += e.at("args").at("frame allocated").get<bool>();
    }
    EXPECT_GE(faults, 2);
    EXPECT_GE(allocated, 2);
}

TEST(Perfetto, a_scenario_error_exits_2_and_writes_no_perfetto_file) {
    fs::path dir = scratch();
    fs::path bad = dir / "bad.ipc", asleep = dir / "asleep.ipc", out = dir / "out.json";
    std::ofstream(bad) << "proc a\na: shmget(1, 2\n";
    std::ofstream(asleep) << "proc a\na: q = msgget(IPC_PRIVATE, 0600) => ok\na: msgrcv(q, 8, 0, 0) => blocks\na: exit(0)\n";
    for (const auto& file : {bad, asleep}) {
        Ran r = run_perfetto(out.string(), file.string());
        EXPECT_EQ(r.status, 2) << file;
        EXPECT_NE(r.err.find("error"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(out)) << file;
    }
    fs::remove_all(dir);
}

TEST(Perfetto, a_failed_expectation_exits_1_and_still_writes_the_perfetto_file) {
    fs::path dir = scratch();
    fs::path file = dir / "fails.ipc", out = dir / "out.json";
    std::ofstream(file) << "proc a\na: q = msgget(IPC_PRIVATE, 0600) => ok\nexpect msq(q).qnum == 1\n";
    Ran r = run_perfetto(out.string(), file.string());
    EXPECT_EQ(r.status, 1) << r.err;
    ASSERT_TRUE(fs::exists(out));
    EXPECT_TRUE(json::accept(std::ifstream(out)));
    fs::remove_all(dir);
}

TEST(Perfetto, an_unwritable_perfetto_file_is_a_clear_error) {
    Ran r = run_perfetto("/nonexistent-ipcsim-dir/out.json", lesson("08-msg1-msg2.ipc"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("/nonexistent-ipcsim-dir/out.json: error: cannot write the trace"), std::string::npos) << r.err;
}
