"""Interactive demos of the course, each in a live (Jupyter) and a static (web page) version.

Every demo module ``medimg.demos.<name>`` has the same three layers:

``compute(image, *, <parameters>)``
    Pure: parameters in, images and numbers out (no drawing, no global state). It is a call
    of the library functions the demo's chapter teaches (``tests/test_demos_library.py``
    checks that it equals them), never a copy of their computation.
``View(result)``
    Builds the figure once and names its ``animated`` artists; ``view.update(result)``
    changes them in place. ``draw(result)`` is ``View(result).figure``.
``widget(image=None)``
    The thin live layer: ipywidgets controls wired to ``compute`` and one ``View``, redrawn
    by blitting (`medimg.demos._ui.LiveFigure`) so that a slider move answers in about
    100 ms on the 512 x 512 CT.

plus ``static_html()``, the demo pre-rendered over a few values of its controls, with HTML
controls that swap frames without a Python kernel (for the book's web pages).

Demos: ``sampling``, ``quantization``, ``interpolation``, ``rotation``, ``window_threshold``,
``noise_filter``.

Examples
--------
>>> from medimg import demos
>>> demos.NAMES[:2]
('sampling', 'quantization')
>>> demos.module("rotation").__name__
'medimg.demos.rotation'
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

__all__ = ["NAMES", "live", "module", "show", "static_html"]

NAMES = (
    "sampling",
    "quantization",
    "interpolation",
    "rotation",
    "window_threshold",
    "noise_filter",
)


def module(name: str) -> ModuleType:
    """Return the module of demo ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not one of `NAMES`.
    """
    if name not in NAMES:
        raise ValueError(f"unknown demo {name!r}; choose one of {', '.join(NAMES)}")
    return importlib.import_module(f"medimg.demos.{name}")


@functools.cache
def _static_html(name: str) -> str:
    return module(name).static_html()


def static_html(name: str) -> str:
    """Self-contained HTML of the pre-rendered demo ``name`` (cached per process).

    The HTML holds the frames as ``data:`` URIs, the controls and a short inline script;
    it loads nothing from the network.
    """
    return _static_html(name)


def show(name: str):
    """Display object of the pre-rendered demo, for a page cell: ``demos.show("rotation")``.

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    return HTML(static_html(name))


def live(name: str, **kwargs):
    """Return the live ipywidgets version of demo ``name`` (needs a running Jupyter kernel).

    Parameters
    ----------
    name : str
        One of `NAMES`.
    **kwargs
        Passed to the demo's ``widget`` (e.g. ``image=...``).

    Returns
    -------
    ipywidgets.Widget
    """
    return module(name).widget(**kwargs)
