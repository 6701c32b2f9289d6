# Sportello: the two commands of the README are `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv/bin

.PHONY: demo test setup setup-test lint check pytest production bench

demo: setup ## set up and run the demo (gateway + simulators + test IdP, SQLite)
	SPORTELLO_PROFILE=demo $(VENV)/flask --app gateway demo

test: setup-test lint pytest ## set up and run the whole test suite

setup:
	@tools/setup.sh

setup-test:
	@tools/setup.sh --test

lint:
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	$(VENV)/python tools/i18n.py check

pytest:
	$(VENV)/python -m pytest -q -p no:cacheprovider -n auto

bench: setup ## run every benchmark (production shape; needs PostgreSQL and Redis) and write the table
	$(VENV)/python -m benchmarks

production: ## gunicorn workers + PostgreSQL + Redis + outbox worker + simulators, on this machine
	@tools/run-production.sh
