"""Test cells run in the checker process: what they can use from the notebook, and how.

One notebook with several small test cells is executed for real (bubblewrap sandbox,
IPython kernel, checker); each test looks at the outputs of one test cell.
"""

from __future__ import annotations

import nbformat
import pytest
from medimg_grade import sandbox
from medimg_grade.restore import is_test_cell
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = [
    pytest.mark.nbgrader,
    pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap (bwrap) is not installed"),
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

GIVEN = """
import numpy as np
import SimpleITK as sitk
from medimg import checks
expected = [2.0, 8.0]
import matplotlib.figure
figure = matplotlib.figure.Figure()

def double(values):
    print("doubling", len(values), "values")
    return np.asarray(values, dtype=float) * 2

def blur(values):
    return np.convolve(values, [0.5, 0.5], mode="same")

def picky(x):
    if x < 0:
        raise ValueError("x must be >= 0")
    class Oops(Exception):
        pass
    raise Oops("custom failure")

def as_image(array):
    image = sitk.GetImageFromArray(np.asarray(array, dtype=np.float32))
    image.SetSpacing((0.5, 2.0))
    image.SetOrigin((-10.0, 4.0))
    return image

def fill(array):
    array[...] = 7
    return None
"""

TESTS = {
    "uses_given_value": "np.testing.assert_allclose(double([1, 4]), expected)",
    "checker_kernel_separate": (
        "import os\nassert os.getpid() != kernel_pid(), 'test ran in the kernel'"
    ),
    "builtin_exception": (
        "try:\n    picky(-1)\nexcept ValueError as exc:\n    assert 'must be >= 0' in str(exc)\n"
        "else:\n    raise AssertionError('no ValueError')"
    ),
    "custom_exception": (
        "try:\n    picky(1)\nexcept RuntimeError as exc:\n    print('caught', exc)\n"
    ),
    "image_geometry": (
        "image = as_image(np.zeros((3, 4)))\n"
        "assert isinstance(image, sitk.Image)\n"
        "assert image.GetSize() == (4, 3) and image.GetSpacing() == (0.5, 2.0)\n"
        "assert image.GetOrigin() == (-10.0, 4.0)"
    ),
    "traced_banned_call": (
        "from medimg.checks import assert_own_implementation\n"
        "assert_own_implementation(blur, [1.0, 2.0, 3.0], banned=['numpy.convolve'])"
    ),
    "traced_result": (
        "from medimg.checks import traced_call\n"
        "traced = traced_call(double, [1.0])\n"
        "assert traced.result.tolist() == [2.0]\n"
        "assert any(c.endswith('double') for c in traced.calls), traced.calls"
    ),
    "unsupported_value": "assert figure is not None",
    "mutation_is_seen": (
        "values = np.zeros(3)\nfill(values)\n"
        "assert values.tolist() == [7.0, 7.0, 7.0], 'in-place change not seen'"
    ),
    "partial_credit": "0.5",
    "syntax_error": "assert (",
}


def _notebook() -> nbformat.NotebookNode:
    cells = [
        new_code_cell(GIVEN),
        new_code_cell("import os\ndef kernel_pid():\n    return os.getpid()"),
    ]
    for gid, source in TESTS.items():
        meta = {
            "nbgrader": {
                "grade": True,
                "grade_id": gid,
                "locked": True,
                "points": 1,
                "schema_version": 3,
                "solution": False,
            }
        }
        cells.append(new_code_cell(source, metadata=meta))
    return new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC})


@pytest.fixture(scope="module")
def outputs() -> dict[str, list]:
    result = sandbox.execute(nbformat.writes(_notebook()), sandbox.Limits(timeout_s=60))
    assert result.notebook is not None, result.stderr
    nb = nbformat.reads(result.notebook, as_version=4)
    assert nb.metadata["medimg_grading"]["status"] == "ok"
    return {c.metadata.nbgrader.grade_id: c.outputs for c in nb.cells if is_test_cell(c)}


def _errors(outs) -> list:
    return [o for o in outs if o.output_type == "error"]


def test_given_values_and_function_output(outputs):
    outs = outputs["uses_given_value"]
    assert not _errors(outs)
    assert outs[0].text == "doubling 2 values\n"


def test_test_cells_do_not_run_in_the_kernel(outputs):
    assert not _errors(outputs["checker_kernel_separate"])


def test_builtin_exceptions_keep_their_type(outputs):
    assert not _errors(outputs["builtin_exception"])


def test_other_exceptions_become_runtime_errors(outputs):
    outs = outputs["custom_exception"]
    assert not _errors(outs)
    assert "caught Oops: custom failure" in outs[0].text


def test_images_cross_with_their_geometry(outputs):
    assert not _errors(outputs["image_geometry"])


def test_banned_calls_are_seen_in_the_kernel(outputs):
    (error,) = _errors(outputs["traced_banned_call"])
    assert error.ename == "AssertionError"
    assert "numpy.convolve" in error.evalue


def test_traced_call_returns_result_and_calls(outputs):
    assert not _errors(outputs["traced_result"])


def test_objects_that_are_not_plain_data_are_named(outputs):
    (error,) = _errors(outputs["unsupported_value"])
    assert error.ename == "NameError"
    assert "Figure" in error.evalue and "plain data" in error.evalue


def test_last_expression_is_an_execute_result_like_in_a_kernel(outputs):
    (out,) = outputs["partial_credit"]
    assert out.output_type == "execute_result" and out.data["text/plain"] == "0.5"


def test_in_place_changes_to_arguments_are_seen_like_in_a_kernel(outputs):
    assert not _errors(outputs["mutation_is_seen"])


def test_syntax_errors_fail_the_test(outputs):
    (error,) = _errors(outputs["syntax_error"])
    assert error.ename == "SyntaxError"
