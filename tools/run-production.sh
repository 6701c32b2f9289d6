#!/usr/bin/env bash
# The production shape on this machine: PostgreSQL, Redis, gunicorn workers, the outbox worker
# (also the audit log's sequencer), the audit log's witness and the scheduled jobs (retention,
# reminders) as their own processes, and the legacy simulators as their own process. Ctrl-C
# stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh

export SPORTELLO_PROFILE=${SPORTELLO_PROFILE:-demo}
export SPORTELLO_AUTO_MIGRATE=false
export SPORTELLO_LOG_JSON=${SPORTELLO_LOG_JSON:-true}
export SPORTELLO_DATABASE_URL=${SPORTELLO_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/sportello}
export SPORTELLO_REDIS_URL=${SPORTELLO_REDIS_URL:-redis://127.0.0.1:6379/0}
export SPORTELLO_BASE_URL=${SPORTELLO_BASE_URL:-http://127.0.0.1:8000}
export SPORTELLO_SIMULATORS_URL=${SPORTELLO_SIMULATORS_URL:-http://127.0.0.1:8088}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}

db_name=$(.venv/bin/python -c "from sqlalchemy.engine import make_url; import os; print(make_url(os.environ['SPORTELLO_DATABASE_URL']).database)")
if ! psql -h 127.0.0.1 -U postgres -lqt | cut -d'|' -f1 | grep -qw "$db_name"; then
  createdb -h 127.0.0.1 -U postgres "$db_name"
fi
# The audit log's witness: its own cosigning key, which the gateway is told to trust.
witness_key=instance/audit-witness-production-shape-key.txt
if [ ! -f "$witness_key" ]; then
  mkdir -p instance
  .venv/bin/python -m gateway.audit.keys --witness --name witness.local.sportello --out "$witness_key" >/dev/null
fi
SPORTELLO_AUDIT_WITNESS_KEYS=$(.venv/bin/python -c 'import sys; from tlog.note import Signer; print(Signer.parse(open(sys.argv[1]).read()).verifier.encoded())' "$witness_key")
export SPORTELLO_AUDIT_WITNESS_KEYS
.venv/bin/flask --app gateway db upgrade
.venv/bin/flask --app gateway seed

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

sim_port=${SPORTELLO_SIMULATORS_URL##*:}
.venv/bin/python -m connectors.simulators --host 127.0.0.1 --port "${sim_port%%/*}" & pids+=($!)
.venv/bin/flask --app gateway outbox work & pids+=($!)
.venv/bin/flask --app gateway jobs run & pids+=($!)
.venv/bin/gunicorn -c deploy/gunicorn.conf.py gateway.wsgi:app & pids+=($!)
.venv/bin/python -m gateway.audit.witness --log-url "$SPORTELLO_BASE_URL/.well-known/sportello-audit" \
  --log-key "$(.venv/bin/flask --app gateway audit key)" --key-file "$witness_key" \
  --state-file instance/audit-witness-production-shape-state.json & pids+=($!)
echo "Sportello (production shape) at $SPORTELLO_BASE_URL — Ctrl-C to stop"
wait -n
