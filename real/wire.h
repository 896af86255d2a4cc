// What the window or ipcsim (the front) and the run's coordinator process say to each other: a
// frame is a length and a payload, and a payload is a flat encoding of the types below. Lengths
// are checked on the way in, so a broken frame is an error, never a huge allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/backend.h"

namespace real {

// What the coordinator needs of a scenario before its first step.
struct RunSetup {
    std::int64_t settle_timeout_ms = 5000;
    // What the run's segments may hold resident in all: a store of one byte a page makes a page
    // resident for each byte the run's budget counts, so pages are counted here too.
    std::int64_t max_resident_bytes = std::int64_t{2} << 30;
    std::vector<std::pair<std::string, std::int64_t>> sysctls;  // name, value
    struct Proc {
        std::string name;
        std::uint32_t uid = 0, gid = 0;
        bool exists_at_start = true;  // false: created later by fork(NAME)
    };
    std::vector<Proc> procs;
};

// The coordinator's answer to the setup or to a step. `error` set: the run broke down.
struct RunReply {
    std::optional<std::string> error;
    bool sees_frames = false;
    sim::StepOutcome outcome;  // of the step (empty after setup)
    sim::Observation observation;
};

class WireWriter {
public:
    void u64(std::uint64_t v);
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void str(std::string_view s);
    const std::string& bytes() const { return m_buf; }

private:
    std::string m_buf;
};

class WireReader {
public:
    explicit WireReader(std::string_view data) : m_data(data) {}
    std::uint64_t u64();
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    std::string str();
    // A count of items each at least `min_bytes` long: zero, and the reader broken, when there
    // cannot be that many left.
    std::size_t count(std::size_t min_bytes = 8);
    bool ok() const { return m_ok; }
    // Marks the payload broken: a field's value that no well-formed payload has.
    void fail() {
        m_ok = false;
        m_data = {};
    }
    bool at_end() const { return m_data.empty(); }

private:
    std::string_view m_data;
    bool m_ok = true;
};

void encode(WireWriter& w, const RunSetup& s);
void encode(WireWriter& w, const sim::Invocation& c);
void encode(WireWriter& w, const RunReply& r);
// Each returns nothing when the payload is not a whole, well-formed value of its type.
std::optional<RunSetup> decode_setup(std::string_view payload);
std::optional<sim::Invocation> decode_invocation(std::string_view payload);
std::optional<RunReply> decode_reply(std::string_view payload);

// One frame over a stream socket. Reading waits at most `timeout_ms` in all (-1: no bound, for
// the coordinator, which the front's death ends anyway); nothing on EOF, error, timeout or a
// frame over `max_bytes`.
bool send_frame(int fd, const std::string& payload);
std::optional<std::string> receive_frame(int fd, int timeout_ms, std::uint64_t max_bytes);

}  // namespace real
