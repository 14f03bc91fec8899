"""Writes to nbgrader's gradebook; only the grading process ever calls these."""

from __future__ import annotations

from pathlib import Path

from nbformat import NotebookNode


def resolve_db_url(db_url: str, course_root: Path) -> str:
    """Make a relative ``sqlite:///`` path relative to the course root.

    Examples
    --------
    >>> resolve_db_url("sqlite:///gradebook.db", Path("/srv/course"))
    'sqlite:////srv/course/gradebook.db'
    >>> resolve_db_url("postgresql://grader@db/gradebook", Path("/srv/course"))
    'postgresql://grader@db/gradebook'
    """
    prefix = "sqlite:///"
    if db_url.startswith(prefix) and not db_url.startswith(prefix + "/"):
        path = db_url[len(prefix) :]
        if path and path != ":memory:":
            return prefix + str((course_root / path).resolve())
    return db_url


def register_submission(db_url: str, student: str, assignment: str, folder: Path) -> None:
    """Create the student and the submission (with ``timestamp.txt`` when readable)."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import parse_utc

    timestamp = None
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        try:
            timestamp = parse_utc(stamp.read_text(encoding="utf-8", errors="replace")[:100].strip())
        except (ValueError, OverflowError):
            timestamp = None
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment, student)


def zero_notebook(db_url: str, student: str, assignment: str, notebook: str) -> None:
    """Give every grade of a notebook that could not be graded 0 automatic points."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        submission = gb.find_submission_notebook(notebook, assignment, student)
        for grade in submission.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        gb.db.commit()


def save_auto_grades(
    db_url: str, nb: NotebookNode, student: str, assignment: str, notebook: str
) -> None:
    """Store nbgrader's automatic grades of a scored notebook (manual ones stay open)."""
    from nbgrader.preprocessors import SaveAutoGrades

    resources = {
        "nbgrader": {
            "assignment": assignment,
            "notebook": notebook,
            "student": student,
            "db_url": db_url,
        }
    }
    SaveAutoGrades().preprocess(nb, resources)


def submission_score(db_url: str, student: str, assignment: str) -> float:
    """Return the submission's score in the gradebook: automatic points, or manual ones if given."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            return float(gb.find_submission(assignment, student).score)
        except MissingEntry:
            return 0.0


__all__ = [
    "register_submission",
    "resolve_db_url",
    "save_auto_grades",
    "submission_score",
    "zero_notebook",
]
