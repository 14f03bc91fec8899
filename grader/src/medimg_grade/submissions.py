"""Finding and reading submissions: course folders, submitted notebooks, their hashes."""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from medimg_grade import restore as _restore

#: Submitted notebooks larger than this are not graded (bytes).
MAX_NOTEBOOK_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Submission:
    """One (student, assignment) pair of the course.

    Attributes
    ----------
    student, assignment : str
        Who and what.
    folder : pathlib.Path
        ``submitted/<student>/<assignment>``.
    """

    student: str
    assignment: str
    folder: Path

    @property
    def key(self) -> str:
        """Key of the pair in the resume state."""
        return f"{self.student}\x1f{self.assignment}"


def list_assignments(course_root: Path) -> list[str]:
    """List the assignments that have a source notebook in ``solutions/``."""
    solutions = course_root / "solutions"
    if not solutions.is_dir():
        return []
    return sorted(p.name for p in solutions.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def list_students(course_root: Path) -> list[str]:
    """Student folders in ``submitted/`` (hidden and checkpoint folders skipped)."""
    submitted = course_root / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(
        p.name
        for p in submitted.iterdir()
        if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
    )


def folder_hash(folder: Path | None) -> str:
    """SHA-256 over the names and bytes of the regular files of a folder."""
    digest = hashlib.sha256()
    if folder is None or not folder.is_dir():
        return "absent"
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            digest.update(f"link:{path.relative_to(folder)}->{os.readlink(path)}".encode())
        elif path.is_file():
            digest.update(f"file:{path.relative_to(folder)}:{path.stat().st_size}".encode())
            with path.open("rb") as handle:
                for block in iter(lambda h=handle: h.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def read_notebook(path: Path) -> tuple[NotebookNode | None, str]:
    """Read a submitted notebook: ``(notebook, note)`` or ``(None, reason)``.

    Symbolic links, empty, oversized, non-JSON and non-notebook files are refused with a
    reason; nbformat 3 is converted (the note says so).
    """
    if path.is_symlink() or not path.is_file():
        return None, "not a regular file (symbolic links are not graded)"
    size = path.stat().st_size
    if size == 0:
        return None, "empty file"
    if size > MAX_NOTEBOOK_BYTES:
        return None, f"file too large ({size} bytes)"
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"not valid JSON ({str(exc).split(':')[0]})"
    if not isinstance(data, dict) or "nbformat" not in data:
        return None, "not a Jupyter notebook (no nbformat field)"
    version = data.get("nbformat")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
            _restore.ensure_ids(nb)
            nbformat.validate(nb)
    except Exception as exc:
        return None, f"not a readable notebook ({type(exc).__name__})"
    note = f"converted from nbformat {version}" if version != 4 else ""
    return nb, note


__all__ = [
    "MAX_NOTEBOOK_BYTES",
    "Submission",
    "folder_hash",
    "list_assignments",
    "list_students",
    "read_notebook",
]
