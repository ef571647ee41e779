# Everything a fresh machine with python3 and git needs: `make demo`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-pythons lint install bench bench-detail clean snapshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/reviewtool demo $(DEMO_ARGS)

# The guards first (lint, types, layers), then the suite in parallel.
test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n auto $(PYTEST_ARGS)

# The suite again on every other CPython 3.11+ the machine has (tests/other_pythons.py says how
# they are found), each in its own .venv-3.N: pyproject allows >=3.11, make test runs on one.
test-pythons: $(STAMP)
	$(BIN)/python tests/other_pythons.py

lint: $(STAMP)
	$(BIN)/ruff check reviewtool tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

snapshots: $(STAMP)
	$(BIN)/python -m pytest -q tests/tui --snapshot-update

# One table: every speed target beside git doing the nearest job (docs/performance.md).
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run.py $(BENCH_ARGS)

# Each area's own benchmark, with its breakdown (phases, counts, accuracy).
bench-detail: $(STAMP)
	for b in tests/benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .venv-3.* .pytest_cache .hypothesis
