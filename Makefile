# redduck: `make serve` sets up and starts the server; `make test` sets up and runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5433
DB     ?= ./redduck.duckdb

.PHONY: install serve test bench clean

install: $(VENV)/.installed

# The pinned CPU torch first: an unpinned torch would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $@

serve: install
	mkdir -p data
	$(BIN)/redduck serve --host $(HOST) --port $(PORT) --database $(DB) --import-dir ./data

test: install
	$(BIN)/python -m pytest -q tests

bench: install
	$(BIN)/python benchmarks/wire.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
