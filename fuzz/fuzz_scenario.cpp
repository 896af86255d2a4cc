// libFuzzer over the parser and the model together. Nothing a student types may crash, hang or
// trip a sanitizer; each finding is kept in tests/fuzz-regressions and replayed by the tests.
#include <cstddef>
#include <cstdint>

#include "fuzz/run_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::run_input(std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
