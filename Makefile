# Programme Desk — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Where emails' links and the printed logins lead: the address served, unless set.
PORTAL_BASE_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test setup dev serve lint format messages fonts clean-db bench backup restore mutation lock

## run: set everything up from nothing (venv, install, migrate, documented records,
##      demo users) and serve on http://$(HOST):$(PORT), with the mail worker beside
##      the server (tools/run.py: Ctrl-C stops both). Safe to repeat; keeps data.
run: setup fonts
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo --base-url $(PORTAL_BASE_URL)
	PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(PY) tools/run.py $(HOST):$(PORT)

## test: the whole suite (SQLite unless DATABASE_URL names PostgreSQL).
test: setup dev
	$(PY) -m pytest $(PYTEST_ARGS)

## bench: page benchmarks at BENCH_APPLICATIONS (default 1,000,000) applications on SQLite
##        and PostgreSQL (and with PostgreSQL's parallel query off), a 60 s gunicorn load
##        test on loopback, and the import benchmark.
##        Slow the first time (the databases are generated, then reused from
##        bench/.data/ and the PostgreSQL database programme_desk_bench). docs/benchmarks.md
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/bench_import
bench: setup dev
	$(PY) bench/pages.py --db sqlite
	$(PY) bench/pages.py --db postgres
	$(PY) bench/pg_parallel.py
	$(PY) bench/load.py
	$(PY) bench/import_benchmark.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/import_benchmark.py

## mutation: mutation testing of the policy modules (`only_mutate` in pyproject.toml's
##           [tool.mutmut]) with mutmut on SQLite, from scratch. Prints the counts and the kill rate;
##           the surviving mutants and their diffs go to artifacts/mutation/survivors.txt.
##           MUTANTS="programmes.workflow*" limits it to the mutants named. docs/testing.md
MUTANTS ?=
mutation: setup dev
	rm -rf mutants
	@start=$$(date +%s); \
	env -u DATABASE_URL -u DATABASE_REPLICA_URL \
	  $(VENV)/bin/mutmut run $(foreach name,$(MUTANTS),'$(name)') && \
	$(PY) tools/mutation/summary.py --seconds $$(( $$(date +%s) - start ))

## setup: the runtime set only (requirements.txt), as production installs it; dev adds
##        what tests, lint, the audit and mutation testing need (requirements-dev.txt).
##        Both files are pinned with hashes, so pip checks every download.
setup: $(STAMP) messages

dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	rm -f $(VENV)/.dev-installed-*
	touch $@

## lock: re-pin requirements.txt and requirements-dev.txt, with hashes, from requirements.in
##       and requirements-dev.in. Versions already pinned are kept; UPGRADE=1 takes the
##       newest that the .in files allow. Then `make test`.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --python-version 3.11 --generate-hashes \
	--no-emit-package pip --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade,)
lock: dev
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

## messages: compile the translation catalogues (.po → .mo).
messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
	  $(PY) manage.py compilemessages --ignore=.venv --ignore=mutants -v 0; \
	else \
	  echo "warning: GNU gettext (msgfmt) is missing, so the site shows English only: apt-get install gettext" >&2; \
	fi

## fonts: the Noto CJK fonts the official documents are set in (Debian's fonts-noto-cjk),
##        installed with apt-get where missing when run as root; otherwise a warning
##        says how. Never downloaded from elsewhere. docs/documents.md
fonts:
	@if fc-list 2>/dev/null | grep -qi "noto.*cjk"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing the Noto CJK fonts for the official documents (fonts-noto-cjk)..." >&2; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq fonts-noto-cjk >/dev/null) \
	  || echo "warning: could not install fonts-noto-cjk: documents print Chinese as empty boxes" >&2; \
	else \
	  echo "warning: the Noto CJK fonts are missing, so documents print Chinese as empty boxes: sudo apt-get install fonts-noto-cjk" >&2; \
	fi

lint: setup dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## backup: every record and private file in one archive under $(BACKUP_DIR) (see docs/security.md).
BACKUP_DIR ?= backups
backup: setup
	$(PY) manage.py backup $(BACKUP_DIR)

## restore: load FILE (an archive from `make backup`) into an empty database;
##          FORCE=1 replaces what the database and the media directory hold.
restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/programme-desk-<time>.tar.gz [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force,)
