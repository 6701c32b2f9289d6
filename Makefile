# Sportello: the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: demo help test setup setup-test lint pytest production bench

demo: setup ## set up and run the demo (gateway + simulators + test IdP, SQLite)
	SPORTELLO_PROFILE=demo $(VENV)/flask --app gateway demo

help: ## list the targets (plain `make` runs the demo)
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-z][a-z-]*:[^#]*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

test: setup-test lint pytest ## set up and run the whole test suite

setup: ## create .venv, install the Python and front-end packages, compile the translations
	@tools/setup.sh

setup-test: ## setup, plus what the tests need: chromium, xmlsec1, the SPID conformance tool
	@tools/setup.sh --test

lint: ## ruff check, ruff format --check, mypy on the libraries, translation check
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/python tools/i18n.py check

pytest: ## the test suite alone, on every core (SQLite and PostgreSQL)
	$(VENV)/python -m pytest -q -p no:cacheprovider -n auto --dist loadgroup

bench: setup ## run every benchmark (production shape; needs PostgreSQL and Redis) and write the table
	$(VENV)/python -m benchmarks

production: ## gunicorn workers + PostgreSQL + Redis + outbox worker + simulators, on this machine
	@tools/run-production.sh
