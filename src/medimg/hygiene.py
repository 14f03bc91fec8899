"""Repository hygiene checks that run in pre-commit and in the test suite.

``python -m medimg.hygiene FILE.ipynb ...`` exits 1 and names every notebook that was committed
with outputs or execution counts (the book executes its pages itself; assignment notebooks
carry nbgrader metadata but never outputs).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["notebook_problems"]


def notebook_problems(path: str | Path) -> list[str]:
    """List what is wrong with a committed notebook: outputs, execution counts, bad JSON.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.ipynb`` file.

    Returns
    -------
    list of str
        One message per problem; empty when the notebook is clean.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> cell = {"cell_type": "code", "source": "1", "metadata": {}, "outputs": [], "execution_count": 3}
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "a.ipynb"
    >>> _ = file.write_text(json.dumps({"cells": [cell], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    >>> notebook_problems(file)
    ['a.ipynb: cell 0 has execution_count 3']
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"{path.name}: not a readable notebook ({error})"]
    problems = []
    for number, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            problems.append(f"{path.name}: cell {number} has {len(cell['outputs'])} output(s)")
        if cell.get("execution_count") is not None:
            problems.append(
                f"{path.name}: cell {number} has execution_count {cell['execution_count']}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the notebooks named on the command line; return 1 if any has outputs."""
    problems = [
        p for file in (argv if argv is not None else sys.argv[1:]) for p in notebook_problems(file)
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
