"""The student release in exercises/ is current, complete and gives nothing away."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from assignment_course import ROOT, assignment_names, structure, tool_env
from assignment_variants import DIAGNOSES, VARIANTS
from medimg_grade.release import protected_lines

ASSIGNMENTS = assignment_names()
EXERCISES = ROOT / "exercises"


def secret_lines(assignment: str) -> set[str]:
    """Non-trivial lines inside solution and hidden-test regions of an instructor notebook."""
    return protected_lines(ROOT / "solutions" / assignment / f"{assignment}.ipynb")


def _cell_sources(path: Path) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"]]


def released_lines(path: Path) -> set[str]:
    """Stripped lines of a released file (the cell sources for a notebook)."""
    if path.suffix == ".ipynb":
        text = "\n".join(_cell_sources(path))
    else:
        text = path.read_text(errors="replace")
    return {line.strip() for line in text.splitlines()}


def test_assignments_are_numbered_from_ps01_without_gaps():
    numbers = [int(name[2:4]) for name in ASSIGNMENTS]
    assert numbers == list(range(1, len(numbers) + 1)), (
        f"expected psNN_... folders numbered 1, 2, 3, ... in solutions/, found {ASSIGNMENTS}"
    )
    assert len(ASSIGNMENTS) >= 6, f"expected at least 6 assignments, found {ASSIGNMENTS}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_exists_for_every_assignment(assignment):
    path = EXERCISES / assignment / f"{assignment}.ipynb"
    assert path.is_file(), (
        f"expected the released notebook {path.relative_to(ROOT)}; run `make release`"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_or_hidden_test_line_in_release(assignment):
    secrets = secret_lines(assignment)
    assert secrets, f"found no solution or hidden-test lines in solutions/{assignment}"
    leaks = []
    for path in sorted(EXERCISES.rglob("*")):
        if path.is_file():
            leaks += [
                f"{path.relative_to(ROOT)}: {line}"
                for line in sorted(secrets & released_lines(path))
            ]
    assert not leaks, (
        "expected no solution or hidden-test line in exercises/, found:\n" + "\n".join(leaks)
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_function_has_wrong_and_correct_variants(assignment):
    for function in structure(assignment).solutions:
        kinds = VARIANTS.get(assignment, {}).get(function, {})
        n_wrong, n_correct = len(kinds.get("wrong", {})), len(kinds.get("correct", {}))
        n_alias = len(kinds.get("alias", {}))
        assert n_wrong >= 3, (
            f"{assignment}.{function}: expected at least 3 wrong implementations, found {n_wrong}"
        )
        assert n_correct >= 3, (
            f"{assignment}.{function}: expected at least 3 alternative correct implementations "
            f"in other styles, found {n_correct}"
        )
        assert n_alias >= 1 or kinds.get("no_alias_reason"), (
            f"{assignment}.{function}: expected at least 1 wrapper or alias of a banned function "
            f"(e.g. of the medimg reference), or a 'no_alias_reason', found neither"
        )
        unknown = set(DIAGNOSES.get(assignment, {}).get(function, {})) - set(kinds["wrong"])
        assert not unknown, (
            f"{assignment}.{function}: diagnoses name unknown variants {sorted(unknown)}"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_function_has_visible_and_hidden_tests(assignment):
    info = structure(assignment)
    for function, cells in info.tests.items():
        assert cells, f"{assignment}.{function}: expected at least one test cell after the function"
    assert info.visible_asserts and info.hidden_asserts, (
        f"{assignment}: expected visible and hidden tests"
    )


@pytest.mark.nbgrader
@pytest.mark.slow
def test_release_matches_a_fresh_generation():
    db = ROOT / "gradebook.db"
    had_db = db.exists()
    proc = subprocess.run(
        [sys.executable, "-m", "medimg_grade.release", "--check"],
        cwd=ROOT,
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 0, (
        f"expected exercises/ to equal a fresh generation; got:\n{proc.stdout}\n{proc.stderr[-3000:]}"
    )
    assert had_db or not db.exists(), "the release step created gradebook.db in the repository"


@pytest.mark.nbgrader
@pytest.mark.slow
def test_release_check_reports_an_edited_release(tmp_path):
    assignment = ASSIGNMENTS[0]
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    shutil.copytree(ROOT / "solutions" / assignment, tmp_path / "solutions" / assignment)
    shutil.copytree(EXERCISES / assignment, tmp_path / "exercises" / assignment)
    released = tmp_path / "exercises" / assignment / f"{assignment}.ipynb"
    released.write_text(
        released.read_text(encoding="utf-8").replace("raise NotImplementedError()", "pass", 1)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "medimg_grade.release", "--check", "--root", str(tmp_path)],
        env=tool_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert proc.returncode == 1, (
        f"expected exit status 1 for an edited release, got {proc.returncode}:\n{proc.stdout}"
    )
    assert f"exercises/{assignment}/{assignment}.ipynb" in proc.stdout, (
        f"expected the edited notebook to be named, got:\n{proc.stdout}"
    )


def _source_cells(assignment: str) -> list[dict]:
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_set_states_the_integrity_rule(assignment):
    markdown = [
        "".join(c["source"]) for c in _source_cells(assignment) if c["cell_type"] == "markdown"
    ]
    assert any("**Integrity rule.**" in text for text in markdown), (
        f"{assignment}: expected a markdown cell stating the **Integrity rule.**"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_set_ends_with_a_ready_check_the_graders_skip(assignment):
    code = [c for c in _source_cells(assignment) if c["cell_type"] == "code"]
    last = code[-1]
    assert "skip-execution" in last.get("metadata", {}).get("tags", []), (
        f"{assignment}: the last code cell must be tagged skip-execution (graders skip it)"
    )
    assert f'check("{assignment}.ipynb")' in "".join(last["source"]), (
        f"{assignment}: the last code cell must call medimg.ready's check on its own file"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_try_it_cell_asks_a_question_and_says_what_to_expect(assignment):
    for cell in _source_cells(assignment):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and text.lstrip().lower().startswith("## try it"):
            assert "?" in text and "expect" in text.lower(), (
                f"{assignment}: the cell {text.splitlines()[0]!r} must ask a question and say "
                "what to expect"
            )
