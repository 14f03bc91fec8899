"""Tests of medimg.checks: which functions ran, and the "write it yourself" check."""

from __future__ import annotations

import math
import sys
import threading

import numpy as np
import pytest
import scipy.ndimage
import SimpleITK as sitk

from medimg import sampling
from medimg.checks import Traced, assert_own_implementation, banned_names, traced_call


def notebook(*cells: str) -> dict:
    """Run code cells in one namespace named like a notebook's (``__main__``)."""
    namespace: dict = {"__name__": "__main__"}
    for cell in cells:
        exec(cell, namespace)
    return namespace


def test_traced_call_names_the_function_first_then_each_call_once_in_order():
    cells = notebook(
        "def helper(x):\n    return x + 1\n",
        "import math\ndef outer(x):\n    return math.sqrt(helper(x)) + helper(x)\n",
    )
    traced = traced_call(cells["outer"], 3)
    assert traced == Traced(result=6.0, calls=("__main__.outer", "__main__.helper", "math.sqrt"))


def test_traced_call_passes_keyword_arguments():
    cells = notebook("def scale(x, *, factor=1):\n    return x * factor\n")
    assert traced_call(cells["scale"], 2, factor=5).result == 10


def test_traced_call_sees_library_code_under_its_defining_module():
    traced = traced_call(scipy.ndimage.uniform_filter, np.ones((3, 3)), size=3)
    assert traced.calls[0] == "scipy.ndimage._filters.uniform_filter"
    np.testing.assert_array_equal(traced.result, np.ones((3, 3)))


def test_traced_call_restores_previous_profilers_also_after_an_exception():
    events: list[str] = []

    def previous(frame, event, arg):
        events.append(event)

    cells = notebook("def broken(x):\n    raise ValueError('bad x')\n")
    sys.setprofile(previous)
    try:
        with pytest.raises(ValueError, match="bad x"):
            traced_call(cells["broken"], 1)
        assert sys.getprofile() is previous
    finally:
        sys.setprofile(None)
    assert threading._profile_hook is None or threading._profile_hook is not previous


def test_traced_call_sees_threads_started_during_the_call():
    cells = notebook(
        "import threading, math\n"
        "def work(out):\n    out.append(math.factorial(5))\n"
        "def threaded():\n"
        "    out = []\n"
        "    t = threading.Thread(target=work, args=(out,))\n"
        "    t.start(); t.join()\n"
        "    return out[0]\n"
    )
    traced = traced_call(cells["threaded"])
    assert traced.result == 120
    assert "__main__.work" in traced.calls
    assert "math.factorial" in traced.calls


def test_traced_call_uses_the_remote_hook_of_grader_functions():
    class Remote:
        __name__ = "remote"

        def __call__(self, *args, **kwargs):
            raise AssertionError("the hook must be used, not a plain call")

        def __medimg_traced_call__(self, *args, **kwargs):
            return (sum(args) + kwargs["extra"], ["__main__.remote", "numpy.asarray"])

    traced = traced_call(Remote(), 1, 2, extra=3)
    assert traced == Traced(result=6, calls=("__main__.remote", "numpy.asarray"))


def test_traced_call_rejects_a_non_callable():
    with pytest.raises(TypeError, match="func must be callable, got int"):
        traced_call(3)


def test_banned_names_add_the_name_of_the_code_that_runs():
    assert banned_names("numpy.convolve")[0] == "numpy.convolve"
    assert len(banned_names("numpy.convolve")) == 2
    assert banned_names("medimg.sampling.downsample") == ("medimg.sampling.downsample",)
    assert banned_names("no_such_module.thing") == ("no_such_module.thing",)
    assert "SimpleITK.extra.Resample" in banned_names("SimpleITK.Resample")


@pytest.mark.parametrize("entry", ["", "numpy..convolve", ".numpy", 3])
def test_banned_names_reject_entries_that_are_not_dotted_names(entry):
    with pytest.raises(ValueError, match="dotted names"):
        banned_names(entry)


def test_own_implementation_passes_whatever_comments_and_names_say():
    cells = notebook(
        "import numpy as np\n"
        "def scipy_ndimage_convolve(values):\n"
        "    # Checked against scipy.ndimage.convolve and numpy.convolve: same result.\n"
        "    values = np.asarray(values, dtype=float)\n"
        "    return values[:-1] * 0.5 + values[1:] * 0.5\n"
    )
    result = assert_own_implementation(
        cells["scipy_ndimage_convolve"],
        [1, 3, 5],
        banned=["scipy.ndimage", "numpy.convolve", "medimg"],
    )
    np.testing.assert_array_equal(result, [2.0, 4.0])


def test_own_implementation_catches_a_helper_in_another_cell():
    cells = notebook(
        "import numpy as np\ndef _smooth(v):\n    return np.convolve(v, [0.5, 0.5], 'valid')\n",
        "def smooth(values):\n    return _smooth(values)\n",
    )
    with pytest.raises(AssertionError) as failure:
        assert_own_implementation(cells["smooth"], [1, 3, 5], banned=["numpy.convolve"])
    assert str(failure.value).startswith(
        "smooth called numpy._core.numeric.convolve (numpy.convolve), which the instructions"
    )


def test_own_implementation_catches_an_alias_of_the_course_reference():
    cells = notebook(
        "from medimg import sampling as s\nmy_block_mean = s.downsample\n",
        "downsample = my_block_mean\n",
    )
    image = np.arange(16.0).reshape(4, 4)
    with pytest.raises(AssertionError, match=r"called medimg\.sampling\.downsample"):
        assert_own_implementation(cells["downsample"], image, 2, banned=["medimg"])
    # the same reference is fine where it is not banned
    expected = sampling.downsample(image, 2)
    np.testing.assert_array_equal(
        assert_own_implementation(cells["downsample"], image, 2, banned=["scipy"]), expected
    )


def test_own_implementation_catches_c_functions_and_whole_packages():
    cells = notebook("import math\ndef root(x):\n    return math.sqrt(x)\n")
    with pytest.raises(AssertionError, match=r"root called math\.sqrt \(math\), which"):
        assert_own_implementation(cells["root"], 4.0, banned=["math"])
    assert assert_own_implementation(cells["root"], 4.0, banned=["numpy"]) == 2.0


def test_own_implementation_catches_simpleitk_filters_by_package():
    cells = notebook(
        "import SimpleITK as sitk\n"
        "def blur(image):\n"
        "    f = sitk.DiscreteGaussianImageFilter()\n"
        "    return f.Execute(image)\n"
    )
    image = sitk.Image(5, 5, sitk.sitkFloat32)
    with pytest.raises(AssertionError, match=r"blur called SimpleITK\.SimpleITK\.Discrete"):
        assert_own_implementation(cells["blur"], image, banned=["SimpleITK"])


def test_own_implementation_message_says_what_to_write_and_lists_other_calls():
    cells = notebook(
        "import math\ndef f(x):\n    return math.sqrt(x) + math.floor(x) + math.ceil(x)\n"
    )
    with pytest.raises(AssertionError) as failure:
        assert_own_implementation(cells["f"], 4.0, banned=["math"], what="the square root")
    message = str(failure.value)
    assert "(the square root)" in message
    assert "Other banned calls: math.floor, math.ceil." in message


def test_own_implementation_reports_a_banned_function_passed_directly():
    with pytest.raises(AssertionError, match=r"^sqrt called math\.sqrt"):
        assert_own_implementation(math.sqrt, 9.0, banned=["math.sqrt"])


def test_own_implementation_rejects_a_single_string_as_banned_list():
    with pytest.raises(ValueError, match="banned must be a list of dotted names"):
        assert_own_implementation(abs, -1, banned="numpy")


def test_own_implementation_lets_exceptions_of_the_function_through():
    cells = notebook("def f(x):\n    raise ValueError('x must be positive')\n")
    with pytest.raises(ValueError, match="x must be positive"):
        assert_own_implementation(cells["f"], -1, banned=["numpy"])
