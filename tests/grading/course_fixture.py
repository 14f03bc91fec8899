"""A tiny nbgrader course for the grading tests: one assignment, two graded tests, one hidden."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "fx01"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
CONFIG = """c = get_config()
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.submitted_directory = "submitted"
c.OverwriteCells.add_missing_cells = True
"""
TEST_SQUARE = "np.testing.assert_allclose(square(np.array([1.5, 3.0])), [2.25, 9.0])"
TEST_MEAN = (
    "assert mean_hu([1, 3]) == 2\n"
    "### BEGIN HIDDEN TESTS\n"
    'assert mean_hu([-1000, 1000]) == 0, "mean of air and bone"\n'
    "### END HIDDEN TESTS"
)
GOOD = {
    "square": "def square(x):\n    return x * x",
    "mean": "def mean_hu(values):\n    return float(np.mean(values))",
}
WRONG = {
    "square": "def square(x):\n    return x + x",
    "mean": "def mean_hu(values):\n    return 2.0",
}
MAX_SCORE = 3.0


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> nbformat.NotebookNode:
    """Instructor source of the fixture assignment."""
    cells = [
        new_markdown_cell("# Fixture assignment\nSquare numbers and average Hounsfield units."),
        new_code_cell(
            "import numpy as np",
            metadata=_meta("imports", grade=False, solution=False, locked=True),
        ),
        new_code_cell(
            "def square(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
            metadata=_meta("square", grade=False, solution=True, locked=False),
        ),
        new_code_cell(
            TEST_SQUARE,
            metadata=_meta("test_square", grade=True, solution=False, locked=True, points=1),
        ),
        new_code_cell(
            "def mean_hu(values):\n    ### BEGIN SOLUTION\n    return float(np.mean(values))\n"
            "    ### END SOLUTION",
            metadata=_meta("mean", grade=False, solution=True, locked=False),
        ),
        new_code_cell(
            TEST_MEAN,
            metadata=_meta("test_mean", grade=True, solution=False, locked=True, points=2),
        ),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


def release_notebook() -> nbformat.NotebookNode:
    """What students receive: solutions replaced by stubs, hidden tests removed."""
    nb = source_notebook()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            head = cell.source.split("\n")[0]
            cell.source = head + "\n    # YOUR CODE HERE\n    raise NotImplementedError()"
        if meta.get("grade_id") == "test_mean":
            cell.source = "assert mean_hu([1, 3]) == 2\n"
    return nb


def submission(answers: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """A student's notebook: the release with ``answers`` (grade_id -> source) filled in."""
    nb = release_notebook()
    answers = GOOD if answers is None else answers
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


class Course:
    """A temporary course directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "solutions" / ASSIGNMENT).mkdir(parents=True)
        (root / "submitted").mkdir()
        (root / "nbgrader_config.py").write_text(CONFIG)
        nbformat.write(source_notebook(), root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")

    def folder(self, student: str, assignment: str = ASSIGNMENT) -> Path:
        path = self.root / "submitted" / student / assignment
        path.mkdir(parents=True, exist_ok=True)
        return path

    def submit(
        self,
        student: str,
        answers: dict[str, str] | None = None,
        *,
        edit: Callable[[nbformat.NotebookNode], None] | None = None,
        name: str = f"{ASSIGNMENT}.ipynb",
    ) -> Path:
        nb = submission(answers)
        if edit is not None:
            edit(nb)
        path = self.folder(student) / name
        nbformat.write(nb, path)
        return path

    def hashes(self) -> dict[str, str]:
        out = {}
        for path in sorted((self.root / "submitted").rglob("*")):
            if path.is_file():
                out[str(path.relative_to(self.root))] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
        return out


def grade_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env
