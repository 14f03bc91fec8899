"""The student environment binder/requirements.txt: complete for the pages, lean, same pins."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

import jupytext
import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement

from tests.conftest import ROOT

BINDER = ROOT / "binder" / "requirements.txt"

#: What runs notebooks besides the pages' own imports: the interface and kernel, the notebook
#: runner, and jupytext, with which Jupyter opens the book's MyST pages as notebooks.
JUPYTER = ("jupyterlab", "ipykernel", "nbclient", "ipywidgets", "jupytext")

#: Building, testing and grading tools that must never reach the student environment.
TOOLCHAIN = (
    "codespell",
    "coverage",
    "dask",
    "distributed",
    "jupyter-book",
    "medimg-grade",
    "nbgrader",
    "nbval",
    "playwright",
    "pre-commit",
    "pydata-sphinx-theme",
    "pytest",
    "pytest-xdist",
    "ruff",
    "sphinx-book-theme",
    "sphinx-design",
    "sphinxcontrib-bibtex",
    "virtualenv",
)


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins(path) -> tuple[dict[str, str], list[str]]:
    pins, other = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if "==" in line:
            name, version = line.split("==")
            pins[_name(name)] = version
        else:
            other.append(line)
    return pins, other


def _imports(source: str) -> set[str]:
    tree = ast.parse(TransformerManager().transform_cell(source))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def page_and_notebook_imports() -> dict[str, set[str]]:
    """Top-level module -> files importing it, over the book's pages and the problem sets."""
    found: dict[str, set[str]] = {}
    sources = []
    for page in sorted((ROOT / "book").glob("*.md")):
        if "```{code-cell}" in page.read_text(encoding="utf-8"):
            sources.append((page, jupytext.read(page, fmt="myst")))
    for path in sorted((ROOT / "solutions").glob("ps*/*.ipynb")):
        sources.append((path, nbformat.read(path, as_version=4)))
    for path, nb in sources:
        for cell in nb.cells:
            if cell.cell_type == "code":
                for module in _imports(cell.source):
                    found.setdefault(module, set()).add(path.name)
    return found


def _closure(names) -> set[str]:
    """Distributions pip installs for ``names``, following the extras dependents ask for."""
    seen: set[tuple[str, str]] = set()
    todo = [(name, "") for name in names]
    while todo:
        name, extra = todo.pop()
        name = _name(name)
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            marker = requirement.marker
            if marker is None or marker.evaluate({"extra": extra}):
                todo.append((requirement.name, ""))
                todo.extend((requirement.name, wanted) for wanted in requirement.extras)
    return {name for name, _ in seen}


@pytest.fixture(scope="module")
def binder():
    return _pins(BINDER)


def test_pins_equal_the_course_pins(binder):
    pins, _ = binder
    root, _ = _pins(ROOT / "requirements.txt")
    differ = {name: (version, root.get(name)) for name, version in pins.items()}
    differ = {name: pair for name, pair in differ.items() if pair[0] != pair[1]}
    assert not differ, f"binder pin != root pin (binder, root): {differ}"


def test_installs_the_course_package_from_the_repository(binder):
    _, other = binder
    assert other == ["."], f"expected only '.' (medimg) besides the pins, got {other}"


def test_contains_every_distribution_the_pages_and_problem_sets_import(binder):
    pins, _ = binder
    owners = importlib.metadata.packages_distributions()
    missing = {}
    for module, files in sorted(page_and_notebook_imports().items()):
        if module in sys.stdlib_module_names or module == "medimg":
            continue
        assert module in owners, f"{module} (imported by {sorted(files)}) is not installed here"
        distribution = _name(owners[module][0])
        if distribution not in pins:
            missing[distribution] = sorted(files)
    assert not missing, f"imported by pages/notebooks but not in {BINDER.name}: {missing}"


def test_is_exactly_the_closure_of_what_runs_the_pages(binder):
    """Nothing missing (a page would fail) and nothing extra (no toolchain sneaks in)."""
    pins, _ = binder
    medimg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "dependencies"
    ]
    owners = importlib.metadata.packages_distributions()
    imported = {
        owners[module][0]
        for module in page_and_notebook_imports()
        if module in owners and module != "medimg" and module not in sys.stdlib_module_names
    }
    top = {Requirement(text).name for text in medimg} | imported | set(JUPYTER)
    want = _closure(top)
    assert sorted(set(pins) - want) == [], "not needed by the pages or Jupyter"
    assert sorted(want - set(pins)) == [], "needed by the pages or Jupyter but not pinned"


def test_no_building_testing_or_grading_tools(binder):
    pins, _ = binder
    assert sorted(set(pins) & {_name(n) for n in TOOLCHAIN}) == []
    assert not any(name.startswith(("pytest", "sphinx-book", "jupyter-book")) for name in pins)


def test_root_requirements_do_have_the_toolchain():
    # guards the test above against a typo'd TOOLCHAIN: every name must be a real root pin
    root, other = _pins(ROOT / "requirements.txt")
    known = set(root) | {"medimg-grade"}
    assert sorted({_name(n) for n in TOOLCHAIN} - known) == []
    assert any(line.startswith("-e ./grader") for line in other)
