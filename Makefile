# Two commands on a fresh Debian machine:
#   make run    installs everything, loads demo data, serves http://127.0.0.1:8000 with a Celery worker
#   make test   runs the whole test suite (SQLite + filesystem broker; real headless Chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup system-packages run lint test test-postgres benchmarks messages clean

setup: system-packages $(VENV)/.installed messages

system-packages:
	@bash scripts/install-system-packages.sh

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py rundev $(HOST):$(PORT)

# Lint gate (config in pyproject.toml [tool.ruff]): style and import errors fail `make test` before any test runs.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

# The suite against a real PostgreSQL 15 and Redis on loopback (installed and started if missing): every test
# but those marked no_services (no database, broker, worker or live server: they ran in `make test` already and
# would run the same code again; tests/conftest.py refuses the marker on a test that needs a service).
test-postgres: setup
	bash scripts/with-postgres-redis.sh $(BIN)/python -m pytest -m "not no_services"

benchmarks: setup
	$(BIN)/python benchmarks/hwsim_bench.py
	$(BIN)/python benchmarks/hwsim_dse_bench.py
	bash scripts/with-postgres-redis.sh $(BIN)/python benchmarks/portal_pages.py --tenants 20 --cases 5000

clean:
	rm -rf $(VENV) var staticfiles
