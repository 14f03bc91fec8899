"""Parts graded by a person, end to end with nbgrader's own tools.

A scratch course releases ps01, a student hands in the instructor's answers, ``nbgrader
autograde`` scores the tests and leaves the figure and the written answer waiting; a person
enters scores through nbgrader's gradebook API (as the formgrader does); then the feedback page
and ``nbgrader export`` show the automatic and the manual points together.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest
from assignment_course import ROOT, source_notebook, structure, tool_env

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

ASSIGNMENT = "ps01_sampling_quantization"
STUDENT = "ann"
GIVEN = {"aliasing_figure": 1.5, "aliasing_answer": 2.0}

SCRIPT = r"""
import json, sys
from pathlib import Path
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

course, assignment, student = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
given, source = json.loads(sys.argv[4]), Path(sys.argv[5])
config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
config.CourseDirectory.root = str(course)
config.CourseDirectory.source_directory = "source"
config.CourseDirectory.release_directory = "release"
config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
result = api.generate_assignment(assignment, force=True, create=True)
assert result["success"], result.get("log", "") + result.get("error", "")
# the student hands in the release with the instructor's answers in the answer cells
released = json.loads((course / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
answers = {
    c["metadata"]["nbgrader"]["grade_id"]: c["source"]
    for c in json.loads(source.read_text(encoding="utf-8"))["cells"]
    if c.get("metadata", {}).get("nbgrader", {}).get("solution")
}
for cell in released["cells"]:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    if grade_id in answers:
        cell["source"] = answers[grade_id]
submitted = course / "submitted" / student / assignment
submitted.mkdir(parents=True)
(submitted / f"{assignment}.ipynb").write_text(json.dumps(released))
report = {}
result = api.autograde(assignment, student, force=True, create=True)
assert result["success"], result.get("log", "") + result.get("error", "")
with Gradebook(config.CourseDirectory.db_url) as gradebook:
    submission = gradebook.find_submission(assignment, student)
    report["auto_score"] = submission.score
    report["needs_manual_grade"] = submission.needs_manual_grade
    report["waiting"] = sorted(
        g.name for g in gradebook.find_submission_notebook(assignment, assignment, student).grades
        if g.needs_manual_grade
    )
    for name, points in given.items():  # what the formgrader's GradeHandler.put does
        grade = gradebook.find_grade(name, assignment, assignment, student)
        grade.manual_score = points
        grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
        gradebook.db.commit()
    submission = gradebook.find_submission(assignment, student)
    report["final_score"] = submission.score
    report["max_score"] = submission.max_score
    report["still_waiting"] = submission.needs_manual_grade
result = api.generate_feedback(assignment, student, force=True)
assert result["success"], result.get("log", "") + result.get("error", "")
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("manual") / "course"
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    args = [str(course), ASSIGNMENT, STUDENT, json.dumps(GIVEN), str(source_notebook(ASSIGNMENT))]
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=course,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    export = course / "grades.csv"
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "export", f"--to={export}",
         f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url={db_url}"],
        cwd=course, env=tool_env(), capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return course, report, export


def test_autograde_scores_the_tests_and_leaves_the_written_parts_waiting(graded):
    _, report, _ = graded
    info = structure(ASSIGNMENT)
    assert report["auto_score"] == sum(info.points.values())
    assert report["needs_manual_grade"] is True
    assert report["waiting"] == sorted(info.manual)


def test_manual_scores_entered_through_the_gradebook_count(graded):
    _, report, _ = graded
    info = structure(ASSIGNMENT)
    assert report["still_waiting"] is False
    assert report["final_score"] == sum(info.points.values()) + sum(GIVEN.values())
    assert report["max_score"] == sum(info.points.values()) + sum(info.manual.values())


def test_export_shows_automatic_and_manual_points(graded):
    _, report, export = graded
    with open(export, encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["student_id"] == STUDENT]
    assert len(rows) == 1
    assert float(rows[0]["raw_score"]) == report["final_score"]
    assert float(rows[0]["max_score"]) == report["max_score"]


def test_feedback_shows_the_manual_scores(graded):
    course, report, _ = graded
    page = (course / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )
    info = structure(ASSIGNMENT)
    assert f"Score: {report['final_score']:.1f} / {report['max_score']:.1f}" in page
    for name, points in GIVEN.items():
        after = page[page.index(f'href="#{name}"') :]
        assert f"(Score: {points:.1f} / {info.manual[name]:.1f})" in after[:200], name
