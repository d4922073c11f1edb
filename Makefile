# Every workflow is a target. Each works on a fresh machine: it creates .venv and
# node_modules as needed. Tools that shape generated output are pinned in pyproject.toml.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
# The generator's post-hooks call ruff through the shell: the pinned one must come first.
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)

# Keep the JS tools quiet and offline-friendly.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

SPECS := reddio omnia
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help install generate check-generated lint-specs docs lint typecheck pytest test \
        contract bench build check demo sandbox clean

help:
	@echo "make demo             run a complete withdrawal on both APIs against the local sandbox"
	@echo "make test             everything CI checks: check-generated lint-specs lint typecheck pytest"
	@echo "make install          create .venv (all extras + dev tools) and node_modules"
	@echo "make generate         delete and regenerate generated/ from openapi/*.yaml"
	@echo "make check-generated  fail if generated/ differs from what openapi/ produces"
	@echo "make lint-specs       validate, lint (Spectral) and type-check a TypeScript client of both specs"
	@echo "make docs             one static HTML reference page per spec in site/"
	@echo "make lint / typecheck ruff / mypy --strict on overlays/"
	@echo "make contract         Schemathesis and a TypeScript client against the sandbox (in pytest)"
	@echo "make bench            crypto and client benchmarks (figures and ratios)"
	@echo "make build            wheel and sdist in dist/, then import-check the wheel in a fresh venv"
	@echo "make check            test + docs + build"

$(VENV_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,eth,fast,sandbox]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV_STAMP) $(NODE_STAMP)

generate: $(VENV_STAMP)
	@for spec in $(SPECS); do \
	  rm -rf generated/$${spec}_client; \
	  $(BIN)/openapi-python-client generate --path openapi/$$spec.yaml --meta none \
	    --output-path generated/$${spec}_client --config openapi/$$spec-config.yaml \
	    --overwrite --fail-on-warning; \
	done

check-generated: generate
	@if [ -n "$$(git status --porcelain -- generated/)" ]; then \
	  echo "generated/ is not what openapi/ generates; run 'make generate' and commit:"; \
	  git status --porcelain -- generated/; exit 1; \
	fi
	@echo "generated/ is up to date"

lint-specs: $(VENV_STAMP) $(NODE_STAMP)
	$(BIN)/openapi-spec-validator $(SPECS:%=openapi/%.yaml)
	spectral lint --ruleset openapi/.spectral.yaml --fail-severity=warn $(SPECS:%=openapi/%.yaml)
	rm -rf build/ts && mkdir -p build/ts
	@for spec in $(SPECS); do openapi-typescript openapi/$$spec.yaml --output build/ts/$$spec.ts; done
	tsc --project openapi/tsconfig.json

docs: $(NODE_STAMP)
	mkdir -p site
	@for spec in $(SPECS); do redocly build-docs openapi/$$spec.yaml --output site/$$spec.html; done

lint: $(VENV_STAMP)
	$(BIN)/ruff check overlays tests bench
	$(BIN)/ruff format --check overlays tests bench

typecheck: $(VENV_STAMP)
	$(BIN)/mypy

# tests/contract runs Schemathesis and a TypeScript client built with the npm tools against
# the served sandbox, so the Node tools are needed too.
pytest: $(VENV_STAMP) $(NODE_STAMP)
	# The fast backend is installed by make install: its tests must run, never skip.
	WITHDRAWAL_CLIENTS_REQUIRE_FAST=1 $(BIN)/pytest -q

contract: $(VENV_STAMP) $(NODE_STAMP)
	$(BIN)/pytest -q -s tests/contract

test: check-generated lint-specs lint typecheck pytest

bench: $(VENV_STAMP)
	$(BIN)/python -m bench

build: $(VENV_STAMP)
	rm -rf dist build/wheel-venv
	$(BIN)/python -m build --outdir dist
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/pip install --quiet dist/*.whl
	cd /tmp && $(CURDIR)/build/wheel-venv/bin/python -c \
	  "import reddio_client, omnia_client, withdrawal_clients; print('wheel imports OK:', withdrawal_clients.__version__)"

check: test docs build

demo: $(VENV_STAMP)
	$(BIN)/withdrawal-clients demo

sandbox: $(VENV_STAMP)
	$(BIN)/withdrawal-clients sandbox

clean:
	rm -rf dist build site
