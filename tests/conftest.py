"""Shared fixtures: the repository layout, the venv's tools and the built book."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BUILD_HTML = ROOT / "_build" / "html"
LOCK = Path("/tmp/medimg-book.lock")


def tool_env() -> dict[str, str]:
    """Environment for subprocesses: the venv's bin first on PATH (nbgrader runs alembic from it)."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    # Pages must draw with the inline backend, or plt.show() leaves no figure in the output.
    env.pop("MPLBACKEND", None)
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


@dataclass(frozen=True)
class BookBuild:
    """Result of one `jupyter-book build` of the whole book."""

    returncode: int
    log: str
    html: Path


@pytest.fixture(scope="session")
def built_book() -> BookBuild:
    """Build the whole book once per test session, with warnings as errors.

    Pages are executed through the jupyter-cache in ``_build/.jupyter_cache``, so unchanged
    pages are not re-run. Builds are serialised with a lock file: two builds on one machine
    would fight over ``_build``.
    """
    LOCK.touch(exist_ok=True)
    with LOCK.open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(
            [str(BIN / "jupyter-book"), "build", str(ROOT), "-W", "-n", "--keep-going"],
            cwd=ROOT,
            env=tool_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    log = proc.stdout + proc.stderr
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "build.log").write_text(log)
    return BookBuild(proc.returncode, log, BUILD_HTML)
