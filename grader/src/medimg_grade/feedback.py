"""Feedback pages for students: readable, with a summary of parts and points first.

A feedback page is nbgrader's feedback HTML (its template and its scores from the gradebook)
with three changes a student needs:

- it opens with a table of the graded parts: each part's title, the points earned out of
  the points possible and whether it passed, failed or still needs manual grading;
- every failed test starts with its diagnosis (the assertion message, e.g. which
  misconception the result points to) before any printed output or traceback;
- long messages and code wrap at the page width instead of being cut at the right edge;
- its mathematics is MathML, converted from the notebook's TeX when the page is written
  (:func:`tex_to_mathml`), so that the page loads nothing from the internet: nbconvert's
  template would load MathJax from a CDN, and that script is removed.

Hidden tests keep their source hidden: the page shows only "Test passed." or
"Test failed." with the assertion message.
"""

from __future__ import annotations

import contextlib
import copy
import enum
import html
import re
from dataclasses import dataclass

from nbformat import NotebookNode
from nbformat.v4 import new_output

from medimg_grade.gradebook import Connection, SubmittedCells
from medimg_grade.restore import SourceNotebook

__all__ = [
    "Part",
    "PartResult",
    "diagnosis",
    "feedback_notebook",
    "parts",
    "render_feedback",
    "summary_html",
    "tex_to_mathml",
]

#: Class of the diagnosis block that opens the outputs of a test cell.
DIAGNOSIS_CLASS = "medimg-diagnosis"

#: Wrapping and layout rules added to nbgrader's page (outputs, tracebacks and code wrap).
CSS = """
pre, div.output_area pre, div.output_text pre, div.input_area pre, div.highlight pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  word-break: normal;
}
div.output_subarea, div.output_area, div.input_area, div.inner_cell, div.rendered_html {
  min-width: 0;
  max-width: 100%;
  overflow-wrap: anywhere;
}
div.output_subarea { overflow-x: visible; }
img, svg, video { max-width: 100%; height: auto; }
div.rendered_html table { display: block; max-width: 100%; overflow-x: auto; }
div.prompt { min-width: 0; }
.medimg-diagnosis {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  border-left: 4px solid #b02a20;
  background: #fdf1f0;
  color: #1a1a1a;
  padding: 0.4em 0.6em;
  margin: 0.2em 0 0.4em 0;
  font-family: inherit;
}
.medimg-diagnosis.passed { border-left-color: #2e7d32; background: #eef7ee; }
table.medimg-summary { width: 100%; margin: 0.5em 0 1em 0; border-collapse: collapse; }
table.medimg-summary th, table.medimg-summary td {
  border: 1px solid #ccc;
  padding: 0.3em 0.5em;
  overflow-wrap: anywhere;
}
table.medimg-summary td.points { white-space: nowrap; text-align: right; }
table.medimg-summary tr.failed td.result { color: #b02a20; font-weight: bold; }
table.medimg-summary tr.passed td.result { color: #1b5e20; }
table.medimg-summary tr.manual td.result { color: #6d4c00; }
"""


class PartResult(enum.Enum):
    """What happened to one graded part."""

    PASSED = "passed"
    PARTLY = "partly passed"
    FAILED = "failed"
    MANUAL = "needs manual grading"
    UNANSWERED = "not answered"
    GRADED = "graded"


@dataclass(frozen=True)
class Part:
    """One graded part of a notebook, as the summary table shows it.

    Attributes
    ----------
    grade_id : str
        nbgrader's id of the cell.
    title : str
        The heading of the section the cell belongs to ("" before the first heading).
    kind : str
        ``"test"``, ``"answer"`` (manually graded answer) or ``"task"``.
    earned : float or None
        Points earned; None while a person has not graded it.
    possible : float
        Points possible.
    result : PartResult
        Passed, failed, ...
    """

    grade_id: str
    title: str
    kind: str
    earned: float | None
    possible: float
    result: PartResult


def _nbgrader(cell: NotebookNode) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _is_test(cell: NotebookNode) -> bool:
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def diagnosis(error: dict) -> str:
    """Return the diagnosis of an error output: ``"<ename>: <evalue>"`` without ANSI colours.

    Parameters
    ----------
    error : dict
        An nbformat output of type ``error`` (``ename``, ``evalue``, ``traceback``).

    Returns
    -------
    str
        E.g. ``"AssertionError: your result equals the correlation"``; only the name when
        the message is empty.

    Examples
    --------
    >>> diagnosis({"ename": "AssertionError", "evalue": "did you flip the kernel?"})
    'AssertionError: did you flip the kernel?'
    >>> diagnosis({"ename": "AssertionError", "evalue": ""})
    'AssertionError'
    """
    text = f"{error.get('ename', 'Error')}: {error.get('evalue', '')}".rstrip().rstrip(":")
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _diagnosis_output(text: str, *, passed: bool) -> NotebookNode:
    css = DIAGNOSIS_CLASS + (" passed" if passed else "")
    return new_output(
        "display_data",
        data={
            "text/html": f'<div class="{css}">{html.escape(text)}</div>',
            "text/plain": text,
        },
    )


def feedback_notebook(nb: NotebookNode, source: SourceNotebook) -> NotebookNode:
    """Prepare a graded notebook for students: hidden tests hidden, diagnoses first.

    Hidden test cells get back their released source (without the hidden tests) and a
    single output, "Test passed." or "Test failed." with the assertion message. Every
    other failed test cell gets the same diagnosis as its first output, before its printed
    output and its traceback.

    Parameters
    ----------
    nb : NotebookNode
        The executed, scored notebook (not modified).
    source : SourceNotebook
        The assignment's notebook as registered (which tests are hidden, released cells).

    Returns
    -------
    NotebookNode
        A copy to render with :func:`render_feedback`.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if not _is_test(cell):
            continue
        gid = _nbgrader(cell).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            block = _diagnosis_output(f"Test failed. {diagnosis(errors[0])}", passed=False)
        else:
            block = _diagnosis_output("Test passed.", passed=True)
        if gid in source.hidden:
            cell.source = source.cells[gid].source
            cell.outputs = [block]
        else:
            cell.outputs = [block, *cell.get("outputs", [])]
    return nb


def _headings(nb: NotebookNode) -> list[str]:
    """Return the title of the section of each cell (the last Markdown heading above it)."""
    titles, current = [], ""
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            for line in cell.source.splitlines():
                match = re.match(r"^#{1,6}\s+(.*\S)", line)
                if match:
                    current = match.group(1).strip()
        titles.append(current)
    return titles


def _unchanged(cell: NotebookNode) -> bool:
    """Tell whether an answer cell still holds what was released (nbgrader's checksum)."""
    from nbgrader.utils import compute_checksum

    checksum = _nbgrader(cell).get("checksum")
    return bool(checksum) and compute_checksum(cell) == checksum


def parts(nb: NotebookNode) -> list[Part]:
    """List the graded parts of a notebook whose cells carry nbgrader's ``score``/``points``.

    Parameters
    ----------
    nb : NotebookNode
        A notebook after nbgrader's ``GetGrades`` (scores from the gradebook) or one whose
        graded cells carry ``score`` themselves.

    Returns
    -------
    list of Part
        In notebook order.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
    >>> nb = new_notebook(cells=[
    ...     new_markdown_cell("## Convolution"),
    ...     new_code_cell("assert True", metadata={"nbgrader": {
    ...         "grade": True, "solution": False, "grade_id": "t1", "points": 2, "score": 0}}),
    ... ])
    >>> parts(nb)[0].title, parts(nb)[0].result.value
    ('Convolution', 'failed')
    """
    found = []
    for cell, title in zip(nb.cells, _headings(nb), strict=True):
        meta = _nbgrader(cell)
        if not (meta.get("grade") or meta.get("task")):
            continue
        possible = float(meta.get("points") or 0)
        score = meta.get("score")
        earned = None if score is None or meta.get("needs_manual_grade") else float(score)
        if _is_test(cell):
            kind = "test"
        else:
            kind = "task" if meta.get("task") else "answer"
        if kind != "test":
            if earned is None:
                result = PartResult.MANUAL
            elif kind == "answer" and _unchanged(cell):
                result = PartResult.UNANSWERED
            else:
                result = PartResult.GRADED
        elif earned is None or earned <= 0 < possible:
            result = PartResult.FAILED
        elif earned >= possible:
            result = PartResult.PASSED
        else:
            result = PartResult.PARTLY
        found.append(Part(str(meta.get("grade_id", "")), title, kind, earned, possible, result))
    return found


def _points(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"


def summary_html(found: list[Part], *, score: float, max_score: float, late_penalty: float) -> str:
    """Render the summary table of parts and points that opens the feedback page.

    Parameters
    ----------
    found : list of Part
        The graded parts (:func:`parts`).
    score, max_score : float
        Total points after the late penalty, and points possible.
    late_penalty : float
        Points deducted for lateness (>= 0).

    Returns
    -------
    str
        An HTML ``<section>``.

    Examples
    --------
    >>> part = Part("t1", "Convolution", "test", 0.0, 2.0, PartResult.FAILED)
    >>> "<td class='points'>0 / 2</td>" in summary_html([part], score=0, max_score=2, late_penalty=0)
    True
    """
    labels = {"test": "automatic test", "answer": "written answer", "task": "task"}
    rows = []
    for part in found:
        css = {
            PartResult.MANUAL: "manual",
            PartResult.GRADED: "manual",
            PartResult.UNANSWERED: "failed",
        }.get(part.result, part.result.name.lower())
        title = html.escape(part.title) if part.title else "(untitled)"
        rows.append(
            f"<tr class='{css}'><td><a href='#{html.escape(part.grade_id)}'>{title}</a><br>"
            f"<small>{labels[part.kind]} <code>{html.escape(part.grade_id)}</code></small></td>"
            f"<td class='points'>{_points(part.earned)} / {_points(part.possible)}</td>"
            f"<td class='result'>{part.result.value}</td></tr>"
        )
    if late_penalty > 0:
        rows.append(
            f"<tr class='failed'><td>Late submission penalty</td>"
            f"<td class='points'>−{_points(late_penalty)}</td><td class='result'></td></tr>"
        )
    waiting = sum(p.possible for p in found if p.result is PartResult.MANUAL)
    note = (
        f"<p>{_points(waiting)} point(s) still need manual grading; the total may change.</p>"
        if waiting
        else ""
    )
    return (
        "<section class='medimg-summary' aria-labelledby='medimg-summary-title'>"
        "<h2 id='medimg-summary-title'>Summary</h2>"
        "<table class='medimg-summary'><thead><tr><th scope='col'>Part</th>"
        "<th scope='col'>Points</th><th scope='col'>Result</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody><tfoot><tr><th scope='row'>Total</th>"
        f"<td class='points'><strong>{_points(score)} / {_points(max_score)}</strong></td>"
        "<td></td></tr></tfoot></table>" + note + "</section>"
    )


def _get_grades(nb: NotebookNode, resources: dict, gradebook) -> tuple[NotebookNode, dict]:
    """Run nbgrader's ``GetGrades`` (what ``GetGrades.preprocess`` does) on an open gradebook.

    Puts each graded cell's score and points and each answer's comment into the notebook,
    and the notebook's score, points and late penalty into ``resources["nbgrader"]``.
    """
    from nbgrader.preprocessors import GetGrades

    info = resources["nbgrader"]
    step = GetGrades()
    step.gradebook = gradebook
    step.notebook_id, step.assignment_id = info["notebook"], info["assignment"]
    step.student_id, step.db_url = info["student"], info["db_url"]
    nb, resources = super(GetGrades, step).preprocess(nb, resources)  # cell by cell
    notebook = gradebook.find_submission_notebook(
        step.notebook_id, step.assignment_id, step.student_id
    )
    late_penalty = notebook.late_submission_penalty
    if late_penalty is None:
        late_penalty = 0
    else:
        step.log.warning(f"Late submission penalty: {late_penalty}")
    resources["nbgrader"]["score"] = notebook.score - late_penalty
    resources["nbgrader"]["max_score"] = notebook.max_score
    resources["nbgrader"]["late_penalty"] = late_penalty
    return nb, resources


def _mark_manual(nb: NotebookNode, info: dict, gradebook) -> None:
    """Set ``needs_manual_grade`` on the graded cells a person has still to grade."""
    from nbgrader.api import MissingEntry

    for cell in nb.cells:
        meta = _nbgrader(cell)
        if not (meta.get("grade") or meta.get("task")) or _is_test(cell):
            continue
        try:
            grade = gradebook.find_grade(
                meta["grade_id"], info["notebook"], info["assignment"], info["student"]
            )
        except MissingEntry:
            continue
        meta["needs_manual_grade"] = bool(grade.needs_manual_grade)


#: Code (fenced blocks, inline spans) and math (``$$...$$``, ``$...$``) in Markdown: math
#: inside code stays as it is; an escaped ``\$`` is not a delimiter.
_MARKDOWN_MATH = re.compile(
    r"(?P<fence>^(?P<mark>```|~~~).*?^(?P=mark))"
    r"|(?P<code>(?P<ticks>`+).+?(?P=ticks))"
    r"|(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?!\$)",
    re.S | re.M,
)
#: The MathJax loader and configuration of nbconvert's template (loaded from a CDN).
_MATHJAX_SCRIPTS = re.compile(
    r'<script src="https://[^"]*mathjax[^"]*">\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>',
    re.S | re.I,
)


def tex_to_mathml(markdown: str) -> str:
    r"""Replace the TeX math of a Markdown text with MathML that browsers render natively.

    ``$...$`` becomes inline and ``$$...$$`` display MathML; code spans and fenced code
    blocks are left alone, and so is math that cannot be converted (it stays as TeX).

    Parameters
    ----------
    markdown : str
        Source of a Markdown cell.

    Returns
    -------
    str
        The same Markdown with ``<math>`` elements in place of the math.

    Examples
    --------
    >>> tex_to_mathml(r"the sample $x_i$ costs `$HOME` and \$5")  # doctest: +ELLIPSIS
    'the sample <math ... display="inline">...<msub><mi>x</mi><mi>i</mi></msub>...</math> costs `$HOME` and \\$5'
    >>> "display=\"block\"" in tex_to_mathml("$$a^2 + b^2 = c^2$$")
    True
    """
    from latex2mathml.converter import convert

    def replace(match: re.Match) -> str:
        tex = match.group("display") or match.group("inline")
        if tex is None:
            return match.group(0)
        try:
            return convert(tex.strip(), display="block" if match.group("display") else "inline")
        except Exception:  # not TeX this converter understands: show the source
            return match.group(0)

    return _MARKDOWN_MATH.sub(replace, markdown)


def _with_mathml(nb: NotebookNode) -> NotebookNode:
    """Return a shallow copy of ``nb`` whose Markdown cells have MathML instead of TeX."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "$" in cell.source:
            cell = copy.copy(cell)
            cell.source = tex_to_mathml(cell.source)
        cells.append(cell)
    nb = copy.copy(nb)
    nb.cells = cells
    return nb


_EXPORTER = None


def render_feedback(nb: NotebookNode, resources: dict, *, db: Connection | None = None) -> str:
    """Render a graded notebook as its feedback HTML (scores from the gradebook).

    Parameters
    ----------
    nb : NotebookNode
        The notebook from :func:`feedback_notebook`.
    resources : dict
        ``{"nbgrader": {"assignment", "notebook", "student", "db_url"}}`` as for
        nbgrader's ``GetGrades``.
    db : Connection, optional
        The open gradebook of ``db_url`` (opened for this page when None).

    Returns
    -------
    str
        A complete HTML page: nbgrader's feedback page with the summary table first and
        wrapping outputs.
    """
    global _EXPORTER
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters.generate_feedback import GenerateFeedback

    if _EXPORTER is None:
        from nbconvert.exporters import HTMLExporter

        # GenerateFeedback knows where nbgrader keeps its feedback template.
        config = GenerateFeedback().config
        _EXPORTER = HTMLExporter(config=config)
    info = resources["nbgrader"]
    with contextlib.ExitStack() as stack:
        if db is None:
            db = stack.enter_context(Connection(info["db_url"]))
        with db.session() as open_gradebook:
            gradebook = SubmittedCells(
                open_gradebook, info["notebook"], info["assignment"], info["student"]
            )
            nb, resources = _get_grades(nb, resources, gradebook)
            _mark_manual(nb, resources["nbgrader"], gradebook)
    resources.setdefault("config_dir", "/nonexistent")  # no custom.css is ever inlined
    nb, resources = CSSHTMLHeaderPreprocessor().preprocess(nb, resources)
    page, _ = _EXPORTER.from_notebook_node(_with_mathml(nb), resources=resources)
    page = _MATHJAX_SCRIPTS.sub("", page)
    info = resources["nbgrader"]
    summary = summary_html(
        parts(nb),
        score=float(info.get("score") or 0),
        max_score=float(info.get("max_score") or 0),
        late_penalty=float(info.get("late_penalty") or 0),
    )
    page = page.replace("</head>", f"<style type='text/css'>{CSS}</style>\n</head>", 1)
    anchor = re.search(r'<a name="top"></a>\s*<div class="container">', page)
    if anchor is None:  # another template: put the summary first in the body
        anchor = re.search(r"<body[^>]*>", page)
    return page[: anchor.end()] + summary + page[anchor.end() :]
