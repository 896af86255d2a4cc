# make build | run [FILE=lesson.ipc] | test | bench | clean      (SAN=1: AddressSanitizer + UBSan build in build-san/)
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

.PHONY: build run test bench deps clean

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

clean:
	rm -rf build build-san
