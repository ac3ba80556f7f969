# The two commands a newcomer types: `make demo` and `make test`. Each sets itself up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The demo gets its own SQLite file here, so `--reset` can never touch another database.
DEMO_DB ?= sqlite:///$(CURDIR)/pacer-demo.db
# More options for `pacer demo`, e.g. DEMO_ARGS="--units 200 --years 3".
DEMO_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo summary test install benchmark clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# axe-core for the browser tests' accessibility checks, pinned in tests/web/package-lock.json
AXE := tests/web/node_modules/axe-core/axe.min.js
$(AXE): tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --silent
	touch $@

# `pacer` run in this directory then reads the demo's database from .env (written only when
# there is no .env yet; `make summary` works either way).
DEMO_ENV := PACER_DATABASE_URL=$(DEMO_DB)

demo: install
	PACER_DATABASE_URL=$(DEMO_DB) $(BIN)/pacer demo --reset $(DEMO_ARGS)
	@if [ ! -e .env ]; then echo '$(DEMO_ENV)' > .env; echo "Wrote .env: '.venv/bin/pacer …' in this directory now reads $(DEMO_DB)."; \
	elif ! grep -qxF '$(DEMO_ENV)' .env; then echo ".env names another database: use 'make summary' or PACER_DATABASE_URL=$(DEMO_DB) .venv/bin/pacer …"; fi
	PACER_DATABASE_URL=$(DEMO_DB) $(BIN)/pacer serve --host $(HOST) --port $(PORT)

summary: install
	PACER_DATABASE_URL=$(DEMO_DB) $(BIN)/pacer summary

# The gates first (format, lint, types), then the suite on two cores and more (an idle worker
# takes half of the busiest one's tests left).
test: install $(AXE)
	$(BIN)/ruff format --check --quiet .
	$(BIN)/ruff check --quiet .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --dist worksteal

benchmark: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) tests/web/node_modules pacer-demo.db pacer-demo.db-wal pacer-demo.db-shm
	@if [ -e .env ] && [ "$$(cat .env)" = '$(DEMO_ENV)' ]; then rm .env; fi
