# 政通 — everyday commands. `make run` on a fresh machine gives a working county with demo data.
#
#   make install   create .venv (python3.11) and install the project with its dev tools
#   make migrate   apply database migrations (DATABASE_URL, default SQLite var/zhengtong.sqlite3)
#   make run       install, migrate, load demo data, then serve http://127.0.0.1:8000 together with
#                  the task worker and the scheduler; one Ctrl-C stops all three
#   make test      lint, then the whole suite on SQLite, then again on PostgreSQL when
#                  TEST_DATABASE_URL (or DATABASE_URL) is a postgres:// URL (CI sets it); the
#                  PostgreSQL pass leaves out (PG_PYTEST_ARGS) the browser tests, which render the same
#                  pages over the same ORM, and the packages that use no database (catalog/quality,
#                  search, text): they run once, in the SQLite pass
#   make lint      ruff + mypy
#
# Extra pytest arguments: make test PYTEST_ARGS='-k calendar -x'

PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=
PG_PYTEST_ARGS ?= -m "not browser" --ignore=catalog/quality/tests --ignore=search/tests --ignore=text/tests

# The PostgreSQL pass uses TEST_DATABASE_URL, else DATABASE_URL; it runs only for a postgres URL.
PG_URL := $(or $(TEST_DATABASE_URL),$(DATABASE_URL))
SQLITE_URL := sqlite:///$(CURDIR)/var/zhengtong.sqlite3

.PHONY: install migrate run test test-sqlite test-pg lint clean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change; delete the stamp (or the venv) to force it.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# var/ is not in git: it holds the SQLite database, uploads and collected static files.
migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

run: migrate
	$(PY) manage.py load_demo
	DEBUG=$${DEBUG:-true} $(PY) manage.py serve $(ADDR)

test: lint test-sqlite test-pg

test-sqlite: install
	@echo "== pytest on SQLite =="
	DATABASE_URL='$(SQLITE_URL)' $(BIN)/pytest $(PYTEST_ARGS)

test-pg: install
	@case '$(PG_URL)' in \
	  postgres://*|postgresql://*) \
	    echo "== pytest on PostgreSQL =="; \
	    DATABASE_URL='$(PG_URL)' $(BIN)/pytest $(PG_PYTEST_ARGS) $(PYTEST_ARGS) ;; \
	  *) echo "== PostgreSQL pass skipped: set TEST_DATABASE_URL=postgres://… to run it ==" ;; \
	esac

# Both run even when the first fails, so one pass shows every problem.
lint: install
	@status=0; \
	echo "$(BIN)/ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "$(BIN)/mypy ."; $(BIN)/mypy . || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
