"""The install cell (scripts/install_cell.py): text, insertion, idempotence and presence everywhere."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import BIN, ROOT

SCRIPT = ROOT / "scripts" / "install_cell.py"


def _load():
    spec = importlib.util.spec_from_file_location("install_cell", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["install_cell"] = module
    spec.loader.exec_module(module)
    return module


ic = _load()
COURSE = ic.read_course(ROOT)
TARGETS = ic.targets(ROOT)


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _scratch_course(tmp_path: Path) -> Path:
    """A copy of the files the script reads and writes (its book pages and problem sets)."""
    root = tmp_path / "course"
    (root / "src").mkdir(parents=True)
    shutil.copytree(ROOT / "src" / "medimg", root / "src" / "medimg")
    for name in ("_config.yml", "requirements.txt"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "book", root / "book", ignore=shutil.ignore_patterns("_static"))
    shutil.copytree(ROOT / "solutions", root / "solutions")
    shutil.copytree(ROOT / "scripts", root / "scripts")
    return root


def test_targets_are_every_notebook_page_and_problem_set():
    names = [p.relative_to(ROOT).as_posix() for p in TARGETS]
    assert "book/04_images_in_space.md" in names
    assert "book/index.md" not in names  # no code cells
    assert len([n for n in names if n.startswith("solutions/")]) >= 6
    assert len([n for n in names if n.startswith("book/")]) >= 10


def test_cell_names_version_repository_tag_and_pinned_data_packages():
    text = ic.cell_source(ic.needs(set(), COURSE), COURSE)
    assert f"git+{COURSE.repository}@v{COURSE.version}" in text
    for module, distribution in [("data_store", "pydicom-data"), ("nilearn", "nilearn")]:
        assert f'"{module}": "{COURSE.pins[distribution]}"' in text
    assert "myst_nb" not in text
    assert text.startswith(f"# Installs the course package medimg {COURSE.version}")


def test_pages_that_call_glue_also_install_myst_nb():
    page = ROOT / "book" / "07_thresholding.md"
    modules = ic.imported_modules(ic.page_sources(page.read_text(encoding="utf-8")))
    assert "myst_nb" in modules
    assert ic.needs(modules, COURSE)["myst_nb"] == COURSE.pins["myst-nb"]


def test_cell_is_lint_and_format_clean(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title")])
    ic.notebook_with_cell(nb, ic.cell_source(ic.needs({"myst_nb"}, COURSE), COURSE))
    path = tmp_path / "cell.ipynb"
    nbformat.write(nb, path)
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        proc = subprocess.run(
            [str(BIN / "ruff"), *command, "--config", str(ROOT / "pyproject.toml"), str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cell_does_nothing_where_everything_is_installed():
    source = ic.cell_source(ic.needs({"myst_nb"}, COURSE), COURSE)
    # run it in a fresh interpreter of this environment; pip must not be started
    probe = (
        "import subprocess\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError(f'pip was started: {args}')\n"
        "subprocess.run = refuse\n"
        f"exec({source!r})\n"
        "print('missing:', _missing)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd="/"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "missing: []"


def test_cell_installs_what_is_missing_from_the_source_override(tmp_path):
    source = ic.cell_source({"medimg": COURSE.source, "no_such_module_xyz": "xyz==1"}, COURSE)
    probe = (
        "import subprocess, sys\n"
        "calls = []\n"
        "subprocess.run = lambda args, **kw: calls.append((args, kw))\n"
        f"exec({source!r})\n"
        "print(calls[0][0][1:5], calls[0][0][5:], calls[0][1])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        env={"MEDIMG_INSTALL_SOURCE": "/some/checkout", "PATH": "/usr/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    # medimg is importable here, so only the missing module is installed
    assert proc.stdout.strip() == "['-m', 'pip', 'install', '-q'] ['xyz==1'] {'check': True}"


def _without_cell(text: str) -> str:
    """The page as it was before any install cell was inserted."""
    lines = text.splitlines()
    blocks = [b for b in ic._code_blocks(lines) if any(ic.MARKER in x for x in lines[b[0] : b[1]])]
    for first, last in reversed(blocks):
        del lines[first : last + 2]
    return "\n".join(lines) + "\n"


def test_page_insertion_after_the_title_and_idempotent():
    text = _without_cell((ROOT / "book" / "04_images_in_space.md").read_text(encoding="utf-8"))
    source = ic.cell_source(ic.needs(set(), COURSE), COURSE)
    once = ic.page_with_cell(text, source)
    assert ic.page_with_cell(once, source) == once
    lines = once.splitlines()
    title = next(i for i, line in enumerate(lines) if line.startswith("# "))
    assert lines[title + 1 : title + 4] == ["", "```{code-cell} ipython3", ":tags: [remove-cell]"]
    # an outdated cell is replaced, not duplicated
    stale = once.replace(f"v{COURSE.version}", "v0.0.1")
    assert ic.page_with_cell(stale, source) == once
    # the rest of the page is unchanged
    block = "```{code-cell} ipython3\n:tags: [remove-cell]\n\n" + source + "\n```\n\n"
    assert once.replace(block, "") == text


def test_jupytext_keeps_the_cell_and_its_tag():
    jupytext = pytest.importorskip("jupytext")
    text = (ROOT / "book" / "04_images_in_space.md").read_text(encoding="utf-8")
    source = ic.cell_source(ic.needs(set(), COURSE), COURSE)
    nb = jupytext.reads(ic.page_with_cell(text, source), fmt="myst")
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[0].source == source
    assert code[0].metadata["tags"] == ["remove-cell"]


def test_notebook_cell_is_locked_ungraded_with_a_stable_id():
    path = next(p for p in TARGETS if p.suffix == ".ipynb")
    nb = nbformat.read(path, as_version=4)
    source = ic.cell_source(ic.needs(set(), COURSE), COURSE)
    ic.notebook_with_cell(nb, source)
    ours = [cell for cell in nb.cells if cell.get("id") == "install-medimg"]
    assert len(ours) == 1
    assert nb.cells[0].cell_type == "markdown" and nb.cells[1] is ours[0]
    assert ours[0].metadata["nbgrader"] == {
        "grade": False,
        "grade_id": "install_medimg",
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    nbformat.validate(nb)
    before = nbformat.writes(nb)
    assert nbformat.writes(ic.notebook_with_cell(nb, source)) == before


def test_check_and_apply_on_a_scratch_course(tmp_path):
    root = _scratch_course(tmp_path)
    page = root / "book" / "02_imaging_basics.md"
    # remove the cell from one page (if it is there) so that --check has something to report
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks = [b for b in ic._code_blocks(lines) if any(ic.MARKER in x for x in lines[b[0] : b[1]])]
    for first, last in reversed(blocks):
        del lines[first : last + 2]
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = root / "scripts" / "install_cell.py"
    check = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 1
    assert f"missing or stale install cell: {page}" in check.stdout
    apply = subprocess.run(
        [sys.executable, str(script), "--apply"], capture_output=True, text=True, check=False
    )
    assert apply.returncode == 0, apply.stderr
    assert f"updated: {page}" in apply.stdout
    # a --check right after --apply passes: the applied cells are stable (idempotent)
    assert subprocess.run([sys.executable, str(script), "--check"], check=False).returncode == 0
    for path in ic.targets(root):
        assert ic.MARKER in path.read_text(encoding="utf-8"), path


def test_bad_root_names_the_argument(tmp_path):
    proc = _run("--check", "--root", str(tmp_path))
    assert proc.returncode == 2
    assert "argument --root" in proc.stderr


def test_every_page_and_problem_set_has_the_up_to_date_cell():
    proc = _run("--check")
    assert proc.returncode == 0, (
        f"{proc.stdout}{proc.stderr}(the cell is inserted by `python scripts/install_cell.py "
        "--apply`, then `make release`)"
    )


def test_every_released_problem_set_has_the_cell_of_its_source():
    for source_path in sorted((ROOT / "solutions").glob("ps*/*.ipynb")):
        released = ROOT / "exercises" / source_path.parent.name / source_path.name
        assert released.is_file(), f"{released} missing (make release)"
        want = [c.source for c in nbformat.read(source_path, 4).cells if ic.MARKER in c.source]
        got = [c for c in nbformat.read(released, 4).cells if c.get("id") == ic.CELL_ID]
        assert want, f"{source_path} has no install cell (python scripts/install_cell.py --apply)"
        assert [c.source for c in got] == want, f"{released} is out of date: run make release"
        assert got[0].metadata.get("editable") is False


def test_doctests_of_the_script():
    import doctest

    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(ic, optionflags=flags, verbose=False)
    assert result.attempted >= 8
    assert result.failed == 0
