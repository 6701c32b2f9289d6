"""Shared pieces of the benchmarks: timing, percentiles, the result table."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def rate(
    fn: Callable[[], object], *, seconds: float = 3.0, warmup: int = 5
) -> tuple[float, list[float]]:
    """Calls per second of ``fn`` run back to back for about ``seconds``, and each call's ms."""
    for _ in range(warmup):
        fn()
    latencies: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        t0 = time.perf_counter()
        fn()
        latencies.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    return len(latencies) / elapsed, latencies


def interleaved(
    a: Callable[[], object], b: Callable[[], object], *, rounds: int = 5, seconds: float = 1.0
) -> tuple[float, float]:
    """Median rate of ``a`` and of ``b`` measured in alternating rounds (noise hits both)."""
    rates_a, rates_b = [], []
    for _ in range(rounds):
        rates_a.append(rate(a, seconds=seconds, warmup=2)[0])
        rates_b.append(rate(b, seconds=seconds, warmup=2)[0])
    return statistics.median(rates_a), statistics.median(rates_b)


@dataclass
class Row:
    benchmark: str
    figure: str
    floor: str
    ratio: float | None
    target: str
    notes: str = ""

    @property
    def verdict(self) -> str:
        return self.notes


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(
            f"  {row.benchmark}: {row.figure} | floor {row.floor} | ratio "
            f"{'-' if row.ratio is None else f'{row.ratio:.2f}x'} | target {row.target}"
            f"{' | ' + row.notes if row.notes else ''}",
            flush=True,
        )

    def markdown(self) -> str:
        lines = [
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}",
            "",
            "| benchmark | result | floor (same run) | ratio to floor | target | notes |",
            "|---|---|---|---|---|---|",
        ]
        for r in self.rows:
            ratio = "-" if r.ratio is None else f"{r.ratio:.2f}x"
            lines.append(
                f"| {r.benchmark} | {r.figure} | {r.floor} | {ratio} | {r.target} | {r.notes} |"
            )
        return "\n".join(lines) + "\n"


def process_cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds used so far by ``pids`` (Linux /proc), ignoring gone ones."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / ticks


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"
    )
