# airq — the two commands of the README, plus a few helpers.
# Both `make demo` and `make test` create and reuse a virtual environment in .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.airq-installed

.PHONY: demo test venv benchmark benchmark-national clean-venv lab

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

# Issue 11: a synthetic national year (1,900 stations x 3 years), each stage in its own process beside the
# long-format pandas way; writes docs/performance.md. Also part of `make benchmark` (5-10 min measured, data cached
# in $TMPDIR/airq-bench-national; AIRQ_BENCH_NATIONAL=0 leaves it out). Smaller: make benchmark-national STATIONS=200
STATIONS ?= 1900
YEARS    ?= 3
benchmark-national: $(STAMP)
	AIRQ_BENCH_STATIONS=$(STATIONS) AIRQ_BENCH_YEARS=$(YEARS) \
		$(BIN)/python -m pytest benchmarks/test_bench_national.py -s -p no:cacheprovider

clean-venv:
	rm -rf $(VENV)

# JupyterLab on notebooks/ with the project's environment (the kernel "python3" is this venv's).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks
