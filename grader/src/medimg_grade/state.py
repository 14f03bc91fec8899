"""Resume state: which submissions are graded, and whether their grade is still valid.

The state (``.grading/<out>.state.json`` next to ``<out>``) maps each (student,
assignment) to a fingerprint of everything its grade depends on and the finished row.
It and ``grades.csv`` are rewritten atomically (temporary file + :func:`os.replace`)
after every submission, so a killed run loses at most the submissions in flight, and a
re-run grades exactly those. The fingerprint covers the submitted files, the source
notebooks, the course's nbgrader configuration, the limits, whether bubblewrap was
used, and the grader's version and code, so a fix to grading or a changed test regrades
on the next run.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
from dataclasses import asdict
from pathlib import Path

from medimg_grade.records import FIELDS, GradeRow
from medimg_grade.submissions import Submission, folder_hash


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and :func:`os.replace`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@functools.cache
def grader_version() -> str:
    """Return the installed version of ``medimg-grade`` plus a hash of its code."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("medimg-grade")
    except PackageNotFoundError:
        installed = "unknown"
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{installed}+{digest.hexdigest()[:16]}"


def config_hash(course_root: Path) -> str:
    """Hash of the course's ``nbgrader_config.py`` (``absent`` when there is none)."""
    path = course_root / "nbgrader_config.py"
    if not path.is_file():
        return "absent"
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ResumeState:
    """The resume state and ``grades.csv`` of one grading run.

    Parameters
    ----------
    out : pathlib.Path
        Absolute path of ``grades.csv``.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.path = out.parent / ".grading" / f"{out.name}.state.json"
        self.entries: dict[str, dict] = {}
        self.rows: dict[str, GradeRow] = {}
        self._remove_stale_temporaries()
        if self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = loaded if isinstance(loaded, dict) else {}
            except ValueError:
                self.entries = {}

    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files left by a grader that was killed while writing."""
        for folder, name in ((self.out.parent, self.out.name), (self.path.parent, "")):
            for tmp in folder.glob(f".{name}*.tmp"):
                pid = tmp.name.rsplit(".", 2)[-2]
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    tmp.unlink(missing_ok=True)

    def reuse(self, submission: Submission, fingerprint: str) -> bool:
        """Keep the stored row when its fingerprint still matches; tell whether it did."""
        old = self.entries.get(submission.key)
        if not old or old.get("fingerprint") != fingerprint:
            return False
        try:
            self.rows[submission.key] = GradeRow.from_csv(old["row"])
        except (KeyError, ValueError, TypeError, AttributeError):
            return False
        return True

    def keep_only(self, keys: set[str]) -> None:
        """Forget entries of pairs that are not part of this run."""
        self.entries = {k: v for k, v in self.entries.items() if k in keys}

    def record(self, submission: Submission, row: GradeRow, fingerprint: str) -> None:
        """Store a finished row and write everything."""
        self.rows[submission.key] = row
        self.entries[submission.key] = {"fingerprint": fingerprint, "row": row.csv()}
        self.save()

    def sorted_rows(self) -> list[GradeRow]:
        """Rows ordered by assignment, then student."""
        return sorted(self.rows.values(), key=lambda r: (r.assignment, r.student))

    def save(self) -> None:
        """Write the state and ``grades.csv`` atomically."""
        self.path.parent.mkdir(exist_ok=True)
        atomic_write(self.path, json.dumps(self.entries, ensure_ascii=False, indent=0))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in self.sorted_rows():
            writer.writerow(row.csv())
        atomic_write(self.out, buffer.getvalue())


def fingerprint(
    course_root: Path, submission: Submission, *, limits, sandboxed: bool, sources: dict
) -> str:
    """Hash everything a grade depends on (see the module docstring).

    ``sources`` caches the hash of each assignment's ``solutions/`` folder.
    """
    assignment = submission.assignment
    if assignment not in sources:
        sources[assignment] = folder_hash(course_root / "solutions" / assignment)
    limit_values = json.dumps({k: float(v) for k, v in asdict(limits).items()})
    parts = [
        folder_hash(submission.folder),
        sources[assignment],
        config_hash(course_root),
        limit_values,
        str(sandboxed),
        grader_version(),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


__all__ = ["ResumeState", "atomic_write", "config_hash", "fingerprint", "grader_version"]
