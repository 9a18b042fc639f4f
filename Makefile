VENV ?= .venv
VPY := $(VENV)/bin/python
# bytecode caching on: test modules are not re-compiled on every run
PY := env -u PYTHONDONTWRITEBYTECODE $(VPY)
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.PHONY: install test unit integration lint run demo bench chaos clean

$(STAMP): pyproject.toml
	test -x $(VPY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
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

lint: $(STAMP)
	$(VENV)/bin/ruff check domain application adapters entrypoints tests bench chaos

## make run: the service on embedded defaults (SQLite, in-process broker, sandboxes without credentials)
run: $(STAMP)
	$(VENV)/bin/sales-inbox serve

demo: $(STAMP)
	$(VENV)/bin/sales-inbox demo

bench: $(STAMP)
	$(PY) -m bench

## make chaos: the real processes (gunicorn, two workers, the scheduler) on PostgreSQL and a
## private Redis, driven through the sandboxes with faults; prints the table, checks invariants
chaos: $(STAMP)
	$(PY) -m chaos

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var
