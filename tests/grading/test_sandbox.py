"""The sandbox itself: what a submission can see, write and reach."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from medimg_grade import sandbox
from medimg_grade.execute import STARTUP_S
from nbformat.v4 import new_code_cell, new_notebook

import medimg

needs_bwrap = pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bwrap is not installed")
REPO = Path(medimg.__file__).resolve().parents[2]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

PROBE = r"""
REPO = {repo!r}
import json, os, resource, socket
def can_write(path):
    try:
        with open(path, "w") as handle:
            handle.write("x")
        return True
    except OSError:
        return False
report = {
    "root": sorted(os.listdir("/")),
    "repo": sorted(os.listdir(REPO)),
    "grader": sorted(os.listdir(os.path.join(REPO, "grader"))),
    "uid": os.getuid(),
    "cwd": os.getcwd(),
    "home_writable": can_write(os.path.join(os.environ["HOME"], "note.txt")),
    "tmp_writable": can_write("/tmp/note.txt"),
    "interfaces": sorted(name for _, name in socket.if_nameindex()),
    "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
    "as": resource.getrlimit(resource.RLIMIT_AS)[0],
}
print("REPORT" + json.dumps(report))
"""


def _run(source: str, limits: sandbox.Limits | None = None) -> tuple[dict, sandbox.Execution]:
    nb = new_notebook(cells=[new_code_cell(source)], metadata={"kernelspec": KERNELSPEC})
    result = sandbox.execute(nbformat.writes(nb), limits or sandbox.Limits(timeout_s=30))
    assert result.notebook is not None, result.stderr
    out = nbformat.reads(result.notebook, as_version=4)
    text = "".join(o.get("text", "") for o in out.cells[0].outputs if o.output_type == "stream")
    report = json.loads(text.split("REPORT", 1)[1]) if "REPORT" in text else {}
    return report, result


@pytest.fixture(scope="module")
def probe():
    if sandbox.bwrap_path() is None:
        pytest.skip("bwrap is not installed")
    source = PROBE.replace("{repo!r}", repr(str(REPO)))
    return _run(source, sandbox.Limits(timeout_s=30, memory_mb=1024, nproc=64))


@needs_bwrap
def test_of_the_repository_only_sources_and_venv_are_visible(probe):
    report, _ = probe
    # src/ (the student package) and grader/src/ (the agent the kernel imports), no more.
    visible = {"src", "grader"} | ({".venv"} if Path(sys.prefix).is_relative_to(REPO) else set())
    assert set(report["repo"]) == visible
    assert report["grader"] == ["src"]


@needs_bwrap
def test_host_home_and_var_are_not_visible(probe):
    report, _ = probe
    assert not {"var", "srv", "mnt", "opt"} & set(report["root"])


@needs_bwrap
def test_course_directory_is_not_visible(tmp_path):
    secret = tmp_path / "solutions.txt"
    secret.write_text("the answer")
    report, _ = _run(f"import os\nprint('REPORT' + str(os.path.exists({str(secret)!r})).lower())")
    assert report is False


@needs_bwrap
def test_only_scratch_space_is_writable(probe):
    report, _ = probe
    assert report["home_writable"] and report["tmp_writable"]


@needs_bwrap
def test_no_network_but_loopback(probe):
    report, _ = probe
    assert report["interfaces"] == ["lo"]


@needs_bwrap
def test_limits_apply_inside(probe):
    report, _ = probe
    # RLIMIT_AS is the runner's size when it forked the kernel (the modules every notebook
    # gets) plus the limit: 1024 MiB more than that, whatever that is.
    assert report["nproc"] == 64
    assert 1024 * 2**20 < report["as"] < (1024 + 2048) * 2**20


@needs_bwrap
@pytest.mark.skipif(os.geteuid() != 0, reason="uid switching only happens when grading as root")
def test_runs_as_an_unprivileged_user_when_graded_as_root(probe):
    report, _ = probe
    assert report["uid"] >= sandbox.SANDBOX_UID_BASE


@needs_bwrap
def test_wall_clock_kills_a_runaway_sandbox():
    # A kernel that ignores SIGINT and busy-loops: the runner's cell timeout cannot stop
    # it cleanly, the outer wall clock must.
    limits = sandbox.Limits(timeout_s=3)
    source = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    nb = new_notebook(cells=[new_code_cell(source)], metadata={"kernelspec": KERNELSPEC})
    result = sandbox.execute(nbformat.writes(nb), limits)
    assert result.seconds < STARTUP_S + limits.timeout_s + sandbox.GRACE_S + 5
    if result.notebook is not None:
        meta = nbformat.reads(result.notebook, as_version=4).metadata["medimg_grading"]
        assert meta["status"] == "timeout"
    else:
        assert result.killed == "timeout"


def test_without_bwrap_it_falls_back_loudly(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on PATH
    sandbox.bwrap_path.cache_clear()
    try:
        _, result = _run("print('REPORT{}')", sandbox.Limits(timeout_s=30))
    finally:
        monkeypatch.undo()
        sandbox.bwrap_path.cache_clear()
    assert not result.sandboxed
    assert any("UNSANDBOXED" in w for w in result.warnings)
    assert "WITHOUT filesystem or network isolation" in capsys.readouterr().err


def test_limits_are_validated():
    with pytest.raises(ValueError, match="timeout must be > 0"):
        sandbox.Limits(timeout_s=0)
    with pytest.raises(ValueError, match="memory limit must be >= 256"):
        sandbox.Limits(memory_mb=10)


def test_without_bwrap_every_row_says_unsandboxed(monkeypatch, tmp_path):
    from course_fixture import Course
    from medimg_grade import batch

    course = Course(tmp_path / "course")
    course.submit("ada")
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # venv tools, no bwrap
    sandbox.bwrap_path.cache_clear()
    try:
        rows = batch.grade(
            batch.Options(
                course_root=course.root, limits=sandbox.Limits(timeout_s=30), progress=False
            ),
            log=lambda message: None,
        )
    finally:
        monkeypatch.undo()
        sandbox.bwrap_path.cache_clear()
    assert [(r.score, r.status_text) for r in rows] == [(3.0, "ok-unsandboxed")]
    assert "UNSANDBOXED" in rows[0].reason


def test_scratch_tmp_is_mounted_before_the_read_only_binds():
    # A virtual environment or checkout under /tmp must stay visible: bwrap mounts in order,
    # so a tmpfs on /tmp after the binds would hide them.
    cmd = sandbox.bwrap_command("bwrap", ["true"], uid=None)
    tmpfs_at = next(i for i, arg in enumerate(cmd) if arg == "--tmpfs" and cmd[i + 1] == "/tmp")
    bind_targets = [i for i, arg in enumerate(cmd) if arg == "--ro-bind" and cmd[i + 1] != "/usr"]
    assert bind_targets and all(i > tmpfs_at for i in bind_targets)
