"""``medimg-grade``: autograde every submission of the course in sandboxes.

Reads nbgrader's ``submitted/<student>/<assignment>/*.ipynb`` layout, executes each
restored notebook in a bubblewrap sandbox, and writes ``grades.csv`` (one row per
student and assignment), feedback HTML in ``feedback/<student>/<assignment>/`` and the
grades in nbgrader's gradebook. A re-run grades only what is new or changed.
Exit status 0 when every submission got a row.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

# jsonschema (via nbformat) builds an IRI parser for seconds when rfc3987_syntax is
# installed; grading never validates IRIs.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from medimg_grade import batch, sandbox  # noqa: E402


def _positive(name: str, kind=float, minimum=0.0, strict=True):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if value < minimum or (strict and value == minimum):
            rel = ">" if strict else ">="
            raise argparse.ArgumentTypeError(f"{name} must be {rel} {minimum:g}, got {text}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of ``medimg-grade``."""
    parser = argparse.ArgumentParser(
        prog="medimg-grade",
        description="Autograde submitted/<student>/<assignment>/*.ipynb in sandboxes.",
    )
    parser.add_argument("--course-root", type=Path, default=Path("."), help="course directory")
    parser.add_argument(
        "--assignment",
        action="append",
        default=[],
        metavar="NAME",
        help="assignment to grade (repeatable; default: every assignment in solutions/)",
    )
    parser.add_argument(
        "--workers",
        type=_positive("--workers", int, 0, strict=False),
        default=0,
        help="parallel sandboxes (0 = all cores)",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--scheduler",
        default=None,
        help="Dask scheduler address (tcp://host:8786) or 'local' for a LocalCluster",
    )
    group.add_argument(
        "--dask", action="store_true", help="start a local Dask cluster (same as --scheduler local)"
    )
    parser.add_argument(
        "--timeout",
        type=_positive("--timeout"),
        default=120.0,
        help="seconds per notebook (default 120)",
    )
    parser.add_argument(
        "--memory-mb",
        type=_positive("--memory-mb", int, 256, strict=False),
        default=2048,
        help="memory limit per process in MiB (default 2048)",
    )
    parser.add_argument(
        "--db", default="sqlite:///gradebook.db", help="gradebook URL (SQLAlchemy; sqlite default)"
    )
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="grades CSV file")
    parser.add_argument("--no-feedback", action="store_true", help="do not write feedback HTML")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def parse_options(argv: list[str] | None = None) -> batch.Options:
    """Parse and validate the command line into :class:`batch.Options`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    root = args.course_root
    if not root.is_dir():
        parser.error(f"argument --course-root: not a directory: {root}")
    known = batch.list_assignments(root)
    if not known:
        parser.error(f"argument --course-root: no assignments in {root / 'solutions'}")
    for name in args.assignment:
        if name not in known:
            parser.error(
                f"argument --assignment: unknown assignment {name!r} (known: {', '.join(known)})"
            )
    scheduler = "local" if args.dask else args.scheduler
    if scheduler is not None and scheduler != "local":
        if not re.fullmatch(r"(tcp|tls|inproc|ws|wss|ucx)://[^\s/]+(:\d+)?", scheduler):
            parser.error(
                f"argument --scheduler: expected tcp://host:port or 'local', got {scheduler!r}"
            )
    try:
        from sqlalchemy.engine import make_url

        make_url(args.db)
    except Exception:
        parser.error(f"argument --db: not a SQLAlchemy URL: {args.db!r}")
    out = args.out if args.out.is_absolute() else root / args.out
    if not out.parent.is_dir():
        parser.error(f"argument --out: directory does not exist: {out.parent}")
    limits = sandbox.Limits(timeout_s=args.timeout, memory_mb=args.memory_mb)
    return batch.Options(
        course_root=root,
        assignments=args.assignment,
        workers=args.workers,
        scheduler=scheduler,
        limits=limits,
        db_url=args.db,
        out=args.out,
        feedback=not args.no_feedback,
        progress=not args.no_progress,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``medimg-grade``; returns the exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] in ("export", "similarity", "feedback"):  # course-ops subcommands
        import importlib

        module = {"feedback": "term"}.get(args[0], args[0])
        return importlib.import_module(f"medimg_grade.{module}").main(args[1:])
    options = parse_options(argv)
    grader = batch.Grader(options)
    rows = grader.run()
    expected = len(grader.assignments) * len(batch.list_students(grader.root))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status_text] = counts.get(row.status_text, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(
        f"medimg-grade: {len(rows)} rows -> {grader.out} ({summary or 'nothing to grade'})",
        file=sys.stderr,
    )
    return 0 if len(rows) >= expected else 1


if __name__ == "__main__":
    sys.exit(main())
