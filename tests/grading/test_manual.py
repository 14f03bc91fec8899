"""Manually graded parts: the automatic part is graded, the rest waits for a person."""

from __future__ import annotations

import csv

import nbformat
import pytest
from course_fixture import ASSIGNMENT, GOOD, Course, _meta, source_notebook
from medimg_grade import batch, sandbox
from medimg_grade.records import FIELDS
from nbformat.v4 import new_markdown_cell

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]

ANSWER_POINTS, TASK_POINTS = 2, 1


def _with_manual_parts(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    answer = new_markdown_cell(
        "Why is the mean of air and bone 0 HU?\n\n### BEGIN SOLUTION\n"
        "Rubric: -1000 and +1000 average to 0.\n### END SOLUTION",
        metadata=_meta("why_zero", grade=True, solution=True, locked=False, points=ANSWER_POINTS),
    )
    task = new_markdown_cell(
        "Plot a histogram of a CT slice and describe its peaks.",
        metadata={
            "nbgrader": {
                "grade": False,
                "grade_id": "histogram_task",
                "locked": True,
                "points": TASK_POINTS,
                "schema_version": 3,
                "solution": False,
                "task": True,
            }
        },
    )
    nb.cells += [answer, task]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("manual") / "course")
    path = course.root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nbformat.write(_with_manual_parts(source_notebook()), path)

    def answer(nb):
        for cell in nb.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "why_zero":
                cell.source = "Because -1000 and 1000 cancel out."

    released = nbformat.read(path, as_version=4)
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions, LockCells

    for cls in (LockCells, ClearSolutions, ClearHiddenTests, ClearOutput):
        released, _ = cls().preprocess(released, {})
    for cell in released.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in GOOD:
            cell.source = GOOD[gid]
    answer(released)
    nbformat.write(released, course.folder("ada") / f"{ASSIGNMENT}.ipynb")
    rows = batch.grade(
        batch.Options(course_root=course.root, limits=sandbox.Limits(timeout_s=30), progress=False),
        log=lambda message: None,
    )
    return course, rows


def test_row_reports_points_waiting_for_a_person(graded):
    _, rows = graded
    (row,) = rows
    assert (row.raw_score, row.score, row.max_score) == (
        3.0,
        3.0,
        3.0 + ANSWER_POINTS + TASK_POINTS,
    )
    assert row.manual_points == ANSWER_POINTS + TASK_POINTS
    assert f"needs manual grading ({ANSWER_POINTS + TASK_POINTS} points)" in row.reason
    assert row.status.value == "ok"


def test_csv_has_the_columns_of_the_contract(graded):
    course, _ = graded
    with open(course.root / "grades.csv", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == FIELDS
    assert rows[0]["manual_points"] == str(ANSWER_POINTS + TASK_POINTS)
    assert rows[0]["late_penalty"] == "0"


def test_gradebook_leaves_the_manual_answer_to_the_formgrader(graded):
    from nbgrader.api import Gradebook

    course, _ = graded
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gb:
        grades = {
            g.name: g for g in gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, "ada").grades
        }
        assert grades["why_zero"].auto_score is None
        assert grades["why_zero"].needs_manual_grade
        assert grades["test_square"].auto_score == 1
        assert not grades["test_square"].needs_manual_grade
