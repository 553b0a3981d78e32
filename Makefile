# SPDX-License-Identifier: Apache-2.0
# Thin wrapper: every target installs what is missing first (scripts/setup.sh is idempotent).
BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
FUZZ_DIR  ?= build-fuzz
JOBS      ?= $(shell nproc)
FUZZ_SECONDS ?= 600

.PHONY: all setup build build-asan build-fuzz test demo bench fuzz format clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFGM_WERROR=ON

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

build-asan: setup
	@test -f $(ASAN_DIR)/build.ninja || cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DFGM_WERROR=ON -DFGM_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)

build-fuzz: setup
	@test -f $(FUZZ_DIR)/build.ninja || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFGM_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets

# Everything: release tests (all labels), unit tests under ASan+UBSan, a short fuzz run; one summary.
test: build build-asan build-fuzz
	@bash scripts/run_tests.sh $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)

bench: build
	@bash bench/run_all.sh $(BUILD_DIR)

fuzz: build-fuzz
	@bash scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
