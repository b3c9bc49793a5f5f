# Ledgerline — the two commands of the README, and the benchmarks.
#
#   make demo   import the CDNOW purchase log and generated CRM activity into ./demo-data; show the log
#   make test   build and run every test (conformance suites read ../shared when present)
#   make bench  release build, then every benchmark scenario (a table and JSON lines)
#   make sanitize  every test again under AddressSanitizer (CI runs it after make test)

SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_DATA ?= demo-data

.PHONY: deps demo test sanitize bench build release clean

# Install what a fresh Debian machine with the Swift toolchain lacks. A new machine has no
# package lists yet, so update them first.
deps:
	@if ! pkg-config --exists lmdb 2>/dev/null; then \
		echo "installing liblmdb-dev (and pkg-config)..."; \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y liblmdb-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

demo: release
	@tools/demo.sh "$$($(SWIFT) build -c release --show-bin-path)/ledgerline" "$(DEMO_DATA)"

test: deps
	$(SWIFT) build
	$(SWIFT) test

# The store, the JSON parser and the validator work with raw pointers and with memory
# LMDB owns; a use-after-free or double free there can pass the plain suite (one did:
# a cursor closed after its write transaction had freed it). A build of its own, so the
# plain one stays as it is. Leak reports are off: LeakSanitizer counts process-lifetime
# globals such as the embedded catalog as leaked.
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan

bench: release
	@"$$($(SWIFT) build -c release --show-bin-path)/ledgerline-bench" $(SCENARIOS)

clean:
	rm -rf .build .build-asan $(DEMO_DATA) bench-data
