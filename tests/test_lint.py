"""Style checks run in the suite too, so CI fails on what pre-commit would have caught."""

import subprocess

import pytest

from tests.conftest import BIN, ROOT


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["codespell"]],
    ids=["ruff-check", "ruff-format", "codespell"],
)
def test_repository_is_clean(command):
    proc = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
