"""The fixture assignment of course_fixture.py plus a manually graded written answer.

Source cells: the two autograded functions (3 points) and a markdown answer
(``explain``, 2 points, graded by a person in the formgrader); the model answer and the
rubric live inside the answer cell of the instructor source only.
"""

from __future__ import annotations

import nbformat
from course_fixture import ASSIGNMENT, GOOD, Course, source_notebook, submission
from nbformat.v4 import new_markdown_cell

WRITTEN_POINTS = 2.0
AUTO_POINTS = 3.0
QUESTION = "**Question (2 points).** Why is the mean of air and bone close to 0 HU?"
MODEL_ANSWER = (
    "Air is about -1000 HU and dense bone about +1000 HU, so they cancel.\n\n"
    "Rubric: 1 point for the two values, 1 point for the cancellation."
)


def written_meta() -> dict:
    return {
        "nbgrader": {
            "grade": True,
            "grade_id": "explain",
            "locked": False,
            "points": WRITTEN_POINTS,
            "schema_version": 3,
            "solution": True,
        }
    }


def written_source() -> nbformat.NotebookNode:
    """Instructor source: the fixture notebook with the written question at the end."""
    nb = source_notebook()
    nb.cells.append(new_markdown_cell(QUESTION))
    nb.cells.append(new_markdown_cell(MODEL_ANSWER, metadata=written_meta()))
    return nb


def written_submission(answers=None, text: str = "They cancel out.") -> nbformat.NotebookNode:
    """A student's notebook with functions from ``answers`` and ``text`` as written answer."""
    nb = submission(GOOD if answers is None else answers)
    nb.cells.append(new_markdown_cell(QUESTION))
    nb.cells.append(new_markdown_cell(text, metadata=written_meta()))
    return nb


class WrittenCourse(Course):
    """A temporary course whose assignment has a manually graded answer."""

    def __init__(self, root) -> None:
        super().__init__(root)
        nbformat.write(written_source(), root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")

    def submit_written(self, student: str, answers=None, text: str = "They cancel out."):
        path = self.folder(student) / f"{ASSIGNMENT}.ipynb"
        nbformat.write(written_submission(answers, text), path)
        return path
