"""WSGI entry point for gunicorn: ``gunicorn gateway.wsgi:app``."""

from gateway import BOOT_ERROR, create_app

try:
    app = create_app()
except SystemExit as refused:
    # A refused configuration (already said in one line) must stop gunicorn, not make it
    # respawn the worker forever: 3 is the status gunicorn reads as "the worker cannot boot".
    if refused.code == BOOT_ERROR:
        raise SystemExit(3) from None
    raise
