"""`make test` checks the system packages first: one line naming what is missing, never more."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "system-packages"


def run_unprivileged(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run the check as a user who cannot install anything (no root, no sudo)."""
    prefix = []
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        prefix = [shutil.which("setpriv"), f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}"]
        prefix.append("--clear-groups")
    return subprocess.run(
        [*prefix, "/bin/sh", str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(
    os.geteuid() == 0 and shutil.which("setpriv") is None, reason="cannot drop root here"
)
def test_missing_packages_give_one_line(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    for tool in ("id", "ls"):  # the check's own tools, but no bwrap, initdb, apt-get or sudo
        (empty / tool).symlink_to(shutil.which(tool))
    os.chmod(tmp_path, 0o755)
    env = {"PATH": str(empty), "MEDIMG_CHROMIUM": str(tmp_path / "no-chromium")}
    proc = run_unprivileged(env)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("make test: missing system packages: bubblewrap chromium")
    assert "apt-get install bubblewrap chromium" in lines[0]


def test_present_packages_pass_silently():
    chromium = os.environ.get("MEDIMG_CHROMIUM", "/usr/bin/chromium")
    if not (shutil.which("bwrap") and Path(chromium).exists()):
        pytest.skip("bubblewrap or chromium is not installed on this machine")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) and not shutil.which("initdb"):
        pytest.skip("postgresql is not installed on this machine")
    proc = run_unprivileged({"PATH": "/usr/bin:/bin"})
    assert (proc.returncode, proc.stderr) == (0, "")
