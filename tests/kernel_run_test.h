// What the kernel run's tests share: a scenario that must parse, and the skip where the run needs
// root (uid=, frames) and the test process is not.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <utility>

#include "sim/scenario/parser.h"

namespace kernel_run_test {

inline sim::scenario::Scenario parse_ok(const std::string& text) {
    auto r = sim::scenario::parse("test.ipc", text);
    EXPECT_TRUE(r.ok()) << (r.diagnostics.empty() ? "" : r.diagnostics[0].message);
    return std::move(r.scenario);
}

}  // namespace kernel_run_test

// Kernel-run tests need what `ipcsim check --real` needs; they say so and skip where it is missing.
#define NEEDS_KERNEL_RUN()                                                                       \
    do {                                                                                         \
        if (::geteuid() != 0) GTEST_SKIP() << "the kernel run's tests need root (uid=, frames)"; \
    } while (0)
