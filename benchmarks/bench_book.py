"""Book build benchmark: a cold build of the whole executed book, then a rebuild after one page changed.

Run with ``python -m benchmarks.bench_book`` (or ``make bench``). The cold build executes every
page into a fresh build folder; the warm rebuild touches one page and rebuilds, so only that page
is re-executed (jupyter-cache) and re-rendered. Prints a table and writes
``benchmarks/results/book.json``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TOUCHED_PAGE = "book/04_images_in_space.md"


def _build(source: Path) -> float:
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(source),
            "-W",
            "-n",
            "--keep-going",
            "-q",
        ],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> dict:
    """Time a cold build and a one-page rebuild in a scratch copy of the repository."""
    with tempfile.TemporaryDirectory(prefix="medimg-bench-book-") as scratch:
        copy = Path(scratch) / "course"
        shutil.copytree(
            ROOT,
            copy,
            ignore=shutil.ignore_patterns(
                ".git", ".venv", "_build", "node_modules", "submitted", "autograded", "feedback"
            ),
        )
        cold = _build(copy)
        page = copy / TOUCHED_PAGE
        page.write_text(page.read_text(encoding="utf-8") + "\n<!-- touched -->\n")
        warm = _build(copy)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cold_build_s": round(cold, 1),
        "rebuild_one_page_s": round(warm, 1),
        "touched_page": TOUCHED_PAGE,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "book.json").write_text(json.dumps(result, indent=2))
    print(f"{'book build':32s} {'seconds':>8s}")
    print(f"{'cold (every page executed)':32s} {cold:8.1f}")
    print(f"{'rebuild after one page changed':32s} {warm:8.1f}")
    return result


if __name__ == "__main__":
    main()
