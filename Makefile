# Lineage: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint check pytest worker beat migrate demo clean audit

install: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/lock.txt -e ".[dev]"
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "Lineage is running at http://$(HOST):$(PORT)/  (admin at http://$(HOST):$(PORT)/admin/)"
	@echo "Demo logins, password 'lineage-demo' for all: admin, instructor, learner"
	@echo "Emails are not sent: each one (e.g. the sign-up verification link) is printed in this terminal."
	@echo "Stop with Ctrl+C."
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run

# Two workers (this machine has two cores); each test file runs whole on one worker, and the
# browser tests all on one (tests/conftest.py schedules them), so one demo server serves them.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

test: lint check pytest

# Known vulnerabilities in requirements/lock.txt (pip-audit; .ci/audit says what it needs).
audit: install
	PIP_AUDIT=$(BIN)/pip-audit PYTHON=$(PY) bash .ci/audit

worker: install
	$(BIN)/celery -A lms worker --beat --loglevel=INFO

beat: install
	$(BIN)/celery -A lms beat --loglevel=INFO

# Benchmarks (bench/README.md): seed PostgreSQL, serve with gunicorn, load with wrk, write
# bench/results/<date>-<scale>.json and bench/RESULTS.md. `make bench SCALE=large` for 100k learners.
SCALE ?= small
.PHONY: bench
bench: install
	$(PY) -m bench.run --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var db.sqlite3
