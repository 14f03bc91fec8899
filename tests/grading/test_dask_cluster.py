"""A real Dask cluster: ``dask scheduler`` + two ``dask worker`` processes, one killed mid-run.

Grading through ``medimg-grade --scheduler tcp://127.0.0.1:<port>`` must still give every
submission exactly one row, with the same grades as grading serially on this machine.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from course_fixture import GOOD, WRONG, Course, grade_env
from medimg_grade import sandbox
from services import dask_cluster

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.slow,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
SLOW_GOOD = {"square": "import time\ntime.sleep(1.5)\n" + GOOD["square"], "mean": GOOD["mean"]}
HALF = {"square": GOOD["square"], "mean": WRONG["mean"]}
SUBMISSIONS = {
    "s01": SLOW_GOOD,
    "s02": WRONG,
    "s03": SLOW_GOOD,
    "s04": HALF,
    "s05": SLOW_GOOD,
    "s06": WRONG,
}
EXPECTED = {"s01": "3", "s02": "0", "s03": "3", "s04": "1"}
EXPECTED |= {"s05": "3", "s06": "0"}
OPTIONS = ["--timeout", "60", "--memory-mb", "1024", "--no-progress", "--no-feedback"]


def grade(root, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "medimg_grade.cli", "--course-root", str(root), *OPTIONS, *extra],
        env=grade_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def rows(root) -> list[dict[str, str]]:
    path = root / "grades.csv"
    return (
        list(csv.DictReader(path.read_text(encoding="utf-8").splitlines())) if path.exists() else []
    )


def test_worker_killed_mid_run(tmp_path):
    course = Course(tmp_path / "cluster")
    for student, answers in SUBMISSIONS.items():
        course.submit(student, answers)
    serial_root = tmp_path / "serial"
    shutil.copytree(course.root, serial_root)

    with dask_cluster(n_workers=2) as cluster:
        victim = cluster.workers[0]
        grader = grade(course.root, "--scheduler", cluster.address)
        try:
            deadline = time.monotonic() + 240
            while not rows(course.root) and grader.poll() is None:
                assert time.monotonic() < deadline, "no submission graded in time"
                time.sleep(0.2)
            # The batch is running: at least one row written, more to come.
            assert grader.poll() is None, "grading finished before the worker could be killed"
            assert len(rows(course.root)) < len(SUBMISSIONS)
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(timeout=30)
            _, err = grader.communicate(timeout=300)
        finally:
            if grader.poll() is None:
                grader.kill()
                grader.wait()
        assert grader.returncode == 0, err
        assert cluster.workers[1].poll() is None  # the other worker carried on

    serial = grade(serial_root, "--workers", "1")
    _, serial_err = serial.communicate(timeout=300)
    assert serial.returncode == 0, serial_err

    cluster_rows = rows(course.root)
    students = [row["student"] for row in cluster_rows]
    assert sorted(students) == sorted(SUBMISSIONS)  # exactly one row each
    assert len(students) == len(set(students))
    assert cluster_rows == rows(serial_root)
    assert {row["student"]: row["score"] for row in cluster_rows} == EXPECTED
