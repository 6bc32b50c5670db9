# Two commands: `make run` (the app on SQLite with a demo cycle) and `make test` (everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint chromium clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python run.py

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian chromium for the browser tests…"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV)/.test
	$(BIN)/ruff check facilitator tests run.py
	$(BIN)/ruff format --check facilitator tests run.py

test: $(VENV)/.test chromium lint
	$(BIN)/flask --app facilitator scripts validate
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
