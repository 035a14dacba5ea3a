# Quanzi — two commands: `make demo` and `make test`. See README.md.
PY ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PYTEST_ARGS ?=

.PHONY: venv demo demo-reset serve seed test lint format bench messages clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: venv  ## install, migrate, seed the demo shop and serve it on http://127.0.0.1:$(PORT)
	$(MANAGE) migrate --noinput -v0
	QUANZI_SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) seed_demo
	QUANZI_SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) demo_rearm
	@echo "Quanzi is starting on http://127.0.0.1:$(PORT)  (demo shopper: 13800138000 / quanzi-demo-2026)"
	QUANZI_SITE_URL=http://127.0.0.1:$(PORT) bash -c 'trap "kill 0" EXIT; \
	  $(MANAGE) run_sweeps --loop --interval 5 >var/sweeps.log 2>&1 & \
	  $(BIN)/uvicorn config.asgi:application --host 127.0.0.1 --port $(PORT) --no-access-log --ws websockets-sansio'

demo-reset: venv  ## start the demo clean: delete its SQLite database and media under var/, migrate and seed again
	@if [ -n "$$DATABASE_URL" ]; then echo "demo-reset resets the embedded SQLite demo only: unset DATABASE_URL"; exit 1; fi
	rm -f var/quanzi.sqlite3 var/quanzi.sqlite3-wal var/quanzi.sqlite3-shm
	rm -rf var/media
	mkdir -p var
	$(MANAGE) migrate --noinput -v0
	QUANZI_SITE_URL=http://127.0.0.1:$(PORT) $(MANAGE) seed_demo
	@echo "The demo is fresh: \`make demo\` serves it."

test: venv lint  ## install and run the whole test suite (SQLite, or DATABASE_URL)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv  ## ruff, the import-linter layers, no app reading another's models, migrations, checks, generated docs
	$(BIN)/ruff check src config bench tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m quanzi.core.boundaries
	QUANZI_ENV=test $(MANAGE) makemigrations --check --dry-run -v0
	QUANZI_ENV=test $(MANAGE) check -v0
	QUANZI_ENV=test $(MANAGE) architecture --check

format: venv
	$(BIN)/ruff check --fix src config bench tests
	$(BIN)/ruff format src config bench tests

bench: venv  ## bench/checkout.py against a server on PostgreSQL (see docs/bench.md)
	$(BIN)/python bench/checkout.py

clean:
	rm -rf var/quanzi.sqlite3* var/media var/test-media var/static
