# Sportello production image: gunicorn serving the gateway, non-root, no build tools at run time.
# Run migrations as a separate step:  docker run --rm --env-file prod.env IMAGE flask --app gateway db upgrade

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml requirements.lock README.md babel.cfg ./
COPY gateway gateway
COPY identity identity
COPY connectors connectors
COPY forms forms
COPY printing printing
COPY tlog tlog
COPY tools tools
RUN python -m venv /opt/venv \
 && /opt/venv/bin/pip install -c requirements.lock . \
 && /opt/venv/bin/python tools/i18n.py compile \
 && cp -r gateway/translations /opt/translations
COPY --from=assets /src/node_modules/bootstrap-italia/dist /tmp/bi
RUN mkdir -p /opt/vendor/bootstrap-italia \
 && cp -r /tmp/bi/css /tmp/bi/js /tmp/bi/fonts /tmp/bi/svg /opt/vendor/bootstrap-italia/ \
 && find /opt/vendor -name '*.map' -delete

FROM python:3.11-slim-bookworm
# A numeric user and group (10001): Kubernetes' runAsNonRoot can only verify a numeric USER.
RUN groupadd --system --gid 10001 sportello \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin sportello \
 && install -d -o 10001 -g 10001 -m 0750 /app /app/instance
COPY --from=build /opt/venv /opt/venv
COPY deploy/gunicorn.conf.py /opt/deploy/gunicorn.conf.py
COPY --from=build /opt/translations /tmp/translations
COPY --from=build /opt/vendor /tmp/vendor
RUN site=$(/opt/venv/bin/python -c 'import gateway, os; print(os.path.dirname(gateway.__file__))') \
 && mkdir -p "$site/static/vendor" \
 && cp -r /tmp/vendor/* "$site/static/vendor/" \
 && cp -r /tmp/translations/* "$site/translations/" \
 && rm -rf /tmp/vendor /tmp/translations
# The instance folder is the one place the gateway may write; a read-only root file system
# (deploy/kubernetes) mounts an emptyDir there and on /tmp (gunicorn's worker heartbeats).
ENV PATH=/opt/venv/bin:$PATH \
    SPORTELLO_PROFILE=production \
    SPORTELLO_INSTANCE_DIR=/app/instance \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
WORKDIR /app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"]
ENV GUNICORN_BIND=0.0.0.0:8000
# No control socket: it would live in the home folder (read-only under Kubernetes), and nothing
# in a container drives gunicorn through it (signals from the orchestrator do).
CMD ["gunicorn", "-c", "/opt/deploy/gunicorn.conf.py", "--no-control-socket", "gateway.wsgi:app"]
