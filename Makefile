# Netlaw Helpdesk — `make run` (the chat on the bundled corpus) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test ingest clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# torch first, pinned: pip takes the CPU wheel on this disk, not a CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m ingest

ingest: $(VENV)/.installed
	$(PY) -m ingest

test: $(VENV)/.installed
	$(PY) -m pytest tests/

clean:
	rm -rf $(VENV) data/store data/cache
