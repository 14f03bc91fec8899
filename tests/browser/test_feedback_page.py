"""The feedback page a student reads, checked in Chromium at a laptop's 1366 x 768.

A tiny assignment (a convolution with a long misconception diagnosis, a mean with a hidden
test, and a manually graded written answer) is graded by the real ``medimg-grade`` for a
wrong and a correct submission; the feedback pages it writes are served on 127.0.0.1 and
opened in the system Chromium (every other request is aborted).
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from book_site import Recorder, serve_directory, settle
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = [pytest.mark.browser, pytest.mark.nbgrader, pytest.mark.slow]

ASSIGNMENT = "fb01"
VIEWPORT = {"width": 1366, "height": 768}
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
CONFIG = """c = get_config()
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.submitted_directory = "submitted"
"""
#: The visible test's diagnosis: long, with a long unbroken token that must wrap too.
DIAGNOSIS = (
    "convolve([0, 1, 0, 0, 0], [1, 2, 3]) returned {got}, but the convolution is "
    "[1, 2, 3, 0, 0]: your result equals the correlation, not the convolution. Did you flip "
    "the kernel? A convolution mirrors the kernel before sliding it over the signal, so the "
    "first sample of the response is the last weight of the kernel. Checked signal: "
    + "0," * 60
    + "1"
)
HIDDEN_MESSAGE = "mean of air (-1000 HU) and bone (1000 HU) must be 0 HU, not a constant"
TEST_CONVOLVE = (
    "got = convolve(np.array([0.0, 1.0, 0.0, 0.0, 0.0]), np.array([1.0, 2.0, 3.0]))\n"
    f"assert np.allclose(got, [1, 2, 3, 0, 0]), {DIAGNOSIS!r}.format(got=got.tolist())"
)
TEST_MEAN = (
    "assert mean_hu([1, 3]) == 2\n"
    "### BEGIN HIDDEN TESTS\n"
    f"assert mean_hu([-1000, 1000]) == 0, {HIDDEN_MESSAGE!r}  # secret-hidden-line\n"
    "### END HIDDEN TESTS"
)
GOOD = {
    "convolve": "def convolve(signal, kernel):\n    return np.convolve(signal, kernel)[1:-1]",
    "mean": "def mean_hu(values):\n    return float(np.mean(values))",
    "explain": "Because a convolution mirrors the kernel.",
}
WRONG = {
    "convolve": "def convolve(signal, kernel):\n"
    "    return np.correlate(np.pad(signal, 1), kernel, mode='valid')",
    "mean": "def mean_hu(values):\n    return 2.0",
}


def _meta(gid: str, *, grade=False, solution=False, locked=False, points=0.0) -> dict:
    meta = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3}
    meta["solution"] = solution
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _source() -> nbformat.NotebookNode:
    return new_notebook(
        cells=[
            new_markdown_cell("# Feedback fixture"),
            new_code_cell("import numpy as np", metadata=_meta("imports", locked=True)),
            new_markdown_cell(
                "## Convolution by hand\n\n"
                "The response is $y_i = \\sum_k h_k \\, x_{i-k}$ for every sample $i$."
            ),
            new_code_cell(
                "def convolve(signal, kernel):\n    ### BEGIN SOLUTION\n"
                "    return np.convolve(signal, kernel)[1:-1]\n    ### END SOLUTION",
                metadata=_meta("convolve", solution=True),
            ),
            new_code_cell(
                TEST_CONVOLVE,
                metadata=_meta("test_convolve", grade=True, locked=True, points=3),
            ),
            new_markdown_cell("## Mean intensity in Hounsfield units"),
            new_code_cell(
                "def mean_hu(values):\n    ### BEGIN SOLUTION\n"
                "    return float(np.mean(values))\n    ### END SOLUTION",
                metadata=_meta("mean", solution=True),
            ),
            new_code_cell(
                TEST_MEAN, metadata=_meta("test_mean", grade=True, locked=True, points=2)
            ),
            new_markdown_cell("## Why flip the kernel?"),
            new_markdown_cell(
                "### BEGIN SOLUTION\nBecause convolution mirrors it.\n### END SOLUTION",
                metadata=_meta("explain", grade=True, solution=True, points=2),
            ),
        ],
        metadata={"kernelspec": KERNELSPEC},
    )


def _submission(answers: dict[str, str]) -> nbformat.NotebookNode:
    nb = _source()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        elif meta.get("solution"):
            cell.source = "YOUR ANSWER HERE"
        elif gid == "test_mean":
            cell.source = "assert mean_hu([1, 3]) == 2"
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    from medimg_grade import sandbox

    if sandbox.bwrap_path() is None:
        pytest.fail("bubblewrap (bwrap) is not installed (apt-get install bubblewrap)")
    root = tmp_path_factory.mktemp("feedback") / "course"
    (root / "solutions" / ASSIGNMENT).mkdir(parents=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    nbformat.write(_source(), root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for student, answers in (("wrong", WRONG), ("good", GOOD)):
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(_submission(answers), folder / f"{ASSIGNMENT}.ipynb")
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("medimg-grade")),
            *("--course-root", str(root), "--workers", "2", "--timeout", "120"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(root / "grades.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["wrong"]["raw_score"]) == 0, rows["wrong"]
    assert float(rows["good"]["raw_score"]) == 5, rows["good"]
    return root


@pytest.fixture(scope="module")
def feedback_server(graded: Path):
    with serve_directory(graded / "feedback", name="feedback-server") as url:
        yield url


@pytest.fixture
def open_feedback(browser, feedback_server):
    contexts = []

    def _open(student: str):
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(90_000)
        contexts.append(context)
        recorder = Recorder(allowed_prefixes=(feedback_server,))
        recorder.attach(context)
        _open.recorders[student] = recorder
        page = context.new_page()
        page.goto(f"{feedback_server}{student}/{ASSIGNMENT}/{ASSIGNMENT}.html", wait_until="load")
        settle(page)
        return page

    _open.recorders = {}
    yield _open
    for context in contexts:
        context.close()


OVERFLOW_JS = """() => {
    const bad = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth) {
        bad.push(`document: scrollWidth ${doc.scrollWidth} > clientWidth ${doc.clientWidth}`);
    }
    for (const el of document.querySelectorAll('pre, div, table, code, p')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0) continue;
        if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
            bad.push(`${el.tagName}.${el.className}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
        }
        if (box.right > doc.clientWidth + 1) {
            bad.push(`${el.tagName}.${el.className}: right edge ${box.right} > viewport ${doc.clientWidth}`);
        }
    }
    return bad;
}"""

VISIBLE_JS = """(el) => {
    // the element and every ancestor that could clip it must show its whole width
    const box = el.getBoundingClientRect();
    const problems = [];
    if (el.scrollWidth > el.clientWidth + 1) problems.push('element scrolls horizontally');
    if (box.left < 0 || box.right > document.documentElement.clientWidth + 1) {
        problems.push(`outside the viewport: ${box.left}..${box.right}`);
    }
    for (let a = el.parentElement; a; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX !== 'visible') {
            const outer = a.getBoundingClientRect();
            if (box.left < outer.left - 1 || box.right > outer.right + 1) {
                problems.push(`clipped by ${a.tagName}.${a.className}`);
            }
        }
    }
    const style = getComputedStyle(el);
    if (style.textOverflow === 'ellipsis' || style.whiteSpace === 'nowrap') {
        problems.push(`white-space ${style.whiteSpace}, text-overflow ${style.textOverflow}`);
    }
    return problems;
}"""


@pytest.mark.parametrize("student", ["wrong", "good"])
def test_no_element_is_wider_than_the_viewport(open_feedback, student):
    page = open_feedback(student)
    assert page.evaluate(OVERFLOW_JS) == []


def test_every_failure_message_is_fully_readable(open_feedback):
    page = open_feedback("wrong")
    blocks = page.locator(".medimg-diagnosis")
    texts = [blocks.nth(i).inner_text() for i in range(blocks.count())]
    correlation = "[3.0, 2.0, 1.0, 0.0, 0.0]"
    want = [
        "Test failed. AssertionError: " + DIAGNOSIS.format(got=correlation),
        f"Test failed. AssertionError: {HIDDEN_MESSAGE}",
    ]
    assert [re.sub(r"\s+", " ", t).strip() for t in texts] == want
    for i in range(blocks.count()):
        assert blocks.nth(i).evaluate(VISIBLE_JS) == [], texts[i][:80]
    # the traceback of the visible test wraps too: its whole message is inside the viewport
    traceback = page.locator(".output_error pre").first
    assert "did you flip the kernel" in traceback.inner_text().lower()
    assert traceback.evaluate(VISIBLE_JS) == []


def test_diagnosis_comes_before_the_traceback(open_feedback):
    page = open_feedback("wrong")
    order = page.evaluate(
        """() => {
            const cell = document.querySelector('a[name="test_convolve"]').closest('.cell');
            return Array.from(cell.querySelectorAll('.medimg-diagnosis, .output_error'))
                .map(el => el.classList.contains('medimg-diagnosis') ? 'diagnosis' : 'traceback');
        }"""
    )
    assert order == ["diagnosis", "traceback"]


SUMMARY_JS = """() => Array.from(document.querySelectorAll('table.medimg-summary tr')).map(
    row => Array.from(row.children).map(c => c.innerText.replace(/\\s+/g, ' ').trim()))"""


@pytest.mark.parametrize(
    ("student", "rows"),
    [
        (
            "wrong",
            [
                ["Convolution by hand automatic test test_convolve", "0 / 3", "failed"],
                [
                    "Mean intensity in Hounsfield units automatic test test_mean",
                    "0 / 2",
                    "failed",
                ],
                ["Why flip the kernel? written answer explain", "0 / 2", "not answered"],
                ["Total", "0 / 7", ""],
            ],
        ),
        (
            "good",
            [
                ["Convolution by hand automatic test test_convolve", "3 / 3", "passed"],
                [
                    "Mean intensity in Hounsfield units automatic test test_mean",
                    "2 / 2",
                    "passed",
                ],
                ["Why flip the kernel? written answer explain", "– / 2", "needs manual grading"],
                ["Total", "5 / 7", ""],
            ],
        ),
    ],
)
def test_summary_table_opens_the_page_with_the_right_points(open_feedback, student, rows):
    page = open_feedback(student)
    table = page.locator("table.medimg-summary")
    assert table.count() == 1
    assert page.evaluate(SUMMARY_JS) == [["Part", "Points", "Result"], *rows]
    # it comes before the first cell of the notebook
    first = page.evaluate(
        """() => {
            const t = document.querySelector('table.medimg-summary');
            const c = document.querySelector('.cell');
            return !!(t.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    )
    assert first
    # the summary is on screen without scrolling
    assert table.bounding_box()["y"] < VIEWPORT["height"]


def test_hidden_test_code_stays_hidden(open_feedback):
    for student in ("wrong", "good"):
        text = open_feedback(student).locator("body").inner_text()
        assert "secret-hidden-line" not in text
        assert "BEGIN HIDDEN TESTS" not in text
        assert "mean_hu([-1000, 1000])" not in text
        assert "assert mean_hu([1, 3]) == 2" in text  # the visible part of the same cell


@pytest.mark.parametrize("student", ["wrong", "good"])
def test_math_is_rendered_without_loading_anything(open_feedback, student):
    # The page's math is MathML written by the grader: no MathJax from a CDN, no request
    # leaving the page's own server, and no TeX source left on the page.
    page = open_feedback(student)
    assert open_feedback.recorders[student].blocked == []
    math = page.locator("div.text_cell_render math")
    assert math.count() == 2
    for index in range(2):
        box = math.nth(index).bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
    text = page.inner_text("body")
    assert "\\sum" not in text and "$y_i" not in text
