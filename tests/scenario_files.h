// Every lesson and test scenario, parsed: the walks over all of them that several tests make.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "real/procfs.h"
#include "sim/scenario/parser.h"

namespace testing_files {

// assets/lessons/*.ipc and tests/scenarios/*.ipc, in name order.
inline std::vector<std::filesystem::path> scenarios() {
    std::vector<std::filesystem::path> out;
    for (const char* dir : {"/assets/lessons", "/tests/scenarios"})
        for (const auto& e : std::filesystem::directory_iterator(std::string(IPCSIM_SOURCE_DIR) + dir))
            if (e.path().extension() == ".ipc") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// The scenario of a file that must parse.
inline sim::scenario::Scenario parsed(const std::filesystem::path& path) {
    auto r = sim::scenario::parse(path.string(), real::read_file(path.string()).value_or(""));
    EXPECT_TRUE(r.ok()) << path;
    return std::move(r.scenario);
}

// A C string literal's text as the program sees it: \n, \t, \" and \\ resolved.
inline std::string unescaped(const std::string& literal) {
    std::string out;
    for (std::size_t i = 0; i < literal.size(); ++i) {
        if (literal[i] != '\\' || i + 1 == literal.size()) {
            out += literal[i];
            continue;
        }
        char e = literal[++i];
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
    }
    return out;
}

}  // namespace testing_files
