"""Check an executed notebook against what was sent, score it, and render feedback.

Only outputs are taken from the sandbox's result: sources and nbgrader metadata come
from the restored notebook the grading process sent, so a forged result can change
which tests appear to pass but never which tests exist or what they are worth. Test
cells that did not run (time-out, crash) or whose integrity canary failed get an
error output and therefore no points.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_output

from medimg_grade.restore import is_test_cell


@dataclass
class Outcome:
    """Result of one executed notebook.

    Attributes
    ----------
    notebook : NotebookNode
        Restored notebook with the outputs from the sandbox.
    status : str
        ``ok``, ``flagged``, ``timeout``, ``crash`` or ``memory``.
    notes : list of str
        Instructor-readable remarks.
    """

    notebook: NotebookNode
    status: str = "ok"
    notes: list[str] = field(default_factory=list)


def _error(cell: NotebookNode, ename: str, evalue: str) -> None:
    cell.outputs.append(
        new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    )


def _label(nb: NotebookNode, index: int | None) -> str:
    if index is None or not 0 <= index < len(nb.cells):
        return "start-up"
    gid = nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1} ({gid})" if gid else f"cell {index + 1}"


def merge_result(sent: NotebookNode, text: str | None, *, killed: str, memory_mb: int) -> Outcome:
    """Combine the notebook that was sent with the sandbox's result.

    Parameters
    ----------
    sent : NotebookNode
        The restored notebook given to the sandbox.
    text : str or None
        The executed notebook as returned, or None when nothing came back.
    killed : str
        ``"timeout"`` when the wall clock killed the sandbox.
    memory_mb : int
        The memory limit, for the notes.

    Returns
    -------
    Outcome
        Notebook to score and status.
    """
    nb = copy.deepcopy(sent)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    outcome = Outcome(nb)
    record: dict = {}
    result = None
    if text is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = nbformat.reads(text, as_version=4)
        except Exception:
            outcome.notes.append("the sandbox returned an unreadable notebook")
        if result is not None:
            same = len(result.cells) == len(nb.cells) and all(
                a.cell_type == b.cell_type
                and a.source == b.source
                and a.get("metadata", {}).get("nbgrader") == b.get("metadata", {}).get("nbgrader")
                for a, b in zip(result.cells, nb.cells, strict=True)
            )
            if not same:
                outcome.notes.append("the returned notebook does not match the one sent; ignored")
                result = None
    if result is not None:
        record = dict(result.metadata.get("medimg_grading", {}))
        for mine, theirs in zip(nb.cells, result.cells, strict=True):
            if mine.cell_type == "code":
                mine.outputs = theirs.get("outputs", [])
    stop = record.get("cell") if isinstance(record.get("cell"), int) else None
    status = record.get("status", "ok") if result is not None else None
    if result is None:
        if killed == "timeout":
            status, why = "timeout", "the sandbox was killed at the time limit"
        else:
            status, why = "crash", "no result came back from the sandbox"
        outcome.notes.append(why)
        stop = -1
    elif status == "timeout":
        outcome.notes.append(f"time limit reached in {_label(nb, stop)}")
    elif status == "crash":
        outcome.notes.append(f"{record.get('message', 'crash')} in {_label(nb, stop)}")
    outcome.status = status if status in ("timeout", "crash") else "ok"
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        if stop is not None and index >= stop:
            cell.outputs = []
            _error(cell, "NotExecuted", "this test did not run (time limit or crash before it)")
        elif index in record.get("canary_failed", []):
            cell.outputs = []
            _error(cell, "GradingIntegrityError", "error reporting was disabled before this test")
        elif index in record.get("reply_error", []):
            _error(cell, "GradingIntegrityError", "the test failed but its error output was hidden")
    if record.get("canary_failed"):
        outcome.notes.append("error reporting was tampered with; affected tests scored 0")
        outcome.status = "flagged" if outcome.status == "ok" else outcome.status
    if record.get("reply_error"):
        outcome.notes.append("error outputs were suppressed; affected tests scored 0")
        outcome.status = "flagged" if outcome.status == "ok" else outcome.status
    guard = sorted({item for items in record.get("guard", {}).values() for item in items})
    if "integrity guard did not report" in guard:
        guard.remove("integrity guard did not report")
        outcome.notes.append("the integrity guard was disabled")
        outcome.status = "flagged" if outcome.status == "ok" else outcome.status
    if guard:
        shown = ", ".join(guard[:6]) + (", ..." if len(guard) > 6 else "")
        outcome.notes.append(f"monkey-patching undone before tests: {shown}")
        outcome.status = "flagged" if outcome.status == "ok" else outcome.status
    if record.get("truncated"):
        outcome.notes.append(f"large output truncated in {len(record['truncated'])} cell(s)")
    memory = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        and any(
            o.get("ename") == "MemoryError"
            or (o.get("name") == "stderr" and "MemoryError" in str(o.get("text", "")))
            for o in c.outputs
        )
    ]
    if memory:
        outcome.notes.append(f"MemoryError in {_label(nb, memory[0])} (limit {memory_mb} MiB)")
        if outcome.status == "ok":
            outcome.status = "memory"
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_test_cell(cell) or index in memory:
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if not errors:
            continue
        ename, evalue = errors[0].get("ename", "Error"), str(errors[0].get("evalue", ""))
        if ename == "BlockingIOError" or "Resource temporarily unavailable" in evalue:
            outcome.notes.append(f"process limit reached in {_label(nb, index)}")
        else:
            outcome.notes.append(f"{ename} in {_label(nb, index)}")
        break
    return outcome


def auto_score(nb: NotebookNode) -> tuple[float, float, int]:
    """Return (auto score, max score, cells needing manual grading) like nbgrader does."""
    from nbgrader import utils

    score = maximum = 0.0
    manual = 0
    for cell in nb.cells:
        if not utils.is_grade(cell):
            continue
        points, most = utils.determine_grade(cell)
        maximum += most
        if points is None:
            manual += 1
        else:
            score += points
    return score, maximum, manual
