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
# mkdocs-material's notice about its successor, printed on every build.
export NO_MKDOCS_2_WARNING := 1

SPECS := reddio omnia
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help install generate check-generated contracts check-contracts lint-specs docs lint \
        typecheck pytest test contract bench build check demo sandbox clean postgres-server

help:
	@echo "make demo             run a complete withdrawal on both APIs against the local sandbox"
	@echo "make test             everything CI checks: check-generated check-contracts lint-specs lint typecheck docs pytest"
	@echo "make install          create .venv (all extras + dev tools) and node_modules"
	@echo "make generate         delete and regenerate generated/ from openapi/*.yaml"
	@echo "make check-generated  fail if generated/ differs from what openapi/ produces"
	@echo "make contracts        recompile the sandbox's layer-1 contracts (pinned Vyper)"
	@echo "make check-contracts  fail if the committed contract artifact is not what they compile to"
	@echo "make lint-specs       validate, lint (Spectral) and type-check a TypeScript client of both specs"
	@echo "make docs             the documentation site (guides, API reference, both specs) in site/"
	@echo "make lint / typecheck ruff / mypy --strict on overlays/"
	@echo "make contract         Schemathesis and a TypeScript client against the sandbox (in pytest)"
	@echo "make bench            crypto and client benchmarks (figures and ratios)"
	@echo "make build            wheel and sdist in dist/, then import-check the wheel in a fresh venv"
	@echo "make check            test + docs + build"

$(VENV_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[cli,dev,eth,fast,l1,sandbox,postgres]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV_STAMP) $(NODE_STAMP)

# The generator writes py.typed only with packaging metadata (which we do not want), so the
# marker is written here: mypy --strict users can then import the generated packages.
generate: $(VENV_STAMP)
	@for spec in $(SPECS); do \
	  rm -rf generated/$${spec}_client; \
	  $(BIN)/openapi-python-client generate --path openapi/$$spec.yaml --meta none \
	    --output-path generated/$${spec}_client --config openapi/$$spec-config.yaml \
	    --overwrite --fail-on-warning; \
	  : > generated/$${spec}_client/py.typed; \
	done

check-generated: generate
	@if [ -n "$$(git status --porcelain -- generated/)" ]; then \
	  echo "generated/ is not what openapi/ generates; run 'make generate' and commit:"; \
	  git status --porcelain -- generated/; exit 1; \
	fi
	@echo "generated/ is up to date"

contracts: $(VENV_STAMP)
	$(BIN)/python -m withdrawal_clients.sandbox._contracts

check-contracts: $(VENV_STAMP)
	$(BIN)/python -m withdrawal_clients.sandbox._contracts --check

lint-specs: $(VENV_STAMP) $(NODE_STAMP)
	$(BIN)/openapi-spec-validator $(SPECS:%=openapi/%.yaml)
	spectral lint --ruleset openapi/.spectral.yaml --fail-severity=warn $(SPECS:%=openapi/%.yaml)
	rm -rf build/ts && mkdir -p build/ts
	@for spec in $(SPECS); do openapi-typescript openapi/$$spec.yaml --output build/ts/$$spec.ts; done
	tsc --project openapi/tsconfig.json

# The site: guides and the API reference (mkdocs-material + mkdocstrings, from the docstrings),
# with one Redoc page per spec linked in. Strict: a broken link or reference fails the build.
docs: $(VENV_STAMP) $(NODE_STAMP)
	rm -rf docs/specs && mkdir -p docs/specs
	@for spec in $(SPECS); do \
	  out=$$(redocly build-docs openapi/$$spec.yaml --output docs/specs/$$spec.html 2>&1) \
	    || { echo "$$out"; exit 1; }; \
	done
	$(BIN)/mkdocs build --strict --quiet --site-dir site
	@echo "documentation site in site/index.html"

lint: $(VENV_STAMP)
	$(BIN)/ruff check overlays tests bench
	$(BIN)/ruff format --check overlays tests bench

typecheck: $(VENV_STAMP)
	$(BIN)/mypy

# tests/contract runs Schemathesis and a TypeScript client built with the npm tools against
# the served sandbox, so the Node tools are needed too.
# The journal's tests start a throwaway PostgreSQL cluster from Debian's server binaries.
postgres-server:
	@if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null; then \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  echo "installing Debian's postgresql (server binaries for the journal's tests)"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > /dev/null; \
	fi

pytest: $(VENV_STAMP) $(NODE_STAMP) postgres-server
	# The fast backend is installed by make install: its tests must run, never skip.
	WITHDRAWAL_CLIENTS_REQUIRE_FAST=1 $(BIN)/pytest -q

contract: $(VENV_STAMP) $(NODE_STAMP)
	$(BIN)/pytest -q -s tests/contract

test: check-generated check-contracts lint-specs lint typecheck docs pytest

bench: $(VENV_STAMP)
	$(BIN)/python -m bench

build: $(VENV_STAMP)
	rm -rf dist build/wheel-venv
	$(BIN)/python -m build --outdir dist
	$(PYTHON) -m venv build/wheel-venv
	build/wheel-venv/bin/pip install --quiet dist/*.whl
	cd /tmp && $(CURDIR)/build/wheel-venv/bin/python -c \
	  "import reddio_client, omnia_client, withdrawal_clients; print('wheel imports OK:', withdrawal_clients.__version__)"

check: test build

demo: $(VENV_STAMP)
	$(BIN)/withdrawal-clients demo

sandbox: $(VENV_STAMP)
	$(BIN)/withdrawal-clients sandbox

clean:
	rm -rf dist build site docs/specs
