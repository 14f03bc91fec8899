"""``medimg-grade similarity``: answer cells that are suspiciously alike across submissions.

An instructor-only report; it reads ``submitted/`` and never changes a grade. For one
assignment, the code of every answer cell (nbgrader solution cells, by ``grade_id``) is
reduced to a normalised syntax tree:

* comments, docstrings and other bare strings are dropped, and layout does not matter
  (the code is parsed with :mod:`ast`);
* names the student defines (functions, arguments, variables, loop targets, imports
  aliases) are replaced by canonical names in order of first use, so renaming changes
  nothing; names used but not defined (``np``, ``len``, attributes) are kept;
* top-level functions and classes of a cell are sorted, so reordering changes nothing;
* the released template's code (the cell with its solution region replaced by the stub
  nbgrader puts there) is subtracted.

Each normalised cell becomes a set of hashed k-grams of its tree tokens. Two submissions
are compared by the weighted Jaccard index over their answer cells
(``sum |A ∩ B| / sum |A ∪ B|``, cells with fewer than :data:`MIN_TOKENS` tokens of
student code left out, since short answers are alike by necessity). Pairs at or above the
threshold are flagged in ``similarity/<assignment>.csv`` and shown side by side in
``similarity/<assignment>.html``. A flag is a reason to look, not a verdict.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import html
import io
import itertools
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: k of the k-grams of tree tokens.
K = 5
#: Cells with fewer tokens of student code (template removed) are not compared.
MIN_TOKENS = 30
#: Default similarity at or above which a pair is flagged.
THRESHOLD = 0.8
_BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
_END = re.compile(r"^\s*### END SOLUTION\s*$")


def template_of(source: str) -> str:
    r"""Released form of an instructor's answer cell: the solution region becomes the stub.

    Examples
    --------
    >>> print(template_of("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"))
    def f(x):
        raise NotImplementedError()
    """
    out, inside = [], False
    for line in source.splitlines():
        begin = _BEGIN.match(line)
        if begin:
            inside = True
            out.append(f"{begin.group(1)}raise NotImplementedError()")
        elif _END.match(line):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _strip_strings(tree: ast.AST) -> None:
    """Remove docstrings and other bare string statements in place."""
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            kept = [
                s
                for s in body
                if not (
                    isinstance(s, ast.Expr)
                    and isinstance(s.value, ast.Constant)
                    and isinstance(s.value.value, str)
                )
            ]
            node.body = kept or [ast.Pass()]


def _defined_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.alias) and node.asname:
            names.add(node.asname)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


class _Rename(ast.NodeTransformer):
    """Replace names defined in the cell by ``v0, v1, ...`` in order of first use."""

    def __init__(self, defined: set[str]) -> None:
        self.defined = defined
        self.mapping: dict[str, str] = {}

    def _name(self, name: str) -> str:
        if name not in self.defined:
            return name
        return self.mapping.setdefault(name, f"v{len(self.mapping)}")

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self._name(node.id)
        return node

    def visit_arg(self, node: ast.arg) -> ast.arg:
        node.arg = self._name(node.arg)
        node.annotation = None
        return node

    def visit_FunctionDef(self, node):
        node.name = self._name(node.name)
        node.returns = None
        self.generic_visit(node)
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        node.name = self._name(node.name)
        self.generic_visit(node)
        return node

    def visit_alias(self, node: ast.alias) -> ast.alias:
        if node.asname:
            node.asname = self._name(node.asname)
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler):
        if node.name:
            node.name = self._name(node.name)
        self.generic_visit(node)
        return node


def _shape(node: ast.AST) -> str:
    """Return a rename-independent key of a statement (all identifiers blanked)."""
    text = ast.dump(node, annotate_fields=False)
    return re.sub(r"'[A-Za-z_][A-Za-z0-9_]*'", "'_'", text)


def normalise(code: str) -> list[str]:
    r"""Tokens of the normalised syntax tree of ``code`` (empty when it does not parse).

    Examples
    --------
    >>> a = normalise("def area(w, h):\n    '''Area.'''\n    return w * h  # product")
    >>> b = normalise("def surface(a, b):\n    return a*b")
    >>> a == b
    True
    >>> normalise("def f(:") == []
    True
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    _strip_strings(tree)
    defs = [
        s for s in tree.body if isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    others = [s for s in tree.body if s not in defs]
    tree.body = others + sorted(defs, key=_shape)
    tree = _Rename(_defined_names(tree)).visit(tree)
    tokens: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.expr_context | ast.Load):
            continue
        token = type(node).__name__
        if isinstance(node, ast.Name):
            token += f":{node.id}"
        elif isinstance(node, ast.Attribute):
            token += f".{node.attr}"
        elif isinstance(node, ast.Constant):
            token += f"={node.value!r}"[:40]
        elif isinstance(node, ast.FunctionDef):
            token += f"/{len(node.args.args)}"
        tokens.append(token)
    return tokens


def shingles(tokens: Sequence[str], k: int = K) -> set[str]:
    """Hashed k-grams of a token sequence (the whole sequence when shorter than k).

    Examples
    --------
    >>> len(shingles(list("abcdefg"), k=5))
    3
    """
    if len(tokens) < k:
        return {hashlib.blake2b("|".join(tokens).encode(), digest_size=8).hexdigest()}
    return {
        hashlib.blake2b("|".join(tokens[i : i + k]).encode(), digest_size=8).hexdigest()
        for i in range(len(tokens) - k + 1)
    }


@dataclass
class Submission:
    """Answer cells of one student: ``grade_id -> (code, k-gram set)``."""

    student: str
    cells: dict[str, tuple[str, set[str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Pair:
    """Similarity of two submissions.

    Attributes
    ----------
    student_a, student_b : str
        The two students (sorted).
    similarity : float
        Weighted Jaccard index over the compared cells, 0..1.
    cells : tuple of (str, float)
        ``(grade_id, Jaccard index)`` of each compared cell.
    flagged : bool
        ``similarity >= threshold``.
    """

    student_a: str
    student_b: str
    similarity: float
    cells: tuple[tuple[str, float], ...]
    flagged: bool


def answer_cells(nb: dict) -> dict[str, str]:
    """Code of the solution cells of a notebook (``grade_id -> source``)."""
    out = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            source = cell.get("source", "")
            out[meta["grade_id"]] = "".join(source) if isinstance(source, list) else source
    return out


def fingerprints(
    code_by_cell: dict[str, str], templates: dict[str, set[str]]
) -> dict[str, tuple[str, set[str]]]:
    """k-gram sets of answer cells with the template's k-grams removed.

    Cells with fewer than :data:`MIN_TOKENS` tokens are left out.
    """
    out = {}
    for gid, code in code_by_cell.items():
        tokens = normalise(code)
        grams = shingles(tokens) - templates.get(gid, set())
        if len(tokens) >= MIN_TOKENS and grams:
            out[gid] = (code, grams)
    return out


def compare(submissions: Iterable[Submission], *, threshold: float = THRESHOLD) -> list[Pair]:
    """Compare every pair of submissions; most similar first.

    Parameters
    ----------
    submissions : iterable of Submission
        From :func:`load`.
    threshold : float
        Similarity (0..1) at or above which a pair is flagged.

    Returns
    -------
    list of Pair
        Pairs with at least one cell compared.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    pairs = []
    subs = sorted(submissions, key=lambda s: s.student)
    for a, b in itertools.combinations(subs, 2):
        common = sorted(set(a.cells) & set(b.cells))
        if not common:
            continue
        inter = union = 0
        cells = []
        for gid in common:
            ga, gb = a.cells[gid][1], b.cells[gid][1]
            i, u = len(ga & gb), len(ga | gb)
            inter, union = inter + i, union + u
            cells.append((gid, i / u))
        sim = inter / union
        pairs.append(Pair(a.student, b.student, sim, tuple(cells), sim >= threshold))
    return sorted(pairs, key=lambda p: (-p.similarity, p.student_a, p.student_b))


def load(course_root: Path, assignment: str) -> list[Submission]:
    """Read the answer cells of every submission of ``assignment`` and fingerprint them."""
    import json

    root = Path(course_root)
    source_dir = root / "solutions" / assignment
    templates: dict[str, set[str]] = {}
    for path in sorted(source_dir.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for gid, code in answer_cells(nb).items():
            templates[gid] = shingles(normalise(template_of(code)))
    subs = []
    submitted = root / "submitted"
    for folder in sorted(submitted.glob(f"*/{assignment}")):
        if folder.is_symlink() or not folder.is_dir():
            continue
        code: dict[str, str] = {}
        for path in sorted(folder.glob("*.ipynb")):
            if path.is_symlink() or path.stat().st_size > 20 * 2**20:
                continue
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue
            if isinstance(nb, dict):
                for gid, text in answer_cells(nb).items():
                    code[f"{path.stem}/{gid}"] = text
        keyed = {key: templates.get(key.split("/", 1)[1], set()) for key in code}
        subs.append(Submission(folder.parent.name, fingerprints(code, keyed)))
    return subs


CSV_COLUMNS = ("assignment", "student_a", "student_b", "similarity", "flagged", "cells")


def render_csv(assignment: str, pairs: Sequence[Pair]) -> str:
    """All pairs as CSV (``cells`` lists ``grade_id=jaccard`` per compared cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in pairs:
        cells = " ".join(f"{gid}={j:.2f}" for gid, j in p.cells)
        writer.writerow(
            [assignment, p.student_a, p.student_b, f"{p.similarity:.3f}", p.flagged, cells]
        )
    return buffer.getvalue()


def render_html(
    assignment: str, pairs: Sequence[Pair], subs: Sequence[Submission], threshold: float
) -> str:
    """Render a readable page: flagged pairs with their answer cells side by side."""
    by_student = {s.student: s for s in subs}
    e = html.escape
    flagged = [p for p in pairs if p.flagged]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Similarity report: {e(assignment)}</title>",
        "<style>body{font-family:sans-serif;margin:2em;max-width:100em}"
        "table.code{width:100%;table-layout:fixed;border-collapse:collapse}"
        "table.code td{vertical-align:top;border:1px solid #bbb;padding:.5em;width:50%}"
        "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}"
        "th{text-align:left}</style></head><body>",
        f"<h1>Similarity report: {e(assignment)}</h1>",
        f"<p>{len(subs)} submissions, {len(pairs)} pairs compared, {len(flagged)} flagged "
        f"at similarity &ge; {threshold:.2f}. Similarity is the weighted Jaccard index of "
        "normalised syntax trees (names, order of functions, comments and the released "
        "template do not count). A flag is a reason to look, not a verdict; grades are "
        "not changed.</p>",
    ]
    if not flagged:
        parts.append("<p>No pair is flagged.</p>")
    for p in flagged:
        parts.append(
            f"<h2>{e(p.student_a)} &amp; {e(p.student_b)}: {p.similarity:.0%} similar</h2>"
        )
        for gid, jac in p.cells:
            left = by_student[p.student_a].cells[gid][0]
            right = by_student[p.student_b].cells[gid][0]
            parts.append(
                f"<h3>{e(gid)}: {jac:.0%}</h3><table class='code'><tr>"
                f"<th>{e(p.student_a)}</th><th>{e(p.student_b)}</th></tr><tr>"
                f"<td><pre>{e(left)}</pre></td><td><pre>{e(right)}</pre></td></tr></table>"
            )
    parts.append("<h2>All pairs</h2><table><tr><th>student</th><th>student</th>")
    parts.append("<th>similarity</th></tr>")
    for p in pairs:
        parts.append(
            f"<tr><td>{e(p.student_a)}</td><td>{e(p.student_b)}</td>"
            f"<td>{p.similarity:.2f}{' (flagged)' if p.flagged else ''}</td></tr>"
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


def report(
    course_root: Path, assignment: str, *, threshold: float = THRESHOLD, out_dir: Path | None = None
) -> tuple[Path, Path, list[Pair]]:
    """Write ``similarity/<assignment>.csv`` and ``.html``; return their paths and the pairs."""
    root = Path(course_root)
    subs = load(root, assignment)
    pairs = compare(subs, threshold=threshold)
    out = Path(out_dir) if out_dir is not None else root / "similarity"
    out.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = out / f"{assignment}.csv", out / f"{assignment}.html"
    csv_path.write_text(render_csv(assignment, pairs), encoding="utf-8")
    html_path.write_text(render_html(assignment, pairs, subs, threshold), encoding="utf-8")
    return csv_path, html_path, pairs


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``medimg-grade similarity``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="medimg-grade similarity",
        description="Report answer cells that are suspiciously alike (never changes grades).",
    )
    parser.add_argument("--assignment", required=True, metavar="NAME")
    parser.add_argument("--course-root", type=Path, default=Path("."))
    parser.add_argument(
        "--threshold", type=float, default=THRESHOLD, help=f"flag at or above (default {THRESHOLD})"
    )
    parser.add_argument("--out-dir", type=Path, default=None, help="default <course>/similarity")
    args = parser.parse_args(argv)
    if not (args.course_root / "solutions" / args.assignment).is_dir():
        parser.error(f"argument --assignment: no solutions/{args.assignment} in {args.course_root}")
    if not 0 < args.threshold <= 1:
        parser.error(f"argument --threshold: must be in (0, 1], got {args.threshold}")
    csv_path, html_path, pairs = report(
        args.course_root, args.assignment, threshold=args.threshold, out_dir=args.out_dir
    )
    flagged = sum(p.flagged for p in pairs)
    print(
        f"medimg-grade similarity: {len(pairs)} pairs, {flagged} flagged -> {csv_path}, {html_path}",
        file=sys.stderr,
    )
    return 0


__all__ = ["Pair", "Submission", "compare", "load", "main", "normalise", "report", "template_of"]
