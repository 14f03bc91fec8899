"""Grading throughput: ``medimg-grade`` (all cores, sandboxed) vs plain nbgrader, like with like.

N synthetic submissions of one assignment (correct, wrong and hostile ones) are graded in
the same run, each method in its own copy of a temporary course, and two comparisons are
reported:

* **grading only**: ``medimg-grade --workers 0 --no-feedback`` vs ONE
  ``nbgrader autograde ASSIGNMENT`` batch over all students (how instructors run it);
* **grading + feedback**: ``medimg-grade --workers 0`` (which also writes every feedback
  page) vs that ``nbgrader autograde`` batch followed by ONE
  ``nbgrader generate_feedback ASSIGNMENT`` batch.

The nbgrader side is run once: its autograde time is the grading-only figure, and autograde
plus generate_feedback the grading + feedback figure. Scores of both ``medimg-grade`` runs
are compared with nbgrader's gradebook. Prints a table with the machine (cores, load average
before and after) and writes ``benchmarks/results/grading.json``.

Run with ``python -m benchmarks grading`` (36 submissions of ps02) or
``python -m benchmarks.bench_grading [--n 36] [--assignment ps01_sampling_quantization]``
(results of another set go to ``benchmarks/results/grading-<set>.json``).
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


#: Problem set graded by default.
DEFAULT_ASSIGNMENT = "ps02_images_in_space"


def _assignment(name: str = DEFAULT_ASSIGNMENT) -> tuple[str, nbformat.NotebookNode]:
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


def make_course(
    base: Path, n: int, *, assignment: str = DEFAULT_ASSIGNMENT
) -> tuple[Path, str, dict[str, str]]:
    """Write a course with ``n`` submissions; return (root, assignment, student -> kind)."""
    name, source = _assignment(assignment)
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


def _timed(argv: list[str], *, cwd: Path | None = None) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, exit status, last lines of its stderr)."""
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    return seconds, proc.returncode, proc.stderr[-2000:]


def run_medimg_grade(root: Path, *, feedback: bool) -> dict:
    """Time ``medimg-grade --workers 0`` on a course (``--no-feedback`` unless ``feedback``)."""
    extra = [] if feedback else ["--no-feedback"]
    argv = [str(BIN / "medimg-grade"), "--course-root", str(root), "--workers", "0"]
    seconds, returncode, stderr = _timed([*argv, "--no-progress", *extra])
    with open(root / "grades.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pages = len(list((root / "feedback").glob("*/*/*.html"))) if feedback else 0
    return {
        "seconds": seconds,
        "returncode": returncode,
        "rows": len(rows),
        "feedback_pages": pages,
        "scores": {r["student"]: float(r["score"]) for r in rows},
        "stderr": stderr,
    }


def run_nbgrader_batch(root: Path, name: str, students: list[str]) -> dict:
    """Time ONE ``nbgrader autograde`` batch, then ONE ``nbgrader generate_feedback`` batch.

    ``nbgrader generate_assignment`` runs first, untimed (instructors run it once).
    """
    nbgrader = str(BIN / "nbgrader")
    _, returncode, stderr = _timed([nbgrader, "generate_assignment", name, "--force"], cwd=root)
    if returncode != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{stderr}")
    autograde = _timed([nbgrader, "autograde", name, "--force"], cwd=root)
    feedback = _timed([nbgrader, "generate_feedback", name, "--force"], cwd=root)
    scores: dict[str, float | None] = {}
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in students:
            try:
                scores[student] = gb.find_submission(name, student).score
            except Exception:
                scores[student] = None
    return {
        "autograde_seconds": autograde[0],
        "autograde_returncode": autograde[1],
        "feedback_seconds": feedback[0],
        "feedback_returncode": feedback[1],
        "feedback_pages": len(list((root / "feedback").glob("*/*/*.html"))),
        "scores": scores,
    }


def _agree(ours: dict, theirs: dict, students: list[str]) -> str:
    same = sum(
        1
        for s in students
        if theirs["scores"].get(s) is not None
        and abs(theirs["scores"][s] - ours["scores"].get(s, -1)) < 1e-9
    )
    return f"{same}/{len(students)}"


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print a table, write the JSON results; return them.

    Parameters
    ----------
    argv : list of str, optional
        Command-line options (``--n``); the defaults when None.
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_grading")
    parser.add_argument("--n", type=int, default=36, help="number of submissions (default 36)")
    parser.add_argument(
        "--assignment",
        default=DEFAULT_ASSIGNMENT,
        help=f"problem set in solutions/ (default {DEFAULT_ASSIGNMENT})",
    )
    args = parser.parse_args([] if argv is None else argv)
    if not (ROOT / "solutions" / args.assignment).is_dir():
        parser.error(f"argument --assignment: no solutions/{args.assignment}/")
    if args.n < 1:
        parser.error(f"argument --n: must be >= 1, got {args.n}")
    loads: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        base = Path(tmp)
        root, name, kinds = make_course(base / "a", args.n, assignment=args.assignment)
        students = sorted(kinds)
        copies = {}
        for label in ("feedback", "nbgrader"):
            copies[label] = base / label / "course"
            shutil.copytree(root, copies[label])
        # Interleaved, so that a change of the machine's load hits both sides.
        loads["medimg_grade_no_feedback"] = [_load()]
        bare = run_medimg_grade(root, feedback=False)
        loads["medimg_grade_no_feedback"].append(_load())
        loads["nbgrader"] = [_load()]
        theirs = run_nbgrader_batch(copies["nbgrader"], name, students)
        loads["nbgrader"].append(_load())
        loads["medimg_grade_feedback"] = [_load()]
        full = run_medimg_grade(copies["feedback"], feedback=True)
        loads["medimg_grade_feedback"].append(_load())
    nb_grading = theirs["autograde_seconds"]
    nb_full = theirs["autograde_seconds"] + theirs["feedback_seconds"]

    def per_min(seconds: float) -> float:
        return round(60 * args.n / seconds, 2)

    result = {
        "assignment": name,
        "submissions": args.n,
        "mix": {k: list(kinds.values()).count(k) for k in sorted(set(kinds.values()))},
        "machine": {
            "nproc": os.cpu_count(),
            "cores_usable": len(os.sched_getaffinity(0)),
            "python": platform.python_version(),
            "load_average_1min_before": loads["medimg_grade_no_feedback"][0],
            "load_average_1min_after": loads["medimg_grade_feedback"][1],
            "load_average_1min_per_run": loads,
        },
        "grading_only": {
            "medimg_grade_no_feedback": {
                "seconds": round(bare["seconds"], 2),
                "notebooks_per_minute": per_min(bare["seconds"]),
                "rows": bare["rows"],
                "returncode": bare["returncode"],
            },
            "nbgrader_autograde_batch": {
                "seconds": round(nb_grading, 2),
                "notebooks_per_minute": per_min(nb_grading),
                "returncode": theirs["autograde_returncode"],
            },
            "ratio": round(nb_grading / bare["seconds"], 2),
            "scores_agree": _agree(bare, theirs, students),
        },
        "grading_and_feedback": {
            "medimg_grade": {
                "seconds": round(full["seconds"], 2),
                "notebooks_per_minute": per_min(full["seconds"]),
                "rows": full["rows"],
                "feedback_pages": full["feedback_pages"],
                "returncode": full["returncode"],
            },
            "nbgrader_autograde_then_generate_feedback": {
                "seconds": round(nb_full, 2),
                "autograde_seconds": round(nb_grading, 2),
                "generate_feedback_seconds": round(theirs["feedback_seconds"], 2),
                "notebooks_per_minute": per_min(nb_full),
                "feedback_pages": theirs["feedback_pages"],
                "returncode": theirs["feedback_returncode"],
            },
            "ratio": round(nb_full / full["seconds"], 2),
            "scores_agree": _agree(full, theirs, students),
        },
    }
    machine = result["machine"]
    print(
        f"Grading {args.n} submissions of {name} on {machine['cores_usable']} cores "
        f"(nproc {machine['nproc']})"
    )
    print(f"{'method':<58}{'seconds':>9}{'nb/min':>9}{'ratio':>8}")
    table = [
        ("grading only", None, None, None),
        (
            "  medimg-grade --no-feedback (sandboxed, all cores)",
            bare["seconds"],
            per_min(bare["seconds"]),
            result["grading_only"]["ratio"],
        ),
        ("  nbgrader autograde (one batch)", nb_grading, per_min(nb_grading), 1.0),
        ("grading + feedback", None, None, None),
        (
            "  medimg-grade (sandboxed, all cores, feedback pages)",
            full["seconds"],
            per_min(full["seconds"]),
            result["grading_and_feedback"]["ratio"],
        ),
        (
            "  nbgrader autograde + generate_feedback (one batch each)",
            nb_full,
            per_min(nb_full),
            1.0,
        ),
    ]
    for label, seconds, rate, ratio in table:
        if seconds is None:
            print(label)
        else:
            print(f"{label:<58}{seconds:>9.1f}{rate:>9.1f}{ratio:>7.2f}x")
    print(
        f"scores agree with nbgrader: {result['grading_only']['scores_agree']} (no feedback), "
        f"{result['grading_and_feedback']['scores_agree']} (feedback)"
    )
    print(
        "load average (1 min) before/after: "
        f"{machine['load_average_1min_before']:.2f} / {machine['load_average_1min_after']:.2f}"
    )
    for run in (bare, full):
        if run["returncode"] != 0:
            print(
                f"medimg-grade exited with {run['returncode']}:\n{run['stderr']}", file=sys.stderr
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS if name == DEFAULT_ASSIGNMENT else RESULTS.with_name(f"grading-{name}.json")
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
