#include "explain/present.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "explain/catalog.h"
#include "explain/message.h"
#include "sim/ipc_util.h"
#include "sim/placeholders.h"
#include "sim/runner.h"
#include "sim/scenario/constants.h"
#include "sim/text.h"

namespace explain {
namespace {

// One placeholder's name and its shown value.
struct Filled {
    std::string name;
    std::string value;
};
using Values = std::vector<Filled>;

// Catalog keys are literals, so a translation is looked up once per key and language, not per event.
std::string_view translated(const char* msgid, bool english) {
    if (english) return msgid;
    thread_local std::unordered_map<const char*, std::string_view> cache;
    thread_local Lang cached_for = Lang::en;
    if (cached_for != language()) cache.clear(), cached_for = language();
    auto [it, fresh] = cache.try_emplace(msgid);
    if (fresh) it->second = tr(msgid);
    return it->second;
}

std::string task_name(const sim::Kernel& k, int pid) {
    const sim::task_struct* t = k.task(pid);
    return t ? t->comm : fmt::format("pid {}", pid);
}

// Fills {name} placeholders from `values`; a name the event has no argument for is an error.
std::string fill(std::string_view tmpl, const Values& values, const char* msgid) {
    std::string out;
    sim::fill_placeholders(tmpl, out, [&](std::string_view name, std::string& to) {
        for (const auto& f : values)
            if (f.name == name) return to += f.value, true;
        throw std::invalid_argument(fmt::format("the sentence \"{}\" has no argument {{{}}}", msgid, name));
    });
    return out;
}

// Every argument but the words, as shown; a task and an errno give two placeholders each.
Values plain_values(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names, bool english) {
    Values out;
    out.reserve(e.nargs + 2);
    for (std::size_t i = 0; i < e.nargs; ++i) {
        std::string name = e.specs[i].name;
        std::uint64_t v = e.args[i];
        switch (e.specs[i].type) {
        case sim::ArgType::task:
            out.push_back({name + "_pid", std::to_string(static_cast<int>(v))});
            out.push_back({name, task_name(names, static_cast<int>(v))});
            break;
        case sim::ArgType::err:
            out.push_back({name + "_text", std::string(translated(sim::scenario::errno_text(static_cast<int>(v)).data(), english))});
            out.push_back({name, std::string(sim::scenario::errno_name(static_cast<int>(v)))});
            break;
        case sim::ArgType::word: break;
        default: out.push_back({name, neutral_value(e, i, texts)});
        }
    }
    return out;
}

std::string make_sentence(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names, bool english,
                          bool with_errno = true) {
    Values values = plain_values(e, texts, names, english);
    // A word is a phrase of its own whose placeholders are the event's other arguments.
    std::size_t plain = values.size();
    for (std::size_t i = 0; i < e.nargs; ++i) {
        if (e.specs[i].type != sim::ArgType::word) continue;
        const char* key = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(e.args[i]));
        Values own(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(plain));
        values.push_back({e.specs[i].name, fill(translated(key, english), own, key)});
    }
    std::string said = fill(translated(e.msgid, english), values, e.msgid);
    if (e.kind != sim::EventKind::error || !with_errno) return said;
    static const char* const kFails = N_("{why}: returns -{errno} ({errno_text}) to {who}; the C library sets errno and returns -1");
    values.push_back({"why", std::move(said)});
    return fill(translated(kFails, english), values, kFails);
}

}  // namespace

std::string neutral_value(const sim::KernelEvent& e, std::size_t i, const std::vector<std::string>& texts) {
    std::uint64_t v = e.args[i];
    switch (e.specs[i].type) {
    case sim::ArgType::num: return std::to_string(static_cast<std::int64_t>(v));
    case sim::ArgType::unum: return std::to_string(v);
    case sim::ArgType::hex: return fmt::format("{:#x}", v);
    case sim::ArgType::oct: return fmt::format("0{:o}", v);
    case sim::ArgType::task: return std::to_string(static_cast<int>(v));
    case sim::ArgType::err: return std::string(sim::scenario::errno_name(static_cast<int>(v)));
    case sim::ArgType::sig: return std::string(sim::scenario::signal_name(static_cast<int>(v)));
    case sim::ArgType::perms: return sim::rwx(static_cast<int>(v));
    case sim::ArgType::vmflags: return std::string(sim::rwx(static_cast<int>(v))) + "s";
    case sim::ArgType::word: return reinterpret_cast<const char*>(static_cast<std::uintptr_t>(v));
    case sim::ArgType::text: return v < texts.size() ? sim::quoted(texts[v]) : "\"\"";
    case sim::ArgType::shm_cmd:
    case sim::ArgType::msg_cmd:
    case sim::ArgType::sem_cmd: {
        auto cmd = static_cast<std::int64_t>(v);
        std::string_view name = e.specs[i].type == sim::ArgType::shm_cmd   ? sim::scenario::shmctl_command_name(cmd)
                                : e.specs[i].type == sim::ArgType::msg_cmd ? sim::scenario::msgctl_command_name(cmd)
                                                                           : sim::scenario::semctl_command_name(cmd);
        return name.empty() ? std::to_string(cmd) : std::string(name);
    }
    }
    return "?";
}

std::string outcome_text(const sim::StepOutcome& o, sim::scenario::CallKind kind) { return say(sim::described(o, kind)); }

std::string sentence(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names) {
    return make_sentence(e, texts, names, language() == Lang::en);
}

std::string english_sentence(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names) {
    return make_sentence(e, texts, names, true);
}

std::string reason(const sim::KernelEvent& e, const std::vector<std::string>& texts, const sim::Kernel& names) {
    return make_sentence(e, texts, names, false, false);
}

}  // namespace explain
