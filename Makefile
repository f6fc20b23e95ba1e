# sequenza — the two commands: `make demo` and `make test`.
# `make test` installs whatever is missing (Rust wasm target, wasm-bindgen CLI, Python venv,
# npm packages, Chromium) and runs every test of every language.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

ROOT := $(abspath .)
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
WASM_BINDGEN_VERSION := 0.2.130
WASM_TARGET := wasm32-unknown-unknown
WASM_FILE := target/$(WASM_TARGET)/wasm/sequenza_wasm.wasm
WASM_OPT := bindings-wasm/node_modules/.bin/wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
            --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue
# The budget of the default browser bundle (validation, conditions, time, lists), gzipped.
WASM_BUDGET := 1048576
CARGO_HOME ?= $(HOME)/.cargo
export PATH := $(CARGO_HOME)/bin:$(PATH)

.PHONY: demo test setup setup-rust setup-python setup-node setup-wasm setup-chromium \
        lint test-rust test-python test-node test-wasm test-browser schema bench build-wasm wasm-size

## ---- the two commands ---------------------------------------------------------------------

demo:
	cargo run --quiet --release -p sequenza-examples --bin demo

test: setup lint test-rust test-python test-node test-wasm test-browser
	@echo "make test: all suites passed"

## ---- setup (idempotent; only installs what is missing) ------------------------------------

setup: setup-rust setup-python setup-node setup-wasm setup-chromium

setup-rust:
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)

setup-python:
	@test -x $(PY) || python3 -m venv $(VENV)
	@test $(VENV)/.requirements-dev.stamp -nt bindings-python/requirements-dev.txt || { $(PY) -m pip install --quiet -r bindings-python/requirements-dev.txt && touch $(VENV)/.requirements-dev.stamp; }

setup-node:
	@cd bindings-node && { test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund; }
	@cd bindings-wasm && { test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund; }

setup-wasm: setup-rust
	@if [ "$$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 2 minutes)"; \
	  cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION); \
	fi

setup-chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## ---- checks -------------------------------------------------------------------------------

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --features sequenza/schema -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p sequenza --features schema,import

test-rust:
	cargo test -p sequenza --features schema,import
	cargo test -p sequenza-examples -p sequenza-benches

test-python: setup-python
	cd bindings-python && $(VENV)/bin/maturin develop --quiet
	cd bindings-python && $(VENV)/bin/pytest -q tests

test-node:
	cd bindings-node && npx napi build --platform --release --js index.js --dts index.d.ts
	cd bindings-node && node --test tests/

# Two builds with the size-optimised `wasm` profile: the default bundle (pkg, pkg-web) and the
# full one with CSV import (pkg-full, pkg-web-full); the browser builds go through wasm-opt -Oz.
# wasm-opt is binaryen's, from npm (bindings-wasm devDependencies, installed by setup-node).
build-wasm: setup-wasm setup-node
	cargo build --quiet --target $(WASM_TARGET) --profile wasm -p sequenza-wasm
	wasm-bindgen --target nodejs --out-dir bindings-wasm/pkg $(WASM_FILE)
	wasm-bindgen --target web --out-dir bindings-wasm/pkg-web $(WASM_FILE)
	$(WASM_OPT) bindings-wasm/pkg-web/sequenza_wasm_bg.wasm -o bindings-wasm/pkg-web/sequenza_wasm_bg.wasm
	cargo build --quiet --target $(WASM_TARGET) --profile wasm -p sequenza-wasm --features import,engine
	wasm-bindgen --target nodejs --out-dir bindings-wasm/pkg-full $(WASM_FILE)
	wasm-bindgen --target web --out-dir bindings-wasm/pkg-web-full $(WASM_FILE)
	$(WASM_OPT) bindings-wasm/pkg-web-full/sequenza_wasm_bg.wasm -o bindings-wasm/pkg-web-full/sequenza_wasm_bg.wasm
	@# wasm-bindgen types re-exported JS classes as `unknown`; types.d.ts declares the error classes.
	sed -i '/^export let [A-Za-z]*Error: unknown;$$/d' bindings-wasm/pkg*/sequenza_wasm.d.ts

# The default browser bundle must stay within $(WASM_BUDGET) bytes gzipped (issue 9 §6).
wasm-size: build-wasm
	@for p in pkg-web pkg-web-full; do f=bindings-wasm/$$p/sequenza_wasm_bg.wasm; \
	  echo "$$p: $$(wc -c < $$f) bytes, $$(gzip -9 -c $$f | wc -c) gzipped"; done
	@size=$$(gzip -9 -c bindings-wasm/pkg-web/sequenza_wasm_bg.wasm | wc -c); \
	  if [ $$size -gt $(WASM_BUDGET) ]; then echo "pkg-web is $$size bytes gzipped: over the budget of $(WASM_BUDGET)"; exit 1; fi

test-wasm: build-wasm wasm-size
	cd bindings-wasm && node --test tests/node/

test-browser: build-wasm setup-chromium
	cd bindings-wasm && node tests/browser/run.mjs

## ---- maintenance ----------------------------------------------------------------------------

schema:
	SEQUENZA_BLESS=1 cargo test -p sequenza --features schema --test schema

bench: setup-python
	cargo run --quiet --release -p sequenza-benches --bin gen-bench-data
	cargo bench -p sequenza-benches
	$(VENV)/bin/pip install --quiet -r benches/peers/requirements.txt
	cd bindings-python && $(VENV)/bin/maturin develop --release --quiet
	$(PY) benches/peers/validate_flows.py
	$(PY) benches/peers/time_peers.py
