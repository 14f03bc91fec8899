"""Grading throughput: ``medimg-grade`` (all cores, sandboxed) vs ``nbgrader autograde``.

N synthetic submissions of one assignment (correct, wrong and hostile ones) are graded
twice in the same run, each in its own copy of a temporary course: once by
``medimg-grade --workers 0`` and once by plain ``nbgrader autograde ASSIGNMENT`` run as
ONE batch over all students (how instructors run it). Prints a table, the machine's
load average, and writes ``benchmarks/results/grading.json``.

Run with ``python -m benchmarks.bench_grading [--n 36]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "grading.json"
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("MPLBACKEND", "agg")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def _fixture_source() -> tuple[str, nbformat.NotebookNode]:
    sys.path.insert(0, str(ROOT / "tests" / "grading"))
    import course_fixture  # the tests' tiny assignment

    return course_fixture.ASSIGNMENT, course_fixture.source_notebook()


def _assignment() -> tuple[str, nbformat.NotebookNode]:
    name = "ps02_images_in_space"
    path = ROOT / "solutions" / name / f"{name}.ipynb"
    if path.is_file():
        return name, nbformat.read(path, as_version=4)
    return _fixture_source()


def _release(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions, LockCells

    for cls in (LockCells, ClearSolutions, ClearHiddenTests, ClearOutput):
        nb, _ = cls().preprocess(nb, {})
    return nb


def _hostile(nb: nbformat.NotebookNode, code: str) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = code + "\n" + cell.source
            break
    return nb


def make_course(base: Path, n: int) -> tuple[Path, str, dict[str, str]]:
    """Write a course with ``n`` submissions; return (root, assignment, student -> kind)."""
    name, source = _assignment()
    root = base / "course"
    (root / "solutions" / name).mkdir(parents=True)
    nbformat.write(source, root / "solutions" / name / f"{name}.ipynb")
    config = ROOT / "nbgrader_config.py"
    if config.is_file():
        shutil.copy(config, root / "nbgrader_config.py")
    kinds = {}
    for i in range(n):
        kind = ("correct", "wrong", "correct", "crash", "import_error")[i % 5]
        student = f"student{i:03d}"
        if kind == "correct":
            nb = nbformat.read(root / "solutions" / name / f"{name}.ipynb", as_version=4)
        elif kind == "wrong":
            nb = _release(nbformat.read(root / "solutions" / name / f"{name}.ipynb", 4))
        elif kind == "crash":
            nb = _hostile(
                _release(nbformat.read(root / "solutions" / name / f"{name}.ipynb", 4)),
                "import os\nos._exit(1)",
            )
        else:
            nb = _hostile(
                _release(nbformat.read(root / "solutions" / name / f"{name}.ipynb", 4)),
                "import no_such_module",
            )
        folder = root / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")
        kinds[student] = kind
    return root, name, kinds


def run_medimg_grade(root: Path, *, feedback: bool = True) -> dict:
    """Time ``medimg-grade --workers 0`` on a course (``--no-feedback`` when asked)."""
    start = time.perf_counter()
    extra = [] if feedback else ["--no-feedback"]
    proc = subprocess.run(
        [
            str(BIN / "medimg-grade"),
            "--course-root",
            str(root),
            "--workers",
            "0",
            "--no-progress",
            *extra,
        ],
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    with open(root / "grades.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {
        "seconds": seconds,
        "returncode": proc.returncode,
        "rows": len(rows),
        "scores": {r["student"]: float(r["score"]) for r in rows},
    }


def run_nbgrader_batch(root: Path, name: str, students: list[str]) -> dict:
    """Time ``nbgrader generate_assignment`` once, then ONE ``nbgrader autograde`` for all."""
    nbgrader = [str(BIN / "nbgrader")]
    subprocess.run(
        [*nbgrader, "generate_assignment", name, "--force"],
        cwd=root,
        env=_env(),
        capture_output=True,
        check=True,
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [*nbgrader, "autograde", name, "--force"],
        cwd=root,
        env=_env(),
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    scores = {}
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in students:
            try:
                scores[student] = gb.find_submission(name, student).score
            except Exception:
                scores[student] = None
    return {"seconds": seconds, "returncode": proc.returncode, "scores": scores}


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print a table, write the JSON results; return them."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_grading")
    parser.add_argument("--n", type=int, default=36, help="number of submissions (default 36)")
    parser.add_argument(
        "--no-feedback",
        action="store_true",
        help="grade with medimg-grade --no-feedback (nbgrader autograde writes no feedback)",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"argument --n: must be >= 1, got {args.n}")
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        base = Path(tmp)
        root, name, kinds = make_course(base / "a", args.n)
        other = base / "b" / "course"
        shutil.copytree(root, other)
        load_before = os.getloadavg()[0]
        ours = run_medimg_grade(root, feedback=not args.no_feedback)
        theirs = run_nbgrader_batch(other, name, sorted(kinds))
        load_after = os.getloadavg()[0]
    agree = sum(
        1
        for s in kinds
        if theirs["scores"].get(s) is not None
        and abs(theirs["scores"][s] - ours["scores"].get(s, -1)) < 1e-9
    )
    per_min = {
        k: 60 * args.n / v["seconds"]
        for k, v in (("medimg-grade", ours), ("nbgrader batch", theirs))
    }
    result = {
        "assignment": name,
        "submissions": args.n,
        "feedback": not args.no_feedback,
        "mix": {k: list(kinds.values()).count(k) for k in sorted(set(kinds.values()))},
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "medimg_grade": {
            "seconds": round(ours["seconds"], 2),
            "notebooks_per_minute": round(per_min["medimg-grade"], 2),
            "rows": ours["rows"],
            "returncode": ours["returncode"],
        },
        "nbgrader_batch": {
            "seconds": round(theirs["seconds"], 2),
            "notebooks_per_minute": round(per_min["nbgrader batch"], 2),
            "returncode": theirs["returncode"],
        },
        "load_average_1min": [round(load_before, 2), round(load_after, 2)],
        "speedup": round(theirs["seconds"] / ours["seconds"], 2),
        "scores_agree": f"{agree}/{args.n}",
    }
    print(f"Grading {args.n} submissions of {name} on {result['cores']} cores")
    print(f"{'method':<34}{'seconds':>10}{'notebooks/min':>16}")
    print(
        f"{'medimg-grade (sandboxed, all cores)':<34}{ours['seconds']:>10.1f}"
        f"{per_min['medimg-grade']:>16.1f}"
    )
    print(
        f"{'nbgrader autograde (one batch)':<34}{theirs['seconds']:>10.1f}"
        f"{per_min['nbgrader batch']:>16.1f}"
    )
    print(f"speed-up {result['speedup']:.2f}x; scores agree on {result['scores_agree']}")
    print(f"load average (1 min) before/after: {load_before:.2f} / {load_after:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
