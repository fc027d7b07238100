# The two commands of the README: `make run` (the main job) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck check neo4j-start neo4j-stop clean browser-deps

install: $(STAMP)

# Re-installs only when pyproject.toml changes; pip's cache (~/.cache/pip) absorbs the downloads.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/credmatch run

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports  # the layers' import contracts, pyproject.toml [tool.importlinter]

typecheck: install
	$(BIN)/mypy

check: lint typecheck test

# Debian's Chromium and its driver, for the browser tests (skipped when absent).
browser-deps:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

neo4j-start: install
	$(BIN)/credmatch neo4j start

neo4j-stop: install
	$(BIN)/credmatch neo4j stop

clean:
	-$(BIN)/credmatch neo4j stop
	rm -rf var neo4j-server/target
