import subprocess
import sys

import pytest

from medimg.hygiene import main, notebook_problems
from tests.conftest import ROOT

NOTEBOOKS = sorted(set(ROOT.glob("solutions/*/*.ipynb")) | set(ROOT.glob("exercises/*/*.ipynb")))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebooks_are_committed_without_outputs(notebook):
    assert notebook_problems(notebook) == []


def test_a_notebook_with_outputs_is_reported(tmp_path):
    file = tmp_path / "dirty.ipynb"
    file.write_text(
        '{"cells": [{"cell_type": "code", "source": "1", "metadata": {}, "execution_count": null,'
        ' "outputs": [{"output_type": "stream", "name": "stdout", "text": "1"}]}],'
        ' "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    )
    assert main([str(file)]) == 1


def test_invalid_json_is_reported(tmp_path):
    file = tmp_path / "broken.ipynb"
    file.write_text("{not json")
    assert "not a readable notebook" in notebook_problems(file)[0]


def test_book_pages_are_text_not_notebooks():
    # Pages are MyST Markdown so that diffs are readable and no output can be committed.
    assert not list((ROOT / "book").glob("*.ipynb"))


def test_runs_as_a_module():
    proc = subprocess.run(
        [sys.executable, "-m", "medimg.hygiene"], capture_output=True, check=False
    )
    assert proc.returncode == 0
