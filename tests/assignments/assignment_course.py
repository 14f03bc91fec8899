"""Grade many implementations of one assignment with the real nbgrader pipeline.

The test process builds a spec (student id -> {solution cell grade_id -> source}) and runs this
file as a script in a subprocess::

    python assignment_course.py ROOT ASSIGNMENT SPEC.json OUT.json

The script makes a scratch course in a temporary directory (its own gradebook), generates the
assignment from ``ROOT/solutions`` with nbgrader, writes one submission per student (the released
notebook with the given solution cells replaced), runs nbgrader's autograde for every student and
writes the score of every grade cell (read back through nbgrader's ``Gradebook``) together with
the error text of failing test cells.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HIDDEN = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$(.*?)^\s*### END HIDDEN TESTS\s*$", re.M | re.S)
ASSERTION = re.compile(r"^\s*(assert\b|raise AssertionError\b)", re.M)
#: In a variant's source, this line separates extra cells (inserted as plain code cells just
#: before the function's cell, e.g. a helper or an alias defined elsewhere) from the function's
#: own cell (the last part).
CELL_SEPARATOR = "# ---- next cell ----"
KINDS = ("wrong", "correct", "alias")
#: What the feedback of a caught wrapper or alias says (medimg.checks.assert_own_implementation).
ALIAS_PHRASE = "which the instructions ask you to write yourself"
SOLUTION_STUDENT = "solution"
RELEASE_STUDENT = "release"
TIMEOUT = 120


def tool_env() -> dict[str, str]:
    """Environment for subprocesses: the venv's bin first on PATH (nbgrader runs alembic)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("MPLBACKEND", "agg")
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def source_notebook(assignment: str, root: Path = ROOT) -> Path:
    """Path of the instructor notebook of an assignment."""
    return root / "solutions" / assignment / f"{assignment}.ipynb"


def assignment_names(root: Path = ROOT) -> list[str]:
    """Assignments in ``solutions/`` (folders holding a notebook of the same name), sorted."""
    return sorted(
        p.parent.name for p in (root / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name
    )


@dataclass
class Structure:
    """The graded functions of an assignment and the test cells that follow each one."""

    solutions: dict[str, str] = field(default_factory=dict)
    tests: dict[str, list[str]] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)
    manual: dict[str, float] = field(default_factory=dict)
    visible_asserts: int = 0
    hidden_asserts: int = 0


def structure(assignment: str, root: Path = ROOT) -> Structure:
    """Read the functions (solution cells) and their test cells from the instructor notebook.

    A test cell belongs to the nearest solution cell above it; the solution cell's grade_id is
    the function's name. Manually graded answers (solution and grade) and tasks are collected
    in ``manual`` (grade_id -> points) and belong to no function.
    """
    notebook = json.loads(source_notebook(assignment, root).read_text(encoding="utf-8"))
    result = Structure()
    current = None
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = "".join(cell["source"])
        if meta.get("task") or (meta.get("solution") and meta.get("grade")):
            result.manual[meta["grade_id"]] = float(meta["points"])
        elif meta.get("solution"):
            current = meta["grade_id"]
            result.solutions[current] = source
            result.tests[current] = []
        elif meta.get("grade"):
            if current is None:
                raise ValueError(
                    f"{assignment}: test cell {meta['grade_id']} precedes every solution cell"
                )
            result.tests[current].append(meta["grade_id"])
            result.points[meta["grade_id"]] = float(meta["points"])
            hidden = "".join(HIDDEN.findall(source))
            n_hidden = len(ASSERTION.findall(hidden))
            result.hidden_asserts += n_hidden
            result.visible_asserts += len(ASSERTION.findall(source)) - n_hidden
    return result


def build_spec(assignment: str, variants: dict, root: Path = ROOT) -> tuple[dict, dict]:
    """Pack all variants of an assignment into few students.

    Student ``wrong_k`` carries the k-th wrong implementation of every function that has one
    (the reference solution elsewhere); ``correct_k`` and ``alias_k`` likewise. Test cells only
    call their own function, so the marks of one function are independent of the other cells.

    Returns
    -------
    spec : dict
        student id -> {grade_id of a solution cell -> list of cell sources: extra cells to
        insert before it, then the replacement of the cell itself}; the release student has no
        replacements.
    where : dict
        (function, kind, variant name) -> student id.
    """
    info = structure(assignment, root)
    own = {function: [source] for function, source in info.solutions.items()}
    spec: dict[str, dict[str, list[str]]] = {SOLUTION_STUDENT: dict(own), RELEASE_STUDENT: {}}
    where: dict[tuple[str, str, str], str] = {}
    for kind in KINDS:
        depth = max((len(v.get(kind, {})) for v in variants.values()), default=0)
        for k in range(depth):
            student = f"{kind}_{k + 1}"
            cells = dict(own)
            for function, kinds in variants.items():
                items = list(kinds.get(kind, {}).items())
                if k < len(items):
                    name, source = items[k]
                    cells[function] = [
                        part.strip("\n") for part in source.split(CELL_SEPARATOR + "\n")
                    ]
                    where[(function, kind, name)] = student
            spec[student] = cells
    return spec, where


def run_course(assignment: str, spec: dict, root: Path = ROOT) -> dict:
    """Grade the students of ``spec`` in a subprocess; return the result written by `main`."""
    with tempfile.TemporaryDirectory(prefix=f"grade-{assignment}-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec))
        proc = subprocess.run(
            [sys.executable, __file__, str(root), assignment, str(spec_path), str(out_path)],
            env=tool_env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if proc.returncode != 0 or not out_path.exists():
            raise RuntimeError(
                f"grading {assignment} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
            )
        return json.loads(out_path.read_text(encoding="utf-8"))


def _error_texts(notebook: dict) -> dict[str, str]:
    texts = {}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("grade"):
            continue
        errors = [
            f"{o.get('ename')}: {o.get('evalue')}"
            for o in cell.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        texts[meta["grade_id"]] = "\n".join(errors)
    return texts


def main(root: Path, assignment: str, spec_path: Path, out_path: Path) -> None:
    """Make a scratch course, autograde every student of the spec and write scores as JSON."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"course-{assignment}-") as tmp:
        course = Path(tmp)
        shutil.copytree(root / "solutions" / assignment, course / "source" / assignment)
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        config.CourseDirectory.root = str(course)
        config.CourseDirectory.source_directory = "source"
        config.CourseDirectory.release_directory = "release"
        db_url = f"sqlite:///{course / 'gradebook.db'}"
        config.CourseDirectory.db_url = db_url
        config.ExecutePreprocessor.timeout = TIMEOUT
        config.Execute.timeout = TIMEOUT
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(result.get("log", "") + result.get("error", ""))
        released = json.loads(
            (course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8")
        )
        for student, cells in spec.items():
            notebook = json.loads(json.dumps(released))
            new_cells = []
            for cell in notebook["cells"]:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if grade_id in cells:
                    *extra, cell["source"] = cells[grade_id]
                    new_cells += [
                        {
                            "cell_type": "code",
                            "execution_count": None,
                            "id": f"extra-{grade_id}-{n}"[:64],
                            "metadata": {},
                            "outputs": [],
                            "source": source,
                        }
                        for n, source in enumerate(extra)
                    ]
                new_cells.append(cell)
            notebook["cells"] = new_cells
            target = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True)
            target.write_text(json.dumps(notebook))
        logs = {}
        for student in spec:
            result = api.autograde(assignment, student, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(
                    f"autograde {student}: " + result.get("log", "") + result.get("error", "")
                )
            logs[student] = result.get("log", "")
        scores: dict[str, dict[str, list[float]]] = {}
        with Gradebook(db_url) as gradebook:
            db_assignment = gradebook.find_assignment(assignment)
            for student in spec:
                scores[student] = {}
                for notebook in db_assignment.notebooks:
                    for cell in notebook.grade_cells:
                        grade = gradebook.find_grade(cell.name, notebook.name, assignment, student)
                        scores[student][cell.name] = [float(grade.score), float(cell.max_score)]
        errors = {}
        for student in spec:
            graded = course / "autograded" / student / assignment / f"{assignment}.ipynb"
            errors[student] = _error_texts(json.loads(graded.read_text(encoding="utf-8")))
    out_path.write_text(
        json.dumps({"scores": scores, "errors": errors, "seconds": time.perf_counter() - started})
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
