"""Grade rows, statuses and the resume fingerprint (no sandbox needed)."""

from __future__ import annotations

import pytest
from course_fixture import Course
from medimg_grade import sandbox, state
from medimg_grade.records import FIELDS, GradeRow, Status, build_row
from medimg_grade.submissions import Submission


def test_row_columns_and_round_trip_through_the_state():
    row = build_row(
        "zoë",
        "fx01",
        raw_score=2.5,
        max_score=3,
        statuses=[Status.OK, Status.MEMORY],
        notes=["a", "", "a"],
        sandboxed=False,
    )
    assert tuple(row.csv()) == FIELDS
    assert (row.status_text, row.reason) == (
        "memory-unsandboxed",
        "a; UNSANDBOXED: bwrap unavailable",
    )
    assert GradeRow.from_csv(row.csv()) == row


def test_score_is_never_negative():
    row = build_row("a", "fx01", raw_score=0.0, max_score=3)
    assert (row.score, row.late_penalty, row.manual_points) == (0.0, 0.0, 0.0)


@pytest.fixture
def fingerprints(course: Course):
    course.submit("ada")
    sub = Submission("ada", "fx01", course.folder("ada"))

    def current(limits=None):
        limits = limits or sandbox.Limits()
        return state.fingerprint(course.root, sub, limits=limits, sandboxed=True, sources={})

    return course, current


def test_fingerprint_is_stable(fingerprints):
    _, current = fingerprints
    assert current() == current()


def test_changed_nbgrader_config_regrades(fingerprints):
    course, current = fingerprints
    before = current()
    with open(course.root / "nbgrader_config.py", "a") as handle:
        handle.write("c.Execute.timeout = 99\n")
    assert current() != before


def test_changed_test_in_the_source_regrades(fingerprints):
    course, current = fingerprints
    before = current()
    path = course.root / "solutions" / "fx01" / "fx01.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("2.25", "2.250"))
    assert current() != before


def test_changed_limits_regrade(fingerprints):
    _, current = fingerprints
    assert current(sandbox.Limits(timeout_s=5)) != current()


def test_grader_version_names_the_code():
    assert "+" in state.grader_version()
