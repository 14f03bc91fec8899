"""Ready to submit? Run a saved problem set the way the grader does and list every graded part.

``medimg-ready NOTEBOOK.ipynb`` (or :func:`check` from Python, or the last cell of each
problem set) does what the grader does first: it takes the notebook **as saved on disk**, runs
it from a fresh kernel, top to bottom, and reads the result of every graded cell. It then
prints one line per graded part with its points and its visible result, warns about test cells
that were edited or deleted (the grader puts the original back, so what you see is not what is
graded) and exits with status 1 when anything needs your attention.

Only the *visible* tests run here. The grader adds hidden tests that check the same properties
on other inputs, and people grade the written answers; a part that passes here can still lose
points there, but a part that fails here will fail there too.

This module does not need nbgrader; it needs :mod:`nbclient` and :mod:`nbformat` (installed
with Jupyter) to run the notebook.
"""

from __future__ import annotations

import argparse
import enum
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CHILD_ENV",
    "GradedPart",
    "PartKind",
    "PartStatus",
    "ReadyReport",
    "check",
    "graded_parts",
    "main",
    "nbgrader_checksum",
    "tampered_cells",
]

#: Set in the kernel that `check` starts, so that a ready cell inside the notebook does nothing.
CHILD_ENV = "MEDIMG_READY_RUNNING"
#: What nbgrader leaves in a written answer cell of the release.
UNANSWERED_MARK = "YOUR ANSWER HERE"
#: Key of the released notebook's metadata where the release step lists the graded parts.
METADATA_KEY = "medimg"


class PartKind(enum.Enum):
    """How a graded part is graded."""

    TEST = "automatic test"
    MANUAL_ANSWER = "answer graded by a person"
    MANUAL_TASK = "task graded by a person"


class PartStatus(enum.Enum):
    """What running the saved notebook showed for one graded part."""

    PASSED = "passed"
    FAILED = "FAILED"
    NOT_RUN = "NOT RUN"
    MANUAL = "graded by a person"
    UNANSWERED = "NOT ANSWERED"
    MISSING = "MISSING"


@dataclass(frozen=True)
class GradedPart:
    """One graded cell of a problem set and what the run showed for it.

    Attributes
    ----------
    grade_id : str
        nbgrader's name of the cell.
    points : float
        Points the cell is worth.
    kind : PartKind
        Automatic test or manually graded answer/task.
    status : PartStatus
        Result of the run (``MANUAL`` for parts graded by a person).
    message : str
        The error of a failing test, or what to do.
    """

    grade_id: str
    points: float
    kind: PartKind
    status: PartStatus = PartStatus.NOT_RUN
    message: str = ""


@dataclass
class ReadyReport:
    """Everything :func:`check` found.

    Attributes
    ----------
    path : pathlib.Path
        The notebook checked.
    parts : list of GradedPart
        Every graded part in notebook order (deleted ones last, as ``MISSING``).
    warnings : list of str
        Edited or deleted test cells, cells that raised errors outside the tests.
    """

    path: Path
    parts: list[GradedPart] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every test passed, every written part is answered and nothing to warn."""
        return not self.warnings and all(
            p.status in (PartStatus.PASSED, PartStatus.MANUAL) for p in self.parts
        )

    def summary(self) -> str:
        """Return the report as text, one line per graded part."""
        lines = [f"{self.path.name}: the saved notebook, run from a fresh kernel"]
        for part in self.parts:
            line = f"  {part.status.value:<18} {part.grade_id:<44} {part.points:g} point(s)"
            if part.kind is not PartKind.TEST:
                line += f" ({part.kind.value})"
            lines.append(line)
            if part.message:
                lines.append(f"      {part.message}")
        auto = [p for p in self.parts if p.kind is PartKind.TEST]
        passed = sum(p.points for p in auto if p.status is PartStatus.PASSED)
        manual = sum(p.points for p in self.parts if p.kind is not PartKind.TEST)
        lines.append(
            f"visible tests: {passed:g} of {sum(p.points for p in auto):g} points pass; "
            f"{manual:g} point(s) are graded by a person; hidden tests check the same "
            "properties on other inputs"
        )
        lines += [f"WARNING: {warning}" for warning in self.warnings]
        lines.append(
            "READY: every visible test passes"
            if self.ok
            else "NOT READY: fix the lines marked FAILED, NOT RUN, NOT ANSWERED, MISSING or WARNING"
        )
        return "\n".join(lines)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _nbgrader(cell: dict) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def nbgrader_checksum(cell: dict) -> str:
    """Compute nbgrader's checksum of a cell, exactly as ``nbgrader.utils.compute_checksum``.

    nbgrader stores this checksum in every locked, graded and solution cell of a released
    notebook; it changes when the cell's source, type, role, name or points change.

    Parameters
    ----------
    cell : dict
        A notebook cell (JSON) with ``metadata.nbgrader``.

    Returns
    -------
    str
        Hexadecimal MD5 digest.

    Raises
    ------
    ValueError
        If the cell has no nbgrader ``grade_id``.

    Examples
    --------
    >>> cell = {"cell_type": "code", "source": "assert f(1) == 2", "metadata": {"nbgrader": {
    ...     "grade": True, "solution": False, "grade_id": "f_one", "points": 1}}}
    >>> nbgrader_checksum(cell)
    '68b5ec19f521fc6c7165ae01751f8ed9'
    """
    meta = _nbgrader(cell)
    if "grade_id" not in meta:
        raise ValueError("cell has no nbgrader grade_id, so it has no checksum")
    grade = meta.get("grade", False)
    solution = meta.get("solution", False)
    locked = False if solution else (True if grade else meta.get("locked", False))
    digest = hashlib.md5(usedforsecurity=False)
    for text in (_source(cell), cell.get("cell_type", ""), str(grade), str(solution), str(locked)):
        digest.update(text.encode("utf-8"))
    digest.update(str(meta["grade_id"]).encode("utf-8"))
    if grade:
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def _kind(meta: dict) -> PartKind | None:
    if meta.get("task"):
        return PartKind.MANUAL_TASK
    if meta.get("grade") and meta.get("solution"):
        return PartKind.MANUAL_ANSWER
    if meta.get("grade"):
        return PartKind.TEST
    return None


def graded_parts(notebook: dict) -> list[GradedPart]:
    """List the graded cells of a notebook (JSON), in order, not yet run.

    Parameters
    ----------
    notebook : dict
        A notebook as read with :func:`json.load`.

    Returns
    -------
    list of GradedPart

    Examples
    --------
    >>> test = {"cell_type": "code", "source": "", "metadata": {"nbgrader": {
    ...     "grade": True, "solution": False, "grade_id": "f_one", "points": 1}}}
    >>> [(p.grade_id, p.kind.name) for p in graded_parts({"cells": [test]})]
    [('f_one', 'TEST')]
    """
    parts = []
    for cell in notebook.get("cells", []):
        meta = _nbgrader(cell)
        kind = _kind(meta)
        if kind is not None:
            parts.append(GradedPart(str(meta.get("grade_id")), float(meta.get("points", 0)), kind))
    return parts


def tampered_cells(notebook: dict) -> list[str]:
    """Describe the test and read-only cells that the grader will put back.

    A cell is *edited* when its nbgrader checksum no longer matches the one stored at release,
    and *deleted* when the release listed it (``metadata.medimg.graded_parts``) but it is gone.

    Parameters
    ----------
    notebook : dict
        A notebook as read with :func:`json.load`.

    Returns
    -------
    list of str
        One sentence per edited or deleted cell; empty when nothing was changed.
    """
    found = []
    present = set()
    for cell in notebook.get("cells", []):
        meta = _nbgrader(cell)
        if "grade_id" not in meta:
            continue
        present.add(meta["grade_id"])
        stored = meta.get("checksum")
        if meta.get("solution") or not stored:
            continue
        if nbgrader_checksum(cell) != stored:
            found.append(
                f"cell {meta['grade_id']!r} was edited; the grader restores the original, "
                "so your change has no effect on the grade"
            )
    listed = notebook.get("metadata", {}).get(METADATA_KEY, {}).get("graded_parts", [])
    for entry in listed:
        if entry.get("grade_id") not in present:
            found.append(
                f"cell {entry.get('grade_id')!r} ({entry.get('points', 0):g} point(s)) was "
                "deleted; the grader puts it back and grades it"
            )
    return found


def _errors(cell: dict) -> str:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, value = output.get("ename", ""), str(output.get("evalue", "")).strip()
            if name == "NotImplementedError" and not value:
                return "NotImplementedError: the function is not written yet"
            return f"{name}: {value}" if value else name
    return ""


def _run(notebook: dict, folder: Path, timeout: float) -> tuple[dict, str]:
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as error:  # pragma: no cover - Jupyter installs both
        raise RuntimeError(
            f"checking a notebook needs nbclient and nbformat ({error}); "
            "install them with `pip install nbclient`"
        ) from error
    node = nbformat.reads(json.dumps(notebook), as_version=4)
    previous = os.environ.get(CHILD_ENV)
    os.environ[CHILD_ENV] = "1"  # the kernel inherits it: the notebook's own ready cell skips
    stopped = ""
    try:
        NotebookClient(
            node,
            timeout=max(1, int(timeout)),
            allow_errors=True,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    except Exception as error:  # a cell timed out or the kernel died: report what ran
        stopped = f"the run stopped: {type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
    finally:
        if previous is None:
            os.environ.pop(CHILD_ENV, None)
        else:
            os.environ[CHILD_ENV] = previous
    return json.loads(nbformat.writes(node)), stopped


def check(path: str | os.PathLike, *, timeout: float = 600.0, show: bool = True) -> ReadyReport:
    """Run a saved problem set from a fresh kernel and report every graded part.

    Parameters
    ----------
    path : str or os.PathLike
        The notebook file (save it first: the file on disk is what gets checked and handed in).
    timeout : float, optional
        Seconds each cell may take (default 600).
    show : bool, optional
        Print the report (default True).

    Returns
    -------
    ReadyReport
        ``report.ok`` is True when every visible test passes and nothing was tampered with.
        Inside a run started by `check` itself the report is empty and nothing runs.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``path`` is not a notebook, or ``timeout`` is not positive.
    """
    path = Path(path)
    if os.environ.get(CHILD_ENV):
        return ReadyReport(path)
    if not timeout > 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
    if not path.is_file():
        raise FileNotFoundError(f"path: no notebook at {path} (save it, and give its file name)")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"path: {path} is not a notebook ({error})") from error
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"path: {path} is not a notebook (no list of cells)")
    report = ReadyReport(path, warnings=tampered_cells(notebook))
    executed, stopped = _run(notebook, path.parent.resolve(), timeout)
    if stopped:
        report.warnings.append(stopped)
    for number, cell in enumerate(executed["cells"]):
        meta = _nbgrader(cell)
        kind = _kind(meta)
        error = _errors(cell) if cell.get("cell_type") == "code" else ""
        if kind is None:
            if error and not meta.get("solution"):
                report.warnings.append(f"cell {number} (not graded) raised {error}")
            continue
        if kind is not PartKind.TEST:
            status, message = PartStatus.MANUAL, ""
            if error:
                status, message = PartStatus.UNANSWERED, f"this cell raised {error}"
            elif kind is PartKind.MANUAL_ANSWER and UNANSWERED_MARK in _source(cell):
                status, message = PartStatus.UNANSWERED, "write your answer in this cell"
        elif error:
            status, message = PartStatus.FAILED, error
        elif cell.get("execution_count") is None:
            status, message = PartStatus.NOT_RUN, "the run stopped before this cell"
        else:
            status, message = PartStatus.PASSED, ""
        first_line = message.splitlines()[0] if message else ""
        report.parts.append(
            GradedPart(
                str(meta.get("grade_id")), float(meta.get("points", 0)), kind, status, first_line
            )
        )
    listed = notebook.get("metadata", {}).get(METADATA_KEY, {}).get("graded_parts", [])
    present = {p.grade_id for p in report.parts}
    for entry in listed:
        if entry.get("grade_id") not in present:
            report.parts.append(
                GradedPart(
                    str(entry.get("grade_id")),
                    float(entry.get("points", 0)),
                    PartKind[entry.get("kind", "TEST")],
                    PartStatus.MISSING,
                    "deleted from your notebook; the grader puts it back",
                )
            )
    if show:
        print(report.summary())
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Command line ``medimg-ready NOTEBOOK [NOTEBOOK ...]``; return 0 when all are ready.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when every notebook is ready, 1 otherwise, 2 for a bad argument.
    """
    parser = argparse.ArgumentParser(
        prog="medimg-ready",
        description="Run saved problem-set notebooks from a fresh kernel, as the grader does, "
        "and list every graded part with its visible result.",
    )
    parser.add_argument("notebooks", nargs="+", type=Path, help="notebook files (.ipynb)")
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds per cell (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if not args.timeout > 0:
        parser.error(f"argument --timeout: must be > 0, got {args.timeout:g}")
    status = 0
    for notebook in args.notebooks:
        try:
            report = check(notebook, timeout=args.timeout)
        except (FileNotFoundError, ValueError) as error:
            print(f"medimg-ready: {error}", file=sys.stderr)
            return 2
        status = status or (0 if report.ok else 1)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
