# make build | run [FILE=lesson.ipc] | test | bench | fuzz [FUZZ_SECONDS=N] | clean      (SAN=1: AddressSanitizer + UBSan build in build-san/)
BUILD ?= build
CMAKE_FLAGS ?=
ifeq ($(SAN),1)
BUILD := build-san
CMAKE_FLAGS += -DIPCSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
else
CMAKE_FLAGS += -DCMAKE_BUILD_TYPE=RelWithDebInfo
endif
ifdef CI
CMAKE_FLAGS += -DIPCSIM_WERROR=ON
endif
JOBS ?= $(shell nproc)

.PHONY: build run test bench fuzz deps clean

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/ipcviz $(FILE)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	./$(BUILD)/bench
	xvfb-run -a -s "-screen 0 1600x900x24" ./$(BUILD)/ipcviz --bench-frames 60 --size 1600x900
	xvfb-run -a -s "-screen 0 1600x900x24" ./$(BUILD)/ipcviz --bench-startup --size 1600x900

# make fuzz [FUZZ_SECONDS=N] [FUZZ_MAX_LEN=B]: libFuzzer over the parser and the model, seeded with every scenario.
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 2048
fuzz: deps
	@bash scripts/install-deps.sh fuzz
	@CXX=clang++ cmake -S . -B build-fuzz -DIPCSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_scenario
	@mkdir -p build-fuzz/corpus
	./build-fuzz/fuzz_scenario -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
	  build-fuzz/corpus assets/lessons tests/scenarios tests/fuzz-regressions

clean:
	rm -rf build build-san build-fuzz
