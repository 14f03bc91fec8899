"""The gradebook on a real PostgreSQL server: parallel grading while a grader enters manual grades.

The test starts Debian's PostgreSQL (``initdb`` + ``pg_ctl``, Unix socket only) in a temporary
directory, runs ``medimg-grade --db postgresql+psycopg://...`` with two sandboxes while a second
process writes manual grades through nbgrader's Gradebook API exactly as the formgrader's
grade handler does, and checks that every automatic and every manual grade arrived.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
import time

import pytest
from course_fixture import GOOD, WRONG, grade_env
from medimg_grade import sandbox
from services import postgres, postgres_bin
from written_fixture import WrittenCourse

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.slow,
    pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL is not installed"),
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
STUDENTS = [f"s{i:02d}" for i in range(6)]

# Runs in its own process: waits for each submission to appear in the gradebook and
# grades the written answer as the formgrader's GradeHandler.put does.
MANUAL_GRADER = textwrap.dedent(
    """
    import sys, time
    from nbgrader.api import Gradebook, MissingEntry
    url, students = sys.argv[1], sys.argv[2:]
    todo = {s: 0.5 + 0.25 * i for i, s in enumerate(students)}
    deadline = time.monotonic() + 240
    with Gradebook(url) as gb:
        while todo and time.monotonic() < deadline:
            for student, points in list(todo.items()):
                try:
                    grade = gb.find_grade("explain", "fx01", "fx01", student)
                except MissingEntry:
                    gb.db.rollback()
                    continue
                grade.manual_score = points
                grade.extra_credit = None
                grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
                comment = gb.find_comment("explain", "fx01", "fx01", student)
                comment.manual_comment = f"graded by the second grader: {points}"
                gb.db.commit()
                print(student, points, time.time(), flush=True)
                del todo[student]
            time.sleep(0.05)
    sys.exit(1 if todo else 0)
    """
)


def test_parallel_grading_with_manual_grades_on_postgres(tmp_path):
    from nbgrader.api import Gradebook

    course = WrittenCourse(tmp_path / "course")
    for i, student in enumerate(STUDENTS):
        course.submit_written(student, GOOD if i % 2 == 0 else WRONG, text=f"answer {i}")
    with postgres() as server:
        server.createdb("gradebook")
        url = server.url("gradebook")
        with Gradebook(url):
            pass  # create the schema once, before two processes use it
        env = grade_env()
        options = ["--db", url, "--workers", "2", "--timeout", "60", "--memory-mb", "1024"]
        options += ["--no-progress", "--no-feedback"]
        grader = subprocess.Popen(
            [sys.executable, "-m", "medimg_grade.cli", "--course-root", str(course.root), *options],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        manual = subprocess.Popen(
            [sys.executable, "-c", MANUAL_GRADER, url, *STUDENTS],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _, err = grader.communicate(timeout=300)
            grading_ended = time.time()
            manual_out, manual_err = manual.communicate(timeout=300)
        finally:
            for proc in (grader, manual):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        assert grader.returncode == 0, err
        assert manual.returncode == 0, manual_err
        writes = [line.split() for line in manual_out.splitlines()]
        assert sorted(w[0] for w in writes) == STUDENTS
        # The two processes really overlapped: manual grades went in while grading ran.
        assert min(float(w[2]) for w in writes) < grading_ended

        with Gradebook(url) as gb:
            for i, student in enumerate(STUDENTS):
                auto = 3.0 if i % 2 == 0 else 0.0
                written = 0.5 + 0.25 * i
                sub = gb.find_submission("fx01", student)
                assert gb.find_grade("explain", "fx01", "fx01", student).manual_score == written
                assert gb.find_grade("test_mean", "fx01", "fx01", student).auto_score == (
                    2.0 if auto else 0.0
                )
                assert gb.find_comment("explain", "fx01", "fx01", student).manual_comment == (
                    f"graded by the second grader: {written}"
                )
                assert sub.score == pytest.approx(auto + written), student
    rows = list(
        csv.DictReader((course.root / "grades.csv").read_text(encoding="utf-8").splitlines())
    )
    assert sorted(row["student"] for row in rows) == STUDENTS
    assert all(row["max_score"] == "5" for row in rows)
