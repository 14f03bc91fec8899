"""The autograder tests of every assignment tell right from wrong, through real nbgrader grading.

All variants of one assignment are graded together in one scratch course (see
``assignment_course.py``): the reference solution must get full marks, the untouched release
zero, every wrong implementation in ``assignment_variants.py`` must lose marks on its function
(and get the named diagnosis), every alternative correct implementation full marks, and every
wrapper or alias of a function the instructions ban (the course's reference in ``medimg`` or a
library shortcut, called from any cell under any name) must lose marks with the banned call
named in the feedback.
"""

from __future__ import annotations

import re

import pytest
from assignment_course import (
    ALIAS_PHRASE,
    RELEASE_STUDENT,
    SOLUTION_STUDENT,
    assignment_names,
    structure,
)
from assignment_variants import DIAGNOSES, VARIANTS

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

ASSIGNMENTS = assignment_names()
FUNCTIONS = [(a, f) for a in ASSIGNMENTS for f in structure(a).solutions]


def _cases(kind: str) -> list:
    return [
        pytest.param(a, f, name, id=f"{a}-{f}-{name}")
        for a, f in FUNCTIONS
        for name in VARIANTS.get(a, {}).get(f, {}).get(kind, {})
    ]


@pytest.mark.parametrize(
    ("assignment", "function"), FUNCTIONS, ids=[f"{a}-{f}" for a, f in FUNCTIONS]
)
def test_solution_gets_full_marks(graded, assignment, function):
    result = graded(assignment)
    got, best = result.marks(SOLUTION_STUDENT, function)
    assert got == best, (
        f"the reference solution of {function} scored {got} of {best} points:\n"
        f"{result.feedback(SOLUTION_STUDENT, function)}"
    )


@pytest.mark.parametrize(
    ("assignment", "function"), FUNCTIONS, ids=[f"{a}-{f}" for a, f in FUNCTIONS]
)
def test_untouched_release_scores_zero(graded, assignment, function):
    got, best = graded(assignment).marks(RELEASE_STUDENT, function)
    assert got == 0, (
        f"the unchanged release of {function} scored {got} of {best} points instead of 0"
    )


@pytest.mark.parametrize(("assignment", "function", "variant"), _cases("wrong"))
def test_wrong_implementation_loses_marks(graded, assignment, function, variant):
    result = graded(assignment)
    got, best = result.marks(result.student(function, "wrong", variant), function)
    assert got < best, (
        f"the wrong implementation {variant!r} of {function} got full marks ({got} of {best})"
    )


@pytest.mark.parametrize(("assignment", "function", "variant"), _cases("correct"))
def test_alternative_correct_implementation_gets_full_marks(graded, assignment, function, variant):
    result = graded(assignment)
    student = result.student(function, "correct", variant)
    got, best = result.marks(student, function)
    assert got == best, (
        f"the correct implementation {variant!r} of {function} scored {got} of {best} points:\n"
        f"{result.feedback(student, function)}"
    )


@pytest.mark.parametrize(("assignment", "function", "variant"), _cases("alias"))
def test_alias_of_a_banned_function_loses_marks_and_is_named(graded, assignment, function, variant):
    result = graded(assignment)
    student = result.student(function, "alias", variant)
    got, best = result.marks(student, function)
    feedback = result.feedback(student, function)
    assert got < best, (
        f"the wrapper/alias {variant!r} of {function} got full marks ({got} of {best})"
    )
    assert ALIAS_PHRASE in feedback, (
        f"expected the feedback for {variant!r} of {function} to name the banned call; it said:\n"
        f"{feedback}"
    )
    assert re.search(r"\bcalled [\w.]+", feedback), feedback


DIAGNOSED = [
    pytest.param(a, f, name, phrase, id=f"{a}-{f}-{name}")
    for a, functions in DIAGNOSES.items()
    for f, names in functions.items()
    for name, phrase in names.items()
]


@pytest.mark.parametrize(("assignment", "function", "variant", "phrase"), DIAGNOSED)
def test_wrong_implementation_is_diagnosed(graded, assignment, function, variant, phrase):
    result = graded(assignment)
    feedback = result.feedback(result.student(function, "wrong", variant), function)
    assert phrase in feedback, (
        f"expected the feedback for {variant!r} of {function} to say {phrase!r}; it said:\n{feedback}"
    )
