"""``medimg-grade export``: the gradebook as the grade-import file of an LMS.

Scores come from nbgrader's gradebook (any database URL), so manual grades entered in the
formgrader after ``medimg-grade`` ran are included; late penalties are computed with
:mod:`medimg_grade.deadlines` (policy in ``nbgrader_config.py``, extensions in
``extensions.csv``), exactly as in ``grades.csv``. Student ids are mapped to LMS ids through
a roster file the instructor exports from the LMS::

    student,first_name,last_name,email,idnumber,canvas_id,sis_user_id,sis_login_id,section
    ann,Ann,Lee,ann@uni.example,S1001,52311,S1001,ann.lee,MIP-A

Only ``student`` is required; Canvas needs ``canvas_id`` or ``sis_user_id`` and Moodle needs
``idnumber`` or ``email``. Formats:

``canvas``
    Canvas's gradebook import CSV: ``Student, ID, SIS User ID, SIS Login ID, Section``,
    then one column per assignment, and a ``Points Possible`` row under the header, as in
    the file Canvas exports and reads back ("How do I import grades in the Gradebook?",
    https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807;
    the required columns are also listed at
    https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades).
    An assignment column named ``name`` (no ``(id)``) makes Canvas create the assignment.
``moodle``
    Moodle's CSV grade import (https://docs.moodle.org/en/Grade_import): ``ID number``,
    ``Email address``, ``First name``, ``Last name``, then per assignment the score and a
    ``<assignment> (feedback)`` column with the lateness and what still needs grading. On
    import choose "Map from: ID number" and "Map to: useridnumber" (or the email columns).
``csv``
    Everything, one row per student and assignment: the columns of ``grades.csv``
    (``student, assignment, raw_score, late_penalty, score, max_score, manual_points``) plus
    ``seconds_late`` and the roster's ids.

Students in the gradebook but not in the roster, and roster students unknown to the
gradebook, are reported on stderr and make the command exit with status 1; they are never
dropped silently (gradebook students without a roster line cannot be imported and are
listed; roster students without a gradebook entry get empty cells).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from medimg_grade import deadlines
from medimg_grade.records import FIELDS

ROSTER_COLUMNS = (
    "student",
    "first_name",
    "last_name",
    "email",
    "idnumber",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "section",
)
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("ID number", "Email address", "First name", "Last name")
#: The score columns of ``grades.csv`` (without its status and reason), then lateness and ids.
CSV_COLUMNS = (
    *(name for name in FIELDS if name not in ("status", "reason")),
    "seconds_late",
    "email",
    "idnumber",
    "canvas_id",
    "sis_user_id",
)


class Format(StrEnum):
    """Export formats of ``medimg-grade export --format``."""

    CANVAS = "canvas"
    MOODLE = "moodle"
    CSV = "csv"


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster (ids in the LMS; empty strings when not given)."""

    student: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    idnumber: str = ""
    canvas_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    line: int = 0

    @property
    def display_name(self) -> str:
        """Name as Canvas shows it ("Last, First"), or the student id.

        Examples
        --------
        >>> RosterEntry("ann", first_name="Ann", last_name="Lee").display_name
        'Lee, Ann'
        >>> RosterEntry("bo").display_name
        'bo'
        """
        if self.first_name or self.last_name:
            return ", ".join(p for p in (self.last_name, self.first_name) if p)
        return self.student


def parse_roster(text: str, *, name: str = "roster.csv") -> dict[str, RosterEntry]:
    r"""Parse and validate a roster.

    Parameters
    ----------
    text : str
        CSV text with a header; ``student`` required, other columns from
        :data:`ROSTER_COLUMNS` optional.
    name : str
        File name for messages.

    Returns
    -------
    dict
        nbgrader student id -> :class:`RosterEntry`, in file order.

    Raises
    ------
    ValueError
        Naming the file, line and problem.

    Examples
    --------
    >>> roster = parse_roster("student,email\nann,ann@uni.example\n")
    >>> roster["ann"].email
    'ann@uni.example'
    >>> parse_roster("student,mail\nann,a@b\n")
    Traceback (most recent call last):
    ...
    ValueError: roster.csv line 1: unknown column 'mail' (known: student, first_name, last_name, email, idnumber, canvas_id, sis_user_id, sis_login_id, section)
    >>> parse_roster("student\nann\nann\n")
    Traceback (most recent call last):
    ...
    ValueError: roster.csv line 3: student 'ann' is listed twice (first on line 2)
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration:
        raise ValueError(f"{name}: empty file (needs a header with 'student')") from None
    for column in header:
        if column not in ROSTER_COLUMNS:
            raise ValueError(
                f"{name} line 1: unknown column {column!r} (known: {', '.join(ROSTER_COLUMNS)})"
            )
    if "student" not in header:
        raise ValueError(f"{name} line 1: no 'student' column")
    if len(set(header)) != len(header):
        raise ValueError(f"{name} line 1: a column appears twice")
    out: dict[str, RosterEntry] = {}
    for cells in reader:
        number = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise ValueError(f"{name} line {number}: {len(cells)} fields, header has {len(header)}")
        values = {k: v.strip() for k, v in zip(header, cells, strict=True)}
        student = values["student"]
        if not student:
            raise ValueError(f"{name} line {number}: student is empty")
        if student in out:
            raise ValueError(
                f"{name} line {number}: student {student!r} is listed twice "
                f"(first on line {out[student].line})"
            )
        out[student] = RosterEntry(**values, line=number)
    return out


def read_roster(path: Path) -> dict[str, RosterEntry]:
    """Read a roster file (see :func:`parse_roster`)."""
    return parse_roster(Path(path).read_text(encoding="utf-8-sig"), name=str(path))


@dataclass(frozen=True)
class GradeRecord:
    """One student's grade on one assignment, as exported (points).

    ``score = max(raw_score - late_penalty, 0)``; ``manual_points`` are points still
    waiting for a person; ``submitted`` is False when nothing was handed in.
    """

    student: str
    assignment: str
    raw_score: float
    late_penalty: float
    score: float
    max_score: float
    manual_points: float
    seconds_late: float
    submitted: bool

    def feedback(self) -> str:
        """Plain words for an LMS feedback column.

        Examples
        --------
        >>> GradeRecord("ann", "ps01", 9, 1.5, 7.5, 10, 0, 7200, True).feedback()
        'submitted 2 h late: -1.5 points'
        >>> GradeRecord("bo", "ps01", 0, 0, 0, 10, 0, 0, False).feedback()
        'not submitted'
        """
        if not self.submitted:
            return "not submitted"
        late = deadlines.Lateness(None, None, self.seconds_late, self.late_penalty).describe()
        parts = [late]
        if self.manual_points:
            parts.append(f"needs manual grading ({self.manual_points:g} points)")
        return "; ".join(p for p in parts if p)


def collect(
    db_url: str,
    *,
    course_root: Path,
    assignments: Sequence[str] = (),
) -> list[GradeRecord]:
    """Read every student's grades from nbgrader's gradebook, with late penalties.

    Parameters
    ----------
    db_url : str
        Gradebook URL (``sqlite:///...``, ``postgresql+psycopg://...``).
    course_root : Path
        Course directory (for ``nbgrader_config.py`` and ``extensions.csv``).
    assignments : sequence of str
        Assignments to export; default every assignment in the gradebook.

    Returns
    -------
    list of GradeRecord
        Sorted by assignment, then student; one per gradebook student and assignment.
    """
    from nbgrader.api import Gradebook, MissingEntry

    rules = deadlines.CourseDeadlines.load(Path(course_root))
    records = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="nbgrader")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        with Gradebook(db_url) as gb:
            names = list(assignments) or [a.name for a in gb.assignments]
            for name in names:
                try:
                    assignment = gb.find_assignment(name)
                except MissingEntry:
                    raise ValueError(f"assignment {name!r} is not in the gradebook") from None
                max_score = float(assignment.max_score or 0.0)
                for student in gb.students:
                    try:
                        sub = gb.find_submission(name, student.id)
                    except MissingEntry:
                        records.append(
                            GradeRecord(student.id, name, 0.0, 0.0, 0.0, max_score, 0.0, 0.0, False)
                        )
                        continue
                    raw = float(sub.score or 0.0)
                    manual = sum(
                        float(g.max_score or 0.0)
                        for nb in sub.notebooks
                        for g in nb.grades
                        if g.needs_manual_grade
                    )
                    late = rules.assess(gb, student.id, name, raw_score=raw)
                    records.append(
                        GradeRecord(
                            student=student.id,
                            assignment=name,
                            raw_score=raw,
                            late_penalty=late.penalty,
                            score=max(raw - late.penalty, 0.0),
                            max_score=max_score,
                            manual_points=manual,
                            seconds_late=late.seconds_late,
                            submitted=True,
                        )
                    )
    return sorted(records, key=lambda r: (r.assignment, r.student))


@dataclass(frozen=True)
class Problem:
    """A student who could not be exported completely."""

    student: str
    what: str


def _num(value: float) -> str:
    return f"{value:g}"


def render(
    records: Sequence[GradeRecord], roster: dict[str, RosterEntry], fmt: Format | str
) -> tuple[str, list[Problem]]:
    """Render records as the import file of ``fmt``; also list the problems found.

    Parameters
    ----------
    records : sequence of GradeRecord
        From :func:`collect`.
    roster : dict
        From :func:`read_roster`.
    fmt : Format or str
        ``canvas``, ``moodle`` or ``csv``.

    Returns
    -------
    tuple
        ``(text, problems)``.

    Examples
    --------
    >>> recs = [GradeRecord("ann", "ps01", 9, 1, 8, 10, 0, 3600, True)]
    >>> roster = {"ann": RosterEntry("ann", "Ann", "Lee", canvas_id="7", idnumber="S1")}
    >>> text, problems = render(recs, roster, "canvas")
    >>> print(text)
    Student,ID,SIS User ID,SIS Login ID,Section,ps01
    Points Possible,,,,,10
    "Lee, Ann",7,,,,8
    <BLANKLINE>
    >>> render(recs, {}, "moodle")[1]
    [Problem(student='ann', what='in the gradebook but not in the roster: not exported')]
    """
    fmt = Format(fmt)
    by_student: dict[str, dict[str, GradeRecord]] = {}
    names: list[str] = []
    for rec in records:
        by_student.setdefault(rec.student, {})[rec.assignment] = rec
        if rec.assignment not in names:
            names.append(rec.assignment)
    max_scores = {r.assignment: r.max_score for r in records}
    problems = [
        Problem(s, "in the gradebook but not in the roster: not exported")
        for s in sorted(by_student)
        if s not in roster
    ]
    problems += [
        Problem(s, "in the roster but not in the gradebook: exported with empty grades")
        for s in roster
        if s not in by_student
    ]
    id_problem = {
        Format.CANVAS: (("canvas_id", "sis_user_id"), "no canvas_id or sis_user_id"),
        Format.MOODLE: (("idnumber", "email"), "no idnumber or email"),
    }
    if fmt in id_problem:
        keys, what = id_problem[fmt]
        problems += [
            Problem(e.student, f"{what} in the roster (line {e.line}): the LMS cannot match it")
            for e in roster.values()
            if not any(getattr(e, k) for k in keys)
        ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if fmt is Format.CANVAS:
        writer.writerow([*CANVAS_COLUMNS, *names])
        writer.writerow(["Points Possible", "", "", "", "", *(_num(max_scores[n]) for n in names)])
        for entry in roster.values():
            grades = by_student.get(entry.student, {})
            cells = [_num(grades[n].score) if n in grades else "" for n in names]
            writer.writerow(
                [
                    entry.display_name,
                    entry.canvas_id,
                    entry.sis_user_id,
                    entry.sis_login_id,
                    entry.section,
                    *cells,
                ]
            )
    elif fmt is Format.MOODLE:
        writer.writerow([*MOODLE_COLUMNS, *(c for n in names for c in (n, f"{n} (feedback)"))])
        for entry in roster.values():
            grades = by_student.get(entry.student, {})
            cells = []
            for n in names:
                rec = grades.get(n)
                cells += [_num(rec.score), rec.feedback()] if rec else ["", ""]
            writer.writerow(
                [entry.idnumber, entry.email, entry.first_name, entry.last_name, *cells]
            )
    else:
        writer.writerow(CSV_COLUMNS)
        for rec in records:
            entry = roster.get(rec.student, RosterEntry(rec.student))
            writer.writerow(
                [
                    rec.student,
                    rec.assignment,
                    _num(rec.raw_score),
                    _num(rec.late_penalty),
                    _num(rec.score),
                    _num(rec.max_score),
                    _num(rec.manual_points),
                    _num(rec.seconds_late),
                    entry.email,
                    entry.idnumber,
                    entry.canvas_id,
                    entry.sis_user_id,
                ]
            )
    return buffer.getvalue(), problems


def build_parser() -> argparse.ArgumentParser:
    """Build the parser of ``medimg-grade export``."""
    parser = argparse.ArgumentParser(
        prog="medimg-grade export",
        description="Write the gradebook (with late penalties) as an LMS grade-import file.",
    )
    parser.add_argument("--format", required=True, choices=[f.value for f in Format])
    parser.add_argument("--roster", type=Path, required=True, help="roster CSV (student ids)")
    parser.add_argument("--course-root", type=Path, default=Path("."), help="course directory")
    parser.add_argument(
        "--db", default="sqlite:///gradebook.db", help="gradebook URL (default sqlite)"
    )
    parser.add_argument(
        "--assignment", action="append", default=[], metavar="NAME", help="repeatable"
    )
    parser.add_argument("--out", type=Path, default=None, help="output file (default stdout)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``medimg-grade export``; returns the exit status."""
    from medimg_grade.gradebook import resolve_db_url

    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.course_root.is_dir():
        parser.error(f"argument --course-root: not a directory: {args.course_root}")
    if not args.roster.is_file():
        parser.error(f"argument --roster: no such file: {args.roster}")
    if args.out is not None and not args.out.parent.resolve().is_dir():
        parser.error(f"argument --out: directory does not exist: {args.out.parent}")
    try:
        roster = read_roster(args.roster)
    except ValueError as exc:
        parser.error(f"argument --roster: {exc}")
    db_url = resolve_db_url(args.db, args.course_root.resolve())
    try:
        records = collect(db_url, course_root=args.course_root, assignments=args.assignment)
    except ValueError as exc:
        print(f"medimg-grade export: error: {exc}", file=sys.stderr)
        return 2
    text, problems = render(records, roster, args.format)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    for problem in problems:
        print(f"medimg-grade export: {problem.student}: {problem.what}", file=sys.stderr)
    where = args.out or "stdout"
    print(
        f"medimg-grade export: {len(records)} grades of {len({r.student for r in records})} "
        f"students -> {where} ({args.format}); {len(problems)} problem(s)",
        file=sys.stderr,
    )
    return 1 if problems else 0


__all__ = [
    "Format",
    "GradeRecord",
    "Problem",
    "RosterEntry",
    "collect",
    "main",
    "parse_roster",
    "read_roster",
    "render",
]
