# The two commands that matter: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WEB_WORKERS ?= 2

.PHONY: run test install install-dev frontend warehouse static migrate bench lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund --loglevel=error

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev frontend/node_modules/.package-lock.json
frontend: frontend/node_modules/.package-lock.json
	npm run build --prefix frontend

warehouse: install
	$(BIN)/python manage.py build_warehouse --if-missing

static: install
	$(BIN)/python manage.py collectstatic --noinput -v 0

migrate: install
	$(BIN)/python manage.py migrate --noinput -v 0

run: warehouse migrate static
	@$(BIN)/python manage.py demo_users
	@echo ""
	@echo "Customer analytics portal: http://$(HOST):$(PORT)/   (stop with Ctrl-C)"
	@echo ""
	@echo "Starting web, Celery worker and Celery beat (bin/run-all)."
	BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) WEB_WORKERS=$(WEB_WORKERS) bin/run-all

test: install-dev static
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev static migrate
	$(BIN)/python manage.py bench $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

clean:
	rm -rf var/cache var/staticfiles
