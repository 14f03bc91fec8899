"""Fixtures for the assignment tests: grade every variant of an assignment once per session."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from assignment_course import (
    ALIAS_PHRASE,
    RELEASE_STUDENT,
    ROOT,
    SOLUTION_STUDENT,
    assignment_names,
    build_spec,
    run_course,
    structure,
)
from assignment_variants import VARIANTS


class GradedAssignment:
    """Scores of every student of one scratch course, with lookups per function."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.structure = structure(assignment)
        self.variants = VARIANTS.get(assignment, {})
        spec, self.where = build_spec(assignment, self.variants)
        started = time.perf_counter()
        result = run_course(assignment, spec)
        self.seconds = time.perf_counter() - started
        self.scores: dict[str, dict[str, list[float]]] = result["scores"]
        self.errors: dict[str, dict[str, str]] = result["errors"]

    def student(self, function: str, kind: str, name: str) -> str:
        """Student id that carries a variant (or the solution / release)."""
        return self.where[(function, kind, name)]

    def marks(self, student: str, function: str) -> tuple[float, float]:
        """(score, max score) of a student over the test cells of one function."""
        cells = self.structure.tests[function]
        got = sum(self.scores[student][c][0] for c in cells)
        best = sum(self.scores[student][c][1] for c in cells)
        return got, best

    def feedback(self, student: str, function: str) -> str:
        """Error messages of the failing test cells of one function."""
        return "\n".join(self.errors[student].get(c, "") for c in self.structure.tests[function])

    def counts(self) -> dict[str, int | float]:
        """Numbers for the summary table."""
        caught = accepted = n_wrong = n_correct = n_alias = alias_caught = 0
        for function, kinds in self.variants.items():
            for name in kinds.get("alias", {}):
                student = self.student(function, "alias", name)
                got, best = self.marks(student, function)
                n_alias += 1
                alias_caught += got < best and ALIAS_PHRASE in self.feedback(student, function)
            for name in kinds.get("wrong", {}):
                got, best = self.marks(self.student(function, "wrong", name), function)
                n_wrong += 1
                caught += got < best
            for name in kinds.get("correct", {}):
                got, best = self.marks(self.student(function, "correct", name), function)
                n_correct += 1
                accepted += got == best
        automatic = set(self.structure.points)
        solution = sum(s for c, (s, _) in self.scores[SOLUTION_STUDENT].items() if c in automatic)
        release = sum(s for c, (s, _) in self.scores[RELEASE_STUDENT].items() if c in automatic)
        return {
            "functions": len(self.structure.solutions),
            "test_cells": sum(len(t) for t in self.structure.tests.values()),
            "points": sum(self.structure.points.values()),
            "manual_points": sum(self.structure.manual.values()),
            "visible_tests": self.structure.visible_asserts,
            "hidden_tests": self.structure.hidden_asserts,
            "wrong_implementations": n_wrong,
            "wrong_caught": caught,
            "correct_alternatives": n_correct,
            "correct_accepted": accepted,
            "alias_implementations": n_alias,
            "alias_caught": alias_caught,
            "solution_score": solution,
            "release_score": release,
            "grading_seconds": round(self.seconds, 1),
        }


_GRADED: dict[str, GradedAssignment] = {}


@pytest.fixture(scope="session")
def graded() -> Callable[[str], GradedAssignment]:
    """Return a function that grades an assignment's variants (once per session) and caches it."""

    def get(assignment: str) -> GradedAssignment:
        if assignment not in _GRADED:
            _GRADED[assignment] = GradedAssignment(assignment)
        return _GRADED[assignment]

    return get


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print (and save to _build/assignment_counts.json) what the graded assignments cover."""
    if not _GRADED:
        return
    rows = {name: graded.counts() for name, graded in sorted(_GRADED.items())}
    columns = [
        ("functions", "functions"),
        ("test_cells", "test cells"),
        ("visible_tests", "visible"),
        ("hidden_tests", "hidden"),
        ("wrong_caught", "wrong caught"),
        ("correct_accepted", "correct ok"),
        ("alias_caught", "alias caught"),
        ("points", "points"),
        ("manual_points", "manual"),
        ("grading_seconds", "seconds"),
    ]
    totals = {key: sum(row.get(key, 0) for row in rows.values()) for key in rows[next(iter(rows))]}
    write = terminalreporter.write_line
    terminalreporter.section("assignment test coverage")
    header = f"{'assignment':<34}" + "".join(f"{title:>14}" for _, title in columns)
    write(header)
    for name, row in [*rows.items(), ("TOTAL", totals)]:
        cells = []
        for key, _ in columns:
            value = row[key]
            if key == "wrong_caught":
                value = f"{row['wrong_caught']}/{row['wrong_implementations']}"
            elif key == "correct_accepted":
                value = f"{row['correct_accepted']}/{row['correct_alternatives']}"
            elif key == "alias_caught":
                value = f"{row.get('alias_caught', 0)}/{row.get('alias_implementations', 0)}"
            elif isinstance(value, float):
                value = f"{value:.0f}"
            cells.append(f"{value!s:>14}")
        write(f"{name:<34}" + "".join(cells))
    write("visible/hidden: assertions outside/inside the hidden-test blocks of the test cells")
    # Assignments graded in earlier (partial) runs keep their rows; this run's rows replace theirs.
    build = Path(ROOT) / "_build"
    target = build / "assignment_counts.json"
    try:
        build.mkdir(exist_ok=True)
        merged = (
            json.loads(target.read_text(encoding="utf-8"))["assignments"] if target.exists() else {}
        )
        merged.update(rows)
        current = set(assignment_names())
        merged = {name: row for name, row in sorted(merged.items()) if name in current}
        total = {
            key: sum(row.get(key, 0) for row in merged.values())
            for key in next(iter(rows.values()))
        }
        target.write_text(json.dumps({"assignments": merged, "total": total}, indent=2) + "\n")
    except (OSError, ValueError, KeyError) as error:  # the table on screen is still complete
        write(f"could not write {target}: {error}")
