"""The graded notebooks and feedback pages of a term, in nbgrader's own folders.

``medimg-grade`` keeps every graded notebook where ``nbgrader autograde`` keeps it,
``autograded/<student>/<assignment>/<notebook>.ipynb``, next to the submission's
``timestamp.txt`` and ``submission_secret.txt`` (:func:`save_autograded`). That is what
the formgrader opens for manual grading (it is instructor-only: it holds the hidden tests).

After manual grading, ``medimg-grade feedback`` (:func:`refresh_feedback`) renders the
feedback pages again from those notebooks and the gradebook, so that the manual points,
the graders' comments and the late penalty (stored in nbgrader's own
``late_submission_penalty`` field) appear in them, with hidden tests still reduced to
"Test passed"/"Test failed". It copies ``timestamp.txt`` and ``submission_secret.txt``
into ``feedback/<student>/<assignment>/``, which is what ``nbgrader release_feedback``
needs to hand the pages to the students (``nbgrader fetch_feedback``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

#: Files of a submission that travel with its graded notebook and its feedback.
EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")


def _copy_exchange_files(src: Path, dest: Path) -> None:
    for name in EXCHANGE_FILES:
        path = src / name
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 4096:
            shutil.copyfile(path, dest / name)


def save_autograded(
    course_root: Path, student: str, assignment: str, notebook: str, nb, *, submitted: Path
) -> Path:
    """Keep a graded notebook in nbgrader's ``autograded/`` folder.

    Parameters
    ----------
    course_root : Path
        Course directory.
    student, assignment, notebook : str
        Whose notebook it is (``notebook`` without ``.ipynb``).
    nb : NotebookNode
        The restored notebook with the outputs of grading.
    submitted : Path
        The submission folder (its ``timestamp.txt`` and ``submission_secret.txt`` are copied).

    Returns
    -------
    Path
        The written notebook.
    """
    import nbformat

    from medimg_grade.state import atomic_write

    folder = Path(course_root) / "autograded" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook}.ipynb"
    atomic_write(path, nbformat.writes(nb))
    _copy_exchange_files(Path(submitted), folder)
    return path


def refresh_feedback(
    course_root: Path, *, db_url: str, assignments: Sequence[str] = ()
) -> list[Path]:
    """Render feedback pages again from ``autograded/`` and the gradebook.

    Parameters
    ----------
    course_root : Path
        Course directory.
    db_url : str
        Gradebook URL (absolute; see :func:`medimg_grade.gradebook.resolve_db_url`).
    assignments : sequence of str
        Only these assignments (default: every assignment with graded notebooks).

    Returns
    -------
    list of Path
        The feedback pages written.
    """
    from nbformat import read
    from nbgrader.api import Gradebook

    from medimg_grade.deadlines import CourseDeadlines
    from medimg_grade.feedback import feedback_notebook, render_feedback
    from medimg_grade.restore import load_config, register_assignment
    from medimg_grade.state import atomic_write

    root = Path(course_root)
    config = load_config(root)
    rules = CourseDeadlines.load(root)
    priced: set[tuple[str, str]] = set()
    sources = {}
    written = []
    for path in sorted((root / "autograded").glob("*/*/*.ipynb")):
        student, assignment, name = path.parent.parent.name, path.parent.name, path.stem
        if assignments and assignment not in assignments:
            continue
        if assignment not in sources:
            sources[assignment] = register_assignment(
                root / "solutions" / assignment, assignment, db_url=db_url, config=config
            )
        source = sources[assignment].notebooks.get(name)
        if source is None:
            continue
        resources = {
            "nbgrader": {
                "assignment": assignment,
                "notebook": name,
                "student": student,
                "db_url": db_url,
            }
        }
        if (student, assignment) not in priced:
            with Gradebook(db_url) as gb:
                rules.store(gb, student, assignment)
            priced.add((student, assignment))
        nb = read(path, as_version=4)
        html = render_feedback(feedback_notebook(nb, source), resources)
        folder = root / "feedback" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{name}.html", html)
        _copy_exchange_files(path.parent, folder)
        written.append(folder / f"{name}.html")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``medimg-grade feedback``; returns the exit status."""
    from medimg_grade.gradebook import resolve_db_url

    parser = argparse.ArgumentParser(
        prog="medimg-grade feedback",
        description="Render feedback pages again from autograded/ and the gradebook "
        "(after manual grading), ready for nbgrader release_feedback.",
    )
    parser.add_argument("--course-root", type=Path, default=Path("."))
    parser.add_argument("--db", default="sqlite:///gradebook.db", help="gradebook URL")
    parser.add_argument("--assignment", action="append", default=[], metavar="NAME")
    args = parser.parse_args(argv)
    if not (args.course_root / "autograded").is_dir():
        parser.error(
            f"argument --course-root: no autograded/ in {args.course_root} (run medimg-grade first)"
        )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="nbgrader")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        pages = refresh_feedback(
            args.course_root,
            db_url=resolve_db_url(args.db, args.course_root.resolve()),
            assignments=args.assignment,
        )
    print(f"medimg-grade feedback: {len(pages)} feedback pages written", file=sys.stderr)
    return 0


__all__ = ["main", "refresh_feedback", "save_autograded"]
