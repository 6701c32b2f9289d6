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
RUN useradd --system --uid 10001 --home /app sportello
COPY --from=build /opt/venv /opt/venv
COPY deploy /opt/deploy
COPY --from=build /opt/translations /tmp/translations
COPY --from=build /opt/vendor /tmp/vendor
RUN site=$(/opt/venv/bin/python -c 'import gateway, os; print(os.path.dirname(gateway.__file__))') \
 && mkdir -p "$site/static/vendor" \
 && cp -r /tmp/vendor/* "$site/static/vendor/" \
 && cp -r /tmp/translations/* "$site/translations/" \
 && rm -rf /tmp/vendor /tmp/translations
ENV PATH=/opt/venv/bin:$PATH \
    SPORTELLO_PROFILE=production \
    PYTHONUNBUFFERED=1
USER sportello
WORKDIR /app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "-c", "/opt/deploy/gunicorn.conf.py", "gateway.wsgi:app"]
