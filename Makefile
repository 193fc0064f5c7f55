# The two commands a fresh machine needs: `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test bench mutation lint translations browser node dynalite clean lock

# The local run keeps its data in .local/ (a durable dynalite): Node.js and dynalite come first.
run: $(VENV)/.local-installed translations node dynalite
	$(PY) -m service serve $(ARGS)

test: $(VENV)/.dev-installed translations browser dynalite
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest $(PYTEST_ARGS)

# Every benchmark in bench/ that exists (some arrive from other branches), each rewriting its own
# section of docs/performance.md. A few minutes on a 2-core machine; not part of `make test`.
BENCH_SCRIPTS := page_weight report_bench pooled_bench cold_start service_bench load_test
bench: $(VENV)/.dev-installed translations browser
	@for name in $(BENCH_SCRIPTS); do \
		if [ -f bench/$$name.py ]; then echo "== bench/$$name.py"; $(PY) -m bench.$$name || exit 1; fi; \
	done

# Mutation testing of the pure domain modules ([tool.mutmut] in pyproject.toml) from tests/unit alone,
# one module at a time, one worker (MUTATION_WORKERS=2 for two): about 5 minutes on the 2-core machine.
# Prints each module's score and its surviving mutants; fails below 90%. Not part of `make test`.
# `make mutation MODULES="codes scoring"` for some modules. Last figures: docs/testing.md.
mutation: $(VENV)/.dev-installed translations
	$(PY) scripts/mutation.py $(MODULES)

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

# Node.js from Debian's packages when it is missing (needs root or sudo): the local run's database.
node:
	@command -v npm >/dev/null 2>&1 || bash scripts/install-node.sh

# dynalite: the local run's durable database (scripts/durable_dynalite.js) and a second DynamoDB
# implementation for the store and API tests, when Node.js is here: npm ci from the committed lock
# into .cache/dynalite (git-ignored). Without Node.js those tests run on moto only and say so.
DYNALITE := .cache/dynalite
dynalite:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(DYNALITE)/node_modules/.package-lock.json; \
	else echo "Node.js not found: the store and API tests run on moto only"; fi

$(DYNALITE)/node_modules/.package-lock.json: tests/dynalite/package.json tests/dynalite/package-lock.json
	mkdir -p $(DYNALITE)
	cp tests/dynalite/package.json tests/dynalite/package-lock.json $(DYNALITE)/
	cd $(DYNALITE) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .cache mutants
	find service -name '*.mo' -delete

# requirements-deploy.lock: what the Lambda package is built from (serverless/lambda_package.py), every
# distribution pinned with its hashes. Run after changing requirements.txt or requirements-deploy.txt.
lock:
	python3 -m venv .build/pip-tools && .build/pip-tools/bin/pip install --quiet pip-tools==7.6.2
	.build/pip-tools/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file requirements-deploy.lock requirements-deploy.txt
