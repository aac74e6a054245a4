# Letterbox: one Go binary with a Fyne desktop UI, a headless SMTP server and
# a send command. `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO       ?= go
BIN      := bin/letterbox
FUZZTIME ?= 30s
# How long `make test` fuzzes each target: a smoke run; `make fuzz` goes longer.
TEST_FUZZTIME ?= 3s
FYNE_TOOLS_VERSION := v1.7.4
# Postfix's smtp-source and smtp-sink live in /usr/sbin, which a CI or user
# PATH may lack; the interop tests look them up on PATH.
export PATH := $(PATH):/usr/local/sbin:/usr/sbin:/sbin
# Fyne reads the locale from LANG; scripts/deps.sh makes sure it exists.
UI_ENV := LANG=en_US.UTF-8
.PHONY: help deps build run serve test test-fast test-window vet fuzz bench package screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

deps: ## install the missing Debian packages (build headers, Xvfb, swaks, postfix, aiosmtpd)
	@scripts/deps.sh

build: ## build bin/letterbox (cgo, Fyne)
	CGO_ENABLED=1 $(GO) build -o $(BIN) .

run: deps build ## open the desktop app
	$(UI_ENV) ./$(BIN)

serve: build ## run the SMTP server headless; pass flags with ARGS="--listen 127.0.0.1:2525 ..."
	./$(BIN) serve $(ARGS)

vet: ## go vet every package
	CGO_ENABLED=1 $(GO) vet ./...

# vet runs with -race here so that it compiles the packages (Fyne's cgo above
# all) exactly as the race-enabled tests do: the build cache serves both, and a
# cold CI run compiles the module once instead of twice.
test: deps ## vet, every test with the race detector, the real window under Xvfb, then each fuzz target briefly (the CI lane)
	CGO_ENABLED=1 $(GO) vet -race ./...
	$(UI_ENV) CGO_ENABLED=1 $(GO) test -race -timeout 20m ./...
	$(UI_ENV) scripts/realwindow.sh
	FUZZTIME=$(TEST_FUZZTIME) scripts/fuzz.sh

test-window: deps ## only the real-window lane: the app on the GLFW driver under a private Xvfb, driven by xdotool
	$(UI_ENV) scripts/realwindow.sh $(ARGS)

test-fast: ## every test without cgo or Xvfb (build tag ci): the quick lane
	CGO_ENABLED=0 $(GO) test -tags ci ./...

fuzz: ## run each fuzz target for FUZZTIME (default 30s)
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

bench: ## run the benchmarks
	scripts/bench.sh

package: ## build dist/Letterbox.tar.xz with `fyne package -os linux` (installs the fyne CLI if missing)
	GO=$(GO) FYNE_TOOLS_VERSION=$(FYNE_TOOLS_VERSION) scripts/package.sh

screenshots: deps build ## docs/screenshot-*.png from the real window under Xvfb
	$(UI_ENV) scripts/screenshots.sh

clean: ## remove build outputs
	rm -rf bin dist Letterbox Letterbox.tar.xz
