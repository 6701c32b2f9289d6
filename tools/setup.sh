#!/usr/bin/env bash
# Set up a fresh Debian machine for Sportello: virtual environment, Python packages,
# front-end assets, translations, and (with --test) the system packages the tests need.
# Idempotent: each step is skipped when what it makes is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# Python 3.11: a dependency (the SOAP stack's optional server side) is known not to run on 3.12+.
PY=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    PY=$candidate; break
  fi
done
if [ -z "$PY" ]; then
  apt_install python3.11 python3.11-venv
  PY=python3.11
fi

if [ ! -x .venv/bin/python ]; then
  say "virtual environment (.venv) with $($PY --version)"
  "$PY" -m venv .venv
fi
stamp=.venv/.sportello-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  say "Python packages"
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -m pip install -q -c requirements.lock -e '.[test]' 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c 'import flask, xmlsec, zeep, reportlab' # fail here, not later, if pip failed
  touch "$stamp"
fi

if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
vendor=gateway/static/vendor/bootstrap-italia
if [ ! -f "$vendor/.installed" ] || [ package-lock.json -nt "$vendor/.installed" ]; then
  say "front-end assets (Bootstrap Italia from the npm registry)"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  rm -rf "$vendor" && mkdir -p "$vendor"
  for part in css js fonts svg; do cp -r "node_modules/bootstrap-italia/dist/$part" "$vendor/"; done
  find "$vendor" -name '*.map' -delete
  touch "$vendor/.installed"
fi

say "translations"
.venv/bin/python tools/i18n.py compile

if $want_test; then
  # Headless Chromium for the browser tests; xmlsec1 for the SPID conformance tool.
  apt_install chromium xmlsec1
  # axe-core, which the browser tests run on every page they visit (read from node_modules).
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    say "axe-core from the npm registry (accessibility checks of the browser tests)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  fi
  if [ ! -x .venv-spid/bin/spid_sp_test ]; then
    say "SPID conformance tool (own virtual environment: it pins old packages)"
    "$PY" -m venv .venv-spid
    .venv-spid/bin/python -m pip install -q 'spid-sp-test==1.2.18' 2>&1 | grep -v "is ignored" || true
  fi
  if [ ! -x .venv-cose/bin/python ] || ! .venv-cose/bin/python -c 'import cwt, base45' 2>/dev/null; then
    # A third-party COSE verifier of our seals (docs/seal.md); python-cwt 3.3 cannot decode
    # with cbor2 6, which our own code needs, hence an environment of its own.
    say "third-party seal verifier (python-cwt, own virtual environment)"
    "$PY" -m venv .venv-cose
    .venv-cose/bin/python -m pip install -q 'cwt==3.3.0' 'cbor2>=5.6,<6' 'base45==0.4.4' 2>&1 \
      | grep -v "is ignored" || true
  fi
fi
