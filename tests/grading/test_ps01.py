"""End to end on the real first assignment: the instructor's solution gets full marks and
the untouched release gets zero, through the installed ``medimg-grade`` command."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_fixture import grade_env
from medimg_grade import sandbox

ROOT = Path(__file__).resolve().parents[2]
NAME = "ps02_images_in_space"
SOURCE = ROOT / "solutions" / NAME / f"{NAME}.ipynb"

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(not SOURCE.is_file(), reason=f"{SOURCE} does not exist yet"),
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]


def _release(source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version, made with nbgrader's own preprocessors (no gradebook needed)."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions, LockCells

    nb = source
    for cls in (LockCells, ClearSolutions, ClearHiddenTests, ClearOutput):
        nb, _ = cls().preprocess(nb, {})
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("ps01") / "course"
    shutil.copytree(ROOT / "solutions" / NAME, root / "solutions" / NAME)
    shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    source = nbformat.read(SOURCE, as_version=4)
    for student, nb in (("instructor", source), ("blank", _release(nbformat.read(SOURCE, 4)))):
        folder = root / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{NAME}.ipynb")
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("medimg-grade")),
            "--course-root",
            str(root),
            "--workers",
            "2",
            "--timeout",
            "300",
        ],
        env=grade_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    with open(root / "grades.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return root, proc, rows


def test_exit_code_and_progress_bar(graded):
    _, proc, _ = graded
    assert proc.returncode == 0, proc.stderr
    assert "2/2" in proc.stderr  # tqdm's counts on stderr


def test_solution_gets_full_marks(graded):
    _, _, rows = graded
    row = rows["instructor"]
    # Full marks for every automatic test; manually graded parts wait for a person.
    assert row["status"] == "ok", row
    assert float(row["score"]) + float(row["manual_points"]) == float(row["max_score"]), row


def test_blank_release_gets_zero(graded):
    _, _, rows = graded
    assert float(rows["blank"]["score"]) == 0
    assert rows["blank"]["status"] == "ok"


def test_feedback_written_for_both(graded):
    root, _, _ = graded
    for student in ("instructor", "blank"):
        assert (root / "feedback" / student / NAME / f"{NAME}.html").stat().st_size > 1000
