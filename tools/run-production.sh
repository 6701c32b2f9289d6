#!/usr/bin/env bash
# The production shape on this machine: PostgreSQL, Redis, gunicorn workers behind a reverse
# proxy (tools/reverse_proxy.py, trusted for one hop), the outbox worker (also the audit log's
# sequencer), the audit log's witness and the scheduled jobs (retention, reminders) as their own
# processes, and the legacy systems as two simulator processes configured one by one: the fines
# system on its own port with its own credentials, school and health on the shared one. Ctrl-C
# stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh

export SPORTELLO_PROFILE=${SPORTELLO_PROFILE:-demo}
# Another body than the demo's: the example record of the fictional Comune di Roccalta.
export SPORTELLO_ENTE_FILE=${SPORTELLO_ENTE_FILE:-deploy/ente.example.yaml}
export SPORTELLO_AUTO_MIGRATE=false
export SPORTELLO_LOG_JSON=${SPORTELLO_LOG_JSON:-true}
export SPORTELLO_DATABASE_URL=${SPORTELLO_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/sportello}
export SPORTELLO_REDIS_URL=${SPORTELLO_REDIS_URL:-redis://127.0.0.1:6379/0}
proxy_listen=${SPORTELLO_PROXY_LISTEN:-127.0.0.1:8080}
export SPORTELLO_BASE_URL=${SPORTELLO_BASE_URL:-http://$proxy_listen}
export SPORTELLO_TRUSTED_PROXIES=${SPORTELLO_TRUSTED_PROXIES:-1}
export SPORTELLO_SIMULATORS_URL=${SPORTELLO_SIMULATORS_URL:-http://127.0.0.1:8088}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
# The fines system: its own address and credentials (see README, "Legacy services, one by one").
fines_port=${SPORTELLO_FINES_SIM_PORT:-8089}
export SPORTELLO_LEGACY_FINES_WSDL_URL=${SPORTELLO_LEGACY_FINES_WSDL_URL:-http://127.0.0.1:$fines_port/fines?wsdl}
export SPORTELLO_LEGACY_FINES_USERNAME=${SPORTELLO_LEGACY_FINES_USERNAME:-polizia-locale}
export SPORTELLO_LEGACY_FINES_PASSWORD=${SPORTELLO_LEGACY_FINES_PASSWORD:-polizia-locale-demo}
export SPORTELLO_LEGACY_FINES_READ_TIMEOUT=${SPORTELLO_LEGACY_FINES_READ_TIMEOUT:-4}

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
SPORTELLO_SIM_USER=$SPORTELLO_LEGACY_FINES_USERNAME SPORTELLO_SIM_PASSWORD=$SPORTELLO_LEGACY_FINES_PASSWORD \
  .venv/bin/python -m connectors.simulators --host 127.0.0.1 --port "$fines_port" & pids+=($!)
.venv/bin/flask --app gateway outbox work & pids+=($!)
.venv/bin/flask --app gateway jobs run & pids+=($!)
# SPORTELLO_INSTANCES gateway instances (gunicorn masters) share PostgreSQL and Redis; the proxy
# takes them in turn. The first listens on GUNICORN_BIND, the next ones 10 ports further each.
instances=${SPORTELLO_INSTANCES:-1}
gateway_host=${GUNICORN_BIND%:*}
gateway_port=${GUNICORN_BIND##*:}
upstreams=()
for ((i = 0; i < instances; i++)); do
  bind="$gateway_host:$((gateway_port + 10 * i))"
  GUNICORN_BIND=$bind .venv/bin/gunicorn -c deploy/gunicorn.conf.py gateway.wsgi:app & pids+=($!)
  upstreams+=(--upstream "$bind")
done
# Live-help streams on an event loop (no gunicorn thread per open page); the proxy sends the
# stream paths there. Proxy headers are left to the app, as under gunicorn.
stream_bind=${SPORTELLO_STREAM_BIND:-127.0.0.1:8001}
.venv/bin/uvicorn --factory gateway.streams:create_stream_server --host "${stream_bind%:*}" \
  --port "${stream_bind##*:}" --http httptools --no-proxy-headers --no-access-log \
  --timeout-graceful-shutdown 5 & pids+=($!)
.venv/bin/python tools/reverse_proxy.py --listen "$proxy_listen" "${upstreams[@]}" \
  --route "/eventi\$=$stream_bind" & pids+=($!)
.venv/bin/python -m gateway.audit.witness --log-url "$SPORTELLO_BASE_URL/.well-known/sportello-audit" \
  --log-key "$(.venv/bin/flask --app gateway audit key)" --key-file "$witness_key" \
  --state-file instance/audit-witness-production-shape-state.json & pids+=($!)
echo "Sportello (production shape) at $SPORTELLO_BASE_URL — Ctrl-C to stop"
wait -n
