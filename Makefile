VENV ?= .venv
VPY := $(VENV)/bin/python
# bytecode caching on: test modules are not re-compiled on every run
PY := env -u PYTHONDONTWRITEBYTECODE $(VPY)
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: install test unit integration repeat mutate lint run demo bench clean lock audit

# the versions in requirements.lock (the set CI tests and audits); `make lock` refreshes it
$(STAMP): pyproject.toml requirements.lock
	test -x $(VPY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make test: the whole suite (unit + integration); what CI runs
test: $(STAMP)
	$(PY) -m pytest -q tests

## make unit: fast domain and application tests with in-memory fakes, no I/O
unit: $(STAMP)
	$(PY) -m pytest -q tests/unit

## make integration: real Redis, PostgreSQL, SMTP and the HTTP sandboxes
integration: $(STAMP)
	$(PY) -m pytest -q tests/integration

## make repeat TEST=tests/...::test_x N=50: run a test N times, stop at the first failure;
## use it before calling a race fixed (one pass proves nothing about a 1-in-30 failure)
N ?= 50
repeat: $(STAMP)
	test -n "$(TEST)" || { echo "usage: make repeat TEST=<pytest node id> [N=50]"; exit 2; }
	$(PY) -m pytest -q -x -p no:cacheprovider --count=$(N) $(TEST)

## make mutate: mutation testing of the core (domain/ and client matching); slow, not in CI
mutate: $(STAMP)
	$(PY) tools/mutate.py $(MODULES)

lint: $(STAMP)
	$(VENV)/bin/ruff check domain application adapters entrypoints tests bench tools

## make run: the service on embedded defaults (SQLite, in-process broker, sandboxes without credentials)
run: $(STAMP)
	$(VENV)/bin/sales-inbox serve

demo: $(STAMP)
	$(VENV)/bin/sales-inbox demo

bench: $(STAMP)
	$(PY) -m bench

## make lock: requirements.lock refreshed to the newest versions pyproject.toml allows (commit it)
lock:
	test -x $(VPY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade --upgrade-strategy eager -e '.[dev]'
	{ echo "# The locked dependency set: CI installs it (pip -c) and audits it (.ci/audit.py)."; \
	  echo "# Refresh: \`make lock\` (newest versions pyproject.toml allows), then commit this file."; \
	  $(PIP) freeze --exclude-editable; } > requirements.lock
	touch $(STAMP)

## make audit: known vulnerabilities in requirements.lock (pip-audit; accepted ones in .ci/audit-ignore)
audit:
	python3 .ci/audit.py

clean:
	rm -rf $(VENV) .venv-audit .pytest_cache .ruff_cache var
