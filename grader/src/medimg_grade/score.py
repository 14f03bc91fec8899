"""Check an executed notebook against what was sent, score it, and render feedback.

Only outputs are taken from the sandbox's result: sources and nbgrader metadata come
from the restored notebook the grading process sent, so a forged result can change
which tests appear to pass but never which tests exist or what they are worth. Test
cells that did not run (time-out, crash) get an error output and therefore no points. The status and notes come from a list of small
named rules (:data:`RULES`).
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_output

from medimg_grade.agent import MIME
from medimg_grade.records import Status
from medimg_grade.restore import is_test_cell


@dataclass
class Outcome:
    """Result of one executed notebook.

    Attributes
    ----------
    notebook : NotebookNode
        Restored notebook with the outputs from the sandbox.
    status : Status
        ``OK``, ``FLAGGED``, ``TIMEOUT``, ``CRASH`` or ``MEMORY``.
    notes : list of str
        Instructor-readable remarks.
    """

    notebook: NotebookNode
    status: Status = Status.OK
    notes: list[str] = field(default_factory=list)

    def flag(self, note: str, status: Status = Status.FLAGGED) -> None:
        """Add a note; raise the status to ``status`` unless it is already worse than OK."""
        self.notes.append(note)
        if self.status is Status.OK:
            self.status = status


@dataclass
class Execution:
    """What the sandbox reported about one notebook, read defensively.

    Attributes
    ----------
    returned : bool
        Whether a usable executed notebook came back.
    killed : str
        ``"timeout"`` when the wall clock killed the sandbox.
    record : dict
        The runner's ``medimg_grading`` record (empty when nothing came back).
    memory_mb : int
        The memory limit, for the notes.
    """

    returned: bool
    killed: str
    record: dict
    memory_mb: int

    def cells(self, key: str) -> list[int]:
        """Cell indices listed under ``key`` in the record (malformed entries dropped)."""
        value = self.record.get(key, [])
        return [i for i in value if type(i) is int] if isinstance(value, list) else []


def _agent_reply(output: NotebookNode) -> bool:
    """Tell whether an output claims to be an answer of the grader's agent (never shown)."""
    data = output.get("data")
    return isinstance(data, dict) and MIME in data


def _error(cell: NotebookNode, ename: str, evalue: str) -> None:
    cell.outputs.append(
        new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    )


def _label(nb: NotebookNode, index: int | None) -> str:
    if index is None or not 0 <= index < len(nb.cells):
        return "start-up"
    gid = nb.cells[index].get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"cell {index + 1} ({gid})" if gid else f"cell {index + 1}"


# ---------------------------------------------------------------------- rules
# Each rule looks at one aspect of an execution and updates the outcome; they run in the
# order of RULES.


def rule_stopped_early(outcome: Outcome, run: Execution) -> None:
    """Time-outs and crashes: say where; tests from that cell on did not run and score 0."""
    nb = outcome.notebook
    stop = run.record.get("cell") if type(run.record.get("cell")) is int else None
    status = run.record.get("status", "ok")
    if not run.returned:
        if run.killed == "timeout":
            outcome.flag("the sandbox was killed at the time limit", Status.TIMEOUT)
        else:
            outcome.flag("no result came back from the sandbox", Status.CRASH)
        stop = -1
    elif status == "timeout":
        outcome.flag(f"time limit reached in {_label(nb, stop)}", Status.TIMEOUT)
    elif status == "crash":
        message = str(run.record.get("message", "crash"))[:300]
        outcome.flag(f"{message} in {_label(nb, stop)}", Status.CRASH)
    if stop is None:
        return
    for index, cell in enumerate(nb.cells):
        if is_test_cell(cell) and index >= stop:
            cell.outputs = []
            _error(cell, "NotExecuted", "this test did not run (time limit or crash before it)")


def rule_kernel_stopped_answering(outcome: Outcome, run: Execution) -> None:
    """Flag a kernel that did not answer the checker (its execution was tampered with)."""
    if run.cells("no_reply"):
        outcome.flag(
            "the notebook's kernel stopped answering the grader (its execution was tampered "
            "with); the affected tests scored 0"
        )


def rule_patching_reported(outcome: Outcome, run: Execution) -> None:
    """Flag what the agent saw patched in the kernel (numpy, builtins, IPython, tracing)."""
    tamper = run.record.get("tamper", {})
    if not isinstance(tamper, dict):
        return
    found = sorted({str(item)[:200] for items in tamper.values() for item in items})
    if found:
        shown = ", ".join(found[:6]) + (", ..." if len(found) > 6 else "")
        outcome.flag(
            f"monkey-patching found in the kernel (tests ran outside it, unaffected): {shown}"
        )


def rule_not_plain_results(outcome: Outcome, run: Execution) -> None:
    """Flag student functions that returned objects other than plain data to a test."""
    for index, cell in enumerate(outcome.notebook.cells):
        if not is_test_cell(cell):
            continue
        for out in cell.outputs:
            if out.get("output_type") == "error" and out.get("ename") == "NotPlainData":
                what = str(out.get("evalue", ""))[:200]
                outcome.flag(f"not plain data in {_label(outcome.notebook, index)}: {what}")
                return


def rule_truncated_output(outcome: Outcome, run: Execution) -> None:
    """Very large outputs were cut (no effect on the score)."""
    if run.cells("truncated"):
        outcome.notes.append(f"large output truncated in {len(run.cells('truncated'))} cell(s)")


def _memory_cells(nb: NotebookNode) -> list[int]:
    return [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        and any(
            o.get("ename") == "MemoryError"
            or (o.get("name") == "stderr" and "MemoryError" in str(o.get("text", "")))
            for o in c.outputs
        )
    ]


def rule_memory_error(outcome: Outcome, run: Execution) -> None:
    """Set status ``memory`` after a ``MemoryError`` (unless something worse happened)."""
    memory = _memory_cells(outcome.notebook)
    if memory:
        note = f"MemoryError in {_label(outcome.notebook, memory[0])} (limit {run.memory_mb} MiB)"
        outcome.flag(note, Status.MEMORY)


def rule_first_error_in_code(outcome: Outcome, run: Execution) -> None:
    """Name the first error in given or answer code (process limit spelled out)."""
    nb = outcome.notebook
    memory = _memory_cells(nb)
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
        return


#: The scoring rules, applied in this order to every executed notebook.
RULES = (
    rule_stopped_early,
    rule_kernel_stopped_answering,
    rule_patching_reported,
    rule_not_plain_results,
    rule_truncated_output,
    rule_memory_error,
    rule_first_error_in_code,
)


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
        Notebook to score, status and notes (after every rule of :data:`RULES`).
    """
    nb = copy.deepcopy(sent)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    outcome = Outcome(nb)
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
    record: dict = {}
    if result is not None:
        found = result.metadata.get("medimg_grading", {})
        record = dict(found) if isinstance(found, dict) else {}
        for mine, theirs in zip(nb.cells, result.cells, strict=True):
            if mine.cell_type == "code":
                mine.outputs = [o for o in theirs.get("outputs", []) if not _agent_reply(o)]
    run = Execution(result is not None, killed, record, memory_mb)
    for rule in RULES:
        rule(outcome, run)
    return outcome


def auto_score(nb: NotebookNode) -> tuple[float, float, float]:
    """Return (automatic points, max points, points waiting for manual grading).

    Automatic points are nbgrader's ``determine_grade``; manually graded answers (and
    unanswered ones nbgrader scores 0 itself) and manually graded tasks count towards
    the maximum, and the ones a person must still grade towards the third number.
    """
    from nbgrader import utils

    score = maximum = manual = 0.0
    for cell in nb.cells:
        if utils.is_task(cell):
            most = float(cell.metadata["nbgrader"].get("points", 0))
            maximum += most
            manual += most
            continue
        if not utils.is_grade(cell):
            continue
        points, most = utils.determine_grade(cell)
        maximum += most
        if points is None:
            manual += most
        else:
            score += points
    return score, maximum, manual
