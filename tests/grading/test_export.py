"""LMS export: Canvas and Moodle files from a graded course, checked column by column."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from course_fixture import GOOD, WRONG, Course, grade_env
from medimg_grade import batch, export, sandbox

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
DUE = "2026-10-05 23:59:00 UTC"
POLICY = """
c.LatePenalty.penalty_method = "per_day"
c.LatePenalty.penalty_per_unit = 0.25
c.LatePenalty.penalty_units = "fraction"
c.LatePenalty.max_penalty = 0.5
"""
ROSTER = """student,first_name,last_name,email,idnumber,canvas_id,sis_user_id,sis_login_id,section
ann,Ann,Lee,ann@uni.example,S1001,501,S1001,ann.lee,A
bo,Bo,Diaz,bo@uni.example,S1002,502,S1002,bo.diaz,A
cy,Cy,Ng,cy@uni.example,S1003,503,S1003,cy.ng,B
dee,Dee,Ray,dee@uni.example,S1004,504,S1004,dee.ray,B
zed,Zed,Null,zed@uni.example,S1099,599,S1099,zed.null,B
"""


def stamp(course: Course, student: str, when: str) -> None:
    (course.folder(student) / "timestamp.txt").write_text(when)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded course: ann on time, bo wrong, cy 30 h late, dee 30 h late with an extension."""
    from nbgrader.api import Gradebook

    course = Course(tmp_path_factory.mktemp("export") / "course")
    with (course.root / "nbgrader_config.py").open("a") as handle:
        handle.write(POLICY)
    (course.root / "extensions.csv").write_text("student,assignment,hours,due\ndee,fx01,48,\n")
    for student, answers, when in [
        ("ann", GOOD, "2026-10-05 20:00:00.000000 UTC"),
        ("bo", WRONG, "2026-10-05 21:00:00.000000 UTC"),
        ("cy", GOOD, "2026-10-07 05:59:00.000000 UTC"),
        ("dee", GOOD, "2026-10-07 05:59:00.000000 UTC"),
    ]:
        course.submit(student, answers)
        stamp(course, student, when)
    db = f"sqlite:///{course.root / 'gradebook.db'}"
    with Gradebook(db) as gb:
        gb.update_or_create_assignment("fx01", duedate=DUE)
        gb.update_or_create_student("eve")  # enrolled, submitted nothing
    batch.grade(
        batch.Options(
            course_root=course.root,
            workers=2,
            limits=sandbox.Limits(timeout_s=60, memory_mb=1024),
            progress=False,
        )
    )
    (course.root / "roster.csv").write_text(ROSTER)
    return course


def run_export(course: Course, fmt: str, out_name: str) -> tuple[subprocess.CompletedProcess, str]:
    out = course.root / out_name
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "medimg_grade.cli",
            "export",
            "--format",
            fmt,
            "--roster",
            str(course.root / "roster.csv"),
            "--course-root",
            str(course.root),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=grade_env(),
        timeout=120,
        check=False,
    )
    return proc, out.read_text(encoding="utf-8") if out.exists() else ""


def test_canvas_file_columns_and_penalties(graded):
    proc, text = run_export(graded, "canvas", "canvas.csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "fx01"]
    assert rows[1] == ["Points Possible", "", "", "", "", "3"]
    body = {row[1]: row for row in rows[2:]}
    assert body["501"] == ["Lee, Ann", "501", "S1001", "ann.lee", "A", "3"]
    assert body["502"][5] == "0"  # wrong answers
    # 30 h late = 2 started days x 25 % of 3 points = 1.5 points off.
    assert body["503"] == ["Ng, Cy", "503", "S1003", "cy.ng", "B", "1.5"]
    # The 48 h extension makes dee's identical submission on time.
    assert body["504"][5] == "3"
    # zed is in the roster but not in the gradebook: empty cell, reported.
    assert body["599"][5] == ""
    assert len(rows) == 2 + 5
    # eve is in the gradebook but not in the roster: reported, non-zero exit.
    assert proc.returncode == 1, proc.stderr
    assert "eve: in the gradebook but not in the roster" in proc.stderr
    assert "zed: in the roster but not in the gradebook" in proc.stderr


def test_moodle_file_columns_and_feedback(graded):
    proc, text = run_export(graded, "moodle", "moodle.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "ID number",
        "Email address",
        "First name",
        "Last name",
        "fx01",
        "fx01 (feedback)",
    ]
    by_id = {row["ID number"]: row for row in rows}
    assert by_id["S1001"]["fx01"] == "3"
    assert by_id["S1001"]["fx01 (feedback)"] == ""
    assert by_id["S1003"]["Email address"] == "cy@uni.example"
    assert by_id["S1003"]["fx01"] == "1.5"
    assert by_id["S1003"]["fx01 (feedback)"] == "submitted 1 d 6 h late: -1.5 points"
    assert by_id["S1004"]["fx01 (feedback)"] == ""
    assert by_id["S1099"]["fx01"] == ""
    assert proc.returncode == 1


def test_csv_export_has_raw_penalty_and_final(graded):
    proc, text = run_export(graded, "csv", "grades-export.csv")
    assert "eve: in the gradebook but not in the roster" in proc.stderr
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(rows["ann"])[:7] == [
        "student",
        "assignment",
        "raw_score",
        "late_penalty",
        "score",
        "max_score",
        "manual_points",
    ]
    assert (rows["cy"]["raw_score"], rows["cy"]["late_penalty"], rows["cy"]["score"]) == (
        "3",
        "1.5",
        "1.5",
    )
    assert rows["cy"]["seconds_late"] == str(30 * 3600)
    assert (rows["dee"]["late_penalty"], rows["dee"]["seconds_late"]) == ("0", "0")
    # eve never submitted: a zero, not a missing line.
    assert (rows["eve"]["score"], rows["eve"]["max_score"]) == ("0", "3")
    assert set(rows) == {"ann", "bo", "cy", "dee", "eve"}


def test_complete_roster_exits_zero(graded, tmp_path):
    roster = tmp_path / "roster.csv"
    lines = ROSTER.splitlines()
    roster.write_text(
        "\n".join([*lines[:5], "eve,Eve,Ko,eve@uni.example,S1005,505,S1005,eve.ko,A"])
    )
    records = export.collect(f"sqlite:///{graded.root / 'gradebook.db'}", course_root=graded.root)
    text, problems = export.render(records, export.read_roster(roster), "canvas")
    assert problems == []
    assert text.count("\n") == 2 + 5


def test_bad_roster_line_is_named(graded, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student,email\nann,a@b\n,c@d\n")
    with pytest.raises(ValueError, match=r"roster.csv line 3: student is empty"):
        export.read_roster(roster)


def test_bad_format_is_named(graded, capsys):
    with pytest.raises(SystemExit):
        export.main(["--format", "blackboard", "--roster", str(graded.root / "roster.csv")])
    assert "argument --format" in capsys.readouterr().err


def test_feedback_refresh_needs_graded_notebooks(tmp_path, capsys):
    from medimg_grade import term

    with pytest.raises(SystemExit):
        term.main(["--course-root", str(tmp_path)])
    assert "argument --course-root: no autograded/" in capsys.readouterr().err


def test_grades_csv_shows_penalty_and_extension(graded):
    """grades.csv and the export apply the same policy and extensions (one place)."""
    text = (graded.root / "grades.csv").read_text(encoding="utf-8")
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(text))}
    cy, dee = rows["cy"], rows["dee"]
    assert (cy["raw_score"], cy["late_penalty"], cy["score"]) == ("3", "1.5", "1.5")
    assert "submitted 1 d 6 h late: -1.5 points" in cy["reason"]
    assert (dee["raw_score"], dee["late_penalty"], dee["score"]) == ("3", "0", "3")
    assert "late" not in dee["reason"]
    assert rows["ann"]["late_penalty"] == "0"


def test_bad_extensions_line_stops_grading(tmp_path):
    course = Course(tmp_path / "course")
    course.submit("ann", GOOD)
    (course.root / "extensions.csv").write_text("student,assignment,hours,due\nann,fx01,soon,\n")
    with pytest.raises(ValueError, match=r"extensions\.csv line 2: hours must be a number"):
        batch.Grader(batch.Options(course_root=course.root, progress=False))
