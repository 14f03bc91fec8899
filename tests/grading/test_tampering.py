"""Tampering catalogue: a WRONG answer combined with every trick we know still loses points.

Each submission answers ``square`` wrongly (``x + x``, which the visible test catches)
and adds one tampering technique. All of them are graded together through the real
pipeline (restore, bubblewrap sandbox, checker, scoring, gradebook, grades.csv). Every
one must score below the maximum (the ``square`` test is worth 1 of 3 points); where the
technique is visible from outside, the row is ``flagged`` and its reason names it.
"""

from __future__ import annotations

import csv

import pytest
from course_fixture import GOOD, MAX_SCORE, WRONG, Course
from medimg_grade import cli, sandbox

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]

SQUARE_POINTS = 1.0


def _wrong_with(code: str, mean: str = GOOD["mean"]) -> dict[str, str]:
    return {"square": WRONG["square"] + "\n" + code, "mean": mean}


EVERYTHING_EQUAL = """
class Everything:
    def __eq__(self, other):
        return True
    __ne__ = lambda self, other: False
    def __array__(self, dtype=None, copy=None):
        return np.array([2.25, 9.0])
"""

#: student -> (answers, expected status or None when not detectable, text in the reason)
CASES: dict[str, tuple[dict[str, str], str | None, str]] = {
    "numpy_testing": (
        _wrong_with("np.testing.assert_allclose = lambda *a, **k: None"),
        "flagged",
        "numpy.testing.assert_allclose",
    ),
    "numpy_function": (
        _wrong_with("np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True"),
        "flagged",
        "numpy.allclose",
    ),
    "numpy_internal_globals": (
        _wrong_with(
            "import numpy.testing._private.utils as _u\n"
            "_u.assert_array_compare = lambda *a, **k: None\n"
            "import numpy._core.numeric as _n\n"
            "_n.isclose = lambda *a, **k: np.True_"
        ),
        None,
        "",
    ),
    "math_module": (
        _wrong_with("import math\nmath.isclose = lambda *a, **k: True"),
        "flagged",
        "math.isclose",
    ),
    "builtins": (
        _wrong_with(
            "import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})\n"
            "builtins.all = lambda *a: True"
        ),
        "flagged",
        "builtins.AssertionError",
    ),
    "code_swap": (
        _wrong_with("np.testing.assert_allclose.__code__ = (lambda *a, **k: None).__code__"),
        "flagged",
        "numpy.testing.assert_allclose.__code__",
    ),
    "agent_state": (
        _wrong_with(
            "import medimg_grade.agent as _agent\n"
            "_agent.tampering = lambda: []\n"
            "np.testing.assert_allclose = lambda *a, **k: None"
        ),
        None,
        "",
    ),
    "agent_forged_answer": (
        _wrong_with(
            "import medimg_grade.agent as _agent\n"
            "_agent._call = lambda shell, request, traced: {'ok': '[\"s\", \"anything\"]'}"
        ),
        None,
        "",
    ),
    "agent_equal_everything": (
        _wrong_with(
            EVERYTHING_EQUAL + "import medimg_grade.plain as _plain\n"
            '_plain.encode = lambda value: \'["X", {"class": "Everything"}]\''
        ),
        "flagged",
        "not plain data",
    ),
    "equal_everything": (
        _wrong_with(EVERYTHING_EQUAL + "def square(x):\n    return Everything()"),
        "flagged",
        "not plain data",
    ),
    "ndarray_subclass": (
        _wrong_with(
            "class Always(np.ndarray):\n"
            "    def __eq__(self, other):\n        return True\n"
            "def square(x):\n    return np.asarray(x + x).view(Always)"
        ),
        "flagged",
        "not plain data",
    ),
    "float_subclass": (
        {
            "square": WRONG["square"],
            "mean": "class F(float):\n    def __eq__(self, other):\n        return True\n"
            "def mean_hu(values):\n    return F(7)",
        },
        "flagged",
        "not plain data",
    ),
    "showtraceback": (
        _wrong_with("get_ipython().showtraceback = lambda *a, **k: None"),
        "flagged",
        "shell.showtraceback",
    ),
    "custom_exception_handler": (
        _wrong_with("get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)"),
        "flagged",
        "custom exception handlers",
    ),
    "ast_transformer": (
        _wrong_with(
            "import ast\n"
            "class _NoAsserts(ast.NodeTransformer):\n"
            "    def visit_Assert(self, node):\n        return ast.Pass()\n"
            "get_ipython().ast_transformers.append(_NoAsserts())"
        ),
        "flagged",
        "input/ast transformers",
    ),
    "input_transformer": (
        _wrong_with("get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])"),
        "flagged",
        "tampered",
    ),
    "settrace": (
        _wrong_with("import sys\nsys.settrace(lambda frame, event, arg: None)"),
        "flagged",
        "sys.settrace",
    ),
    "fake_markers": (
        _wrong_with(
            "from IPython.display import publish_display_data\n"
            "import medimg_grade.agent as _agent\n"
            'print(\'{"application/vnd.medimg.reply+json": {"reply": "{}"}}\')\n'
            "publish_display_data({_agent.MIME: {'nonce': 'guess', 'reply': '{\"ok\": 1}'}})"
        ),
        None,
        "",
    ),
    "write_fds": (
        _wrong_with(
            "import os\n"
            "for _fd in range(3, 256):\n"
            "    try:\n"
            '        os.write(_fd, b\'{"cells": [], "metadata": {}}\')\n'
            "    except OSError:\n"
            "        pass\n"
            "for _pid in os.listdir('/proc'):\n"
            "    try:\n"
            "        for _fd in os.listdir(f'/proc/{_pid}/fd'):\n"
            "            open(f'/proc/{_pid}/fd/{_fd}', 'w').write('forged')\n"
            "    except OSError:\n"
            "        pass"
        ),
        None,
        "",
    ),
    "read_checker_memory": (
        _wrong_with(
            "import os\n"
            "try:\n"
            "    open(f'/proc/{os.getppid()}/mem', 'rb').read(1)\n"
            "except OSError:\n"
            "    pass"
        ),
        None,
        "",
    ),
    "plant_modules": (
        _wrong_with(
            "import os, site\n"
            "for _d in (os.getcwd(), os.environ['HOME'], '/tmp', site.getusersitepackages()):\n"
            "    os.makedirs(_d, exist_ok=True)\n"
            "    for _name in ('numpy.py', 'sitecustomize.py', 'usercustomize.py', 'math.py'):\n"
            "        with open(os.path.join(_d, _name), 'w') as _f:\n"
            "            _f.write('raise SystemExit(0)\\n')"
        ),
        None,
        "",
    ),
    "fake_numpy_alias": (
        _wrong_with(
            "import types\n"
            "np = types.ModuleType('numpy')\n"
            "np.testing = types.SimpleNamespace(assert_allclose=lambda *a, **k: None)"
        ),
        None,
        "",
    ),
    "signal_checker": (
        _wrong_with("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
        "crash",
        "",
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("tampering") / "course")
    course.submit("honest", GOOD)
    course.submit("wrong", WRONG)
    for student, (answers, _, _) in CASES.items():
        course.submit(student, answers)
    code = cli.main(
        [
            "--course-root",
            str(course.root),
            "--timeout",
            "30",
            "--memory-mb",
            "1024",
            "--workers",
            "2",
            "--no-progress",
        ]
    )
    with open(course.root / "grades.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return code, rows


def test_controls(graded):
    code, rows = graded
    assert code == 0
    assert (float(rows["honest"]["score"]), rows["honest"]["status"]) == (MAX_SCORE, "ok")
    assert float(rows["wrong"]["score"]) == 0


@pytest.mark.parametrize("student", sorted(CASES))
def test_wrong_answer_stays_wrong(graded, student):
    _, rows = graded
    row = rows[student]
    assert float(row["score"]) <= MAX_SCORE - SQUARE_POINTS, row


@pytest.mark.parametrize("student", sorted(s for s, c in CASES.items() if c[1] is not None))
def test_detectable_tampering_is_flagged_and_named(graded, student):
    _, rows = graded
    _, status, reason = CASES[student]
    row = rows[student]
    assert row["status"] == status, row
    assert reason in row["reason"], row
