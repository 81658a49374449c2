# Two commands matter: `make run` and `make test`. Both build the virtualenv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Exported so that settings.SITE_URL (links in e-mails) follows the host and port the demo runs on.
export HOST PORT

# Installs come from the lock files, every package checked against its hash. After editing
# requirements.txt or requirements-dev.txt, run `make lock` and commit the regenerated locks.
LOCK_VENV ?= .venv-lock
PIP_TOOLS_VERSION ?= 7.6.2
PIP_COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links

.PHONY: run test lint bench bench-quick migrate demo worker beat clean lock

# The venv's own pip is used as it comes: everything installed after it is locked and hashed.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(VENV)/.runtime $@

$(LOCK_VENV)/bin/pip-compile:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet pip-tools==$(PIP_TOOLS_VERSION)

# Regenerate both locks from the readable lists (keeps every pin already locked, adds what is new).
lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file=requirements-dev.lock requirements-dev.txt

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/deadcode.py

bench: $(VENV)/.dev
	$(BIN)/python bench/run.py

# Reduced scale, for CI: fails on errors or a query count that grows with the data, never on a time.
bench-quick: $(VENV)/.dev
	$(BIN)/python bench/run.py --quick

worker: $(VENV)/.runtime
	$(BIN)/celery -A pscb_audit worker --loglevel=info

beat: $(VENV)/.runtime
	$(BIN)/celery -A pscb_audit beat --loglevel=info

clean:
	rm -rf $(VENV) $(LOCK_VENV) db.sqlite3 var/ staticfiles/ .pytest_cache
