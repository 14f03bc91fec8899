"""The install cell at the top of every book page and problem set, and its insertion.

A page downloaded as ``.ipynb`` or a problem set opened in Colab or a plain Jupyter has no
``medimg`` installed. Each of them therefore starts with one short code cell that installs the
course package (pinned to the course version, from the repository at tag ``v<version>``) and
the packages that ship its sample images, only when they are missing; in the course
environment (``make setup``, Binder, the grader's sandbox) it finds everything and does
nothing. This file is the only place where the text of that cell is written::

    python scripts/install_cell.py --apply   # insert or update the cell everywhere
    python scripts/install_cell.py --check   # exit 1, listing the files whose cell is missing or stale
    python scripts/install_cell.py --print   # show the cell of every file

Where the cell goes:

- book pages (``book/*.md`` in MyST notebook format, i.e. with ``{code-cell}`` blocks): a
  ``{code-cell}`` tagged ``remove-cell`` right after the page's first heading, so that the web
  page does not show it but the ``.ipynb`` the page's download button serves (the notebook
  MyST-NB executed) and the launch buttons open contain it;
- problem sets (``solutions/ps*/*.ipynb``): the first cell after the title, a read-only
  (locked), ungraded nbgrader cell with the stable cell id ``install-medimg``, which
  ``nbgrader generate_assignment`` copies into ``exercises/``.

The environment variable ``MEDIMG_INSTALL_SOURCE`` replaces the repository URL with any
``pip install`` argument (a local checkout, a wheel); the tests use it.

Which packages a file's cell installs: ``medimg`` itself, the packages holding the sample
images (from :data:`medimg.data.REGISTRY`, pinned to the versions of ``requirements.txt`` so
that the files' checksums match) and any other distribution the file imports that is not a
dependency of ``medimg`` (e.g. ``myst-nb`` for pages that call ``myst_nb.glue``), pinned the
same way.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.metadata
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]

#: Marks the cell: every cell whose source contains it is the install cell.
MARKER = "MEDIMG_INSTALL_SOURCE"
#: Cell id and nbgrader ``grade_id`` of the cell in the problem sets.
CELL_ID = "install-medimg"
GRADE_ID = "install_medimg"
#: Tag of the cell on book pages: executed, kept in the notebook, not shown on the web page.
PAGE_TAG = "remove-cell"

_FENCE_OPEN = re.compile(r"^```\{code-cell\}")
_HEADING = re.compile(r"^# \S")


@dataclass(frozen=True)
class Course:
    """What the cell needs to know about the course.

    Attributes
    ----------
    version : str
        ``medimg.__version__`` as written in ``src/medimg/__init__.py``.
    repository : str
        ``repository.url`` of ``_config.yml`` (an ``https://`` Git URL).
    pins : dict of str to str
        Normalised distribution name -> ``name==version`` line of ``requirements.txt``.
    """

    version: str
    repository: str
    pins: dict[str, str]

    @property
    def source(self) -> str:
        """The pip requirement of the course package at its release tag."""
        return f"git+{self.repository}@v{self.version}"


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_course(root: Path = ROOT) -> Course:
    """Read the version, the repository URL and the pins of the course at ``root``.

    Parameters
    ----------
    root : pathlib.Path
        Course root (holds ``_config.yml``, ``requirements.txt`` and ``src/medimg``).

    Returns
    -------
    Course
        The facts the install cell is built from.

    Examples
    --------
    >>> course = read_course()
    >>> course.source.startswith("git+https://") and course.source.endswith("@v" + course.version)
    True
    >>> course.pins["numpy"].startswith("numpy==")
    True
    """
    init = (root / "src" / "medimg" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', init, re.M)
    if match is None:
        raise ValueError(f"no __version__ in {root / 'src/medimg/__init__.py'}")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = (config.get("repository") or {}).get("url", "")
    if not url.startswith("https://"):
        raise ValueError(f"_config.yml: repository.url must be an https:// URL, got {url!r}")
    pins = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if "==" in line and not line.startswith("#"):
            pins[_normalise(line.split("==")[0])] = line
    return Course(version=match.group(1), repository=url.rstrip("/"), pins=pins)


@functools.cache
def _owners() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distribution_of(module: str) -> str | None:
    names = _owners().get(module)
    return _normalise(names[0]) if names else None


@functools.cache
def _dependency_closure(distribution: str) -> frozenset[str]:
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [distribution]
    while todo:
        name = _normalise(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requires:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return frozenset(seen)


def data_modules() -> list[str]:
    """Top-level modules that hold the sample images of :data:`medimg.data.REGISTRY`.

    Returns
    -------
    list of str
        Sorted module names (``data_store`` is the module of ``pydicom-data``).

    Examples
    --------
    >>> data_modules()
    ['data_store', 'nilearn', 'pydicom']
    """
    from medimg.data import REGISTRY

    return sorted({entry.package for entry in REGISTRY.values()})


def imported_modules(sources: Iterable[str]) -> set[str]:
    r"""List the top-level modules imported by code cells (IPython magics and shell lines skipped).

    Parameters
    ----------
    sources : iterable of str
        Source code of the cells.

    Returns
    -------
    set of str
        Names such as ``numpy`` or ``myst_nb``; relative imports are ignored.

    Examples
    --------
    >>> sorted(imported_modules(["import numpy as np\n%matplotlib inline", "from a.b import c"]))
    ['a', 'numpy']
    """
    found: set[str] = set()
    for source in sources:
        code = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def needs(modules: Iterable[str], course: Course) -> dict[str, str]:
    """Tell what the cell of a file with these imports installs: module -> pip requirement.

    Parameters
    ----------
    modules : iterable of str
        Top-level modules the file imports.
    course : Course
        Version, repository and pins.

    Returns
    -------
    dict of str to str
        ``medimg`` first, then the data packages and the file's extra distributions, pinned.

    Raises
    ------
    ValueError
        If an extra distribution has no pin in ``requirements.txt``.

    Examples
    --------
    >>> course = read_course()
    >>> sorted(needs({"numpy", "medimg", "myst_nb", "os"}, course))
    ['data_store', 'medimg', 'myst_nb', 'nilearn', 'pydicom']
    """
    result = {"medimg": course.source}
    provided = _dependency_closure("medimg")
    wanted = [(module, True) for module in data_modules()]
    wanted += [(module, False) for module in sorted(set(modules) - {"medimg"})]
    for module, is_data in wanted:
        if module in sys.stdlib_module_names or module in result:
            continue
        distribution = _distribution_of(module)
        if distribution is None or (not is_data and distribution in provided):
            continue
        if distribution not in course.pins:
            raise ValueError(
                f"{distribution} (imported as {module}) has no pin in requirements.txt"
            )
        result[module] = course.pins[distribution]
    return result


def cell_source(requirements: dict[str, str], course: Course) -> str:
    """Build the source code of the install cell.

    Parameters
    ----------
    requirements : dict of str to str
        Module -> pip requirement, as returned by :func:`needs`.
    course : Course
        Version of the course package (named in the cell's sentence).

    Returns
    -------
    str
        Python source, formatted as ``ruff format`` leaves it.

    Examples
    --------
    >>> course = read_course()
    >>> text = cell_source(needs(set(), course), course)
    >>> text.splitlines()[0] == f"# Installs the course package medimg {course.version} and its sample images when they are"
    True
    >>> "MEDIMG_INSTALL_SOURCE" in text and "@v" + course.version in text
    True
    """
    entries = []
    for module, requirement in requirements.items():
        value = f'os.environ.get("{MARKER}", _url)' if module == "medimg" else f'"{requirement}"'
        entries.append(f'    "{module}": {value},')
    return "\n".join(
        [
            f"# Installs the course package medimg {course.version} and its sample images when they are",
            "# missing (e.g. in Colab or a plain Jupyter); in the course environment it does nothing.",
            "import importlib.util",
            "import os",
            "import subprocess",
            "import sys",
            "",
            f'_url = "{requirements["medimg"]}"',
            "_needed = {",
            *entries,
            "}",
            "_missing = [req for mod, req in _needed.items() if importlib.util.find_spec(mod) is None]",
            "if _missing:",
            '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *_missing], check=True)',
            "    importlib.invalidate_caches()",
        ]
    )


# ----------------------------------------------------------------------------- MyST pages
def _code_blocks(lines: Sequence[str]) -> list[tuple[int, int]]:
    """``(first, last)`` line indices of every ``{code-cell}`` block (fences included)."""
    blocks = []
    start = None
    for i, line in enumerate(lines):
        if start is None and _FENCE_OPEN.match(line):
            start = i
        elif start is not None and line.rstrip() == "```":
            blocks.append((start, i))
            start = None
    return blocks


def _front_matter_end(lines: Sequence[str]) -> int:
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                return i + 1
    return 0


def page_sources(text: str) -> list[str]:
    r"""Return the source code of the ``{code-cell}`` blocks of a MyST page (options removed).

    Parameters
    ----------
    text : str
        The page.

    Returns
    -------
    list of str
        One source per block, in page order.

    Examples
    --------
    >>> page_sources("```{code-cell} ipython3\n:tags: [hide-input]\n\nx = 1\n```\n")
    ['x = 1']
    """
    lines = text.splitlines()
    sources = []
    for first, last in _code_blocks(lines):
        body = lines[first + 1 : last]
        if body and body[0].strip() == "---":  # options as a YAML block
            end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), 0)
            body = body[end + 1 :]
        while body and body[0].startswith(":"):  # options as ``:key: value`` lines
            body = body[1:]
        sources.append("\n".join(body).strip("\n"))
    return sources


def is_notebook_page(text: str) -> bool:
    """Tell whether a Markdown file is a MyST notebook (has ``{code-cell}`` blocks)."""
    return bool(_code_blocks(text.splitlines()))


def page_with_cell(text: str, source: str) -> str:
    r"""Return a MyST page with the install cell inserted or brought up to date.

    An existing install cell (a ``{code-cell}`` containing :data:`MARKER`) is replaced in
    place and any duplicate removed; otherwise the cell goes after the first level-1 heading
    (or after the front matter when the page has none).

    Parameters
    ----------
    text : str
        The page.
    source : str
        The cell's source (:func:`cell_source`).

    Returns
    -------
    str
        The new page; equal to ``text`` when its cell is already up to date.

    Examples
    --------
    >>> page = "---\nkernelspec: {}\n---\n\n# Title\n\nText.\n"
    >>> once = page_with_cell(page, "# MEDIMG_INSTALL_SOURCE")
    >>> print(once)  # doctest: +NORMALIZE_WHITESPACE
    ---
    kernelspec: {}
    ---
    <BLANKLINE>
    # Title
    <BLANKLINE>
    ```{code-cell} ipython3
    :tags: [remove-cell]
    <BLANKLINE>
    # MEDIMG_INSTALL_SOURCE
    ```
    <BLANKLINE>
    Text.
    >>> page_with_cell(once, "# MEDIMG_INSTALL_SOURCE") == once
    True
    """
    block = ["```{code-cell} ipython3", f":tags: [{PAGE_TAG}]", "", *source.splitlines(), "```"]
    lines = text.splitlines()
    ours = [(a, b) for a, b in _code_blocks(lines) if any(MARKER in x for x in lines[a : b + 1])]
    if ours:
        first, last = ours[0]
        for a, b in reversed(ours[1:]):
            end = b + 1
            while end < len(lines) and not lines[end].strip() and end < b + 2:
                end += 1
            del lines[a:end]
        lines[first : last + 1] = block
    else:
        start = _front_matter_end(lines)
        fenced = _code_blocks(lines)
        position = None
        for i in range(start, len(lines)):
            if any(a <= i <= b for a, b in fenced):
                continue
            if _HEADING.match(lines[i]):
                position = i + 1
                break
        if position is None:
            position = start
        lines[position:position] = ["", *block, ""]
        # exactly one blank line around the block
        while position + len(block) + 2 < len(lines) and not lines[position + len(block) + 2]:
            del lines[position + len(block) + 2]
        while position > 0 and not lines[position - 1] and not lines[position]:
            del lines[position - 1]
            position -= 1
    return "\n".join(lines) + ("\n" if text.endswith("\n") or not text else "")


# ----------------------------------------------------------------------------- notebooks
def _nbgrader_metadata() -> dict:
    return {
        "grade": False,
        "grade_id": GRADE_ID,
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }


def notebook_sources(nb: nbformat.NotebookNode) -> list[str]:
    """Source code of the code cells of a notebook."""
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def notebook_with_cell(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """Insert or update the install cell of an nbgrader notebook (in place; returned).

    The cell is a code cell with id :data:`CELL_ID`, read-only and ungraded for nbgrader
    (``locked``, ``grade_id`` :data:`GRADE_ID`), placed after the title cell.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A version 4 notebook.
    source : str
        The cell's source (:func:`cell_source`).

    Returns
    -------
    nbformat.NotebookNode
        ``nb``.

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> nb = new_notebook(cells=[new_markdown_cell("# Title")])
    >>> nb = notebook_with_cell(notebook_with_cell(nb, "# MEDIMG_INSTALL_SOURCE"), "# MEDIMG_INSTALL_SOURCE")
    >>> [(cell.cell_type, cell.get("id")) for cell in nb.cells][1:]
    [('code', 'install-medimg')]
    >>> nb.cells[1].metadata["nbgrader"]["locked"]
    True
    """
    ours = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (MARKER in cell.source or cell.get("id") == CELL_ID)
    ]
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": _nbgrader_metadata()})
    cell["id"] = CELL_ID
    if ours:
        position = ours[0]
        keep = nb.cells[position]
        for i in reversed(ours[1:]):
            del nb.cells[i]
        if keep.source == source and keep.metadata.get("nbgrader") == _nbgrader_metadata():
            keep["id"] = CELL_ID
            return nb
        nb.cells[position] = cell
    else:
        first = nb.cells[0] if nb.cells else None
        titled = first is not None and first.cell_type == "markdown"
        nb.cells.insert(1 if titled else 0, cell)
    return nb


# ----------------------------------------------------------------------------- the course
def targets(root: Path = ROOT) -> list[Path]:
    """Files that must carry the cell: notebook pages of ``book/`` and ``solutions/ps*/``."""
    pages = [
        p
        for p in sorted((root / "book").glob("*.md"))
        if is_notebook_page(p.read_text(encoding="utf-8"))
    ]
    return pages + sorted((root / "solutions").glob("ps*/*.ipynb"))


def updated(path: Path, course: Course) -> str:
    """Return the text ``path`` should have: its content with an up-to-date install cell.

    Parameters
    ----------
    path : pathlib.Path
        A MyST page (``.md``) or an nbgrader notebook (``.ipynb``).
    course : Course
        Version, repository and pins.

    Returns
    -------
    str
        The file's new text (equal to its text when nothing changes).
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        source = cell_source(needs(imported_modules(page_sources(text)), course), course)
        return page_with_cell(text, source)
    if path.suffix == ".ipynb":
        nb = nbformat.reads(text, as_version=4)
        source = cell_source(needs(imported_modules(notebook_sources(nb)), course), course)
        new = nbformat.writes(notebook_with_cell(nb, source)) + "\n"
        # keep the file byte-identical when the notebook is unchanged
        if nbformat.reads(text, as_version=4) == nbformat.reads(new, as_version=4):
            return text
        return new
    raise ValueError(f"path must be a .md page or an .ipynb notebook, got {path}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--apply``, ``--check`` or ``--print`` (optionally on given files)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--apply", action="store_true", help="insert or update the cell")
    mode.add_argument("--check", action="store_true", help="exit 1 if a file's cell is stale")
    mode.add_argument("--print", action="store_true", help="print each file's cell")
    parser.add_argument("--root", type=Path, default=ROOT, help="course root (default: this one)")
    parser.add_argument("files", nargs="*", type=Path, help="files (default: every target)")
    args = parser.parse_args(argv)
    if not (args.root / "_config.yml").is_file():
        parser.error(f"argument --root: no _config.yml in {args.root}")
    course = read_course(args.root)
    files = args.files or targets(args.root)
    stale = []
    for path in files:
        if not path.is_file():
            parser.error(f"argument files: {path} does not exist")
        new = updated(path, course)
        if args.print:
            print(f"== {path}")
            print(next(s for s in _sources_of(path, new) if MARKER in s), end="\n\n")
        elif new != path.read_text(encoding="utf-8"):
            stale.append(path)
            if args.apply:
                path.write_text(new, encoding="utf-8")
    for path in stale:
        print(f"{'updated' if args.apply else 'missing or stale install cell'}: {path}")
    if args.check and stale:
        print(f"{len(stale)} file(s); run: python scripts/install_cell.py --apply", file=sys.stderr)
        return 1
    return 0


def _sources_of(path: Path, text: str) -> list[str]:
    if path.suffix == ".md":
        return page_sources(text)
    return notebook_sources(nbformat.reads(text, as_version=4))


if __name__ == "__main__":
    sys.exit(main())
