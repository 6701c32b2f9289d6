"""gunicorn settings of the production shape (``make production`` and the container).

gthread workers: a request that waits on a legacy system (up to its read timeout) holds a
thread, not a whole process, and the SQLAlchemy pool is shared by a worker's threads.
Workers and threads can be overridden with GUNICORN_WORKERS / GUNICORN_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
# Live-help pages keep an event stream open, holding a thread each (see gateway/cobrowse).
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
# Each worker builds its own app (engines, connector clients) after the fork.
preload_app = False
# No control socket (gunicorn 25+): its default path, $HOME/.gunicorn/gunicorn.ctl, is shared by
# every instance of one user, so a second instance on the machine would take over the first's;
# nothing here drives gunicorn through it (signals do).
control_socket_disable = True
