"""The thin live layer of the demos: ipywidgets controls wired to a compute step and a view.

A slider move must answer within 100 ms on the 512 x 512 CT, redraw included. A new
matplotlib figure per change costs several hundred ms, and even a full redraw of the same
figure spends most of its time laying out tick labels that never change. So the widget
builds its figure **once**; each view names the artists that change (``animated``); the
rest is drawn once with the Agg canvas and kept as a background (`LiveFigure`). An update
changes the artists in place (``set_data``, ``set_clim``, ``set_text``), restores the
background and draws only those artists on it (blitting), and the pixels go to an
``ipywidgets.Image``.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

__all__ = ["DemoView", "DemoWidget", "LiveFigure", "encode_jpeg", "render_png"]


class DemoView(Protocol):
    """What a demo's ``View(result)`` provides: a figure, its changing artists, ``update``."""

    figure: Figure
    animated: list

    def update(self, result: Any) -> None:
        """Show ``result`` by changing the existing artists (no new figure)."""


def draw_canvas(figure: Figure) -> FigureCanvasAgg:
    """Render ``figure`` with the Agg canvas (attaching one if needed) and return the canvas."""
    canvas = figure.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas


def encode_png(canvas: FigureCanvasAgg) -> bytes:
    """Encode the pixels the Agg ``canvas`` holds as PNG, quickly (zlib level 1)."""
    rgba = np.asarray(canvas.buffer_rgba())
    buffer = io.BytesIO()
    PILImage.fromarray(rgba[..., :3]).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def encode_jpeg(canvas: FigureCanvasAgg, *, quality: int = 88) -> bytes:
    """Encode the pixels the Agg ``canvas`` holds as JPEG (several times quicker than PNG).

    The pre-rendered frames of the book are JPEG too; at this quality text stays crisp.
    """
    rgba = np.asarray(canvas.buffer_rgba())
    buffer = io.BytesIO()
    PILImage.fromarray(rgba[..., :3]).save(buffer, format="jpeg", quality=quality)
    return buffer.getvalue()


def render_png(figure: Figure) -> bytes:
    r"""Render ``figure`` fully with Agg and encode it as PNG.

    Examples
    --------
    >>> figure = Figure(figsize=(1, 1), dpi=20)
    >>> render_png(figure)[:4]
    b'\x89PNG'
    """
    return encode_png(draw_canvas(figure))


class LiveFigure:
    r"""A view's figure prepared for quick redraws by blitting.

    The artists in ``view.animated`` are drawn on top of a background that holds everything
    else (axes, ticks, labels, colour bars), rendered once.

    Parameters
    ----------
    view : DemoView
        Its ``animated`` artists must stay inside fixed axes limits.
    dpi : float
        Resolution of the live picture (the figure's dpi is set to it): 80 dpi keeps a
        three-panel figure about 850 pixels wide, enough for a notebook column.

    Examples
    --------
    >>> figure = Figure(figsize=(2, 2), dpi=50)
    >>> ax = figure.subplots()
    >>> line, = ax.plot([0, 1], [0, 1])
    >>> class View:
    ...     pass
    >>> view = View(); view.figure = figure; view.animated = [line]
    >>> live = LiveFigure(view)
    >>> line.set_ydata([1, 0])
    >>> live.redraw()[:2]
    b'\xff\xd8'
    """

    def __init__(self, view: DemoView, *, dpi: float = 80) -> None:
        self.view = view
        view.figure.set_dpi(dpi)
        for artist in view.animated:
            artist.set_animated(True)
        self.canvas = draw_canvas(view.figure)
        self.background = self.canvas.copy_from_bbox(view.figure.bbox)
        self._spines = [
            spine
            for ax in {a.axes for a in view.animated if getattr(a, "axes", None) is not None}
            for spine in ax.spines.values()
        ]

    def blit(self) -> FigureCanvasAgg:
        """Restore the background and draw the animated artists on it."""
        self.canvas.restore_region(self.background)
        for artist in [*self.view.animated, *self._spines]:
            self.view.figure.draw_artist(artist)
        return self.canvas

    def redraw(self) -> bytes:
        """`blit`, then the picture as JPEG."""
        return encode_jpeg(self.blit())


class DemoWidget(ipywidgets.VBox):
    """Controls above a picture; every change recomputes and updates the one figure.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        Keyword of ``compute`` -> the control that sets it.
    compute : callable
        ``compute(**values) -> result``; pure (the image is bound by the caller). For every
        demo this is a call of the library functions its chapter teaches.
    view : callable
        ``view(result) -> DemoView``: builds the figure once, from the first result.
    summary : callable, optional
        ``summary(result) -> str``, shown as text under the controls (numbers such as the SNR).
    display : bool
        Build and render the figure (False computes only, for tests).

    Attributes
    ----------
    controls : dict
        The controls, by keyword.
    result : object
        The result of the latest ``compute`` call.
    view : DemoView or None
        The figure and its artists (None when ``display=False``).
    live : LiveFigure or None
        The view's figure with its background kept, for blitting.
    picture : ipywidgets.Image
        The rendered figure (JPEG).
    text : ipywidgets.HTML
        The summary line.

    Examples
    --------
    >>> class Counter:
    ...     def __init__(self, result):
    ...         self.figure = Figure(figsize=(1, 1), dpi=20)
    ...         self.animated = []
    ...         self.shown = [result]
    ...     def update(self, result):
    ...         self.shown.append(result)
    >>> slider = ipywidgets.IntSlider(value=2, min=1, max=5)
    >>> demo = DemoWidget({"n": slider}, lambda n: n**2, Counter)
    >>> slider.value = 3
    >>> demo.result, demo.view.shown
    (9, [4, 9])
    """

    def __init__(
        self,
        controls: dict[str, ipywidgets.ValueWidget],
        compute: Callable[..., Any],
        view: Callable[[Any], DemoView],
        *,
        summary: Callable[[Any], str] | None = None,
        display: bool = True,
    ) -> None:
        self.picture = ipywidgets.Image(format="jpeg")
        self.text = ipywidgets.HTML()
        box = ipywidgets.HBox(
            list(controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap")
        )
        super().__init__([box, self.text, self.picture])
        self.controls = controls
        self._compute = compute
        self._make_view = view
        self._summary = summary
        self._display = display
        self.result: Any = None
        self.view: DemoView | None = None
        self.live: LiveFigure | None = None
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def values(self) -> dict[str, Any]:
        """Return the current value of every control, by keyword."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Recompute with the current values and update the figure in place.

        Values the compute function rejects (e.g. a lower threshold above the upper one)
        leave the previous result in place and show the message instead.
        """
        try:
            self.result = self._compute(**self.values())
        except ValueError as error:
            self.text.value = f"<b>{html.escape(str(error))}</b>"
            return
        if self._summary is not None:
            self.text.value = self._summary(self.result)
        if not self._display:
            return
        if self.view is None:
            self.view = self._make_view(self.result)
            self.live = LiveFigure(self.view)
        else:
            self.view.update(self.result)
        assert self.live is not None
        self.picture.value = self.live.redraw()

    def _on_change(self, change: dict) -> None:
        self.update()
