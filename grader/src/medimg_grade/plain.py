"""Plain data: the only values that cross between the student's kernel and the checker.

A value is *plain* when it is built only from ``None``, ``bool``, ``int``, ``float``,
``complex``, ``str``, ``bytes``, numpy scalars, base-class :class:`numpy.ndarray`
(no object dtype), ``SimpleITK.Image`` (pixels and geometry) and ``tuple``/``list``/
``dict`` of these (dict keys: ``str``, ``int``, ``float``, ``bool`` or ``None``). Types
are compared exactly: a subclass of any of them (an array subclass, a ``str`` or ``float``
subclass with a custom ``__eq__``) is not plain.

:func:`encode` turns a plain value into JSON text; arrays travel as ``.npy`` bytes
(base64). :func:`decode` is the strict reader used by the checker: it builds values
only from JSON and from :func:`numpy.load` with ``allow_pickle=False``, rejects unknown
tags, object dtypes, deep nesting and oversized input, and so can only ever return
plain data, whatever the other side sent.

Axis order: a ``SimpleITK.Image`` travels as its numpy pixel array (``(z, y, x)``
order, as :func:`SimpleITK.GetArrayFromImage` returns it) plus origin and spacing in mm
and the direction cosines in SimpleITK's ``(x, y, z)`` order.

Examples
--------
>>> import numpy as np
>>> value = decode(encode({"size": (3, 4), "mean": np.float64(1.5), "pixels": np.eye(2)}))
>>> value["size"], type(value["mean"]).__name__, value["pixels"].tolist()
((3, 4), 'float64', [[1.0, 0.0], [0.0, 1.0]])
>>> class Everything(float):
...     def __eq__(self, other):
...         return True
>>> encode(Everything(1.0))
Traceback (most recent call last):
...
medimg_grade.plain.NotPlainError: returned an object of type Everything; only plain data is accepted (numbers, strings, bytes, numpy arrays and scalars, SimpleITK images, and tuples, lists and dicts of these)
"""

from __future__ import annotations

import base64
import io
import json
import math

import numpy as np

#: Largest encoded value accepted by :func:`decode` (characters of JSON text).
MAX_CHARS = 256 * 2**20
#: Deepest nesting of containers accepted.
MAX_DEPTH = 64

_PLAIN_HELP = (
    "only plain data is accepted (numbers, strings, bytes, numpy arrays and scalars, "
    "SimpleITK images, and tuples, lists and dicts of these)"
)
_NUMPY_SCALARS = frozenset(
    t for t in set(np.sctypeDict.values()) if issubclass(t, np.generic) and t is not np.object_
)
_KEY_TAGS = ("n", "b", "i", "f", "s")


class NotPlainError(TypeError):
    """A value that is not plain data was to be encoded (raised on the sending side)."""


class PlainDataError(ValueError):
    """Encoded input that :func:`decode` refuses (malformed, too large, unknown tag)."""


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _tree(value, depth: int):
    if depth > MAX_DEPTH:
        raise NotPlainError(f"data nested deeper than {MAX_DEPTH} levels; {_PLAIN_HELP}")
    kind = type(value)
    if value is None:
        return ["n", None]
    if kind is bool:
        return ["b", value]
    if kind is int:
        return ["i", str(value)]
    if kind is float:
        return ["f", repr(value)]
    if kind is complex:
        return ["c", [repr(value.real), repr(value.imag)]]
    if kind is str:
        return ["s", value]
    if kind is bytes:
        return ["y", base64.b64encode(value).decode("ascii")]
    if kind is np.ndarray:
        if value.dtype.hasobject:
            raise NotPlainError(f"returned an array of dtype object; {_PLAIN_HELP}")
        return ["a", _npy(value)]
    if kind in _NUMPY_SCALARS:
        return ["g", _npy(np.asarray(value))]
    if kind is tuple or kind is list:
        return ["t" if kind is tuple else "l", [_tree(item, depth + 1) for item in value]]
    if kind is dict:
        items = []
        for key, item in value.items():
            if type(key) not in (str, int, float, bool) and key is not None:
                raise NotPlainError(
                    f"returned a dict with a key of type {type(key).__name__}; {_PLAIN_HELP}"
                )
            items.append([_tree(key, depth + 1), _tree(item, depth + 1)])
        return ["d", items]
    if kind.__module__ == "SimpleITK.SimpleITK" and kind.__name__ == "Image":
        import SimpleITK as sitk

        if kind is sitk.Image:
            vector = value.GetNumberOfComponentsPerPixel() > 1
            return [
                "I",
                {
                    "a": _npy(sitk.GetArrayFromImage(value)),
                    "v": vector,
                    "o": [repr(float(x)) for x in value.GetOrigin()],
                    "p": [repr(float(x)) for x in value.GetSpacing()],
                    "d": [repr(float(x)) for x in value.GetDirection()],
                },
            ]
    raise NotPlainError(f"returned an object of type {kind.__name__}; {_PLAIN_HELP}")


def encode(value) -> str:
    """Encode a plain value as JSON text.

    Parameters
    ----------
    value : object
        Plain data (see the module docstring); types are checked exactly.

    Returns
    -------
    str
        JSON text for :func:`decode`.

    Raises
    ------
    NotPlainError
        When ``value`` contains anything that is not plain data.

    Examples
    --------
    >>> encode((1, "a"))
    '["t", [["i", "1"], ["s", "a"]]]'
    """
    return json.dumps(_tree(value, 0), separators=(", ", ": "))


def _float(text) -> float:
    if type(text) is not str or len(text) > 40:
        raise PlainDataError("malformed float")
    try:
        return float(text)
    except ValueError:
        raise PlainDataError("malformed float") from None


def _array(text) -> np.ndarray:
    if type(text) is not str:
        raise PlainDataError("malformed array")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        array = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError, UnicodeError) as exc:
        raise PlainDataError(f"malformed array ({exc})") from None
    if type(array) is not np.ndarray or array.dtype.hasobject:
        raise PlainDataError("not a plain array")
    return array


def _value(node, depth: int):
    if depth > MAX_DEPTH:
        raise PlainDataError(f"data nested deeper than {MAX_DEPTH} levels")
    if type(node) is not list or len(node) != 2 or type(node[0]) is not str:
        raise PlainDataError("malformed data")
    tag, body = node
    if tag == "n" and body is None:
        return None
    if tag == "b" and type(body) is bool:
        return body
    if tag == "i" and type(body) is str and len(body) <= 5000:
        try:
            return int(body)
        except ValueError:
            raise PlainDataError("malformed int") from None
    if tag == "f":
        return _float(body)
    if tag == "c" and type(body) is list and len(body) == 2:
        return complex(_float(body[0]), _float(body[1]))
    if tag == "s" and type(body) is str:
        return body
    if tag == "y" and type(body) is str:
        try:
            return base64.b64decode(body.encode("ascii"), validate=True)
        except ValueError:
            raise PlainDataError("malformed bytes") from None
    if tag == "a":
        return _array(body)
    if tag == "g":
        array = _array(body)
        if array.ndim != 0:
            raise PlainDataError("malformed numpy scalar")
        return array[()]
    if tag in ("t", "l") and type(body) is list:
        items = [_value(item, depth + 1) for item in body]
        return tuple(items) if tag == "t" else items
    if tag == "d" and type(body) is list:
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise PlainDataError("malformed dict")
            if type(pair[0]) is not list or not pair[0] or pair[0][0] not in _KEY_TAGS:
                raise PlainDataError("malformed dict key")
            out[_value(pair[0], depth + 1)] = _value(pair[1], depth + 1)
        return out
    if tag == "I" and type(body) is dict and set(body) == {"a", "v", "o", "p", "d"}:
        return _image(body)
    raise PlainDataError(f"unknown or malformed tag {tag[:20]!r}")


def _image(body: dict):
    import SimpleITK as sitk

    array = _array(body["a"])
    vector = body["v"]
    if type(vector) is not bool:
        raise PlainDataError("malformed image")
    geometry = []
    for key in ("o", "p", "d"):
        if type(body[key]) is not list or len(body[key]) > 25:
            raise PlainDataError("malformed image geometry")
        geometry.append([_float(x) for x in body[key]])
    origin, spacing, direction = geometry
    dim = len(origin)
    if not 2 <= dim <= 5 or len(spacing) != dim or len(direction) != dim * dim:
        raise PlainDataError("malformed image geometry")
    if not all(math.isfinite(x) for x in origin + spacing + direction):
        raise PlainDataError("image geometry is not finite")
    try:
        image = sitk.GetImageFromArray(array, isVector=vector)
        if image.GetDimension() != dim:
            raise PlainDataError("image dimension does not match its geometry")
        image.SetOrigin(origin)
        image.SetSpacing(spacing)
        image.SetDirection(direction)
    except RuntimeError as exc:
        raise PlainDataError(f"malformed image ({str(exc).splitlines()[0][:200]})") from None
    return image


def decode(text: str):
    """Decode JSON text made by :func:`encode`, accepting nothing but plain data.

    Parameters
    ----------
    text : str
        Encoded value, at most ``MAX_CHARS`` characters.

    Returns
    -------
    object
        A plain value built by this function (never an object of the sender's choosing).

    Raises
    ------
    PlainDataError
        When ``text`` is not a well-formed encoding of plain data.

    Examples
    --------
    >>> decode('["l", [["f", "0.5"], ["n", null]]]')
    [0.5, None]
    >>> decode('["pickle", "gASV"]')
    Traceback (most recent call last):
    ...
    medimg_grade.plain.PlainDataError: unknown or malformed tag 'pickle'
    """
    if type(text) is not str or len(text) > MAX_CHARS:
        raise PlainDataError(f"encoded data missing or larger than {MAX_CHARS} characters")
    try:
        node = json.loads(text)
    except (ValueError, RecursionError):
        raise PlainDataError("encoded data is not valid JSON") from None
    return _value(node, 0)


__all__ = ["NotPlainError", "PlainDataError", "decode", "encode"]
