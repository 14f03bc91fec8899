"""A whole term for one assignment, with nbgrader's real commands and ``medimg-grade``.

release -> three students fetch, work and submit (one correct, one partly wrong, one late)
-> collect -> ``medimg-grade`` -> manual grades through nbgrader's Gradebook API, as the
formgrader's handlers write them -> export for the LMS -> ``medimg-grade feedback`` ->
``nbgrader release_feedback`` -> the students ``nbgrader fetch_feedback`` their pages.
The instructor's guide (book/instructor_guide.md) follows these steps.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import nbformat
import pytest
from course_fixture import GOOD, WRONG, grade_env
from medimg_grade import sandbox
from written_fixture import WrittenCourse

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.slow,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
COURSE_ID = "mip"
PARTLY = {"square": GOOD["square"], "mean": WRONG["mean"]}
# Student -> (answers, written answer, manual points the grader gives, comment).
WORK = {
    "ann": (GOOD, "Air is -1000 HU and bone +1000 HU: they cancel.", 2.0, "Complete."),
    "bo": (PARTLY, "Because water is 0 HU.", 0.5, "Water is not in the mix."),
    "cy": (GOOD, "-1000 and +1000 average to 0.", 1.5, "Say which tissue is which."),
}
AUTO = {"ann": 3.0, "bo": 1.0, "cy": 3.0}
HIDDEN_SOURCE = "assert mean_hu([-1000, 1000]) == 0"


def run(args: list[str], cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        args,
        cwd=cwd,
        env=env or grade_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def nbgrader(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "nbgrader", *args], cwd, env)


def medimg_grade(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "medimg_grade.cli", *args], cwd)


def student_env(home: Path) -> dict:
    env = grade_env()
    env.update(HOME=str(home), JUPYTER_DATA_DIR=str(home / ".local/share/jupyter"))
    env.pop("JUPYTER_CONFIG_DIR", None)
    return env


def work_on(path: Path, answers: dict[str, str], text: str) -> None:
    """What a student does in Jupyter: fill in the answer cells and save."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        elif gid == "explain":
            cell.source = text
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    base = tmp_path_factory.mktemp("term")
    exchange = base / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o777)
    course = WrittenCourse(base / "course")
    root = course.root
    (root / "submitted").rmdir()  # nbgrader collect creates it
    with (root / "nbgrader_config.py").open("a") as handle:
        handle.write(
            f'c.CourseDirectory.course_id = "{COURSE_ID}"\n'
            f'c.Exchange.root = "{exchange}"\n'
            'c.LatePenalty.penalty_method = "per_hour"\n'
            "c.LatePenalty.penalty_per_unit = 1\n"
            'c.LatePenalty.penalty_units = "points"\n'
        )
    # Week 0: the class list, the release, the exchange.
    (base / "students.csv").write_text(
        "id,first_name,last_name,email\n"
        + "".join(f"{s},{s.title()},Doe,{s}@uni.example\n" for s in WORK)
    )
    nbgrader("db", "student", "import", str(base / "students.csv"), cwd=root)
    nbgrader("generate_assignment", "fx01", cwd=root)
    nbgrader("release_assignment", "fx01", cwd=root)

    # The students, each with their own home (and so their own nbgrader cache).
    homes = {}
    for student, (answers, text, _, _) in WORK.items():
        home = base / "home" / student
        home.mkdir(parents=True)
        (home / "nbgrader_config.py").write_text(
            f'c = get_config()\nc.CourseDirectory.course_id = "{COURSE_ID}"\n'
            f'c.Exchange.root = "{exchange}"\n'
        )
        homes[student] = home
        env = student_env(home)
        nbgrader("fetch_assignment", "fx01", cwd=home, env=env)
        work_on(home / "fx01" / "fx01.ipynb", answers, text)
        if student == "cy":
            # The due date passes before cy hands in.
            due = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            nbgrader("db", "assignment", "add", "fx01", f"--duedate={due}", cwd=root)
            time.sleep(1.5)
        nbgrader("submit", "fx01", f"--student={student}", cwd=home, env=env)

    # Collect and grade.
    nbgrader("collect", "fx01", cwd=root)
    grading = medimg_grade("--workers", "2", "--timeout", "60", "--memory-mb", "1024", cwd=root)
    first_grades = (root / "grades.csv").read_text(encoding="utf-8")

    # Manual grading, as the formgrader's GradeHandler.put and CommentHandler.put do.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student, (_, _, points, remark) in WORK.items():
            grade = gb.find_grade("explain", "fx01", "fx01", student)
            grade.manual_score = points
            grade.extra_credit = None
            grade.needs_manual_grade = False
            comment = gb.find_comment("explain", "fx01", "fx01", student)
            comment.manual_comment = remark
            gb.db.commit()

    # Grades for the LMS, feedback for the students.
    (root / "roster.csv").write_text(
        "student,email,idnumber\nann,ann@uni.example,S1\nbo,bo@uni.example,S2\n"
        "cy,cy@uni.example,S3\n"
    )
    export = medimg_grade(
        "export", "--format", "csv", "--roster", "roster.csv", "--out", "export.csv", cwd=root
    )
    medimg_grade("feedback", cwd=root)
    nbgrader("release_feedback", "fx01", cwd=root)
    fetched = {}
    for student, home in homes.items():
        nbgrader("fetch_feedback", "fx01", cwd=home, env=student_env(home))
        fetched[student] = sorted((home / "fx01" / "feedback").glob("*/fx01.html"))
    return {
        "root": root,
        "grading": grading,
        "first_grades": first_grades,
        "export": export,
        "fetched": fetched,
    }


def test_collect_kept_nbgraders_timestamps(term):
    for student in WORK:
        assert (term["root"] / "submitted" / student / "fx01" / "timestamp.txt").is_file()


def test_grades_csv_before_manual_grading(term):
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(term["first_grades"]))}
    assert set(rows) == set(WORK)
    for student, row in rows.items():
        assert float(row["raw_score"]) == AUTO[student], row
        assert row["max_score"] == "5"
        assert row["manual_points"] == "2"
        assert "needs manual grading (2 points)" in row["reason"]
    assert rows["cy"]["late_penalty"] == "1"  # one started hour late, 1 point per hour
    assert rows["cy"]["score"] == "2"
    assert rows["ann"]["late_penalty"] == rows["bo"]["late_penalty"] == "0"


def test_export_has_manual_points_and_penalty(term):
    rows = {
        r["student"]: r
        for r in csv.DictReader(
            (term["root"] / "export.csv").read_text(encoding="utf-8").splitlines()
        )
    }
    for student, (_, _, points, _) in WORK.items():
        row = rows[student]
        assert float(row["raw_score"]) == AUTO[student] + points
        assert row["manual_points"] == "0"
        assert row["max_score"] == "5"
    assert (rows["cy"]["late_penalty"], rows["cy"]["score"]) == ("1", "3.5")
    assert 0 < float(rows["cy"]["seconds_late"]) < 3600
    assert (rows["ann"]["score"], rows["bo"]["score"]) == ("5", "1.5")


def test_students_fetched_their_feedback(term):
    for student, (_, _, points, remark) in WORK.items():
        pages = term["fetched"][student]
        assert len(pages) == 1, student
        page = pages[0].read_text(encoding="utf-8")
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
        penalty = 1.0 if student == "cy" else 0.0
        total = AUTO[student] + points - penalty
        assert f"fx01 (Score: {total:.1f} / 5.0)" in text, student
        assert ("Late submission penalty (Score: -1.0)" in text) == (student == "cy")
        assert f"Written response (Score: {points:.1f} / 2.0)" in text, student
        assert f"Comments: {remark}" in text
        assert HIDDEN_SOURCE not in page  # hidden tests stay hidden
    bo = term["fetched"]["bo"][0].read_text(encoding="utf-8")
    assert "Test failed" in bo


def test_feedback_goes_only_to_its_student(term):
    ann = term["fetched"]["ann"][0].read_text(encoding="utf-8")
    assert WORK["bo"][3] not in ann and WORK["cy"][3] not in ann


# ---------------------------------------------------------------- the course's own sets
REPO = Path(__file__).resolve().parents[2]
SETS = sorted(p.name for p in (REPO / "solutions").glob("ps*") if (p / f"{p.name}.ipynb").is_file())


def manual_cells(nb: nbformat.NotebookNode) -> dict[str, float]:
    """grade_id -> points of the cells a person grades (answers and tasks)."""
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if (meta.get("grade") and meta.get("solution")) or meta.get("task"):
            out[meta["grade_id"]] = float(meta.get("points", 0))
    return out


@pytest.fixture(scope="module")
def course_sets(tmp_path_factory):
    """Every problem set's solution graded in one run, then graded by hand with full points."""
    from nbgrader.api import Gradebook

    root = tmp_path_factory.mktemp("sets") / "course"
    (root / "solutions").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(
        (REPO / "nbgrader_config.py").read_text(encoding="utf-8")
    )
    manual = {}
    for name in SETS:
        source = REPO / "solutions" / name / f"{name}.ipynb"
        (root / "solutions" / name).mkdir()
        (root / "solutions" / name / source.name).write_bytes(source.read_bytes())
        folder = root / "submitted" / "sol" / name
        folder.mkdir(parents=True)
        (folder / source.name).write_bytes(source.read_bytes())
        manual[name] = manual_cells(nbformat.read(source, as_version=4))
    medimg_grade("--workers", "2", "--timeout", "300", "--no-progress", cwd=root)
    grades = {
        r["assignment"]: r
        for r in csv.DictReader((root / "grades.csv").read_text(encoding="utf-8").splitlines())
    }
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for name, cells in manual.items():
            for gid, points in cells.items():
                grade = gb.find_grade(gid, name, name, "sol")
                grade.manual_score = points
                grade.needs_manual_grade = False
                gb.find_comment(gid, name, name, "sol").manual_comment = f"rubric met: {gid}"
            gb.db.commit()
    (root / "roster.csv").write_text("student,idnumber\nsol,S0\n")
    medimg_grade("export", "--format", "csv", "--roster", "roster.csv", "--out", "x.csv", cwd=root)
    medimg_grade("feedback", cwd=root)
    exported = {
        r["assignment"]: r
        for r in csv.DictReader((root / "x.csv").read_text(encoding="utf-8").splitlines())
    }
    return root, manual, grades, exported


@pytest.mark.parametrize("name", SETS)
def test_problem_set_auto_and_manual_grades(course_sets, name):
    root, manual, grades, exported = course_sets
    if not manual[name]:
        pytest.skip(f"{name} has no manually graded cells yet")
    waiting = sum(manual[name].values())
    row = grades[name]
    maximum = float(row["max_score"])
    # The solution gets every automatic point; the manual ones wait for a person.
    assert (float(row["raw_score"]), float(row["manual_points"])) == (maximum - waiting, waiting)
    assert f"needs manual grading ({waiting:g} points)" in row["reason"]
    # After manual grading, the export and the feedback page show both parts.
    out = exported[name]
    assert (float(out["raw_score"]), float(out["score"]), out["manual_points"]) == (
        maximum,
        maximum,
        "0",
    )
    page = (root / "feedback" / "sol" / name / f"{name}.html").read_text(encoding="utf-8")
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert f"{name} (Score: {maximum:.1f} / {maximum:.1f})" in text
    for gid in manual[name]:
        assert f"rubric met: {gid}" in text
