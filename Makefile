# Veyra's front door. `make serve` and `make test` work on a fresh Debian 12 machine: they
# install what is missing (scripts/install-deps.sh), build, then serve or test.
BUILD_DIR ?= build
FUZZ_DIR ?= build-fuzz
JOBS ?= $(shell nproc)
CONFIG ?=
FUZZ_SECONDS ?= 10
FUZZ_TARGETS := fuzz_client_address fuzz_request_target fuzz_http_request fuzz_sse fuzz_multipart \
                fuzz_audio_decoder

.DEFAULT_GOAL := all
.PHONY: all deps deps-test build serve test unit e2e fuzz bench bench-gateway format clean

all: build

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

build: deps
	@test -f $(BUILD_DIR)/build.ninja || \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

serve: build
	$(BUILD_DIR)/veyra serve $(if $(CONFIG),--config $(CONFIG))

test: deps-test build
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory e2e
	$(MAKE) --no-print-directory fuzz

unit:
	$(BUILD_DIR)/veyra-unit-tests --gtest_brief=1

e2e:
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error && node --test *.test.mjs

# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS from the committed
# seed corpus; a crash fails the target.
fuzz:
	@test -f $(FUZZ_DIR)/build.ninja || \
	  cmake -S . -B $(FUZZ_DIR) -G Ninja -DVEYRA_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
	    -DCMAKE_BUILD_TYPE=Release
	cmake --build $(FUZZ_DIR) -j $(JOBS)
	@for t in $(FUZZ_TARGETS); do \
	  work=$$(mktemp -d); \
	  echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
	  $(FUZZ_DIR)/tests/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    -artifact_prefix=$$work/ $$work tests/fuzz/corpus/$$t >$$work/log 2>&1 \
	    || { tail -n 40 $$work/log; exit 1; }; \
	  tail -n 1 $$work/log; rm -rf $$work; \
	done

bench: build
	@scripts/install-deps.sh bench
	bench/http_core.sh
	bench/login_flood.sh

# Veyra beside the mock and the Portkey gateway (installed by the script with npm ci).
bench-gateway: build
	@scripts/install-deps.sh bench
	bench/gateway.sh

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
