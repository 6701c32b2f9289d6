"""gunicorn settings of the production shape, plus the benchmark's counters in each worker.

Loaded with ``gunicorn -c benchmarks/gunicorn_counting.py``: every setting comes from
``deploy/gunicorn.conf.py`` unchanged; ``post_fork`` installs ``benchmarks.counting`` in the
worker, which reports its SQL statements and Redis round trips to ``$SPORTELLO_BENCH_COUNTS``.
"""

import os
import runpy
from pathlib import Path
from typing import Any

_settings = runpy.run_path(str(Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"))
globals().update({k: v for k, v in _settings.items() if not k.startswith("_")})


def post_fork(_server: Any, _worker: Any) -> None:
    from benchmarks.counting import ENV_DIR, start_reporting

    start_reporting(os.environ[ENV_DIR])
