"""Generate the student release ``exercises/`` from the instructor source ``solutions/``.

Run ``python -m medimg_grade.release`` to regenerate every assignment with nbgrader, or
``python -m medimg_grade.release --check`` to generate into a temporary directory and report
the files that differ from the committed release (exit status 1 on drift).

Generation is deterministic: nbgrader runs against a throw-away gradebook (so no
``gradebook.db`` appears in the repository) and every notebook is rewritten in one canonical
form (no outputs, no execution counts, sorted keys).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import nbformat

__all__ = [
    "ROOT",
    "assignments",
    "diff_trees",
    "generate",
    "main",
    "normalise_notebook",
    "protected_lines",
    "record_graded_parts",
]

#: The course root: the current directory (run from the course, as ``make release`` does).
ROOT = Path.cwd()


# Lines that may legitimately appear both in a solution and in the release: blank lines, comments,
# docstring quotes, lone brackets and punctuation, bare control-flow keywords, ``return name``,
# ``return {`` and a single name,
# number or argument-free call standing alone as one argument of a call split over several lines
# (``interpolator,``, ``0.0,``, ``sitk.Transform(),``). Anything longer counts as a leak.
_TRIVIAL = re.compile(
    r"""^(
        \#.*
        | [()\[\]{},:;.\s]*
        | (\"\"\"|''')
        | (return|pass|break|continue|else:|try:|finally:|raise)
        | return\ ([\w.]+|[{(\[])
        | -?[\w.]+(\(\))?,?
    )$""",
    re.X,
)
_REGION = re.compile(
    r"^[ \t]*### BEGIN (SOLUTION|HIDDEN TESTS)[ \t]*$(.*?)^[ \t]*### END \1[ \t]*$", re.M | re.S
)


def protected_lines(notebook: Path) -> set[str]:
    """Return the non-trivial lines of an instructor notebook that students must never see.

    These are the stripped lines between ``### BEGIN SOLUTION``/``### END SOLUTION`` and
    ``### BEGIN HIDDEN TESTS``/``### END HIDDEN TESTS``, minus lines too generic to be a leak
    (blank lines, comments, lone brackets, bare keywords, a lone name such as ``interpolator,``)
    and minus lines that the course shows outside those regions, in this notebook or in another
    instructor notebook next to it (``solutions/*/*.ipynb``): a visible test and a hidden one
    may share a line such as ``result = np.asarray(``, which students see anyway. Leak tests
    look for each of them in the release, the built book and the feedback.

    Parameters
    ----------
    notebook : pathlib.Path
        An nbgrader source notebook in ``solutions/``.

    Returns
    -------
    set of str
    """
    notebook = Path(notebook)
    lines: set[str] = set()
    for cell in nbformat.read(notebook, as_version=4).cells:
        for _, body in _REGION.findall(cell.source):
            lines.update(line.strip() for line in body.splitlines())
    shown: set[str] = set()
    for sibling in {notebook, *notebook.parent.parent.glob("*/*.ipynb")}:
        for cell in nbformat.read(sibling, as_version=4).cells:
            if not _is_manual_answer(cell):
                shown.update(line.strip() for line in _REGION.sub("", cell.source).splitlines())
    return {line for line in lines - shown if not _TRIVIAL.match(line)}


def _is_manual_answer(cell) -> bool:
    """Tell whether a cell is a markdown answer graded by a person (replaced in the release)."""
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "markdown" and bool(meta.get("solution"))


def assignments(root: Path = ROOT) -> list[str]:
    """Return the names of the assignments in ``root/solutions``, sorted.

    An assignment is a folder ``solutions/<name>/`` holding the notebook ``<name>.ipynb``.

    Parameters
    ----------
    root : pathlib.Path
        Repository root.

    Returns
    -------
    list of str
    """
    source = root / "solutions"
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def normalise_notebook(path: Path) -> None:
    """Rewrite a notebook in canonical form: no outputs, no execution counts, sorted JSON.

    Parameters
    ----------
    path : pathlib.Path
        Notebook to rewrite in place.
    """
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
    nbformat.validate(notebook)
    text = nbformat.writes(notebook)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def record_graded_parts(path: Path) -> list[dict]:
    """Record the graded cells of a released notebook in its metadata, for ``medimg-ready``.

    The student's ready-to-submit check (:mod:`medimg.ready`) compares this list with the
    cells it finds, to warn about deleted test cells (the grader restores them). The list is
    stored as ``metadata.medimg.graded_parts``: one ``{"grade_id", "points", "kind"}`` per
    graded cell, in notebook order, with ``kind`` a :class:`medimg.ready.PartKind` name.

    Parameters
    ----------
    path : pathlib.Path
        Released notebook, rewritten in place.

    Returns
    -------
    list of dict
        The recorded entries.
    """
    from medimg.ready import METADATA_KEY, graded_parts

    notebook = nbformat.read(path, as_version=4)
    parts = [
        {"grade_id": part.grade_id, "points": part.points, "kind": part.kind.name}
        for part in graded_parts(notebook)
    ]
    notebook.metadata[METADATA_KEY] = {"assignment": path.stem, "graded_parts": parts}
    nbformat.write(notebook, path)
    return parts


def generate(
    destination: Path, *, root: Path = ROOT, names: Sequence[str] | None = None
) -> list[Path]:
    """Generate the student version of the assignments into ``destination``.

    Parameters
    ----------
    destination : pathlib.Path
        Release directory to fill (``<destination>/<name>/<name>.ipynb``); existing
        assignment folders there are replaced.
    root : pathlib.Path
        Repository root holding ``nbgrader_config.py`` and ``solutions/``.
    names : sequence of str, optional
        Assignments to generate; all of them when omitted.

    Returns
    -------
    list of pathlib.Path
        The files written, sorted.

    Raises
    ------
    RuntimeError
        If nbgrader fails on an assignment; the message holds nbgrader's log.
    """
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    names = list(assignments(root) if names is None else names)
    # nbgrader runs alembic from the interpreter's bin directory to set up the gradebook.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    destination = Path(destination).resolve()
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="medimg-release-") as scratch:
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.release_directory = str(destination)
        config.CourseDirectory.db_url = f"sqlite:///{Path(scratch) / 'gradebook.db'}"
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        for name in names:
            if (destination / name).exists():
                shutil.rmtree(destination / name)
            result = api.generate_assignment(name, force=True, create=True)
            if not result["success"]:
                log = f"{result.get('log', '')}\n{result.get('error', '')}"
                raise RuntimeError(f"nbgrader could not generate {name}:\n{log}")
    written = sorted(p for name in names for p in (destination / name).rglob("*") if p.is_file())
    for path in written:
        if path.suffix == ".ipynb":
            record_graded_parts(path)
            normalise_notebook(path)
    return written


def diff_trees(left: Path, right: Path) -> list[str]:
    """Return the relative paths of files that differ between two directory trees.

    A file present in only one tree counts as differing.

    Parameters
    ----------
    left, right : pathlib.Path
        Directories to compare.

    Returns
    -------
    list of str
        Sorted relative paths (POSIX style).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
    ...     _ = (Path(a) / "x.txt").write_text("1")
    ...     _ = (Path(b) / "x.txt").write_text("2")
    ...     diff_trees(Path(a), Path(b))
    ['x.txt']
    """

    def files(base: Path) -> set[str]:
        if not base.exists():
            return set()
        return {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}

    left_files, right_files = files(left), files(right)
    differing = left_files ^ right_files
    for rel in left_files & right_files:
        if not filecmp.cmp(left / rel, right / rel, shallow=False):
            differing.add(rel)
    return sorted(differing)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 if ``--check`` found drift.
    """
    parser = argparse.ArgumentParser(
        prog="python -m medimg_grade.release",
        description="Regenerate exercises/ (the student release) from solutions/ with nbgrader.",
    )
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1 if any")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="repository root (default: %(default)s)"
    )
    parser.add_argument("names", nargs="*", help="assignments (default: all in solutions/)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    names = args.names or assignments(root)
    release = root / "exercises"
    if not args.check:
        for path in generate(release, root=root, names=names):
            print(f"wrote {path.relative_to(root)}")
        return 0
    with tempfile.TemporaryDirectory(prefix="medimg-release-check-") as tmp:
        fresh = Path(tmp)
        generate(fresh, root=root, names=names)
        differing = [
            f"{name}/{rel}" for name in names for rel in diff_trees(release / name, fresh / name)
        ]
    if not args.names and release.is_dir():
        # a released assignment whose source was removed or renamed is drift as well
        differing += [f"{p.name}/" for p in sorted(release.iterdir()) if p.name not in names]
    if differing:
        print("exercises/ differs from a fresh generation (run `make release`):")
        for rel in differing:
            print(f"  exercises/{rel}")
        return 1
    print(f"exercises/ is up to date ({len(names)} assignments)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
