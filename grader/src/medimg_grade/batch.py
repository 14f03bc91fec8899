"""Grade a batch of submissions: discover, restore, execute in sandboxes, score, record.

Only this process (the grader) writes the gradebook, ``grades.csv``, the feedback and
the resume state; sandboxed executions run in a pool of threads (each waiting on its
own sandbox) or on Dask workers, and hand back executed notebooks.

The resume state (``.grading/<out>.state.json`` next to ``<out>``) maps each (student, assignment) to the hash of
the submitted files and the finished grade row; it and ``grades.csv`` are rewritten
atomically (temporary file + :func:`os.replace`) after every submission, so a killed
run loses at most the submissions in flight, and a re-run grades exactly those.
"""

from __future__ import annotations

import concurrent.futures
import csv
import hashlib
import io
import json
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from medimg_grade import restore as _restore
from medimg_grade import sandbox
from medimg_grade.feedback import feedback_notebook, render_feedback
from medimg_grade.score import auto_score, merge_result

FIELDS = ("student", "assignment", "score", "max_score", "status", "reason")
#: Submitted notebooks larger than this are not graded (bytes).
MAX_NOTEBOOK_BYTES = 20 * 2**20
#: Worst status first: the row of a multi-notebook assignment shows the worst.
SEVERITY = ("invalid", "missing", "crash", "timeout", "memory", "flagged", "ok")


@dataclass
class Options:
    """Settings of one grading run (see ``medimg-grade --help``)."""

    course_root: Path
    assignments: list[str] = field(default_factory=list)
    workers: int = 0
    scheduler: str | None = None
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)
    db_url: str = "sqlite:///gradebook.db"
    out: Path = Path("grades.csv")
    feedback: bool = True
    progress: bool = True


@dataclass
class Job:
    """Notebooks of one (student, assignment) to execute, as restored JSON."""

    student: str
    assignment: str
    notebooks: dict[str, str]
    limits: sandbox.Limits


def run_job(job: Job) -> dict[str, sandbox.Execution]:
    """Execute every notebook of a job in its own sandbox (runs in a pool or on Dask)."""
    return {name: sandbox.execute(text, job.limits) for name, text in job.notebooks.items()}


def resolve_db_url(db_url: str, course_root: Path) -> str:
    """Make a relative ``sqlite:///`` path relative to the course root.

    Examples
    --------
    >>> resolve_db_url("sqlite:///gradebook.db", Path("/srv/course"))
    'sqlite:////srv/course/gradebook.db'
    >>> resolve_db_url("postgresql://grader@db/gradebook", Path("/srv/course"))
    'postgresql://grader@db/gradebook'
    """
    prefix = "sqlite:///"
    if db_url.startswith(prefix) and not db_url.startswith(prefix + "/"):
        path = db_url[len(prefix) :]
        if path and path != ":memory:":
            return prefix + str((course_root / path).resolve())
    return db_url


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and :func:`os.replace`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def folder_hash(folder: Path | None) -> str:
    """SHA-256 over the names and bytes of the regular files of a submission folder."""
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


class Grader:
    """Grade all (student, assignment) pairs of a course directory.

    Parameters
    ----------
    options : Options
        The run's settings.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.root = options.course_root.resolve()
        self.db_url = resolve_db_url(options.db_url, self.root)
        self.config = _restore.load_config(self.root)
        self.out = options.out if options.out.is_absolute() else self.root / options.out
        self.state_path = self.out.parent / ".grading" / f"{self.out.name}.state.json"
        self.state: dict[str, dict] = {}
        self._remove_stale_temporaries()
        if self.state_path.is_file():
            try:
                self.state = json.loads(self.state_path.read_text(encoding="utf-8"))
            except ValueError:
                self.state = {}
        self.assignments: dict[str, _restore.Assignment] = {}
        self.rows: dict[str, dict] = {}
        self.sandboxed = sandbox.bwrap_path() is not None

    # ------------------------------------------------------------------ helpers
    def _remove_stale_temporaries(self) -> None:
        """Delete temporary files left by a grader that was killed while writing."""
        for folder, name in ((self.out.parent, self.out.name), (self.state_path.parent, "")):
            for tmp in folder.glob(f".{name}*.tmp"):
                pid = tmp.name.rsplit(".", 2)[-2]
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    tmp.unlink(missing_ok=True)

    @staticmethod
    def key(student: str, assignment: str) -> str:
        """State key of a (student, assignment) pair."""
        return f"{student}\x1f{assignment}"

    def fingerprint(self, student: str, assignment: str) -> str:
        """Hash what a grade depends on: submission files, source notebook, limits."""
        folder = self.root / "submitted" / student / assignment
        source = folder_hash(self.root / "solutions" / assignment)
        limits = json.dumps({k: float(v) for k, v in asdict(self.options.limits).items()})
        return hashlib.sha256(
            f"{folder_hash(folder)}|{source}|{limits}|{self.sandboxed}".encode()
        ).hexdigest()

    def save(self) -> None:
        """Write the state and grades.csv atomically."""
        self.state_path.parent.mkdir(exist_ok=True)
        atomic_write(self.state_path, json.dumps(self.state, ensure_ascii=False, indent=0))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for key in sorted(self.rows, key=lambda k: (k.split("\x1f")[1], k.split("\x1f")[0])):
            writer.writerow(self.rows[key])
        atomic_write(self.out, buffer.getvalue())

    def _row(self, student, assignment, score, max_score, status, notes) -> dict:
        reason = "; ".join(dict.fromkeys(n for n in notes if n))
        if not self.sandboxed:
            reason = "; ".join(filter(None, [reason, "UNSANDBOXED: bwrap unavailable"]))
            status = f"{status}-unsandboxed"
        return {
            "student": student,
            "assignment": assignment,
            "score": f"{score:g}",
            "max_score": f"{max_score:g}",
            "status": status,
            "reason": reason,
        }

    def _record(self, student: str, assignment: str, row: dict, fingerprint: str) -> None:
        key = self.key(student, assignment)
        self.rows[key] = row
        self.state[key] = {"fingerprint": fingerprint, "row": row}
        self.save()

    # ------------------------------------------------------------------ gradebook
    def _gradebook_submission(self, student: str, assignment: str, folder: Path) -> None:
        from nbgrader.api import Gradebook
        from nbgrader.utils import parse_utc

        timestamp = None
        stamp = folder / "timestamp.txt"
        if stamp.is_file() and not stamp.is_symlink():
            try:
                timestamp = parse_utc(
                    stamp.read_text(encoding="utf-8", errors="replace")[:100].strip()
                )
            except (ValueError, OverflowError):
                timestamp = None
        with Gradebook(self.db_url) as gb:
            gb.update_or_create_student(student)
            if timestamp:
                gb.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gb.update_or_create_submission(assignment, student)

    def _gradebook_zero(self, student: str, assignment: str, notebook: str) -> None:
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gb:
            submission = gb.find_submission_notebook(notebook, assignment, student)
            for grade in submission.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
            gb.db.commit()

    def _gradebook_save(self, nb, student: str, assignment: str, notebook: str) -> None:
        from nbgrader.preprocessors import SaveAutoGrades

        resources = {
            "nbgrader": {
                "assignment": assignment,
                "notebook": notebook,
                "student": student,
                "db_url": self.db_url,
            }
        }
        SaveAutoGrades().preprocess(nb, resources)

    def _feedback(self, student, assignment, name, html: str) -> None:
        if not self.options.feedback:
            return
        folder = self.root / "feedback" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / f"{name}.html", html)

    def _feedback_message(self, student, assignment, name, status, reason) -> None:
        from html import escape

        html = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{escape(assignment)}: {escape(name)}</title></head><body>"
            f"<h1>{escape(assignment)} / {escape(name)}.ipynb</h1>"
            f"<p>Score: 0. Status: {escape(status)}.</p><p>{escape(reason)}</p></body></html>"
        )
        self._feedback(student, assignment, name, html)

    # ------------------------------------------------------------------ preparing
    def prepare(self, student: str, assignment: str) -> tuple[Job | None, dict]:
        """Read and restore one submission; a Job to execute, or a finished row.

        Returns
        -------
        tuple
            ``(job, context)``; ``job`` is None when the row is already final
            (``context["row"]``).
        """
        source = self.assignments[assignment]
        folder = self.root / "submitted" / student / assignment
        student_dir = self.root / "submitted" / student
        context: dict = {"notes": [], "restored": {}, "edits": {}, "statuses": [], "folder": folder}
        notes = context["notes"]
        if not folder.is_dir() or folder.is_symlink():
            others = (
                sorted(p.name for p in student_dir.iterdir() if p.name not in self.assignments)
                if student_dir.is_dir()
                else []
            )
            why = "no submission folder"
            if others:
                why += f"; unexpected entries in the student folder: {', '.join(others)}"
            context["row"] = self._row(student, assignment, 0, source.max_score, "missing", [why])
            return None, context
        self._gradebook_submission(student, assignment, folder)
        found = sorted(
            p for p in folder.iterdir() if p.suffix == ".ipynb" and not p.name.startswith(".")
        )
        expected = {f"{name}.ipynb" for name in source.notebooks}
        extra = [p for p in found if p.name not in expected]
        jobs: dict[str, str] = {}
        for name, nb_source in source.notebooks.items():
            path = folder / f"{name}.ipynb"
            if not path.exists() and len(source.notebooks) == 1 and len(extra) == 1:
                path = extra.pop()
                notes.append(f"submitted as {path.name!r} instead of {name}.ipynb; graded anyway")
                context["statuses"].append("flagged")
            elif not path.exists():
                why = f"{name}.ipynb not submitted"
                if extra:
                    why += f" (found {', '.join(p.name for p in extra)}: which one is meant?)"
                self._zero(student, assignment, name, "missing", why, context)
                continue
            nb, why = self._read(path)
            if nb is None:
                self._zero(student, assignment, name, "invalid", f"{path.name}: {why}", context)
                continue
            if why:
                notes.append(why)
            try:
                restored = _restore.restore(
                    nb, nb_source, assignment=assignment, db_url=self.db_url, config=self.config
                )
            except Exception as exc:
                self._zero(
                    student,
                    assignment,
                    name,
                    "invalid",
                    f"{path.name}: cannot restore: {exc}",
                    context,
                )
                continue
            if restored.edits:
                notes.append("restored from source: " + ", ".join(restored.edits))
            if restored.tamper:
                notes.append("tampering: " + ", ".join(restored.tamper) + " (restored)")
                context["statuses"].append("flagged")
            context["restored"][name] = restored.notebook
            jobs[name] = nbformat.writes(restored.notebook)
        if extra:
            notes.append(f"extra notebook(s) ignored: {', '.join(p.name for p in extra)}")
            context["statuses"].append("flagged")
        if not jobs:
            return None, context
        return Job(student, assignment, jobs, self.options.limits), context

    def _zero(self, student, assignment, name, status, why, context) -> None:
        self._gradebook_zero(student, assignment, name)
        context["notes"].append(why)
        context["statuses"].append(status)
        context.setdefault("zero", []).append(name)
        self._feedback_message(student, assignment, name, status, why)

    @staticmethod
    def _read(path: Path):
        """Read a submitted notebook: (notebook, note) or (None, reason)."""
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

    # ------------------------------------------------------------------ finishing
    def finish(self, job: Job | None, context: dict, results: dict | None, student, assignment):
        """Score executed notebooks, write gradebook and feedback, and return the row."""
        source = self.assignments[assignment]
        if "row" in context:
            return context["row"]
        notes = list(context["notes"])
        statuses = list(context["statuses"])
        score = 0.0
        manual = 0
        for name, restored in context["restored"].items():
            execution = (results or {}).get(name)
            if execution is None:
                outcome = merge_result(
                    restored, None, killed="", memory_mb=self.options.limits.memory_mb
                )
            else:
                outcome = merge_result(
                    restored,
                    execution.notebook,
                    killed=execution.killed,
                    memory_mb=self.options.limits.memory_mb,
                )
            nb = outcome.notebook
            points, _, needs = auto_score(nb)
            score += points
            manual += needs
            notes.extend(outcome.notes)
            statuses.append(outcome.status)
            self._gradebook_save(nb, student, assignment, name)
            if self.options.feedback:
                resources = {
                    "nbgrader": {
                        "assignment": assignment,
                        "notebook": name,
                        "student": student,
                        "db_url": self.db_url,
                    }
                }
                html = render_feedback(feedback_notebook(nb, source.notebooks[name]), resources)
                self._feedback(student, assignment, name, html)
        if manual:
            notes.append(f"{manual} cell(s) need manual grading")
        status = min(statuses or ["ok"], key=SEVERITY.index)
        return self._row(student, assignment, score, source.max_score, status, notes)

    # ------------------------------------------------------------------ running
    def _executor(self):
        scheduler = self.options.scheduler
        workers = self.options.workers or len(os.sched_getaffinity(0))
        if scheduler is None:
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
            return pool, pool.submit, concurrent.futures.as_completed, pool.shutdown
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed

        cluster = None
        if scheduler == "local":
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler)

        def submit(fn, job):
            return client.submit(fn, job, pure=False)

        def close(wait=True):
            client.close()
            if cluster is not None:
                cluster.close()

        return client, submit, dask_completed, close

    def run(self, log: Callable[[str], None] | None = None) -> list[dict]:
        """Grade everything that is not already graded; return all rows."""
        with warnings.catch_warnings():
            # nbgrader 0.9's gradebook models make SQLAlchemy 2 warn on every submission.
            warnings.filterwarnings("ignore", module="nbgrader")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", message=".*not in session.*")
            return self._run(log)

    def _run(self, log: Callable[[str], None] | None) -> list[dict]:
        log = log or (lambda message: print(message, file=sys.stderr))
        names = self.options.assignments or list_assignments(self.root)
        if not self.sandboxed:
            log(
                "medimg-grade: WARNING: bubblewrap (bwrap) not found: submissions run WITHOUT "
                "filesystem/network isolation, resource limits only"
            )
        for name in names:
            self.assignments[name] = _restore.register_assignment(
                self.root / "solutions" / name, name, db_url=self.db_url, config=self.config
            )
        students = list_students(self.root)
        pairs = [(s, a) for a in names for s in students]
        todo = []
        for student, assignment in pairs:
            key = self.key(student, assignment)
            fingerprint = self.fingerprint(student, assignment)
            old = self.state.get(key)
            if old and old.get("fingerprint") == fingerprint:
                self.rows[key] = old["row"]
            else:
                todo.append((student, assignment, fingerprint))
        # Drop rows of pairs that are no longer part of this run.
        self.state = {
            k: v
            for k, v in self.state.items()
            if k in self.rows or any(k == self.key(s, a) for s, a, _ in todo)
        }
        log(
            f"medimg-grade: {len(todo)} of {len(pairs)} submissions to grade "
            f"({len(pairs) - len(todo)} already graded)"
        )
        progress = _progress(len(pairs), len(pairs) - len(todo), self.options.progress)
        if not todo:
            self.save()
            progress.close()
            return [self.rows[k] for k in sorted(self.rows)]
        _handle, submit, completed, close = self._executor()
        try:
            pending = {}
            for student, assignment, fingerprint in todo:
                job, context = self.prepare(student, assignment)
                if job is None:
                    row = self.finish(None, context, None, student, assignment)
                    self._record(student, assignment, row, fingerprint)
                    progress.update(1)
                    continue
                future = submit(run_job, job)
                pending[future] = (job, context, student, assignment, fingerprint)
            for future in completed(list(pending)):
                job, context, student, assignment, fingerprint = pending.pop(future)
                try:
                    results = future.result()
                except Exception as exc:
                    context["notes"].append(f"execution failed: {type(exc).__name__}")
                    results = None
                row = self.finish(job, context, results, student, assignment)
                self._record(student, assignment, row, fingerprint)
                progress.update(1)
        finally:
            close(wait=True)
            progress.close()
        self.save()
        return [self.rows[k] for k in sorted(self.rows)]


def _progress(total: int, done: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=done,
        unit="submission",
        file=sys.stderr,
        disable=not enabled,
        dynamic_ncols=True,
        desc="grading",
    )


def grade(options: Options, log: Callable[[str], None] | None = None) -> list[dict]:
    """Grade a course directory; see :class:`Grader`."""
    return Grader(options).run(log)


__all__ = ["FIELDS", "Grader", "Job", "Options", "grade", "run_job"]
