"""Tests of medimg.ready: the students' ready-to-submit check, on real kernels."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import compute_checksum

from medimg.ready import (
    CHILD_ENV,
    PartKind,
    PartStatus,
    check,
    main,
    nbgrader_checksum,
    tampered_cells,
)

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = "def double(x):\n    return 2 * x\n"


def _meta(grade_id: str, **flags) -> dict:
    nbgrader = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False}
    nbgrader.update(flags)
    return {"nbgrader": nbgrader}


def released(answer: str = SOLUTION) -> nbformat.NotebookNode:
    """A small released problem set: an answer cell, two tests, a written answer, a ready cell."""
    cells = [
        nbformat.v4.new_markdown_cell("# Problem set 0"),
        nbformat.v4.new_code_cell(answer, metadata=_meta("double", solution=True)),
        nbformat.v4.new_code_cell(
            '"""double doubles 2."""\nassert double(2) == 4, f"expected 4, got {double(2)}"',
            metadata=_meta("double_two", grade=True, points=1),
        ),
        nbformat.v4.new_code_cell(
            '"""double keeps floats."""\nassert double(0.5) == 1.0, "expected 1.0"',
            metadata=_meta("double_float", grade=True, points=2),
        ),
        nbformat.v4.new_markdown_cell(
            "Because 2 x = x + x.",
            metadata=_meta("why_double", grade=True, solution=True, points=3),
        ),
        nbformat.v4.new_code_cell(
            "from medimg.ready import check\ncheck('never_run.ipynb')",
            metadata={"tags": ["skip-execution"]},
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    for cell in notebook.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["checksum"] = compute_checksum(cell)
    notebook.metadata["medimg"] = {
        "graded_parts": [
            {"grade_id": "double_two", "points": 1.0, "kind": "TEST"},
            {"grade_id": "double_float", "points": 2.0, "kind": "TEST"},
            {"grade_id": "why_double", "points": 3.0, "kind": "MANUAL_ANSWER"},
        ]
    }
    return notebook


def _write(tmp_path: Path, notebook: nbformat.NotebookNode) -> Path:
    path = tmp_path / "ps00.ipynb"
    nbformat.write(notebook, path)
    return path


def test_checksum_equals_nbgrader_on_every_released_cell():
    cells = [
        cell
        for path in sorted((ROOT / "exercises").glob("*/*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells
        if "grade_id" in cell.metadata.get("nbgrader", {})
    ]
    assert len(cells) > 50
    for cell in cells:
        assert nbgrader_checksum(json.loads(json.dumps(cell))) == compute_checksum(cell)
        assert nbgrader_checksum(cell) == cell.metadata.nbgrader["checksum"]


def test_passing_notebook_is_ready(tmp_path, capsys):
    report = check(_write(tmp_path, released()))
    assert report.ok
    assert [(p.grade_id, p.points, p.kind, p.status) for p in report.parts] == [
        ("double_two", 1.0, PartKind.TEST, PartStatus.PASSED),
        ("double_float", 2.0, PartKind.TEST, PartStatus.PASSED),
        ("why_double", 3.0, PartKind.MANUAL_ANSWER, PartStatus.MANUAL),
    ]
    printed = capsys.readouterr().out
    assert "visible tests: 3 of 3 points pass; 3 point(s) are graded by a person" in printed
    assert printed.rstrip().endswith("READY: every visible test passes")


def test_failing_notebook_is_not_ready_and_names_the_failure(tmp_path, capsys):
    path = _write(tmp_path, released("def double(x):\n    return x + 2\n"))
    assert main([str(path)]) == 1
    printed = capsys.readouterr().out
    assert "passed" in printed.split("double_two")[0].splitlines()[-1]  # 2 + 2 == 2 * 2
    failed = printed.split("double_float")[1].splitlines()
    assert "FAILED" in printed.split("double_float")[0].splitlines()[-1]
    assert failed[1].strip() == "AssertionError: expected 1.0"
    assert "NOT READY" in printed


def test_unfinished_answer_fails_every_test(tmp_path):
    report = check(
        _write(tmp_path, released("def double(x):\n    raise NotImplementedError()\n")), show=False
    )
    assert not report.ok
    statuses = {p.grade_id: (p.status, p.message) for p in report.parts}
    assert statuses["double_two"] == (
        PartStatus.FAILED,
        "NotImplementedError: the function is not written yet",
    )


def test_tampered_notebook_warns_about_edited_and_deleted_tests(tmp_path, capsys):
    notebook = released("def double(x):\n    return x + 2\n")
    notebook.cells[3].source = '"""double keeps floats."""\nassert True'  # edited to pass
    del notebook.cells[2]  # deleted
    path = _write(tmp_path, notebook)
    assert main([str(path)]) == 1
    printed = capsys.readouterr().out
    assert "cell 'double_float' was edited; the grader restores the original" in printed
    assert "cell 'double_two' (1 point(s)) was deleted" in printed
    assert "MISSING" in printed.split("double_two")[0].splitlines()[-1]


def test_unanswered_written_part_is_not_ready(tmp_path):
    notebook = released()
    notebook.cells[4].source = "YOUR ANSWER HERE"
    report = check(_write(tmp_path, notebook), show=False)
    assert not report.ok
    assert (report.parts[-1].status, report.parts[-1].message) == (
        PartStatus.UNANSWERED,
        "write your answer in this cell",
    )


def test_tampered_cells_is_empty_for_an_untouched_release():
    assert tampered_cells(json.loads(nbformat.writes(released()))) == []


def test_check_does_nothing_inside_its_own_run(tmp_path, monkeypatch):
    monkeypatch.setenv(CHILD_ENV, "1")
    report = check(tmp_path / "does_not_exist.ipynb")
    assert report.parts == [] and report.warnings == []


def test_a_cell_that_raises_outside_the_tests_is_reported(tmp_path):
    notebook = released()
    notebook.cells.insert(1, nbformat.v4.new_code_cell("import no_such_module_here"))
    report = check(_write(tmp_path, notebook), show=False)
    assert not report.ok
    assert report.warnings == [
        "cell 1 (not graded) raised ModuleNotFoundError: No module named 'no_such_module_here'"
    ]


def test_missing_or_broken_files_are_named(tmp_path, capsys):
    assert main([str(tmp_path / "nothing.ipynb")]) == 2
    assert "nothing.ipynb" in capsys.readouterr().err
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match=r"broken\.ipynb is not a notebook"):
        check(broken)
    with pytest.raises(ValueError, match="timeout must be > 0 seconds, got 0"):
        check(broken, timeout=0)


def test_command_line_entry_point(tmp_path):
    path = _write(tmp_path, released())
    proc = subprocess.run(
        [sys.executable, "-m", "medimg.ready", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "READY" in proc.stdout
