"""Partner counters: the signed terminal API, the web terminal and ``flask counter``."""

from __future__ import annotations

from ..features import Feature, Mount
from .api import bp as api
from .carts import bp as carts
from .cli import counter_group
from .daybook import bp as daybook
from .web import bp as web
from .web_day import bp as web_day

FEATURE = Feature(
    name="counter",
    mounts=(
        Mount(api, "terminal", "/counter/api/v1"),
        Mount(carts, "terminal", "/counter/api/v1"),
        Mount(daybook, "terminal", "/counter/api/v1"),
        Mount(web, "terminal", "/sportello-convenzionato"),
        Mount(web_day, "terminal", "/sportello-convenzionato"),
    ),
    commands=(counter_group,),
)
