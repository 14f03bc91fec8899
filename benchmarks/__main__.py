"""Run every benchmark: ``python -m benchmarks [book|demos|src|grading ...]``.

Each prints its table and writes a JSON file into ``benchmarks/results/``.
"""

from __future__ import annotations

import importlib
import sys

SUITES = ["demos", "src", "grading", "book"]


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmark suites (all by default)."""
    names = (argv if argv is not None else sys.argv[1:]) or SUITES
    unknown = sorted(set(names) - set(SUITES))
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {SUITES}", file=sys.stderr)
        return 2
    for name in names:
        print(f"\n== {name} ==", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
