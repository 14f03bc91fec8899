"""Implementations of the graded functions used to check that the autograder tests discriminate.

``VARIANTS[assignment][function]`` holds ``"wrong"`` implementations (realistic mistakes, each must
lose marks on that function) and ``"correct"`` ones (written differently from the reference
solution, each must get full marks). Every source replaces the whole solution cell of that
function in the released notebook.

``DIAGNOSES[assignment][function][variant]`` is a phrase the graded feedback must contain for that
wrong implementation: the hidden tests recognise the mistake and name it.
"""


# One file per assignment: variants_psNN.py.
from variants_ps01 import DIAGNOSES as _D0, VARIANTS as _V0
from variants_ps02 import DIAGNOSES as _D1, VARIANTS as _V1
from variants_ps03 import DIAGNOSES as _D2, VARIANTS as _V2
from variants_ps04 import DIAGNOSES as _D3, VARIANTS as _V3
from variants_ps05 import DIAGNOSES as _D4, VARIANTS as _V4
from variants_ps06 import DIAGNOSES as _D5, VARIANTS as _V5

VARIANTS: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
DIAGNOSES: dict[str, dict[str, dict[str, str]]] = {}
VARIANTS.update(_V0)
DIAGNOSES.update(_D0)
VARIANTS.update(_V1)
DIAGNOSES.update(_D1)
VARIANTS.update(_V2)
DIAGNOSES.update(_D2)
VARIANTS.update(_V3)
DIAGNOSES.update(_D3)
VARIANTS.update(_V4)
DIAGNOSES.update(_D4)
VARIANTS.update(_V5)
DIAGNOSES.update(_D5)
