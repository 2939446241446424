# Netlaw Helpdesk — `make run` (the chat on the bundled corpus) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# llama.cpp is compiled for any x86-64, not only this CPU.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF

.PHONY: run test unit lint browser ingest clean

$(VENV)/.base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch first, pinned: pip takes the CPU wheel on this disk, not a CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	touch $@

$(VENV)/.local: $(VENV)/.base
	$(PIP) install -q -e '.[test,local]'
	touch $@

run: $(VENV)/.base
	$(PY) app.py

ingest: $(VENV)/.base
	$(PY) -m ingest

# Browser tests drive Debian's Chromium; install it (and a CJK font for screenshots) when missing.
browser:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null)
	@command -v chromium >/dev/null || { echo "chromium is still not on PATH" >&2; exit 1; }

# ruff (pyflakes, pycodestyle, isort, bugbear, pytest style) and mypy, configured in pyproject.toml.
lint: $(VENV)/.base
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

# The fast tier (≤ 30 s, no torch: a fake embedder on the bundled corpus, asserted at the end); pytest's
# plugins (hypothesis, schemathesis, langsmith) are not needed there and take seconds to load.
unit: $(VENV)/.base
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(PY) -m pytest tests/unit -q

# Chromium is installed when it can be; when it cannot, the browser tests skip, or under CI=true the session
# fails saying what is missing (tests/needs.py) — a clean machine does not pass without opening the UI.
# Latency and memory figures are not tested here: python -m benchmarks.answer_bench compares them with a baseline.
test: $(VENV)/.local lint
	@$(MAKE) --no-print-directory browser || echo "make test: chromium could not be installed; the browser tests will say so" >&2
	$(PY) -m pytest tests/
	$(PY) -m pytest evals/

clean:
	rm -rf $(VENV) data/store data/cache
