"""Writes to nbgrader's gradebook; only the grading process ever calls these.

Opening nbgrader's :class:`~nbgrader.api.Gradebook` creates an SQLAlchemy engine (with an
empty cache of compiled SQL), inspects the schema and commits a course check. A grading
run therefore opens the gradebook once, as a :class:`Connection`, and every step of every
submission uses it: each thread gets its own session (nbgrader keeps a
``scoped_session``), which :meth:`Connection.session` ends after each step, so no
transaction or connection is held between steps.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
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


class Connection:
    """nbgrader's gradebook, opened once for a grading run and shared by its threads.

    Parameters
    ----------
    db_url : str
        SQLAlchemy URL of the gradebook (absolute, see :func:`resolve_db_url`).

    Examples
    --------
    >>> with Connection("sqlite://") as db, db.session() as gb:
    ...     gb.update_or_create_student("ada").id
    'ada'
    """

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self._gradebook = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def session(self) -> Iterator:
        """Use the gradebook in this thread; the session ends (uncommitted work is lost) after.

        Yields
        ------
        nbgrader.api.Gradebook
            The run's gradebook (opened on first use).
        """
        with self._lock:
            if self._gradebook is None:
                from nbgrader.api import Gradebook

                self._gradebook = Gradebook(self.db_url)
            gradebook = self._gradebook
        try:
            yield gradebook
        finally:
            gradebook.db.remove()

    def close(self) -> None:
        """Close the gradebook (after the last session of every thread has ended)."""
        with self._lock:
            gradebook, self._gradebook = self._gradebook, None
        if gradebook is not None:
            gradebook.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def register_submission(db: Connection, student: str, assignment: str, folder: Path) -> None:
    """Create the student and the submission (with ``timestamp.txt`` when readable)."""
    from nbgrader.utils import parse_utc

    timestamp = None
    stamp = folder / "timestamp.txt"
    if stamp.is_file() and not stamp.is_symlink():
        try:
            timestamp = parse_utc(stamp.read_text(encoding="utf-8", errors="replace")[:100].strip())
        except (ValueError, OverflowError):
            timestamp = None
    with db.session() as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment, student)


def zero_notebook(db: Connection, student: str, assignment: str, notebook: str) -> None:
    """Give every grade of a notebook that could not be graded 0 automatic points."""
    with db.session() as gb:
        submission = gb.find_submission_notebook(notebook, assignment, student)
        for grade in submission.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        gb.db.commit()


class SubmittedCells:
    """An open gradebook that has read the grades and comments of one submitted notebook.

    nbgrader's preprocessors look up every grade and comment with a query of its own;
    :meth:`find_grade` and :meth:`find_comment` answer from the notebook's rows, read in
    two queries (a name that is not there is looked up as nbgrader does, which raises its
    ``MissingEntry``). Anything else is the gradebook's own.

    Parameters
    ----------
    gradebook : nbgrader.api.Gradebook
        The open gradebook (one session: the rows belong to it).
    notebook, assignment, student : str
        Which submitted notebook.
    """

    def __init__(self, gradebook, notebook: str, assignment: str, student: str) -> None:
        from nbgrader.api import BaseCell, Comment, Grade

        self.gradebook = gradebook
        self.key = (notebook, assignment, student)
        submitted = gradebook.find_submission_notebook(notebook, assignment, student)
        found = []
        for table in (Grade, Comment):
            rows = (
                gradebook.db.query(table, BaseCell.name)
                .join(BaseCell, BaseCell.id == table.cell_id)
                .filter(table.notebook_id == submitted.id)
            )
            found.append({name: row for row, name in rows})
        self.grades, self.comments = found

    def find_grade(self, name: str, notebook: str, assignment: str, student: str):
        """Return a grade, as ``Gradebook.find_grade`` does."""
        if (notebook, assignment, student) == self.key and name in self.grades:
            return self.grades[name]
        return self.gradebook.find_grade(name, notebook, assignment, student)

    def find_comment(self, name: str, notebook: str, assignment: str, student: str):
        """Return a comment, as ``Gradebook.find_comment`` does."""
        if (notebook, assignment, student) == self.key and name in self.comments:
            return self.comments[name]
        return self.gradebook.find_comment(name, notebook, assignment, student)

    def __getattr__(self, name: str):
        return getattr(self.gradebook, name)


def save_auto_grades(
    db: Connection, nb: NotebookNode, student: str, assignment: str, notebook: str
) -> None:
    """Store nbgrader's automatic grades of a scored notebook (manual ones stay open).

    What nbgrader's ``SaveAutoGrades`` preprocessor stores: the automatic score of each
    graded cell (flagged for manual grading when it has a manual score or no automatic
    one), and the automatic comment of each answer and task ("No response." for an
    unchanged answer). nbgrader commits after each cell; here once for the notebook.
    """
    from nbgrader import utils

    with db.session() as open_gradebook:
        gb = SubmittedCells(open_gradebook, notebook, assignment, student)
        for cell in nb.cells:
            if utils.is_grade(cell):
                grade = gb.find_grade(
                    cell.metadata["nbgrader"]["grade_id"], notebook, assignment, student
                )
                grade.auto_score, _ = utils.determine_grade(cell)
                grade.needs_manual_grade = (
                    grade.manual_score is not None or grade.auto_score is None
                )
            if utils.is_solution(cell) or utils.is_task(cell):
                comment = gb.find_comment(
                    cell.metadata["nbgrader"]["grade_id"], notebook, assignment, student
                )
                unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
                comment.auto_comment = (
                    "No response." if unchanged and not utils.is_task(cell) else None
                )
        gb.db.commit()


def submission_score(db: Connection, student: str, assignment: str) -> float:
    """Return the submission's score in the gradebook: automatic points, or manual ones if given."""
    from nbgrader.api import MissingEntry

    with db.session() as gb:
        try:
            return float(gb.find_submission(assignment, student).score)
        except MissingEntry:
            return 0.0


__all__ = [
    "Connection",
    "SubmittedCells",
    "register_submission",
    "resolve_db_url",
    "save_auto_grades",
    "submission_score",
    "zero_notebook",
]
