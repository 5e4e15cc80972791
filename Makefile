# The two-command quickstart: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.db

.PHONY: demo test lint bench bench-suite mutate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/campaign scenario run scenarios/zaozhuang-2020.jsonl --db $(DEMO_DB)
	$(BIN)/campaign status --db $(DEMO_DB)
	$(BIN)/campaign checkpoint --as-of 2020-06-30 --db $(DEMO_DB)

# pytest exits 5 when it collects no tests; that is not a failure of the suite.
test: $(STAMP)
	$(BIN)/python -m pytest tests benchmarks --benchmark-disable; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check campaign cli scenarios tests benchmarks
	$(BIN)/ruff format --check campaign cli scenarios tests benchmarks
	$(BIN)/mypy

# The performance table (figures, targets, ratios to the floor); stores are cached outside the
# repository. `make bench-suite` runs the pytest-benchmark suites themselves.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.report

bench-suite: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-only

# Mutation testing of the figures and the domain's rules (slow; prints the score at the end).
mutate: $(STAMP)
	$(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut results | tail -n 40

clean:
	rm -rf $(VENV) mutants *.egg-info .pytest_cache .mypy_cache .ruff_cache $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
