"""Grade a batch of submissions: discover, restore, execute in sandboxes, score, record.

Only this process (the grader) writes the gradebook, ``grades.csv``, the feedback and
the resume state; sandboxed executions run in a pool of threads (each waiting on its
own sandbox) or on Dask workers, and hand back executed notebooks. The pieces live in
small modules: :mod:`~medimg_grade.submissions` (finding and reading),
:mod:`~medimg_grade.restore` (nbgrader's sanitize step), :mod:`~medimg_grade.sandbox`
and :mod:`~medimg_grade.execute` (running), :mod:`~medimg_grade.score` (scoring rules),
:mod:`~medimg_grade.gradebook`, :mod:`~medimg_grade.state` (resume) and
:mod:`~medimg_grade.records` (the grade row, built by ``build_row``).
"""

from __future__ import annotations

import concurrent.futures
import functools
import os
import sys
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from medimg_grade import deadlines, gradebook, sandbox, state, term
from medimg_grade import restore as _restore
from medimg_grade.feedback import feedback_notebook, render_feedback
from medimg_grade.records import FIELDS, GradeRow, Status, build_row
from medimg_grade.score import auto_score, merge_result
from medimg_grade.submissions import Submission, list_assignments, list_students, read_notebook


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


@dataclass
class Prepared:
    """A submission after reading and restoring, before execution.

    Attributes
    ----------
    submission : Submission
        The pair.
    restored : dict
        Notebook name -> restored notebook to execute and score.
    notes : list of str
        Remarks so far.
    statuses : list of Status
        Statuses so far (the worst one is shown).
    row : GradeRow or None
        Set when the row is already final (nothing to execute).
    registered : bool
        Whether the submission exists in the gradebook.
    """

    submission: Submission
    restored: dict[str, NotebookNode] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    row: GradeRow | None = None
    registered: bool = False


def run_job(job: Job) -> dict[str, sandbox.Execution]:
    """Execute every notebook of a job in its own sandbox (runs in a pool or on Dask)."""
    return {name: sandbox.execute(text, job.limits) for name, text in job.notebooks.items()}


resolve_db_url = gradebook.resolve_db_url


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
        self.db_url = gradebook.resolve_db_url(options.db_url, self.root)
        self.db = gradebook.Connection(self.db_url)
        self.deadlines = deadlines.CourseDeadlines.load(self.root)
        self.config = _restore.load_config(self.root)
        self.out = options.out if options.out.is_absolute() else self.root / options.out
        self.state = state.ResumeState(self.out)
        self.assignments: dict[str, _restore.Assignment] = {}
        self.sandboxed = sandbox.bwrap_path() is not None
        self._sources: dict[str, str] = {}

    @property
    def rows(self) -> dict[str, GradeRow]:
        """Finished rows by state key."""
        return self.state.rows

    def fingerprint(self, submission: Submission) -> str:
        """Hash what a grade depends on (see :mod:`medimg_grade.state`)."""
        return state.fingerprint(
            self.root,
            submission,
            limits=self.options.limits,
            sandboxed=self.sandboxed,
            sources=self._sources,
        )

    def _row(self, prepared: Prepared, raw_score: float, manual: float = 0.0) -> GradeRow:
        sub = prepared.submission
        late = None
        if prepared.registered:
            with self.db.session() as gb:
                late = self.deadlines.assess(gb, sub.student, sub.assignment, raw_score=raw_score)
        return build_row(
            sub.student,
            sub.assignment,
            raw_score=raw_score,
            max_score=self.assignments[sub.assignment].max_score,
            manual_points=manual,
            statuses=prepared.statuses,
            notes=prepared.notes,
            sandboxed=self.sandboxed,
            late=late,
        )

    # ------------------------------------------------------------------ feedback
    def _feedback(self, sub: Submission, name: str, html: str) -> None:
        if not self.options.feedback:
            return
        folder = self.root / "feedback" / sub.student / sub.assignment
        folder.mkdir(parents=True, exist_ok=True)
        state.atomic_write(folder / f"{name}.html", html)

    def _feedback_message(self, sub: Submission, name: str, status: Status, reason: str) -> None:
        from html import escape

        html = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<title>{escape(sub.assignment)}: {escape(name)}</title></head><body>"
            f"<h1>{escape(sub.assignment)} / {escape(name)}.ipynb</h1>"
            f"<p>Score: 0. Status: {escape(status.value)}.</p><p>{escape(reason)}</p>"
            "</body></html>"
        )
        self._feedback(sub, name, html)

    # ------------------------------------------------------------------ preparing
    def prepare(self, sub: Submission) -> tuple[Job | None, Prepared]:
        """Read and restore one submission; a Job to execute (None when the row is final)."""
        source = self.assignments[sub.assignment]
        prepared = Prepared(sub)
        notes = prepared.notes
        student_dir = self.root / "submitted" / sub.student
        if not sub.folder.is_dir() or sub.folder.is_symlink():
            others = (
                sorted(p.name for p in student_dir.iterdir() if p.name not in self.assignments)
                if student_dir.is_dir()
                else []
            )
            why = "no submission folder"
            if others:
                why += f"; unexpected entries in the student folder: {', '.join(others)}"
            notes.append(why)
            prepared.statuses.append(Status.MISSING)
            prepared.row = self._row(prepared, 0.0)
            return None, prepared
        gradebook.register_submission(self.db, sub.student, sub.assignment, sub.folder)
        prepared.registered = True
        found = sorted(
            p for p in sub.folder.iterdir() if p.suffix == ".ipynb" and not p.name.startswith(".")
        )
        expected = {f"{name}.ipynb" for name in source.notebooks}
        extra = [p for p in found if p.name not in expected]
        jobs: dict[str, str] = {}
        for name, nb_source in source.notebooks.items():
            path = sub.folder / f"{name}.ipynb"
            if not path.exists() and len(source.notebooks) == 1 and len(extra) == 1:
                path = extra.pop()
                notes.append(f"submitted as {path.name!r} instead of {name}.ipynb; graded anyway")
                prepared.statuses.append(Status.FLAGGED)
            elif not path.exists():
                why = f"{name}.ipynb not submitted"
                if extra:
                    why += f" (found {', '.join(p.name for p in extra)}: which one is meant?)"
                self._zero(prepared, name, Status.MISSING, why)
                continue
            nb, why = read_notebook(path)
            if nb is None:
                self._zero(prepared, name, Status.INVALID, f"{path.name}: {why}")
                continue
            if why:
                notes.append(why)
            try:
                restored = _restore.restore(
                    nb, nb_source, assignment=sub.assignment, db=self.db, config=self.config
                )
            except Exception as exc:
                self._zero(prepared, name, Status.INVALID, f"{path.name}: cannot restore: {exc}")
                continue
            if restored.edits:
                notes.append("restored from source: " + ", ".join(restored.edits))
            if restored.tamper:
                notes.append("tampering: " + ", ".join(restored.tamper) + " (restored)")
                prepared.statuses.append(Status.FLAGGED)
            prepared.restored[name] = restored.notebook
            # Not validated again (nbformat.writes would): read_notebook validated the
            # submission, and restoring it only put the source's cells back.
            jobs[name] = nbformat.v4.writes(restored.notebook)
        if extra:
            notes.append(f"extra notebook(s) ignored: {', '.join(p.name for p in extra)}")
            prepared.statuses.append(Status.FLAGGED)
        if not jobs:
            return None, prepared
        return Job(sub.student, sub.assignment, jobs, self.options.limits), prepared

    def _zero(self, prepared: Prepared, name: str, status: Status, why: str) -> None:
        sub = prepared.submission
        gradebook.zero_notebook(self.db, sub.student, sub.assignment, name)
        prepared.notes.append(why)
        prepared.statuses.append(status)
        self._feedback_message(sub, name, status, why)

    # ------------------------------------------------------------------ finishing
    def finish(self, prepared: Prepared, results: dict | None) -> GradeRow:
        """Score executed notebooks, write gradebook and feedback, and return the row."""
        row, renders = self.score(prepared, results, render=_render_feedback)
        for name, html in renders:
            self._feedback(prepared.submission, name, html)
        return row

    def score(self, prepared: Prepared, results: dict | None, *, render: Callable) -> tuple:
        """Score executed notebooks and write the gradebook.

        Returns
        -------
        tuple
            ``(row, renders)``: the grade row, and ``(notebook name, render(...))`` for
            each feedback page to write (``render`` may return a future).
        """
        if prepared.row is not None:
            return prepared.row, []
        sub = prepared.submission
        source = self.assignments[sub.assignment]
        manual = 0.0
        renders = []
        for name, restored in prepared.restored.items():
            execution = (results or {}).get(name)
            outcome = merge_result(
                restored,
                execution.notebook if execution is not None else None,
                killed=execution.killed if execution is not None else "",
                memory_mb=self.options.limits.memory_mb,
            )
            nb = outcome.notebook
            _, _, waiting = auto_score(nb)
            manual += waiting
            prepared.notes.extend(outcome.notes)
            prepared.statuses.append(outcome.status)
            gradebook.save_auto_grades(self.db, nb, sub.student, sub.assignment, name)
            term.save_autograded(
                self.root, sub.student, sub.assignment, name, nb, submitted=sub.folder
            )
            if self.options.feedback:
                resources = {
                    "nbgrader": {
                        "assignment": sub.assignment,
                        "notebook": name,
                        "student": sub.student,
                        "db_url": self.db_url,
                    }
                }
                renders.append((name, render(nb, source.notebooks[name], resources)))
        raw = 0.0
        if prepared.registered:
            raw = gradebook.submission_score(self.db, sub.student, sub.assignment)
        return self._row(prepared, raw, manual), renders

    # ------------------------------------------------------------------ running
    def _executor(self, budget: int, warm: _WarmPool | None = None):
        scheduler = self.options.scheduler
        workers = self.options.workers or default_workers()
        if scheduler is None:
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
            if warm is None:
                warm = _WarmPool(self.options.limits, size=workers, budget=budget)
            else:
                warm.plan(budget)

            def submit(fn, job):
                return pool.submit(warm.run_job, job)

            def close(wait=True):
                pool.shutdown(wait=wait)
                warm.close()

            return submit, concurrent.futures.as_completed, close
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

        return submit, dask_completed, close

    def run(self, log: Callable[[str], None] | None = None) -> list[GradeRow]:
        """Grade everything that is not already graded; return all rows."""
        with warnings.catch_warnings():
            # nbgrader 0.9's gradebook models make SQLAlchemy 2 warn on every submission.
            warnings.filterwarnings("ignore", module="nbgrader")
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", message=".*not in session.*")
            try:
                return self._run(log)
            finally:
                self.db.close()

    def _run(self, log: Callable[[str], None] | None) -> list[GradeRow]:
        warm = None
        if self.options.scheduler is None and self.sandboxed:
            # The first sandboxes boot their kernels while the assignments are registered
            # and the submissions read and restored (work that leaves a core idle); the
            # ones not needed are stopped before anything runs in them.
            workers = self.options.workers or default_workers()
            warm = _WarmPool(self.options.limits, size=workers, budget=workers)
            try:
                warm.fill()
            except Exception:  # started again, or reported, when a notebook needs one
                warm.plan(0)
        try:
            return self._grade(log, warm)
        finally:
            if warm is not None:
                warm.plan(0)

    def _grade(self, log: Callable[[str], None] | None, warm: _WarmPool | None) -> list[GradeRow]:
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
        pairs = [
            Submission(s, a, self.root / "submitted" / s / a)
            for a in names
            for s in list_students(self.root)
        ]
        todo = []
        for sub in pairs:
            fingerprint = self.fingerprint(sub)
            if not self.state.reuse(sub, fingerprint):
                todo.append((sub, fingerprint))
        self.state.keep_only({sub.key for sub in pairs})
        log(
            f"medimg-grade: {len(todo)} of {len(pairs)} submissions to grade "
            f"({len(pairs) - len(todo)} already graded)"
        )
        progress = _progress(len(pairs), len(pairs) - len(todo), self.options.progress)
        if not todo:
            self.state.save()
            progress.close()
            return self.state.sorted_rows()
        submit, completed, close = self._executor(budget=len(todo), warm=warm)
        renderer = _Renderer(
            self.options.workers or default_workers(), self.options.feedback, db=self.db
        )
        lock = threading.Lock()  # rows are recorded by this thread and by render callbacks

        def record(sub: Submission, row: GradeRow, fingerprint: str, renders: list) -> None:
            with lock:
                for name, future in renders:
                    try:
                        self._feedback(sub, name, future.result())
                    except Exception as exc:  # a page that cannot be rendered: say so
                        self._feedback_message(sub, name, row.status, f"no feedback page: {exc}")
                self.state.record(sub, row, fingerprint)
                progress.update(1)

        def done(prepared: Prepared, results, fingerprint: str) -> None:
            row, renders = self.score(prepared, results, render=renderer.submit)
            sub = prepared.submission
            if not renders:
                record(sub, row, fingerprint, [])
                return
            waiting = [len(renders)]

            def rendered(_future) -> None:
                with lock:
                    waiting[0] -= 1
                    if waiting[0]:
                        return
                record(sub, row, fingerprint, renders)

            for _, future in renders:
                future.add_done_callback(rendered)

        try:
            pending = {}
            for sub, fingerprint in todo:
                job, prepared = self.prepare(sub)
                if job is None:
                    done(prepared, None, fingerprint)
                    continue
                future = submit(run_job, job)
                pending[future] = (prepared, fingerprint)
            for future in completed(list(pending)):
                prepared, fingerprint = pending.pop(future)
                try:
                    results = future.result()
                except Exception as exc:
                    prepared.notes.append(f"execution failed: {type(exc).__name__}")
                    results = None
                done(prepared, results, fingerprint)
        finally:
            close(wait=True)
            renderer.close()
            progress.close()
        with lock:
            self.state.save()
        return self.state.sorted_rows()


class _WarmPool:
    """Sandboxes started ahead of time, so that kernel start-up overlaps other work.

    Each notebook takes a sandbox whose kernel has booted (and whose agent is injected)
    while earlier notebooks ran, and a new one is started for a later notebook. A sandbox
    runs exactly one notebook: no kernel that ran student code is ever reused.

    Parameters
    ----------
    limits : sandbox.Limits
        Limits of every sandbox.
    size : int
        Sandboxes kept booting ahead (one per worker).
    budget : int
        Notebooks still expected; no sandbox is started beyond them.
    """

    def __init__(self, limits: sandbox.Limits, *, size: int, budget: int) -> None:
        import collections
        import threading

        self.limits, self.size, self.budget = limits, size, budget
        self.lock = threading.Lock()
        self.ready: collections.deque = collections.deque()

    def fill(self) -> None:
        """Start sandboxes until ``size`` of them (at most ``budget``) are waiting."""
        with self.lock:
            while len(self.ready) < min(self.size, self.budget):
                self.ready.append(sandbox.Sandbox.start(self.limits))

    def plan(self, budget: int) -> None:
        """Set the notebooks still expected; stop at once the waiting sandboxes beyond them.

        Nothing has run in a waiting sandbox, so it is killed without waiting for its
        kernel to finish booting.
        """
        with self.lock:
            self.budget = budget
            extra = []
            while len(self.ready) > max(0, budget):
                extra.append(self.ready.pop())
        for box in extra:
            box.discard(wait_s=0)

    def take(self) -> sandbox.Sandbox:
        """Return a started sandbox for one notebook (started now if none is waiting)."""
        with self.lock:
            box = self.ready.popleft() if self.ready else sandbox.Sandbox.start(self.limits)
            self.budget -= 1
        self.fill()
        return box

    def run_job(self, job: Job) -> dict[str, sandbox.Execution]:
        """Execute every notebook of a job, each in its own pre-started sandbox."""
        return {name: self.take().run(text) for name, text in job.notebooks.items()}

    def close(self) -> None:
        """Throw away the sandboxes nobody took."""
        with self.lock:
            boxes, self.budget = list(self.ready), 0
            self.ready.clear()
        for box in boxes:
            box.discard()


def _render_feedback(nb: NotebookNode, source: _restore.SourceNotebook, resources: dict) -> str:
    """Render one feedback page (in a worker process of :class:`_Renderer`, or directly)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="nbgrader")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", message=".*not in session.*")
        return render_feedback(feedback_notebook(nb, source), resources)


def _render_in_thread(
    nb: NotebookNode, source: _restore.SourceNotebook, resources: dict, *, db: gradebook.Connection
) -> str:
    """Render one feedback page in :class:`_Renderer`'s thread, on the run's gradebook.

    :meth:`Grader.run` has already set the same warning filters for the whole process;
    ``warnings.catch_warnings`` is not thread-safe, so it is not used here.
    """
    return render_feedback(feedback_notebook(nb, source), resources, db=db)


#: Up to this many usable cores, feedback pages are rendered by one thread of the grading
#: process instead of worker processes.
RENDER_THREAD_MAX_CORES = 2


class _Renderer:
    """Feedback pages rendered off the grading loop's critical path.

    nbconvert's HTML export of a page costs about 0.5 s of CPU. Each worker process would
    first import nbgrader and nbconvert again (about 3 s of CPU), which the grading process
    has already done. On a small machine (up to :data:`RENDER_THREAD_MAX_CORES` usable
    cores), where the sandboxes already keep every core busy, one thread of the grading
    process renders the pages; one thread keeps up with the sandboxes such a machine
    runs. On a larger machine, pages are rendered in parallel by ``workers`` processes
    (``spawn``, because the grader has threads). The pages are the same either way.

    Parameters
    ----------
    workers : int
        Worker processes on a larger machine.
    enabled : bool
        False when no feedback is written (nothing is started).
    db : gradebook.Connection
        The run's gradebook, used by the rendering thread (worker processes open their own).
    """

    def __init__(self, workers: int, enabled: bool, *, db: gradebook.Connection) -> None:
        self.pool = None
        self.render = _render_feedback
        if not enabled:
            return
        if len(os.sched_getaffinity(0)) <= RENDER_THREAD_MAX_CORES:
            self.render = functools.partial(_render_in_thread, db=db)
            self.pool = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="medimg-grade-feedback"
            )
        else:
            import multiprocessing

            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn")
            )

    def submit(self, nb: NotebookNode, source: _restore.SourceNotebook, resources: dict):
        """Start rendering one page; return a future of its HTML."""
        return self.pool.submit(self.render, nb, source, resources)

    def close(self) -> None:
        """Wait for the pages in progress and stop the workers."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=False)


def default_workers() -> int:
    """Parallel sandboxes for ``--workers 0``: the usable cores."""
    return len(os.sched_getaffinity(0))


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


def grade(options: Options, log: Callable[[str], None] | None = None) -> list[GradeRow]:
    """Grade a course directory; see :class:`Grader`."""
    return Grader(options).run(log)


__all__ = [
    "FIELDS",
    "Grader",
    "Job",
    "Options",
    "Prepared",
    "default_workers",
    "grade",
    "list_assignments",
    "list_students",
    "run_job",
]
