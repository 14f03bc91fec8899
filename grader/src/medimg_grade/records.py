"""Typed records of a grading run: statuses, grade rows, and where a row is built.

``grades.csv`` has one :class:`GradeRow` per student and assignment; its columns are
:data:`FIELDS`. Every row is built by :func:`build_row`, the one place that turns the
points of a submission into the score it is given.

Examples
--------
>>> row = build_row("ada", "ps01", raw_score=7.0, max_score=10.0, manual_points=2.0,
...                 statuses=[Status.OK], notes=["edited cell 'imports'"])
>>> row.score, row.status.value, row.reason
(7.0, 'ok', "edited cell 'imports'; needs manual grading (2 points)")
>>> row.csv()["status"], row.csv()["manual_points"]
('ok', '2')
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from medimg_grade.deadlines import Lateness

#: Columns of ``grades.csv``, in order.
FIELDS = (
    "student",
    "assignment",
    "raw_score",
    "late_penalty",
    "score",
    "max_score",
    "manual_points",
    "status",
    "reason",
)
#: Added to the status of every row graded without bubblewrap.
UNSANDBOXED = "-unsandboxed"


class Status(enum.Enum):
    """How the grading of one submission ended (worst first in :data:`SEVERITY`).

    Examples
    --------
    >>> Status.worst([Status.OK, Status.FLAGGED, Status.TIMEOUT])
    <Status.TIMEOUT: 'timeout'>
    """

    OK = "ok"
    FLAGGED = "flagged"
    TIMEOUT = "timeout"
    CRASH = "crash"
    MEMORY = "memory"
    INVALID = "invalid"
    MISSING = "missing"

    @classmethod
    def worst(cls, statuses: Iterable[Status]) -> Status:
        """Return the most severe of ``statuses`` (``OK`` when there are none)."""
        return min(statuses, key=SEVERITY.index, default=cls.OK)


#: Worst status first: the row of a multi-notebook assignment shows the worst.
SEVERITY = (
    Status.INVALID,
    Status.MISSING,
    Status.CRASH,
    Status.TIMEOUT,
    Status.MEMORY,
    Status.FLAGGED,
    Status.OK,
)


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class GradeRow:
    """One row of ``grades.csv``.

    Attributes
    ----------
    student, assignment : str
        Who and what.
    raw_score : float
        Automatic points plus manual points already in the gradebook.
    late_penalty : float
        Points deducted (>= 0).
    score : float
        ``max(raw_score - late_penalty, 0)``.
    max_score : float
        Total points of the assignment, manually graded ones included.
    manual_points : float
        Points still waiting for a person (0 when none).
    status : Status
        How grading ended.
    reason : str
        Plain words for the instructor.
    sandboxed : bool
        False when bubblewrap was unavailable (the status column then ends in
        ``-unsandboxed``).
    """

    student: str
    assignment: str
    raw_score: float
    late_penalty: float
    score: float
    max_score: float
    manual_points: float
    status: Status
    reason: str
    sandboxed: bool = True

    @property
    def status_text(self) -> str:
        """The status column: the status, with ``-unsandboxed`` appended when so."""
        return self.status.value + ("" if self.sandboxed else UNSANDBOXED)

    def csv(self) -> dict[str, str]:
        """Return the row as ``grades.csv`` writes it (column name -> text)."""
        return {
            "student": self.student,
            "assignment": self.assignment,
            "raw_score": _number(self.raw_score),
            "late_penalty": _number(self.late_penalty),
            "score": _number(self.score),
            "max_score": _number(self.max_score),
            "manual_points": _number(self.manual_points),
            "status": self.status_text,
            "reason": self.reason,
        }

    @classmethod
    def from_csv(cls, row: dict[str, str]) -> GradeRow:
        """Read a row written by :meth:`csv` (the resume state stores rows this way)."""
        status = row["status"]
        sandboxed = not status.endswith(UNSANDBOXED)
        return cls(
            student=row["student"],
            assignment=row["assignment"],
            raw_score=float(row["raw_score"]),
            late_penalty=float(row["late_penalty"]),
            score=float(row["score"]),
            max_score=float(row["max_score"]),
            manual_points=float(row["manual_points"]),
            status=Status(status.removesuffix(UNSANDBOXED)),
            reason=row["reason"],
            sandboxed=sandboxed,
        )


def build_row(
    student: str,
    assignment: str,
    *,
    raw_score: float,
    max_score: float,
    manual_points: float = 0.0,
    statuses: Iterable[Status] = (),
    notes: Iterable[str] = (),
    sandboxed: bool = True,
    late: Lateness | None = None,
) -> GradeRow:
    """Build the grade row of one submission (the one place where a row is made).

    Parameters
    ----------
    student, assignment : str
        Who and what.
    raw_score : float
        Points from the automatic tests (and manual grades already given).
    max_score : float
        Total points of the assignment.
    manual_points : float
        Points of manually graded parts still waiting for a person.
    statuses : iterable of Status
        Statuses of the notebooks of the submission; the worst one is shown.
    notes : iterable of str
        Remarks for the reason column (duplicates and empty ones dropped).
    sandboxed : bool
        False when bubblewrap was unavailable.
    late : Lateness or None
        Lateness and penalty from :mod:`medimg_grade.deadlines` (None: not late).

    Returns
    -------
    GradeRow
        The row; ``score = max(raw_score - late_penalty, 0)``.
    """
    notes = [n for n in notes if n]
    if manual_points > 0:
        notes.append(f"needs manual grading ({_number(manual_points)} points)")
    if not sandboxed:
        notes.append("UNSANDBOXED: bwrap unavailable")
    late_penalty = late.penalty if late is not None else 0.0
    if late is not None and late.describe():
        notes.append(late.describe())
    return GradeRow(
        student=student,
        assignment=assignment,
        raw_score=raw_score,
        late_penalty=late_penalty,
        score=max(raw_score - late_penalty, 0.0),
        max_score=max_score,
        manual_points=manual_points,
        status=Status.worst(statuses),
        reason="; ".join(dict.fromkeys(notes)),
        sandboxed=sandboxed,
    )


__all__ = ["FIELDS", "SEVERITY", "GradeRow", "Status", "build_row"]
