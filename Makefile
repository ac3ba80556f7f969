# The two commands a newcomer types: `make demo` and `make test`. Each sets itself up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The demo gets its own SQLite file here, so `--reset` can never touch another database.
DEMO_DB ?= sqlite:///$(CURDIR)/pacer-demo.db
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install benchmark clean

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

demo: install
	PACER_DATABASE_URL=$(DEMO_DB) $(BIN)/pacer demo --reset
	PACER_DATABASE_URL=$(DEMO_DB) $(BIN)/pacer serve --host $(HOST) --port $(PORT)

test: install $(AXE)
	$(BIN)/python -m pytest -q

benchmark: install
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) tests/web/node_modules pacer-demo.db pacer-demo.db-wal pacer-demo.db-shm
