# airq — the two commands of the README, plus a few helpers.
# Both `make demo` and `make test` create and reuse a virtual environment in .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.airq-installed

.PHONY: demo test venv benchmark clean-venv lab

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/airq demo

test: $(STAMP)
	$(BIN)/python -m pytest

benchmark: $(STAMP)
	$(BIN)/python -m pytest benchmarks -s -p no:cacheprovider

clean-venv:
	rm -rf $(VENV)

# JupyterLab on notebooks/ with the project's environment (the kernel "python3" is this venv's).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks
