"""A 50-submission batch mixing good and hostile notebooks ends with 50 rows."""

from __future__ import annotations

import csv

import pytest
from course_fixture import GOOD, WRONG, Course
from medimg_grade import cli, sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]

HOSTILE = [
    {"square": "while True:\n    pass", "mean": GOOD["mean"]},
    {"square": "import os\nos._exit(1)", "mean": GOOD["mean"]},
    {"square": "import numpy\nx = numpy.ones(2**33, dtype=numpy.uint8)", "mean": GOOD["mean"]},
    {"square": GOOD["square"] + "\nnp.testing.assert_allclose = lambda *a, **k: None"},
]


def test_fifty_submissions_fifty_rows(tmp_path):
    course = Course(tmp_path / "course")
    expected = {}
    for i in range(50):
        student = f"s{i:02d}"
        kind = i % 5
        if kind == 4:
            (course.folder(student) / "fx01.ipynb").write_text("{broken")
            expected[student] = "invalid"
        elif kind == 3 and i < 40:
            course.submit(student, HOSTILE[(i // 5) % len(HOSTILE)])
            expected[student] = None
        else:
            course.submit(student, GOOD if kind % 2 == 0 else WRONG)
            expected[student] = "ok"
    before = course.hashes()
    code = cli.main(
        [
            "--course-root",
            str(course.root),
            "--timeout",
            "10",
            "--memory-mb",
            "1024",
            "--no-progress",
        ]
    )
    assert code == 0
    with open(course.root / "grades.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 50
    by_student = {row["student"]: row for row in rows}
    for student, status in expected.items():
        if status is not None:
            assert by_student[student]["status"] == status, by_student[student]
    assert course.hashes() == before
