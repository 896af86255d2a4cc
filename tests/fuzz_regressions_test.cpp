// Every input the fuzzer ever found a crash, hang or sanitizer report with runs cleanly now, the
// same way the fuzzer runs it (under ASan and UBSan in `make test SAN=1`).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/run_input.h"

TEST(FuzzRegressions, every_finding_parses_and_runs_without_a_crash) {
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(std::string(IPCSIM_SOURCE_DIR) + "/tests/fuzz-regressions")) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        SCOPED_TRACE(e.path().string());
        EXPECT_NO_THROW(fuzz::run_input(bytes.str()));
        ++n;
    }
    EXPECT_GT(n, 0);
}
