# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run bytecode test bench train lint evaluate evaluate-real clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed bytecode
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --config service/gunicorn_conf.py 'service:create_app()'

test: $(VENV)/.installed-dev
	$(BIN)/ruff check service model training tests evaluation bench
	$(BIN)/mypy model service training evaluation bench
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check service model training tests evaluation bench
	$(BIN)/ruff format --check service model training tests
	$(BIN)/mypy model service training evaluation bench

train: $(VENV)/.installed-dev
	$(BIN)/redflags train

evaluate: $(VENV)/.installed-dev
	$(BIN)/python -m evaluation.evaluate

# Real published pages (../shared/real_pages/): the development part; the set-aside part only
# with `python -m evaluation.real_pages --set-aside --look NAME` (every look is logged).
evaluate-real: $(VENV)/.installed-dev
	$(BIN)/python -m evaluation.real_pages

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.run

# Bytecode for the code the server imports, written even where PYTHONDONTWRITEBYTECODE is set
# (as in this project's sandboxes): otherwise every start compiles model/ and service/ from
# source again, about a tenth of a second. Python checks each file against its source and
# compiles a changed one afresh, so a stale file is never used; pip writes the same files when it
# installs the package (the Docker image).
bytecode: $(VENV)/.installed
	$(BIN)/python -m compileall -q model service

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
