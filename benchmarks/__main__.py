"""Run every benchmark and write the table: ``python -m benchmarks [--quick] [name ...]``."""

from __future__ import annotations

import argparse
import importlib
import sys

from .common import RESULTS, Table

ALL = ["receipt", "acs", "cobrowse", "counter", "legacy", "memory", "audit"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", default=ALL, help=f"among {', '.join(ALL)}")
    parser.add_argument("--quick", action="store_true", help="shorter runs (for a smoke test)")
    args = parser.parse_args(argv)
    table = Table()
    for name in args.names:
        print(f"== {name}", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        module.run(table, **({"rounds": 2} if args.quick else {}))
    RESULTS.mkdir(exist_ok=True)
    output = table.markdown()
    (RESULTS / "latest.md").write_text(output)
    print()
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
