"""Nothing is lost: a grader killed with SIGKILL mid-batch resumes where it stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from course_fixture import GOOD, WRONG, Course, grade_env
from medimg_grade import sandbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
ARGS = ["--timeout", "30", "--memory-mb", "1024", "--no-progress"]
# ben's notebook takes 8 s longer, so the kill (as soon as the first row is recorded) lands while
# ben is still being graded, however the grader batches its writes.
SLOW_WRONG = {**WRONG, "square": WRONG["square"] + "\nimport time\n\ntime.sleep(8)\n"}
STUDENTS = {"ada": GOOD, "ben": SLOW_WRONG, "cyd": GOOD, "dee": {"square": GOOD["square"]}}


def _command(root: Path, workers: int) -> list[str]:
    script = Path(sys.executable).with_name("medimg-grade")
    return [str(script), "--course-root", str(root), "--workers", str(workers), *ARGS]


def _graded(root: Path) -> int:
    state = root / ".grading" / "grades.csv.state.json"
    try:
        return len(json.loads(state.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return 0


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("resume")
    course = Course(base / "killed")
    for student, answers in STUDENTS.items():
        course.submit(student, answers)
    reference = base / "reference"
    shutil.copytree(course.root, reference)

    proc = subprocess.Popen(
        _command(course.root, 1),
        env=grade_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while _graded(course.root) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_after = _graded(course.root)

    resumed = subprocess.run(
        _command(course.root, 2), env=grade_env(), capture_output=True, text=True, check=False
    )
    full = subprocess.run(
        _command(reference, 2), env=grade_env(), capture_output=True, text=True, check=False
    )
    return {
        "course": course.root,
        "reference": reference,
        "killed_after": killed_after,
        "resumed": resumed,
        "full": full,
    }


def test_the_kill_happened_mid_batch(runs):
    assert 1 <= runs["killed_after"] < len(STUDENTS)


def test_rerun_grades_exactly_the_missing_ones(runs):
    missing = len(STUDENTS) - runs["killed_after"]
    assert runs["resumed"].returncode == 0, runs["resumed"].stderr
    assert f"{missing} of {len(STUDENTS)} submissions to grade" in runs["resumed"].stderr


def test_resumed_csv_equals_uninterrupted_csv(runs):
    resumed = (runs["course"] / "grades.csv").read_bytes()
    full = (runs["reference"] / "grades.csv").read_bytes()
    assert resumed == full
    assert resumed.count(b"\n") == len(STUDENTS) + 1


def test_no_temporary_files_are_left_behind(runs):
    # A SIGKILL during a write leaves a temporary file (never a half-written grades.csv);
    # the next run removes it.
    assert not list(runs["course"].glob(".grades.csv.*.tmp"))
    assert not list((runs["course"] / ".grading").glob(".*.tmp"))
