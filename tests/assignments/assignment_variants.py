"""Implementations of the graded functions used to check that the autograder tests discriminate.

``VARIANTS[assignment][function]`` holds ``"wrong"`` implementations (realistic mistakes, each must
lose marks on that function), ``"correct"`` ones (written differently from the reference
solution, each must get full marks) and ``"alias"`` ones (wrappers or aliases of a function the
instructions ban, each must lose marks with the banned call named). Every source replaces the
whole solution cell of that function in the released notebook; lines
``assignment_course.CELL_SEPARATOR`` split off extra cells inserted just before it (a helper or
an import in another cell).

``DIAGNOSES[assignment][function][variant]`` is a phrase the graded feedback must contain for that
wrong implementation: the hidden tests recognise the mistake and name it.
"""

import importlib
from pathlib import Path

VARIANTS: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
DIAGNOSES: dict[str, dict[str, dict[str, str]]] = {}
# One file per assignment, variants_psNN.py, each with its own VARIANTS and DIAGNOSES.
for _path in sorted(Path(__file__).parent.glob("variants_ps[0-9][0-9].py")):
    _module = importlib.import_module(_path.stem)
    VARIANTS.update(_module.VARIANTS)
    DIAGNOSES.update(_module.DIAGNOSES)
