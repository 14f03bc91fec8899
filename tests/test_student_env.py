"""Students anywhere: a downloaded page and a released problem set run in a bare Jupyter.

A fresh virtual environment gets only Jupyter's execution tools (nbclient, ipykernel,
nbformat; no course package). A book page (converted to .ipynb as its download button
serves it, install cell included) and a released problem set are executed from a scratch
folder outside the repository with that environment's kernel. Their install cell must bring
in ``medimg`` and its data packages from a copy of this checkout (``MEDIMG_INSTALL_SOURCE``
standing in for the repository URL students use), the rest from the package registry.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PAGE = ROOT / "book" / "07_thresholding.md"  # calls myst_nb.glue: its cell installs myst-nb too
PROBLEM_SET = "ps05_convolution_filtering"
#: Only Jupyter's execution tools, at the course's pins.
TOOLS = ("nbclient", "ipykernel", "nbformat")

RUNNER = """
import json, sys
import nbformat
from nbclient import NotebookClient

path, out, allow = sys.argv[1], sys.argv[2], sys.argv[3] == "allow"
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=1200, kernel_name="python3", allow_errors=allow,
               resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
nbformat.write(nb, out)
"""


def _load_install_cell():
    spec = importlib.util.spec_from_file_location(
        "install_cell", ROOT / "scripts" / "install_cell.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("install_cell", module)
    spec.loader.exec_module(module)
    return module


def _pins(*names: str) -> list[str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            pins[line.split("==")[0].lower().replace("_", "-")] = line.strip()
    return [pins[name] for name in names]


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """(folder, venv python, environment) of a bare Jupyter outside the repository."""
    folder = tmp_path_factory.mktemp("student")
    assert not folder.resolve().is_relative_to(ROOT)
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *_pins(*TOOLS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    probe = subprocess.run(
        [str(python), "-c", "import importlib.util as u; print(u.find_spec('medimg'))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "None", "the fresh environment must not have medimg"
    # the checkout as students would get it from the repository: the package's own files
    checkout = folder / "checkout"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, checkout / name)
    shutil.copytree(
        ROOT / "src" / "medimg",
        checkout / "src" / "medimg",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER", "MPL"))
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        MEDIMG_INSTALL_SOURCE=str(checkout),
        JUPYTER_PATH=str(folder / "jupyter"),
        JUPYTER_DATA_DIR=str(folder / "jupyter"),
        JUPYTER_CONFIG_DIR=str(folder / "jupyter-config"),
        IPYTHONDIR=str(folder / "ipython"),
        MPLCONFIGDIR=str(folder / "matplotlib"),
    )
    (folder / "run.py").write_text(RUNNER, encoding="utf-8")
    return folder, python, env


def _execute(student, nb: nbformat.NotebookNode, name: str, *, allow_errors: bool):
    folder, python, env = student
    work = folder / name
    work.mkdir()
    path = work / f"{name}.ipynb"
    nbformat.write(nb, path)
    out = work / f"{name}.executed.ipynb"
    proc = subprocess.run(
        [str(python), str(folder / "run.py"), str(path), str(out), "allow" if allow_errors else ""],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return nbformat.read(out, as_version=4)


def _has(student, module: str) -> bool:
    _, python, env = student
    probe = f"import importlib.util as u; print(u.find_spec({module!r}) is not None)"
    out = subprocess.run([str(python), "-c", probe], env=env, capture_output=True, text=True)
    return out.stdout.strip() == "True"


def _not_run(nb: nbformat.NotebookNode) -> list[int]:
    """Code cells that did not run (cells tagged ``skip-execution`` are skipped on purpose)."""
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and "skip-execution" not in cell.metadata.get("tags", [])
        and not cell.get("execution_count")
    ]


def _errors(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    return [
        (i, out.get("ename", ""), out.get("evalue", ""))
        for i, cell in enumerate(nb.cells)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def test_a_released_problem_set_runs_to_the_end(student):
    ic = _load_install_cell()
    course = ic.read_course(ROOT)
    released = ROOT / "exercises" / PROBLEM_SET / f"{PROBLEM_SET}.ipynb"
    nb = nbformat.read(released, as_version=4)
    source = ic.cell_source(ic.needs(ic.imported_modules(ic.notebook_sources(nb)), course), course)
    ic.notebook_with_cell(nb, source)  # no change once the release carries the cell
    assert not _has(student, "medimg")
    executed = _execute(student, nb, PROBLEM_SET, allow_errors=True)
    install = next(cell for cell in executed.cells if cell.get("id") == ic.CELL_ID)
    assert not [o for o in install.outputs if o.output_type == "error"], install.outputs
    errors = _errors(executed)
    imports = [e for e in errors if e[1] in ("ImportError", "ModuleNotFoundError")]
    assert imports == [], imports
    assert _has(student, "medimg") and _has(student, "data_store"), "the cell installed medimg"
    # the empty solutions fail as they should; every cell was reached
    assert {e[1] for e in errors} <= {"NotImplementedError", "AssertionError", "NameError"}, errors
    assert _not_run(executed) == [], "every code cell ran"


def test_a_downloaded_page_runs_to_the_end(student):
    ic = _load_install_cell()
    course = ic.read_course(ROOT)
    text = PAGE.read_text(encoding="utf-8")
    source = ic.cell_source(ic.needs(ic.imported_modules(ic.page_sources(text)), course), course)
    nb = jupytext.reads(ic.page_with_cell(text, source), fmt="myst")
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert ic.MARKER in code[0].source, "the install cell must be the first code cell"
    # runs after the problem set (file order): medimg is there, myst-nb is the page's own need
    assert not _has(student, "myst_nb")
    executed = _execute(student, nb, PAGE.stem, allow_errors=False)
    assert _errors(executed) == []
    assert _not_run(executed) == [], "every code cell ran"
    assert _has(student, "myst_nb"), "the page's cell installed myst-nb"


def test_medimg_came_from_the_install_cell_into_the_fresh_environment(student):
    folder, python, env = student
    # runs after the notebooks (tests of a module run in file order)
    proc = subprocess.run(
        [
            str(python),
            "-c",
            "import json, medimg, importlib.metadata as m; "
            "print(json.dumps([medimg.__file__, m.version('medimg'), m.version('pydicom-data')]))",
        ],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    where, version, data = json.loads(proc.stdout)
    assert Path(where).is_relative_to(folder / "venv"), where
    course = _load_install_cell().read_course(ROOT)
    assert version == course.version
    assert f"pydicom-data=={data}" in course.pins.values()


def test_the_student_package_pulls_no_grading_dependency(student):
    folder, python, env = student
    # (SQLAlchemy is not listed: the page's cell installs myst-nb for `glue`, whose
    # jupyter-cache needs it; medimg itself does not.)
    grading = ["medimg_grade", "nbgrader", "dask", "distributed", "psycopg"]
    code = (
        "import importlib.util, json; "
        f"print(json.dumps([n for n in {grading!r} if importlib.util.find_spec(n) is not None]))"
    )
    proc = subprocess.run(
        [str(python), "-c", code], env=env, cwd=folder, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [], "installing medimg brought in grading packages"
