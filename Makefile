# Rapport — the two commands of the quick start are `make run` and `make test`.
# Everything else here is what they are made of.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/rapport
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve test install install-dev frontend keys migrate seed lint format test-sqlite test-postgres chromium bench clean mutation

## make run: install, migrate, seed the demo district, serve on http://127.0.0.1:$(PORT)
run: install frontend keys
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --if-empty
	@echo "\nRapport is at http://127.0.0.1:$(PORT)  (Ctrl-C stops it)\n"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## make serve: the same demo, served as production serves it (gunicorn, whitenoise, DEBUG off,
## a background worker on Redis); needs Redis on 127.0.0.1:6379
serve: install frontend keys
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --if-empty --this-is-a-demo
	PORT=$(PORT) scripts/serve_production.sh

## make test: lint, then the whole suite on SQLite and on PostgreSQL
test: install-dev frontend chromium lint test-sqlite test-postgres

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: node_modules/.installed

# A development key file, outside the database, written once. Production sets
# RAPPORT_ENCRYPTION_KEYS instead (docs/deploy.md).
keys: .local/encryption-keys
.local/encryption-keys: | $(VENV)/.installed
	@mkdir -p .local
	@if [ -z "$$RAPPORT_ENCRYPTION_KEYS" ]; then \
		$(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" > $@; \
		chmod 600 $@; echo "Wrote a development encryption key to $@ (keep it out of backups of the database)."; \
	fi

# Debian's chromium drives the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	}

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/check_one_door.py
	$(VENV)/bin/mypy

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test-sqlite: install-dev frontend
	@echo "== The suite on SQLite"
	$(PY) -m pytest $(PYTEST_ARGS)

# On a machine without PostgreSQL this prints why and skips; in CI it must run.
test-postgres: install-dev frontend
	@if $(PY) scripts/service_ready.py postgres "$(PG_URL)"; then \
		echo "== The suite on PostgreSQL"; \
		DATABASE_URL="$(PG_URL)" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL), and CI requires it."; exit 1; \
	else \
		echo "SKIPPED: the PostgreSQL run (no server at $(PG_URL))."; \
	fi

bench: install-dev frontend
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles .local/test-*.sqlite3*

## make mutation: mutation testing of the access policy (rapport/privacy/policy.py) with mutmut;
## every mutant runs against the policy's own tests ([tool.mutmut] in pyproject.toml). CPU-heavy
## (about 150 mutants, most of an hour on two busy cores), so not part of `make test`. Surviving
## mutants are listed at the end (`.venv/bin/mutmut show <id>` prints one); each is killed by a
## test or explained in docs/architecture.md ("Mutation testing of the policy").
mutation: install-dev
	@rm -f .mutmut-cache
	nice -n 10 $(VENV)/bin/mutmut run --no-progress --simple-output --test-time-base 60 || true
	@git diff --quiet -- rapport/privacy/policy.py || { echo "policy.py was left mutated: git checkout it"; exit 1; }
	$(VENV)/bin/mutmut results
