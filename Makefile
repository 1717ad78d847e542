# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PACKAGES := -e shared -e services/intake -e services/eligibility -e services/scoring -e services/registry \
            -e services/operations

.PHONY: install run test lint token demo bench soak clean

$(VENV)/.installed: shared/pyproject.toml services/*/pyproject.toml requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt $(PACKAGES) -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run the platform: broker + four services on 127.0.0.1 (Ctrl-C stops it)
run: install
	$(PY) deploy/run.py

## run the whole test suite, on SQLite and on a PostgreSQL server the tests start themselves
test: install
	deploy/ensure-postgres.sh
	$(PY) -m pytest -q

## the circular value chains 2023 call through the running platform (after `make run`)
demo: install
	$(PY) -m demo

## intake's submit against a bare insert with wrk (about 4 minutes), then the deadline rush on
## SQLite and on PostgreSQL (about 5 minutes each), see docs/benchmarks.md
bench: install
	deploy/ensure-postgres.sh
	deploy/ensure-wrk.sh
	$(PY) bench/submit_wrk_bench.py
	$(PY) bench/deadline_rush.py
	$(PY) bench/deadline_rush.py --postgres

## the long fault runs (kill -9 through 1,000 submissions, consumer hand-over, registry down,
## broker restarted empty mid-burst)
soak: install
	$(PY) scripts/soak_faults.py

## ruff and mypy, as CI runs them
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared/nic_shared services

## a development token: make token ROLE=applicant ARGS="--org 974760673"
token: install
	@$(PY) -m nic_shared.devtoken --role $(or $(ROLE),programme_officer) $(ARGS)

clean:
	rm -rf .data
