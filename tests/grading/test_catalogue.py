"""Catalogue of bad submissions, graded together in one real batch.

Every case goes through the whole pipeline (restore, bubblewrap sandbox, scoring,
gradebook, grades.csv). For each: the batch goes on, the student gets a row with a
readable reason, other students' grades are unaffected, and the submitted files are
byte-for-byte unchanged.
"""

from __future__ import annotations

import csv
import os
import re
import socket
import sqlite3
import threading
import time
from html import unescape
from pathlib import Path

import nbformat
import pytest
from course_fixture import ASSIGNMENT, GOOD, MAX_SCORE, WRONG, Course
from medimg_grade import batch, cli, sandbox
from medimg_grade.execute import STARTUP_S

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]

TIMEOUT_S = 20
MEMORY_MB = 1024


def _with(square: str) -> dict[str, str]:
    return {"square": square, "mean": GOOD["mean"]}


def _probe(check: str) -> dict[str, str]:
    """Correct answers whose `square` is wrong if `check` (an escape attempt) succeeded."""
    return _with(
        "def _escaped():\n"
        "    try:\n"
        + "".join(f"        {line}\n" for line in check.splitlines())
        + "        return True\n"
        "    except Exception:\n"
        "        return False\n"
        "ESCAPED = _escaped()\n"
        "def square(x):\n"
        "    return x * x if not ESCAPED else x"
    )


def _drop_test_square(nb):
    nb.cells = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_square"
    ]


def _edit_test_square(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_square":
            cell.source = "pass"


def _more_points(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_mean":
            cell.metadata.nbgrader["points"] = 100


class Listener:
    """A TCP server on 127.0.0.1 outside the sandbox that records connections."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


def build(course: Course, listener: Listener) -> dict:
    """Submit every case; return student -> expectation."""
    root = course.root
    secret = root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    db = root / "gradebook.db"
    victim = root / "submitted" / "good" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    cases = {
        # student: (answers or callable, expected status, score, text in reason)
        "good": (GOOD, "ok", 3, ""),
        "wrong": (WRONG, "ok", 0, ""),
        "infinite_loop": (_with("while True:\n    pass"), "timeout", 0, "time limit"),
        "kernel_exit": (_with("import os\nos._exit(3)"), "crash", 0, "kernel died"),
        "memory_bomb": (
            _with(
                GOOD["square"] + "\nimport numpy\nbomb = numpy.ones(4 * 2**30, dtype=numpy.uint8)"
            ),
            "memory",
            3,
            "MemoryError",
        ),
        "process_flood": (
            _with(
                GOOD["square"] + "\nimport subprocess\nchildren = []\n"
                "for _ in range(200):\n"
                "    children.append(subprocess.Popen(['sleep', '600']))"
            ),
            "ok",
            3,
            "process limit",
        ),
        "huge_output": (
            _with(
                GOOD["square"] + "\nimport sys\nfor _ in range(100):\n"
                "    print('x' * 1_000_000)\n    sys.stdout.flush()"
            ),
            "ok",
            3,
            "truncated",
        ),
        "import_error": (
            {"square": "import no_such_module_anywhere\n" + GOOD["square"], "mean": WRONG["mean"]},
            "ok",
            0,
            "ModuleNotFoundError",
        ),
        "test_edited": ((WRONG, _edit_test_square), "ok", 0, "edited cell 'test_square'"),
        "test_deleted": ((GOOD, _drop_test_square), "ok", 3, "missing cell 'test_square'"),
        "metadata_changed": ((GOOD, _more_points), "flagged", 3, "metadata of 'test_mean'"),
        "patch_numpy_testing": (
            _with(WRONG["square"] + "\nnp.testing.assert_allclose = lambda *a, **k: None"),
            "flagged",
            2,
            "numpy.testing.assert_allclose",
        ),
        "patch_builtins": (
            _with(GOOD["square"] + "\nimport builtins\nbuiltins.AssertionError = ValueError"),
            "flagged",
            3,
            "builtins.AssertionError",
        ),
        "disable_tests": (
            _with(
                WRONG["square"]
                + "\nget_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"
            ),
            "flagged",
            0,
            "tampered",
        ),
        "read_solution": (_probe(f"open({str(secret)!r}).read()"), "ok", 3, ""),
        "read_gradebook": (_probe(f"open({str(db)!r}, 'rb').read()"), "ok", 3, ""),
        "write_gradebook": (
            _probe(
                f"import sqlite3\nsqlite3.connect({str(db)!r}).execute('create table pwned (x)')"
            ),
            "ok",
            3,
            "",
        ),
        "write_other_student": (_probe(f"open({str(victim)!r}, 'w').write('{{}}')"), "ok", 3, ""),
        "network": (
            _probe(
                f"import socket\nsocket.create_connection(('127.0.0.1', {listener.port}), timeout=2)"
            ),
            "ok",
            3,
            "",
        ),
        "old_nbformat": ("v3", "ok", 3, "converted from nbformat 3"),
        "zoë_ñandú": (GOOD, "ok", 3, ""),
        "wrong_name": ("wrong_name", "flagged", 3, "instead of fx01.ipynb"),
        "duplicate": ("duplicate", "flagged", 3, "extra notebook(s) ignored"),
        "invalid_json": ("invalid_json", "invalid", 0, "not valid JSON"),
        "empty_file": ("empty", "invalid", 0, "empty file"),
        "wrong_folder": ("wrong_folder", "missing", 0, "fx1"),
    }
    for student, (spec, *_rest) in cases.items():
        if isinstance(spec, tuple):
            course.submit(student, spec[0], edit=spec[1])
        elif isinstance(spec, dict):
            course.submit(student, spec)
        elif spec == "v3":
            path = course.submit(student)
            nbformat.write(nbformat.read(path, as_version=4), path, version=3)
        elif spec == "wrong_name":
            course.submit(student, name="übung_fx01 (Kopie).ipynb")
        elif spec == "duplicate":
            course.submit(student)
            course.submit(student, WRONG, name=f"{ASSIGNMENT} (1).ipynb")
        elif spec == "invalid_json":
            (course.folder(student) / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [')
        elif spec == "empty":
            (course.folder(student) / f"{ASSIGNMENT}.ipynb").write_bytes(b"")
        elif spec == "wrong_folder":
            folder = course.folder(student, "fx1")
            nbformat.write(nbformat.v4.new_notebook(), folder / f"{ASSIGNMENT}.ipynb")
    return {student: rest for student, (_, *rest) in cases.items()}


def _read(course: Course, student: str):
    return nbformat.read(course.folder(student) / f"{ASSIGNMENT}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("catalogue") / "course")
    listener = Listener()
    try:
        expected = build(course, listener)
        before = course.hashes()
        start = time.monotonic()
        code = cli.main(
            [
                "--course-root",
                str(course.root),
                "--timeout",
                str(TIMEOUT_S),
                "--memory-mb",
                str(MEMORY_MB),
                "--workers",
                "2",
                "--no-progress",
            ]
        )
        seconds = time.monotonic() - start
        after = course.hashes()
    finally:
        listener.close()
    with open(course.root / "grades.csv", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {
        "course": course,
        "code": code,
        "rows": rows,
        "expected": expected,
        "before": before,
        "after": after,
        "seconds": seconds,
        "connections": listener.connections,
    }


CASES = [
    "good",
    "wrong",
    "infinite_loop",
    "kernel_exit",
    "memory_bomb",
    "process_flood",
    "huge_output",
    "import_error",
    "test_edited",
    "test_deleted",
    "metadata_changed",
    "patch_numpy_testing",
    "patch_builtins",
    "disable_tests",
    "read_solution",
    "read_gradebook",
    "write_gradebook",
    "write_other_student",
    "network",
    "old_nbformat",
    "zoë_ñandú",
    "wrong_name",
    "duplicate",
    "invalid_json",
    "empty_file",
    "wrong_folder",
]


@pytest.mark.parametrize("student", CASES)
def test_recorded_status_score_and_reason(graded, student):
    status, score, reason = graded["expected"][student]
    row = graded["rows"][student]
    assert (row["status"], float(row["score"]), row["max_score"]) == (
        status,
        score,
        f"{MAX_SCORE:g}",
    ), row
    assert reason in row["reason"]


def test_every_student_has_exactly_one_row_and_exit_code_zero(graded):
    assert graded["code"] == 0
    assert sorted(graded["rows"]) == sorted(CASES)


def test_submitted_files_are_unchanged(graded):
    assert graded["after"] == graded["before"]


def test_gradebook_was_not_written_by_a_submission(graded):
    db = graded["course"].root / "gradebook.db"
    with sqlite3.connect(db) as conn:
        tables = {name for (name,) in conn.execute("select name from sqlite_master")}
    assert "pwned" not in tables


def test_no_connection_reached_the_host(graded):
    assert graded["connections"] == 0


def test_hostile_cases_are_bounded_in_time(graded):
    # 26 notebooks on 2 workers, one of them spinning until the time limit.
    budget = STARTUP_S + TIMEOUT_S + sandbox.GRACE_S
    assert graded["seconds"] < len(CASES) * budget / 2


def test_gradebook_holds_the_scores_of_grades_csv(graded):
    from nbgrader.api import Gradebook

    url = "sqlite:///" + str(graded["course"].root / "gradebook.db")
    with Gradebook(url) as gb:
        for student in ("good", "wrong", "patch_numpy_testing", "zoë_ñandú"):
            submission = gb.find_submission(ASSIGNMENT, student)
            assert submission.score == float(graded["rows"][student]["score"])


def _feedback_text(root: Path, student: str) -> str:
    html = (root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
        encoding="utf-8"
    )
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("student", ["good", "wrong"])
def test_feedback_hides_the_hidden_test_source(graded, student):
    text = _feedback_text(graded["course"].root, student)
    assert "mean_hu([1, 3]) == 2" in text  # the visible test is shown
    assert "-1000, 1000" not in text
    assert "BEGIN HIDDEN TESTS" not in text


def test_feedback_shows_the_hidden_test_message_on_failure(graded):
    text = _feedback_text(graded["course"].root, "wrong")
    assert "Test failed. AssertionError: mean of air and bone" in text


def test_feedback_of_a_passing_hidden_test_says_only_passed(graded):
    text = _feedback_text(graded["course"].root, "good")
    assert "Test passed." in text
    assert "air and bone" not in text


def test_no_sandbox_process_survives(graded):
    # Only this test process's sandboxes: other grading runs may share the machine.
    mine = f"MEDIMG_GRADE_PARENT={os.getpid()}".encode()
    leftovers = [
        p
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
        and _uid(p) is not None
        and _uid(p) >= sandbox.SANDBOX_UID_BASE
        and mine in _environ(p)
    ]
    assert leftovers == []


def _environ(proc: Path) -> bytes:
    try:
        return (proc / "environ").read_bytes()
    except OSError:
        return b""


def _uid(proc: Path) -> int | None:
    try:
        for line in (proc / "status").read_text(encoding="utf-8").splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def test_rerun_grades_nothing_and_keeps_the_csv(graded):
    root = graded["course"].root
    before = (root / "grades.csv").read_bytes()
    rows = batch.Grader(
        batch.Options(
            course_root=root,
            limits=sandbox.Limits(timeout_s=TIMEOUT_S, memory_mb=MEMORY_MB),
            progress=False,
        )
    ).run()
    assert len(rows) == len(CASES)
    assert (root / "grades.csv").read_bytes() == before
