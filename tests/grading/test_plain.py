"""The strict loader of plain data: round trips, and refusals of everything else."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
import SimpleITK as sitk
from medimg_grade import plain


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        -(2**70),
        float("nan"),
        float("-inf"),
        1.5 - 2j,
        "Hounsfield",
        b"\x00\xff",
        np.int16(-3),
        np.float32(0.25),
        np.arange(6, dtype=np.uint8).reshape(2, 3),
        np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
        (1, [2.0, {"k": (3,)}], {1: "int key", None: "none key"}),
    ],
)
def test_round_trip_keeps_value_and_exact_type(value):
    back = plain.decode(plain.encode(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == value


def test_image_round_trip_keeps_pixels_and_geometry():
    image = sitk.Image([7, 5, 3], sitk.sitkVectorFloat32, 2)
    image.SetOrigin((1.0, -2.0, 3.5))
    image.SetSpacing((0.5, 0.75, 2.0))
    image.SetDirection((0, -1, 0, 1, 0, 0, 0, 0, 1))
    image[1, 2, 0] = (4.0, -1.0)
    back = plain.decode(plain.encode(image))
    assert type(back) is sitk.Image
    assert back.GetSize() == (7, 5, 3)
    assert back.GetPixelID() == image.GetPixelID()
    assert (back.GetOrigin(), back.GetSpacing(), back.GetDirection()) == (
        image.GetOrigin(),
        image.GetSpacing(),
        image.GetDirection(),
    )
    assert back[1, 2, 0] == (4.0, -1.0)


class Always(np.ndarray):
    def __eq__(self, other):
        return True


class Text(str):
    pass


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (np.zeros(3).view(Always), "Always"),
        (Text("x"), "Text"),
        (np.array([object()], dtype=object), "dtype object"),
        ([1, {2, 3}], "set"),
        ({("a", "b"): 1}, "key of type tuple"),
        (lambda: 1, "function"),
    ],
)
def test_encode_refuses_what_is_not_plain(value, named):
    with pytest.raises(plain.NotPlainError, match=named):
        plain.encode(value)


def _npy_with_header(descr: str) -> str:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": False, "shape": (1,)}
    )
    return base64.b64encode(buffer.getvalue() + b"\x80\x04N.").decode()


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(["a", _npy_with_header("|O")]),  # a pickled object array
        json.dumps(["pickle", "gASVAAAAAAAAAAA="]),  # unknown tag
        json.dumps(["f", "1e5000000000000000000000000000000000000000000"]),
        json.dumps(["i", "12x"]),
        json.dumps(["d", [[["l", []], ["n", None]]]]),  # a list as dict key
        json.dumps(["g", base64.b64encode(b"not npy").decode()]),
        json.dumps({"ok": 1}),
        "[" * 100_000,
        json.dumps(["I", {"a": "", "v": False, "o": [], "p": [], "d": []}]),
        json.dumps(["t", [["n", None]] * 2])[:-1],
    ],
)
def test_decode_refuses_malformed_or_foreign_data(text):
    with pytest.raises(plain.PlainDataError):
        plain.decode(text)


def test_decode_refuses_deep_nesting():
    text = '["l", [' * (plain.MAX_DEPTH + 2) + '["n", null]' + "]]" * (plain.MAX_DEPTH + 2)
    with pytest.raises(plain.PlainDataError, match="nested deeper"):
        plain.decode(text)
