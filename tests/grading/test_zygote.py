"""Runners forked by the zygote: each notebook starts clean, unprivileged and blind to its tests.

The zygote (:mod:`medimg_grade.zygote`) imports the kernel's modules once and forks a
runner into each fresh sandbox; the runner forks the kernel before it reads the notebook.
These tests run notebooks through the real sandbox and check what that design promises:
no capability or privilege survives, nothing of the notebook's hidden tests is in the
kernel's memory, nothing one notebook changes reaches the next one, and the result equals
that of a runner started the slow way (``exec``).
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from medimg_grade import sandbox
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bwrap is not installed")
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
LIMITS = sandbox.Limits(timeout_s=30)
#: Appears only in a hidden test cell, never in a cell the kernel runs.
SECRET = "hidden-test-marker-" + "8d1f5c"


def _execute(cells: list, *, zygote: bool = True) -> tuple[list, sandbox.Execution, dict]:
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})
    previous = os.environ.get("MEDIMG_GRADE_ZYGOTE")
    os.environ["MEDIMG_GRADE_ZYGOTE"] = "1" if zygote else "0"
    try:
        box = sandbox.Sandbox.start(LIMITS)
        result = box.run(nbformat.writes(nb))
    finally:
        if previous is None:
            del os.environ["MEDIMG_GRADE_ZYGOTE"]
        else:
            os.environ["MEDIMG_GRADE_ZYGOTE"] = previous
    assert box.forked is zygote, box.warnings
    assert result.notebook is not None, result.stderr
    out = nbformat.reads(result.notebook, as_version=4)
    return out.cells, result, out.metadata["medimg_grading"]


def _report(cell) -> dict:
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    assert "REPORT" in text, cell.outputs
    return json.loads(text.split("REPORT", 1)[1])


def _test_cell(source: str):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "points": 1,
        "grade_id": "t1",
    }
    return cell


STATUS = r"""
import json, os
fields = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
keys = ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs")
print("REPORT" + json.dumps({k: fields[k].strip() for k in keys} | {"uid": os.getuid()}))
"""


def test_the_kernel_has_no_capability_and_cannot_gain_one():
    cells, _, meta = _execute([new_code_cell(STATUS)])
    report = _report(cells[0])
    assert meta["status"] == "ok"
    for key in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(report[key], 16) == 0, (key, report)
    assert report["NoNewPrivs"] == "1"
    if os.geteuid() == 0:
        assert report["uid"] >= sandbox.SANDBOX_UID_BASE


SEARCH = r"""
import gc, json
needle = "-".join(["hidden", "test", "marker", "8d1f5c"])  # built at run time only
found = []
for obj in gc.get_objects():
    if obj is found:
        continue
    try:
        if isinstance(obj, dict):
            texts = [v for v in obj.values() if isinstance(v, str)]
        elif isinstance(obj, (list, tuple)):
            texts = [v for v in obj if isinstance(v, str)]
        else:
            continue
    except Exception:
        continue
    found += [t[:80] for t in texts if needle in t and t is not needle]
print("REPORT" + json.dumps({"found": found}))
"""


def test_the_kernel_never_holds_the_hidden_tests():
    # The runner reads the notebook (hidden tests included) only after it forked the
    # kernel: a submission searching its own memory finds nothing of them.
    hidden = _test_cell(f"# {SECRET}\nassert True")
    cells, _, meta = _execute([new_code_cell(SEARCH), hidden, new_code_cell(SEARCH)])
    assert meta["status"] == "ok"
    assert _report(cells[0]) == {"found": []}
    assert _report(cells[2]) == {"found": []}


SPOIL = r"""
import json, os, numpy, builtins
numpy.pi = 3.0
builtins.len = lambda obj: 0
os.environ["SPOILED"] = "1"
open("/tmp/spoiled", "w").write("x")
open(os.path.expanduser("~/spoiled"), "w").write("x")
print("REPORT" + json.dumps({"pid": os.getpid()}))
"""

LOOK = r"""
import json, os, numpy, builtins
print("REPORT" + json.dumps({
    "pi": numpy.pi,
    "len": len([1, 2, 3]),
    "env": "SPOILED" in os.environ,
    "tmp": os.path.exists("/tmp/spoiled"),
    "home": os.path.exists(os.path.expanduser("~/spoiled")),
    "random": numpy.random.rand(),
}))
"""


def test_nothing_one_notebook_changes_reaches_the_next():
    _execute([new_code_cell(SPOIL)])
    first = _report(_execute([new_code_cell(LOOK)])[0][0])
    second = _report(_execute([new_code_cell(LOOK)])[0][0])
    for report in (first, second):
        assert report["pi"] == pytest.approx(3.141592653589793)
        assert (report["len"], report["env"], report["tmp"], report["home"]) == (
            3,
            False,
            False,
            False,
        )
    # numpy's global random state is reseeded in every kernel, as in a fresh process.
    assert first["random"] != second["random"]


def test_a_forked_runner_grades_like_one_started_with_exec():
    answer = new_code_cell("def square(x):\n    print('squaring', x)\n    return x * x")
    answer.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "a1"}
    test = _test_cell("assert square(3) == 9\nprint('ok')\nsquare(4)")
    wrong = _test_cell("assert square(2) == 5")
    runs = [_execute([answer, test, wrong], zygote=z) for z in (True, False)]
    outputs = []
    for cells, _, meta in runs:
        assert meta["status"] == "ok"
        assert meta["no_reply"] == [] and meta["tamper"] == {}
        outputs.append([[dict(o) for o in cell.outputs] for cell in cells])
    assert outputs[0] == outputs[1]
    test_outputs = outputs[0][1]
    assert [o["output_type"] for o in test_outputs] == ["stream", "execute_result"]
    assert test_outputs[0]["text"] == "squaring 3\nok\nsquaring 4\n"
    assert outputs[0][2][-1]["ename"] == "AssertionError"


def test_a_replaced_serve_loop_fails_the_test_at_once():
    # The kernel answers the runner's serve request without serving: the test cell gets
    # no answer (flagged as no reply) instead of waiting for the notebook's time limit.
    spoil = new_code_cell(
        "import medimg_grade.agent as agent\n"
        "agent.serve = lambda *args, **kwargs: None\n"
        "def square(x):\n    return x * x"
    )
    cells, result, meta = _execute([spoil, _test_cell("assert square(3) == 9")])
    assert meta["status"] == "ok"
    assert meta["no_reply"] == [1]
    assert cells[1].outputs[-1]["ename"] == "GradingChannelError"
    assert result.seconds < LIMITS.timeout_s
