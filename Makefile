# The two commands a fresh machine needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench lint translations browser clean

run: $(VENV)/.local-installed translations
	$(PY) -m service serve $(ARGS)

test: $(VENV)/.dev-installed translations browser
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark in bench/ that exists (some arrive from other branches), each rewriting its own
# section of docs/performance.md. A few minutes on a 2-core machine; not part of `make test`.
BENCH_SCRIPTS := page_weight report_bench cold_start service_bench load_test
bench: $(VENV)/.dev-installed translations browser
	@for name in $(BENCH_SCRIPTS); do \
		if [ -f bench/$$name.py ]; then echo "== bench/$$name.py"; $(PY) -m bench.$$name || exit 1; fi; \
	done

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.local-installed: requirements.txt requirements-local.txt | $(VENV)/bin/python
	$(PIP) -r requirements-local.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-local.txt requirements-authoring.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) -r requirements-dev.txt
	touch $@ $(VENV)/.local-installed

# gettext catalogs (.po, in git) compiled to .mo (built, not in git).
translations: $(VENV)/.local-installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d service/translations -D messages >/dev/null

# Browser tests use Debian's Chromium, never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-chromium.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find service -name '*.mo' -delete
