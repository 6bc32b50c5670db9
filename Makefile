# Two commands: `make run` (the app on SQLite with a demo cycle) and `make test` (everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM ?= /usr/bin/chromium

# Debian packages the tests need: a browser, LibreOffice (ODT/PDF), real PostgreSQL, Redis and
# nginx (started by the tests themselves on a free port: the packaged service need not run)
SYSTEM_PACKAGES := chromium libreoffice-writer-nogui poppler-utils postgresql redis-server fonts-dejavu-core openssl nginx

.PHONY: run test lint system-deps clean bench guide

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

system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages for the tests: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

lint: $(VENV)/.test
	$(BIN)/ruff check facilitator tests run.py
	$(BIN)/ruff format --check facilitator tests run.py
	$(BIN)/lint-imports
	$(BIN)/mypy

test: $(VENV)/.test system-deps lint
	$(BIN)/flask --app facilitator scripts validate
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest

# The guide's screenshots (docs/guide/*.png), taken by the browser walk through the guide
guide: $(VENV)/.test system-deps
	UPDATE_GUIDE=1 CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q tests/test_browser_guide.py

$(VENV)/.bench: pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

# Benchmarks (docs/performance.md): run on purpose, never by `make test`; real servers and
# Socket.IO clients on 127.0.0.1 only, every run bounded in time.
bench: $(VENV)/.bench system-deps
	bench/matrix.sh
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache
