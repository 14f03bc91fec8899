"""Register assignments in the gradebook and restore submitted notebooks from the source.

This is the first half of ``nbgrader autograde`` (its *sanitize* step), run in the
grading process with nbgrader's own preprocessors: outputs are cleared, duplicate
cell ids removed, the kernelspec and every locked or graded cell overwritten from
the instructor's source (hidden tests included), and deleted test cells added back.
Before that, the submission is compared with the released notebook so that the
grade row can say what was edited, deleted or tampered with.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from medimg_grade.gradebook import Connection

#: nbgrader metadata fields a submission may not change.
PROTECTED = ("grade", "solution", "locked", "points", "task")


def load_config(course_root: Path) -> Config:
    """Read ``nbgrader_config.py`` of the course (empty config when there is none)."""
    path = course_root / "nbgrader_config.py"
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(path.name, path=str(course_root)).load_config()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _logger(name: str) -> tuple[logging.Logger, _Collect]:
    log = logging.getLogger(f"medimg_grade.{name}")
    log.propagate = False
    log.handlers = []
    handler = _Collect()
    log.addHandler(handler)
    log.setLevel(logging.WARNING)
    return log, handler


def _nbgrader(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell: NotebookNode) -> bool:
    """Tell whether a cell is an autograded test cell (graded code, not a solution)."""
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


@dataclass
class SourceNotebook:
    """One notebook of an assignment, as registered in the gradebook.

    Attributes
    ----------
    name : str
        Notebook id (file name without ``.ipynb``).
    release : NotebookNode
        The notebook as released to students (solutions and hidden tests removed).
    cells : dict
        ``grade_id`` -> released cell.
    hidden : set of str
        ``grade_id`` of the test cells that contain hidden tests.
    max_score : float
        Total points of the notebook (manually graded answers and tasks included).
    """

    name: str
    release: NotebookNode
    cells: dict[str, NotebookNode]
    hidden: set[str]
    max_score: float


@dataclass
class Assignment:
    """An assignment: its name and source notebooks."""

    name: str
    notebooks: dict[str, SourceNotebook] = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        """Total points over all notebooks."""
        return sum(nb.max_score for nb in self.notebooks.values())


def _resources(assignment: str, notebook: str, db_url: str, student: str | None = None) -> dict:
    info = {"assignment": assignment, "notebook": notebook, "db_url": db_url}
    if student is not None:
        info["student"] = student
    return {"nbgrader": info}


def register_assignment(source_dir: Path, name: str, *, db_url: str, config: Config) -> Assignment:
    """Record an assignment's source cells in the gradebook and return its release view.

    Runs the preprocessors of ``nbgrader generate_assignment`` up to ``SaveCells`` on
    each ``source_dir/*.ipynb`` (nothing is written to disk but the gradebook), then
    clears the hidden tests to know what students received.

    Parameters
    ----------
    source_dir : pathlib.Path
        ``solutions/<name>``.
    name : str
        Assignment id.
    db_url : str
        SQLAlchemy URL of the gradebook.
    config : traitlets.config.Config
        The course's nbgrader configuration.

    Returns
    -------
    Assignment
        The assignment with its source notebooks.
    """
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearHiddenTests,
        ClearOutput,
        ClearSolutions,
        ComputeChecksums,
        LockCells,
        SaveCells,
    )

    with Gradebook(db_url) as gb:
        gb.update_or_create_assignment(name)
    assignment = Assignment(name)
    log, _ = _logger("register")
    for path in sorted(source_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        resources = _resources(name, path.stem, db_url)
        for cls in (LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums):
            nb, resources = cls(config=config, log=log).preprocess(nb, resources)
        nb, resources = SaveCells(config=config, log=log).preprocess(nb, resources)
        with_tests = {
            _nbgrader(c)["grade_id"]: c.source for c in nb.cells if _nbgrader(c).get("grade_id")
        }
        clear = ClearHiddenTests(config=config, log=log)
        nb, resources = clear.preprocess(nb, resources)
        nb, resources = ComputeChecksums(config=config, log=log).preprocess(nb, resources)
        cells = {_nbgrader(c)["grade_id"]: c for c in nb.cells if _nbgrader(c).get("grade_id")}
        hidden = {gid for gid, c in cells.items() if c.source != with_tests.get(gid, c.source)}
        points = sum(
            float(_nbgrader(c).get("points", 0))
            for c in cells.values()
            if _nbgrader(c).get("grade") or _nbgrader(c).get("task")
        )
        assignment.notebooks[path.stem] = SourceNotebook(path.stem, nb, cells, hidden, points)
    return assignment


def _compare(nb: NotebookNode, source: SourceNotebook) -> tuple[list[str], list[str]]:
    """List what the submission changed: (restored edits, metadata tampering)."""
    edits: list[str] = []
    tamper: list[str] = []
    seen: set[str] = set()
    for cell in nb.cells:
        meta = _nbgrader(cell)
        gid = meta.get("grade_id")
        if not meta:
            continue
        if gid not in source.cells:
            tamper.append(f"unknown graded cell {gid!r} ignored")
            continue
        if gid in seen:
            tamper.append(f"duplicate cell id {gid!r}")
            continue
        seen.add(gid)
        released = source.cells[gid]
        rmeta = _nbgrader(released)
        changed = [k for k in PROTECTED if meta.get(k, False) != rmeta.get(k, False)]
        if cell.get("cell_type") != released.cell_type:
            changed.append("cell_type")
        if changed:
            tamper.append(f"metadata of {gid!r} changed ({', '.join(changed)})")
        elif rmeta.get("locked") and cell.get("source", "").strip() != released.source.strip():
            edits.append(f"edited cell {gid!r}")
    for gid, released in source.cells.items():
        if gid not in seen and (
            _nbgrader(released).get("grade") or _nbgrader(released).get("locked")
        ):
            edits.append(f"missing cell {gid!r}")
    return edits, tamper


def _repair_metadata(nb: NotebookNode, source: SourceNotebook) -> None:
    """Put the released nbgrader metadata back on every known cell; drop unknown ones."""
    for cell in nb.cells:
        meta = cell.get("metadata", {})
        if "nbgrader" not in meta:
            continue
        gid = _nbgrader(cell).get("grade_id")
        if gid in source.cells:
            meta["nbgrader"] = copy.deepcopy(_nbgrader(source.cells[gid]))
        else:
            del meta["nbgrader"]


@dataclass
class Restored:
    """A restored notebook and what restoring it changed."""

    notebook: NotebookNode
    edits: list[str]
    tamper: list[str]


def restore(
    nb: NotebookNode, source: SourceNotebook, *, assignment: str, db: Connection, config: Config
) -> Restored:
    """Restore a submitted notebook with nbgrader's sanitize preprocessors.

    Parameters
    ----------
    nb : NotebookNode
        The submitted notebook (nbformat 4).
    source : SourceNotebook
        The registered source notebook.
    assignment : str
        Assignment id.
    db : Connection
        The gradebook holding the source cells.
    config : traitlets.config.Config
        The course's nbgrader configuration.

    Returns
    -------
    Restored
        The notebook ready for execution, and notes for the grade row.
    """
    from nbgrader.preprocessors import ClearOutput, DeduplicateIds

    edits, tamper = _compare(nb, source)
    _repair_metadata(nb, source)
    log, _ = _logger("restore")
    resources = _resources(assignment, source.name, db.db_url)
    config = copy.deepcopy(config)
    config.OverwriteCells.add_missing_cells = True
    with db.session() as gradebook:
        for step in (ClearOutput, DeduplicateIds):
            nb, resources = step(config=config, log=log).preprocess(nb, resources)
        _overwrite_kernelspec(nb, resources, gradebook=gradebook)
        nb, resources = _overwrite_cells(nb, resources, gradebook=gradebook, config=config, log=log)
    _check_cell_metadata(nb, log=log)
    ensure_ids(nb)
    return Restored(nb, edits, tamper)


# nbgrader's OverwriteKernelspec and OverwriteCells open the gradebook (a new SQLAlchemy
# engine) for every notebook and query it cell by cell, and its CheckCellMetadata checks
# its own JSON schema again for every cell. The functions below do the same on the run's
# open gradebook, with the notebook's cells read at once and the schema checked once.


def _overwrite_kernelspec(nb: NotebookNode, resources: dict, *, gradebook) -> None:
    """Give ``nb`` the source notebook's kernelspec (nbgrader's ``OverwriteKernelspec``)."""
    info = resources["nbgrader"]
    kernelspec = gradebook.find_notebook(info["notebook"], info["assignment"]).kernelspec
    if kernelspec is not None:
        kernelspec = json.loads(kernelspec)
    if kernelspec:
        nb.metadata["kernelspec"] = kernelspec


def _overwrite_cells(
    nb: NotebookNode, resources: dict, *, gradebook, config: Config, log: logging.Logger
) -> tuple[NotebookNode, dict]:
    """Run nbgrader's ``OverwriteCells`` (what its ``preprocess`` does) on ``gradebook``."""
    from nbgrader.preprocessors import OverwriteCells

    step = OverwriteCells(config=config, log=log)
    step.notebook_id = resources["nbgrader"]["notebook"]
    step.assignment_id = resources["nbgrader"]["assignment"]
    step.gradebook = _SourceCells(gradebook, step.notebook_id, step.assignment_id)
    step.db_url = resources["nbgrader"]["db_url"]
    nb, resources = super(OverwriteCells, step).preprocess(nb, resources)  # cell by cell
    if step.add_missing_cells:
        nb, resources = step.add_missing_grade_cells(nb, resources)
        nb, resources = step.add_missing_task_cells(nb, resources)
    return nb, resources


class _SourceCells:
    """An open gradebook that has read the source and graded cells of one notebook at once.

    nbgrader's ``OverwriteCells`` looks up every cell with a query of its own; these
    lookups answer from the notebook's cells, read in three queries (a name that is not
    there is looked up as nbgrader does, which raises its ``MissingEntry``). Anything
    else is the gradebook's own.

    Parameters
    ----------
    gradebook : nbgrader.api.Gradebook
        The open gradebook.
    notebook, assignment : str
        Which source notebook.
    """

    def __init__(self, gradebook, notebook: str, assignment: str) -> None:
        self.gradebook = gradebook
        self.key = (notebook, assignment)
        source = gradebook.find_notebook(notebook, assignment)
        self.source_cells = {cell.name: cell for cell in source.source_cells}
        # find_graded_cell looks for a grade cell first, then for a task cell.
        self.graded_cells = {cell.name: cell for cell in source.task_cells}
        self.graded_cells.update((cell.name, cell) for cell in source.grade_cells)

    def find_source_cell(self, name: str, notebook: str, assignment: str):
        """Return a source cell, as ``Gradebook.find_source_cell`` does."""
        if (notebook, assignment) == self.key and name in self.source_cells:
            return self.source_cells[name]
        return self.gradebook.find_source_cell(name, notebook, assignment)

    def find_graded_cell(self, name: str, notebook: str, assignment: str):
        """Return a grade or task cell, as ``Gradebook.find_graded_cell`` does."""
        if (notebook, assignment) == self.key and name in self.graded_cells:
            return self.graded_cells[name]
        return self.gradebook.find_graded_cell(name, notebook, assignment)

    def __getattr__(self, name: str):
        return getattr(self.gradebook, name)


def _check_cell_metadata(nb: NotebookNode, *, log: logging.Logger) -> None:
    """Check the nbgrader metadata as nbgrader's ``CheckCellMetadata`` does (same errors)."""
    from nbgrader.nbgraderformat import ValidationError

    try:
        _metadata_validator().validate_nb(nb)
    except ValidationError:
        log.error(traceback.format_exc())
        msg = "Notebook failed to validate; the nbgrader metadata may be corrupted."
        log.error(msg)
        raise ValidationError(msg) from None


@functools.cache
def _metadata_validator():
    """Return nbgrader's ``MetadataValidator`` with its JSON schema checked once, not per cell."""
    from jsonschema import exceptions, validators
    from nbgrader.nbgraderformat import MetadataValidator, SchemaTooNewError, SchemaTooOldError
    from nbgrader.nbgraderformat.common import BaseMetadataValidator

    class SchemaCheckedOnce(BaseMetadataValidator):
        """``BaseMetadataValidator.validate_cell`` with the schema checked and compiled once.

        ``jsonschema.validate`` checks the schema before every use; the errors are the same.
        """

        def __init__(self) -> None:
            super().__init__()
            cls = validators.validator_for(self.schema)
            cls.check_schema(self.schema)
            self.compiled = cls(self.schema)

        def validate_cell(self, cell: NotebookNode) -> None:
            if "nbgrader" not in cell.metadata:
                return
            schema = cell.metadata["nbgrader"].get("schema_version", 0)
            if schema < self.schema_version:
                raise SchemaTooOldError(
                    f"Outdated schema version: {schema} (expected {self.schema_version})",
                    schema,
                    self.schema_version,
                )
            if schema > self.schema_version:
                raise SchemaTooNewError(
                    f"Schema version is too new: {schema} (expected {self.schema_version})",
                    schema,
                    self.schema_version,
                )
            error = exceptions.best_match(self.compiled.iter_errors(cell.metadata["nbgrader"]))
            if error is not None:
                raise error

    class Validator(MetadataValidator, SchemaCheckedOnce):
        """nbgrader's checks, whose ``super().validate_cell`` is :class:`SchemaCheckedOnce`'s."""

    return Validator()


def ensure_ids(nb: NotebookNode) -> None:
    """Give every cell a unique nbformat 4.5 id (restored cells come without one)."""
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cid = cell.get("id")
        if not isinstance(cid, str) or not cid or cid in seen or len(cid) > 64:
            cid = f"cell-{index}"
            while cid in seen:
                cid += "x"
            cell["id"] = cid
        seen.add(cid)
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))
