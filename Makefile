# The two-command quickstart: `make demo` and `make test`. Both build .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DB ?= demo.db
DEMO_REPORT ?= demo-report.html
CHROMIUM := /usr/bin/chromium

.PHONY: demo test chromium lint bench bench-suite mutate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q campaign cli >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/campaign scenario run scenarios/zaozhuang-2020.jsonl --db $(DEMO_DB)
	$(BIN)/campaign status --db $(DEMO_DB)
	$(BIN)/campaign checkpoint --as-of 2020-06-30 --db $(DEMO_DB)
	$(BIN)/campaign report --as-of 2020-06-30 --out $(DEMO_REPORT) --xlsx $(DEMO_REPORT:.html=.xlsx) --db $(DEMO_DB)
	@echo "the 通报 to open in a browser: $(CURDIR)/$(DEMO_REPORT)"

# pytest exits 5 when it collects no tests; that is not a failure of the suite.
test: $(STAMP) chromium
	$(BIN)/python -m pytest tests benchmarks --benchmark-disable; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "no tests collected"; rc=0; fi; exit $$rc

# The report's browser test opens the 通报 in Debian's Chromium (Playwright drives it; nothing is
# downloaded). CI runs on a fresh Debian machine as root: install it when it is missing (and a
# Chinese font, so that the test's screenshots show the Chinese). Not root: the test says how.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && apt-get install -y chromium fonts-wqy-microhei \
	      || echo "could not install chromium: the report's browser test will fail" >&2; \
	  else \
	    echo "$(CHROMIUM) is missing and only root can install it (apt-get install -y chromium):" \
	      "the report's browser test will fail" >&2; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check campaign cli scenarios tests benchmarks tools
	$(BIN)/ruff format --check campaign cli scenarios tests benchmarks tools
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
	rm -f $(DEMO_REPORT) $(DEMO_REPORT:.html=.xlsx)
