"""Memory: peak RSS per gunicorn worker under the counter load, and its growth over N completions.

The counter load of ``benchmarks.counter`` (8 terminals) pays N notices (10,000 in the full
run). Each worker's RSS is read from /proc (VmRSS; VmHWM for the peak); growth is the RSS
at the end minus the RSS after the first 10% of the completions (caches and pools warm).
gunicorn's worker recycling (``max_requests``) is turned off for the run, so that a leak
shows instead of being reset.
"""

from __future__ import annotations

from pathlib import Path

from .common import Row, Table
from .counter import app_for, counter_stack, drive, seed_notices, seed_terminals

TERMINALS = 8


def rss_kib(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in KiB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values["VmRSS"], values["VmHWM"]


def run(table: Table, *, rounds: int = 5) -> None:
    total = 10_000 if rounds >= 5 else 300 * rounds
    warm = total // 10
    with counter_stack(
        bulk_fines=total + 10, extra_env={"GUNICORN_CMD_ARGS": "--max-requests 0"}
    ) as stack:
        app = app_for(stack.env)
        notices = seed_notices(app, 1, total)
        terminals = seed_terminals(app, TERMINALS, prefix="MEM")
        pids = stack.worker_pids()
        drive(stack.base_url, terminals, notices[:warm])
        after_warmup = {pid: rss_kib(pid)[0] for pid in pids}
        seconds, _, done = drive(stack.base_url, terminals, notices[warm:])
        final = {pid: rss_kib(pid) for pid in pids}
        replaced = set(pids) - set(stack.worker_pids())

    peak_mib = max(hwm for _, hwm in final.values()) / 1024
    growth = {pid: (final[pid][0] - after_warmup[pid]) / 1024 for pid in pids}
    worst = max(growth.values())
    per_k = worst / ((total - warm) / 1000)
    table.add(
        Row(
            f"Memory per worker, {total:,} completions",
            f"peak RSS {peak_mib:.0f} MiB; growth after warm-up "
            + ", ".join(f"{g:+.1f} MiB" for g in growth.values())
            + f" over {total - warm:,} completions ({per_k:+.2f} MiB per 1,000)",
            "-",
            None,
            "flat",
            ("workers replaced during the run! " if replaced else "")
            + ("flat" if per_k < 0.5 else "growing")
            + f"; {len(done) / seconds:.0f} completions/s",
        )
    )
