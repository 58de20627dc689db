# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ADDRESS ?= 127.0.0.1:8000

.PHONY: install run seed otp superuser worker test lint format messages bench

# A virtual environment with everything the project needs, refreshed when requirements change.
$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# Migrate, load the demo district, then serve with a Celery worker (and its beat) beside it.
# Without DATABASE_URL the data is an SQLite file under var/; without CELERY_BROKER_URL the
# broker is kombu's filesystem transport under var/.
run: install
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-1}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo && \
	{ test -s var/backup.key || $(PY) manage.py backup --generate-key > var/backup.key; } && \
	export BACKUP_ENCRYPTION_KEY_FILE=$${BACKUP_ENCRYPTION_KEY_FILE:-var/backup.key} && \
	{ $(VENV)/bin/celery -A socialwork worker --beat -Q celery,backups --pool=solo --loglevel=INFO & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  echo "Serving http://$(ADDRESS)/ (log in as district / demo-2026; the second factor's code: make otp ACCOUNT=district, or the README's demo secrets in an authenticator app)"; \
	  $(PY) manage.py runserver --noreload $(ADDRESS); }

# The quick start's own management commands, in its development mode (`make run` sets it for the
# server; a plain `python manage.py ...` would start in production mode and refuse without a key).
seed: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py seed_demo

# The current second-factor code of a demo account (demo mode): `make otp ACCOUNT=district`.
otp: install
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py demo_otp $(or $(ACCOUNT),district)

superuser: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py createsuperuser

# The suite in one process per CPU (at most 8), each file's tests together in one of them
# (pytest-xdist); `.venv/bin/python -m pytest tests/<file>` runs a part in one process.
test: install lint
	$(PY) -m pytest -n auto --maxprocesses 8 --dist loadfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (xgettext, msgfmt): only for whoever changes translatable strings.
messages: install
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

# The benchmark (never part of `make test`): seeds a large region on PostgreSQL (DATABASE_URL, or
# the database socialwork_bench on 127.0.0.1:5432, dropped and made again), measures, and writes
# bench/results.md. BENCH_SCALE=0.01 runs it small; see bench/README.md.
bench: install
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) bench/run.py
