"""Due dates, extensions and late penalties.

Where each fact lives:

* the **due date** of an assignment is nbgrader's gradebook ``Assignment.duedate`` (set with
  ``nbgrader db assignment add NAME --duedate "2026-10-05 23:59 UTC"`` or in the formgrader);
* the **submission time** is nbgrader's ``timestamp.txt`` in the submitted folder (written by
  ``nbgrader submit`` and kept by ``nbgrader collect``); ``medimg-grade`` copies it into the
  gradebook's ``SubmittedAssignment.timestamp``;
* **extensions** are written by the instructor in ``extensions.csv`` in the course root
  (``student,assignment,hours,due``: either extra hours or a new due date) and stored in the
  gradebook as nbgrader's own ``SubmittedAssignment.extension`` (:func:`apply_extensions`), so
  the formgrader shows them too;
* the **penalty policy** is the ``LatePenalty`` section of ``nbgrader_config.py``. Its names
  follow nbgrader's ``LateSubmissionPlugin`` (``penalty_method = "none"`` or ``"zero"``) and add
  ``"per_hour"`` and ``"per_day"``::

      c.LatePenalty.penalty_method = "per_day"   # none | zero | per_hour | per_day
      c.LatePenalty.penalty_per_unit = 0.1       # per started hour/day late
      c.LatePenalty.penalty_units = "fraction"   # fraction of max_score, or "points"
      c.LatePenalty.max_penalty = 0.5            # cap, in the same units (None: no cap)
      c.LatePenalty.grace_minutes = 5            # lateness forgiven (clock skew, uploads)

All times are timezone-aware; naive times (as nbgrader stores them) are UTC.
The penalty is in points, never more than the raw score: ``score = raw_score - penalty``.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

UTC = dt.UTC
#: File of per-student extensions in the course root.
EXTENSIONS_FILE = "extensions.csv"
EXTENSION_COLUMNS = ("student", "assignment", "hours", "due")


class PenaltyMethod(StrEnum):
    """How lateness is penalised (``c.LatePenalty.penalty_method``)."""

    NONE = "none"
    ZERO = "zero"
    PER_HOUR = "per_hour"
    PER_DAY = "per_day"


class PenaltyUnits(StrEnum):
    """What ``penalty_per_unit`` and ``max_penalty`` count (``c.LatePenalty.penalty_units``)."""

    POINTS = "points"
    FRACTION = "fraction"


@dataclass(frozen=True)
class LatePolicy:
    """A late-submission policy.

    Parameters
    ----------
    method : PenaltyMethod
        ``NONE`` (no penalty), ``ZERO`` (a late submission scores 0, like nbgrader's
        ``LateSubmissionPlugin``), ``PER_HOUR`` or ``PER_DAY`` (``per_unit`` for every
        started hour or day after the due date and grace period).
    per_unit : float
        Penalty per started hour/day, in ``units``; >= 0.
    units : PenaltyUnits
        ``POINTS`` or ``FRACTION`` (of the assignment's maximum score, 0..1).
    cap : float or None
        Largest penalty, in ``units``; None for no cap.
    grace_minutes : float
        Lateness up to this many minutes is not late at all; >= 0.

    Examples
    --------
    >>> policy = LatePolicy(method=PenaltyMethod.PER_DAY, per_unit=0.1, cap=0.3)
    >>> policy.penalty(8.0, max_score=10.0, seconds_late=3600)  # 1 started day: 10 % of 10
    1.0
    >>> policy.penalty(8.0, max_score=10.0, seconds_late=10 * 86400)  # capped at 30 %
    3.0
    >>> LatePolicy(method=PenaltyMethod.ZERO).penalty(8.0, max_score=10.0, seconds_late=1)
    8.0
    >>> LatePolicy(method="per_hour", per_unit=-1)
    Traceback (most recent call last):
    ...
    ValueError: per_unit must be >= 0, got -1
    """

    method: PenaltyMethod = PenaltyMethod.NONE
    per_unit: float = 0.0
    units: PenaltyUnits = PenaltyUnits.FRACTION
    cap: float | None = None
    grace_minutes: float = 0.0

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "method", PenaltyMethod(self.method))
        except ValueError:
            choices = ", ".join(m.value for m in PenaltyMethod)
            raise ValueError(f"method must be one of {choices}, got {self.method!r}") from None
        try:
            object.__setattr__(self, "units", PenaltyUnits(self.units))
        except ValueError:
            raise ValueError(f"units must be 'points' or 'fraction', got {self.units!r}") from None
        for name in ("per_unit", "grace_minutes"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be >= 0, got {value!r}")
        if self.cap is not None and (not math.isfinite(self.cap) or self.cap < 0):
            raise ValueError(f"cap must be >= 0 or None, got {self.cap!r}")
        if self.units is PenaltyUnits.FRACTION:
            for name in ("per_unit", "cap"):
                value = getattr(self, name)
                if value is not None and value > 1:
                    raise ValueError(f"{name} is a fraction of the maximum score, got {value}")

    def seconds_counted(self, seconds_late: float) -> float:
        """Lateness after the grace period, in seconds (0 when on time).

        Examples
        --------
        >>> LatePolicy(grace_minutes=5).seconds_counted(240.0)
        0.0
        >>> LatePolicy(grace_minutes=5).seconds_counted(360.0)
        360.0
        """
        if seconds_late <= self.grace_minutes * 60:
            return 0.0
        return float(seconds_late)

    def penalty(self, score: float, *, max_score: float, seconds_late: float) -> float:
        """Points to deduct from ``score`` for a submission ``seconds_late`` after its due date.

        Parameters
        ----------
        score : float
            Raw score (points, automatic + manual).
        max_score : float
            Maximum score of the assignment (points).
        seconds_late : float
            Seconds after the (extended) due date; <= 0 means on time.

        Returns
        -------
        float
            Penalty in points, between 0 and ``score``.

        Examples
        --------
        >>> hourly = LatePolicy(method="per_hour", per_unit=1, units="points")
        >>> hourly.penalty(5.0, max_score=10.0, seconds_late=5400)  # 2 started hours
        2.0
        >>> hourly.penalty(1.0, max_score=10.0, seconds_late=5400)  # never below 0
        1.0
        >>> hourly.penalty(5.0, max_score=10.0, seconds_late=0)
        0.0
        """
        late = self.seconds_counted(seconds_late)
        if late <= 0 or self.method is PenaltyMethod.NONE or score <= 0:
            return 0.0
        if self.method is PenaltyMethod.ZERO:
            return float(score)
        unit = 3600.0 if self.method is PenaltyMethod.PER_HOUR else 86400.0
        amount = math.ceil(late / unit) * self.per_unit
        if self.cap is not None:
            amount = min(amount, self.cap)
        points = amount * max_score if self.units is PenaltyUnits.FRACTION else amount
        return float(min(round(points, 6), score))


def policy_from_config(config: Mapping) -> LatePolicy:
    """Read the ``LatePenalty`` section of a loaded ``nbgrader_config.py``.

    Parameters
    ----------
    config : Mapping
        The traitlets ``Config`` (``medimg_grade.restore.load_config(course_root)``).

    Returns
    -------
    LatePolicy
        ``LatePolicy()`` (no penalty) when the section is absent.

    Raises
    ------
    ValueError
        Naming the bad ``c.LatePenalty.<name>`` setting.

    Examples
    --------
    >>> from traitlets.config import Config
    >>> c = Config()
    >>> c.LatePenalty.penalty_method = "per_day"
    >>> c.LatePenalty.penalty_per_unit = 0.2
    >>> policy_from_config(c).per_unit
    0.2
    >>> c.LatePenalty.penalty_method = "weekly"
    >>> policy_from_config(c)
    Traceback (most recent call last):
    ...
    ValueError: c.LatePenalty.penalty_method: method must be one of none, zero, per_hour, per_day, got 'weekly'
    """
    section = dict(config.get("LatePenalty", {}))
    names = {
        "penalty_method": "method",
        "penalty_per_unit": "per_unit",
        "penalty_units": "units",
        "max_penalty": "cap",
        "grace_minutes": "grace_minutes",
    }
    unknown = sorted(set(section) - set(names))
    if unknown:
        raise ValueError(f"c.LatePenalty.{unknown[0]}: unknown setting (known: {', '.join(names)})")
    kwargs = {names[key]: value for key, value in section.items()}
    try:
        return LatePolicy(**kwargs)
    except ValueError as exc:
        field = str(exc).split(" ", 1)[0]
        setting = next((k for k, v in names.items() if v == field), "penalty_method")
        raise ValueError(f"c.LatePenalty.{setting}: {exc}") from None


def parse_time(text: str) -> dt.datetime:
    """Parse a date and time as nbgrader does; naive times are UTC.

    Examples
    --------
    >>> parse_time("2026-10-05 23:59:00 UTC")
    datetime.datetime(2026, 10, 5, 23, 59, tzinfo=datetime.timezone.utc)
    >>> parse_time("2026-10-05T12:00:00+02:00").isoformat()
    '2026-10-05T10:00:00+00:00'
    """
    from nbgrader.utils import parse_utc

    value = parse_utc(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """Make a time aware (naive = UTC, as in nbgrader's gradebook).

    Examples
    --------
    >>> as_utc(dt.datetime(2026, 1, 1)).tzinfo
    datetime.timezone.utc
    """
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_timestamp(folder: Path) -> dt.datetime | None:
    """Submission time from nbgrader's ``timestamp.txt`` in a submitted folder.

    Returns None when the file is absent, a symbolic link or unreadable.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "timestamp.txt").write_text("2026-10-06 01:30:00.000000 UTC")
    ...     read_timestamp(Path(tmp)).isoformat()
    '2026-10-06T01:30:00+00:00'
    """
    stamp = folder / "timestamp.txt"
    if not stamp.is_file() or stamp.is_symlink():
        return None
    try:
        return parse_time(stamp.read_text(encoding="utf-8", errors="replace")[:100])
    except (ValueError, OverflowError):
        return None


def seconds_late(submitted: dt.datetime | None, due: dt.datetime | None) -> float:
    """Seconds between the due date and the submission (0 when on time or unknown).

    Examples
    --------
    >>> due = parse_time("2026-10-05 23:59:00 UTC")
    >>> seconds_late(parse_time("2026-10-06 00:59:00 UTC"), due)
    3600.0
    >>> seconds_late(parse_time("2026-10-05 12:00:00 UTC"), due)
    0.0
    >>> seconds_late(None, due)
    0.0
    """
    submitted, due = as_utc(submitted), as_utc(due)
    if submitted is None or due is None:
        return 0.0
    return max(0.0, (submitted - due).total_seconds())


@dataclass(frozen=True)
class Extension:
    """One line of ``extensions.csv``: extra time or a new due date for one student.

    Attributes
    ----------
    student, assignment : str
        nbgrader student id and assignment name.
    hours : float or None
        Extra hours after the assignment's due date.
    due : datetime or None
        New due date (aware, UTC) for this student; exactly one of ``hours`` and ``due``.
    line : int
        Line number in the file (for messages).
    """

    student: str
    assignment: str
    hours: float | None = None
    due: dt.datetime | None = None
    line: int = 0

    def delta(self, assignment_due: dt.datetime | None) -> dt.timedelta:
        """Return the extension as nbgrader stores it: time added to the assignment's due date.

        Examples
        --------
        >>> Extension("ann", "ps01", hours=48).delta(None)
        datetime.timedelta(days=2)
        >>> due = parse_time("2026-10-05 12:00 UTC")
        >>> Extension("ann", "ps01", due=parse_time("2026-10-06 18:00 UTC")).delta(due)
        datetime.timedelta(days=1, seconds=21600)
        """
        if self.hours is not None:
            return dt.timedelta(hours=self.hours)
        if assignment_due is None:
            raise ValueError(
                f"{EXTENSIONS_FILE} line {self.line}: {self.assignment} has no due date in the "
                "gradebook, so a new due date cannot be an extension"
            )
        return self.due - as_utc(assignment_due)


def parse_extensions(
    lines: Iterable[str], *, name: str = EXTENSIONS_FILE
) -> dict[tuple[str, str], Extension]:
    """Parse and validate ``extensions.csv`` text.

    Columns ``student,assignment,hours,due``; fill either ``hours`` (> 0) or ``due``
    (a date and time, UTC unless a zone is given). Blank lines and lines starting with
    ``#`` are ignored.

    Parameters
    ----------
    lines : iterable of str
        The file's lines.
    name : str
        File name used in error messages.

    Returns
    -------
    dict
        ``(student, assignment) -> Extension``.

    Raises
    ------
    ValueError
        Naming the file, the line and the problem.

    Examples
    --------
    >>> text = '''student,assignment,hours,due
    ... ann,ps01,48,
    ... bo,ps01,,2026-10-09 12:00 UTC
    ... '''
    >>> ext = parse_extensions(text.splitlines())
    >>> ext["ann", "ps01"].hours, ext["bo", "ps01"].due.isoformat()
    (48.0, '2026-10-09T12:00:00+00:00')
    >>> parse_extensions(["student,assignment,hours,due", "ann,ps01,-3,"])
    Traceback (most recent call last):
    ...
    ValueError: extensions.csv line 2: hours must be a number > 0, got '-3'
    """
    rows = [line for line in lines]
    content = [(i + 1, line) for i, line in enumerate(rows) if line.strip()]
    content = [(n, line) for n, line in content if not line.lstrip().startswith("#")]
    if not content:
        return {}
    header_line, header = content[0]
    columns = [c.strip() for c in next(csv.reader([header]))]
    if tuple(columns) != EXTENSION_COLUMNS:
        raise ValueError(
            f"{name} line {header_line}: header must be {','.join(EXTENSION_COLUMNS)}, "
            f"got {','.join(columns)}"
        )
    out: dict[tuple[str, str], Extension] = {}
    for number, line in content[1:]:
        cells = [c.strip() for c in next(csv.reader([line]))]
        where = f"{name} line {number}"
        if len(cells) != len(EXTENSION_COLUMNS):
            raise ValueError(f"{where}: expected 4 fields, got {len(cells)}")
        student, assignment, hours_text, due_text = cells
        if not student:
            raise ValueError(f"{where}: student is empty")
        if not assignment:
            raise ValueError(f"{where}: assignment is empty")
        if bool(hours_text) == bool(due_text):
            raise ValueError(f"{where}: fill exactly one of hours and due")
        hours = due = None
        if hours_text:
            try:
                hours = float(hours_text)
            except ValueError:
                hours = math.nan
            if not math.isfinite(hours) or hours <= 0:
                raise ValueError(f"{where}: hours must be a number > 0, got {hours_text!r}")
        else:
            try:
                due = parse_time(due_text)
            except (ValueError, OverflowError):
                raise ValueError(f"{where}: due is not a date and time: {due_text!r}") from None
        key = (student, assignment)
        if key in out:
            raise ValueError(
                f"{where}: second extension for {student}/{assignment} "
                f"(first on line {out[key].line})"
            )
        out[key] = Extension(student, assignment, hours=hours, due=due, line=number)
    return out


def read_extensions(course_root: Path) -> dict[tuple[str, str], Extension]:
    """Read ``extensions.csv`` of a course (empty when the file does not exist)."""
    path = Path(course_root) / EXTENSIONS_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return parse_extensions(handle.read().splitlines(), name=str(path))


def apply_extensions(gradebook, extensions: Mapping[tuple[str, str], Extension]) -> None:
    """Store extensions in nbgrader's gradebook (``SubmittedAssignment.extension``).

    Parameters
    ----------
    gradebook : nbgrader.api.Gradebook
        An open gradebook.
    extensions : mapping
        From :func:`read_extensions`; students and assignments must exist in the gradebook.

    Raises
    ------
    ValueError
        Naming the line of an extension for an unknown student or assignment.
    """
    from nbgrader.api import MissingEntry

    for (student, assignment), ext in extensions.items():
        try:
            gradebook.find_student(student)
            record = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(
                f"{EXTENSIONS_FILE} line {ext.line}: unknown student or assignment "
                f"{student!r}/{assignment!r}"
            ) from None
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            continue  # nothing submitted yet: applied when the submission is graded
        submission.extension = ext.delta(record.duedate)
    gradebook.db.commit()


@dataclass(frozen=True)
class Lateness:
    """How late one submission was and what it costs.

    Attributes
    ----------
    due : datetime or None
        Due date for this student, extension included (aware, UTC).
    submitted : datetime or None
        Submission time from ``timestamp.txt``.
    seconds_late : float
        Seconds after ``due`` (0 when on time or unknown).
    penalty : float
        Points deducted (0 <= penalty <= raw score).
    """

    due: dt.datetime | None
    submitted: dt.datetime | None
    seconds_late: float
    penalty: float

    def describe(self) -> str:
        """Plain words for the ``reason`` column ('' when on time).

        Examples
        --------
        >>> Lateness(None, None, 5400.0, 1.5).describe()
        'submitted 1 h 30 min late: -1.5 points'
        >>> Lateness(None, None, 90000.0, 0.0).describe()
        'submitted 1 d 1 h late (no penalty)'
        """
        if self.seconds_late <= 0:
            return ""
        minutes = math.ceil(self.seconds_late / 60)
        days, rest = divmod(minutes, 1440)
        hours, mins = divmod(rest, 60)
        parts = [f"{days} d" if days else "", f"{hours} h" if hours else ""]
        parts.append(f"{mins} min" if mins else "")
        when = " ".join(p for p in parts if p)
        cost = f": -{self.penalty:g} points" if self.penalty else " (no penalty)"
        return f"submitted {when} late{cost}"


def assess(
    *,
    raw_score: float,
    max_score: float,
    submitted: dt.datetime | None,
    due: dt.datetime | None,
    extension: Extension | dt.timedelta | None,
    policy: LatePolicy,
) -> Lateness:
    """Lateness and penalty of one submission (a pure function).

    Parameters
    ----------
    raw_score, max_score : float
        Points before the penalty and the assignment's maximum.
    submitted : datetime or None
        Submission time (``timestamp.txt``).
    due : datetime or None
        The assignment's due date (gradebook); None means no deadline.
    extension : Extension, timedelta or None
        The student's extension.
    policy : LatePolicy
        The course's policy.

    Returns
    -------
    Lateness

    Examples
    --------
    >>> policy = LatePolicy(method="per_day", per_unit=0.25, units="fraction")
    >>> due = parse_time("2026-10-05 23:59 UTC")
    >>> late = assess(raw_score=8, max_score=10, submitted=parse_time("2026-10-07 08:00 UTC"),
    ...               due=due, extension=None, policy=policy)
    >>> late.penalty  # 2 started days x 25 % of 10 points
    5.0
    >>> on_time = assess(raw_score=8, max_score=10, submitted=parse_time("2026-10-07 08:00 UTC"),
    ...                  due=due, extension=Extension("ann", "ps01", hours=48), policy=policy)
    >>> on_time.penalty, on_time.due.isoformat()
    (0.0, '2026-10-07T23:59:00+00:00')
    """
    due = as_utc(due)
    if due is not None and extension is not None:
        delta = extension.delta(due) if isinstance(extension, Extension) else extension
        due = due + delta
    late = seconds_late(submitted, due)
    penalty = policy.penalty(raw_score, max_score=max_score, seconds_late=late)
    return Lateness(due=due, submitted=as_utc(submitted), seconds_late=late, penalty=penalty)


@dataclass(frozen=True)
class CourseDeadlines:
    """A course's late policy and extensions, read once (the one place both are applied).

    Attributes
    ----------
    policy : LatePolicy
        From ``nbgrader_config.py`` (:func:`policy_from_config`).
    extensions : dict
        From ``extensions.csv`` (:func:`read_extensions`).
    """

    policy: LatePolicy
    extensions: Mapping[tuple[str, str], Extension]

    @classmethod
    def load(cls, course_root: Path) -> CourseDeadlines:
        """Read the policy and the extensions of a course; ValueError names a bad setting/line."""
        from medimg_grade.restore import load_config

        root = Path(course_root)
        return cls(policy_from_config(load_config(root)), read_extensions(root))

    def assess(self, gradebook, student: str, assignment: str, *, raw_score: float) -> Lateness:
        """Lateness of a submission in an open gradebook (``extensions.csv`` first).

        The due date and the submission time come from nbgrader's gradebook; an extension
        from ``extensions.csv`` replaces one stored in the gradebook.
        """
        from nbgrader.api import MissingEntry

        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return Lateness(None, None, 0.0, 0.0)
        return assess(
            raw_score=raw_score,
            max_score=float(submission.assignment.max_score or 0.0),
            submitted=submission.timestamp,
            due=submission.assignment.duedate,
            extension=self.extensions.get((student, assignment)) or submission.extension,
            policy=self.policy,
        )

    def store(self, gradebook, student: str, assignment: str) -> Lateness:
        """Write the penalty into nbgrader's own ``late_submission_penalty`` fields.

        nbgrader keeps a penalty per submitted notebook (its ``AssignLatePenalties`` step
        writes the same field); the assignment's penalty is shared among its notebooks in
        proportion to their scores. nbgrader's feedback pages, the formgrader and
        ``nbgrader export`` then show it. Call after manual grading: the penalty depends
        on the raw score (automatic and manual points).
        """
        from nbgrader.api import MissingEntry

        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return Lateness(None, None, 0.0, 0.0)
        notebooks = list(submission.notebooks)
        scores = [float(nb.score or 0.0) for nb in notebooks]
        late = self.assess(gradebook, student, assignment, raw_score=sum(scores))
        for nb, score in zip(notebooks, scores, strict=True):
            nb.late_submission_penalty = late.penalty * score / sum(scores) if late.penalty else 0.0
        gradebook.db.commit()
        return late

    def assess_url(self, db_url: str, student: str, assignment: str, *, raw_score: float):
        """:meth:`assess` with a gradebook opened from its URL."""
        import warnings

        from nbgrader.api import Gradebook

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="nbgrader")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            with Gradebook(db_url) as gb:
                return self.assess(gb, student, assignment, raw_score=raw_score)


__all__ = [
    "CourseDeadlines",
    "Extension",
    "LatePolicy",
    "Lateness",
    "PenaltyMethod",
    "PenaltyUnits",
    "apply_extensions",
    "assess",
    "parse_extensions",
    "parse_time",
    "policy_from_config",
    "read_extensions",
    "read_timestamp",
    "seconds_late",
]
