"""Dask: grading on a LocalCluster gives the same grades.csv as grading serially."""

from __future__ import annotations

import shutil

import pytest
from course_fixture import GOOD, WRONG, Course
from medimg_grade import batch, sandbox

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
LIMITS = sandbox.Limits(timeout_s=30, memory_mb=1024)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("dask")
    serial = Course(base / "serial")
    serial.submit("ann", GOOD)
    serial.submit("bo", WRONG)
    serial.submit("cy", {"square": "import os\nos._exit(1)", "mean": GOOD["mean"]})
    (serial.folder("dee") / "fx01.ipynb").write_text("not json")
    parallel = base / "parallel"
    shutil.copytree(serial.root, parallel)
    batch.grade(batch.Options(course_root=serial.root, workers=1, limits=LIMITS, progress=False))
    batch.grade(
        batch.Options(
            course_root=parallel, workers=2, scheduler="local", limits=LIMITS, progress=False
        )
    )
    return serial.root, parallel


def test_local_cluster_matches_serial(two_runs):
    serial, parallel = two_runs
    assert (parallel / "grades.csv").read_text(encoding="utf-8") == (
        serial / "grades.csv"
    ).read_text(encoding="utf-8")


def test_local_cluster_wrote_the_gradebook(two_runs):
    from nbgrader.api import Gradebook

    _, parallel = two_runs
    with Gradebook(f"sqlite:///{parallel / 'gradebook.db'}") as gb:
        assert gb.find_submission("fx01", "ann").score == 3
