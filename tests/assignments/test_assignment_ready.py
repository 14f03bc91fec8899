"""The students' ready-to-submit check on a real released problem set (fresh kernels).

A student who fills the released notebook with correct answers is told READY with every visible
test passing; the untouched release is NOT READY with every test failing; a release whose test
cell was edited to pass and another deleted is NOT READY and both cells are named.
"""

from __future__ import annotations

import json

import pytest
from assignment_course import ROOT, source_notebook, structure

from medimg.ready import PartKind, PartStatus, check

pytestmark = [pytest.mark.slow]

ASSIGNMENT = "ps01_sampling_quantization"
RELEASED = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _released() -> dict:
    return json.loads(RELEASED.read_text(encoding="utf-8"))


def _answered(notebook: dict) -> dict:
    """The released notebook with the instructor's answers pasted into the answer cells."""
    source = json.loads(source_notebook(ASSIGNMENT).read_text(encoding="utf-8"))["cells"]
    solutions = {
        c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"])
        for c in source
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }
    for cell in notebook["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell["source"] = solutions[grade_id]
    return notebook


def _save(tmp_path, notebook: dict):
    path = tmp_path / RELEASED.name
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_release_lists_its_graded_parts():
    parts = _released()["metadata"]["medimg"]["graded_parts"]
    info = structure(ASSIGNMENT)
    assert [p["grade_id"] for p in parts if p["kind"] == "TEST"] == [
        c for cells in info.tests.values() for c in cells
    ]
    assert {p["grade_id"]: p["points"] for p in parts if p["kind"] != "TEST"} == info.manual


def test_answered_release_is_ready(tmp_path):
    report = check(_save(tmp_path, _answered(_released())), show=False)
    assert report.ok, report.summary()
    tests = [p for p in report.parts if p.kind is PartKind.TEST]
    assert tests and all(p.status is PartStatus.PASSED for p in tests)
    assert sum(p.points for p in report.parts if p.kind is not PartKind.TEST) == 4


def test_untouched_release_is_not_ready(tmp_path):
    report = check(_save(tmp_path, _released()), show=False)
    assert not report.ok
    failed = [p for p in report.parts if p.kind is PartKind.TEST]
    assert failed and all(p.status is PartStatus.FAILED for p in failed), report.summary()
    assert failed[0].message == "NotImplementedError: the function is not written yet"
    unanswered = [p for p in report.parts if p.kind is not PartKind.TEST]
    assert [p.status for p in unanswered] == [PartStatus.UNANSWERED] * 2


def test_tampered_release_is_not_ready_and_names_the_cells(tmp_path):
    notebook = _answered(_released())
    cells = notebook["cells"]
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells]
    cells[ids.index("downsample_keeps_dtype")]["source"] = '"""edited"""\nassert True'
    del cells[ids.index("quantize_negative_values")]
    path = _save(tmp_path, notebook)
    report = check(path, show=False)
    assert not report.ok
    assert any("'downsample_keeps_dtype' was edited" in w for w in report.warnings)
    assert any("'quantize_negative_values' (1 point(s)) was deleted" in w for w in report.warnings)
    missing = [p for p in report.parts if p.status is PartStatus.MISSING]
    assert [p.grade_id for p in missing] == ["quantize_negative_values"]
