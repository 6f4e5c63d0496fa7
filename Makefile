# flexpool: the two commands a newcomer needs.
#   make run   installs what is missing, builds, and serves the demo on http://127.0.0.1:8080
#   make test  installs what is missing, builds with ASan+UBSan, and runs every test
# Everything else here is a helper for those two.

BUILD      ?= build
TEST_BUILD ?= build-test
DATA_DIR   ?= ./flexpool-data
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
# Tests run three to two cores: much of a test's time is spent waiting on its server, database or
# browser. At most two browser tests at once (tests/ctest-resources.json).
TEST_JOBS  ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 2) * 3 / 2 )))

.PHONY: run test setup build build-test bench clean fuzz

setup:
	@bash scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	@echo "flexpool: open http://$(LISTEN)/ once it says 'listening' (demo accounts in README.md)"
	$(BUILD)/flexpool serve --demo --data-dir $(DATA_DIR) --listen $(LISTEN) --web-root web

# The tests build with the same optimisation as `make run` (so -O2-only warnings fail here too), plus ASan+UBSan.
build-test: setup
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFP_SANITIZE=ON >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)

# ASan's quarantine (freed memory kept unusable so that a use after free is caught): the most recent
# 16 MiB of frees instead of 256 MiB. A use within that window is still caught; a larger one made
# every process walk through fresh pages (faults and TLB flushes across both cores): a demo load
# 4.7 s -> 1.6 s, its resident memory 520 -> 122 MB (README "Tests").
test: build-test
	cd $(TEST_BUILD) && FLEXPOOL_TEST_PASSWORD_HASH=lowest ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:quarantine_size_mb=16 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(TEST_JOBS) --resource-spec-file $(CURDIR)/tests/ctest-resources.json

bench: setup
	bash bench/run.sh

clean:
	rm -rf $(BUILD) $(TEST_BUILD)

# Fuzz the hand-written parsers with libFuzzer for FUZZ_SECONDS each (clang, ASan+UBSan).
FUZZ_SECONDS ?= 60
fuzz: setup
	@command -v clang >/dev/null || { echo "fuzz: installing clang from Debian"; \
	  $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq clang >/dev/null; }
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DFP_SANITIZE=ON -DFP_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j $(JOBS) --target fuzz_core fuzz_http fuzz_json_out fuzz_register fuzz_pg_params fuzz_ods fuzz_fhir
	for f in core http json_out register pg_params ods fhir; do mkdir -p build-fuzz/corpus-$$f && cp tests/fuzz/corpus/$$f/* build-fuzz/corpus-$$f/ && \
	  build-fuzz/fuzz_$$f -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-$$f || exit 1; done
