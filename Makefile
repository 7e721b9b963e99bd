# oitcheck: `make demo` and `make test` set everything up from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint eval eval-real bench clean setup wheel-check

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,scrapyd]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/oitcheck demo --out reports/demo

test: $(STAMP)
	$(BIN)/ruff check oitcheck tests
	$(BIN)/pytest -q --durations=15

# The package as users install it: a wheel built from the files git tracks, installed (not editable) into a fresh
# venv outside the checkout, audits the demo from another folder; its verdicts must match demo/expected.json.
wheel-check:
	.ci/wheel-check $(PYTHON)

# Benchmarks (traffic to 127.0.0.x only): oitcheck against LinkChecker on a synthetic 2000-page agency site, then
# both on the same planted link pages (bench/links.py: broken links found, missed and false alarms per category),
# the hostile sites, then nightly audit-many with history on 50 local agency sites (bench/history.py), then the
# province summary of 300 agencies' generated reports (bench/summary.py: < 2 s, summary.html < 2 MB), one site's
# nightly re-audit with conditional requests (bench/incremental.py: the second run's bytes and CPU), then
# audit-many over one Scrapyd node against two on 50 agencies whose sites hold each answer 0.3 s (bench/scaleout.py:
# the speed-up, and what bounds it).
bench: $(STAMP)
	test -x $(BIN)/linkchecker || $(BIN)/pip install --quiet linkchecker
	$(BIN)/python -c "import dateparser, pypdf" 2>/dev/null || $(BIN)/pip install --quiet dateparser pypdf
	$(BIN)/python bench/run.py
	$(BIN)/python bench/links.py
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/summary.py
	$(BIN)/python bench/incremental.py
	$(BIN)/python bench/scaleout.py

eval: $(STAMP)
	$(BIN)/python -m tests.testbed.run --jobs 2

# Real agency websites (bench/real/sites.yaml) served from $(REAL_SITES) with php -S (+ a private MariaDB),
# scored against bench/real/labels/. Needs Debian php-cli php-mysql php-intl php-mbstring php-gd mariadb-server.
eval-real: $(STAMP)
	$(BIN)/python -m bench.real.run

lint: $(STAMP)
	$(BIN)/ruff check oitcheck tests

clean:
	rm -rf $(VENV) reports/demo .pytest_cache
