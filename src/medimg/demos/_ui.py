"""The thin live layer of the demos: ipywidgets controls wired to a compute and a draw function."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["DemoWidget"]


class DemoWidget(ipywidgets.VBox):
    """Controls above an output area; every change recomputes and redraws.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        Keyword of ``compute`` -> the control that sets it.
    compute : callable
        ``compute(**values) -> result``; pure (the image is bound by the caller).
    draw : callable
        ``draw(result) -> matplotlib.figure.Figure``.
    summary : callable, optional
        ``summary(result) -> str``, shown as text under the controls (numbers such as the SNR).

    Attributes
    ----------
    controls : dict
        The controls, by keyword.
    result : object
        The result of the latest ``compute`` call.
    output : ipywidgets.Output
        Where the figure is displayed.
    text : ipywidgets.HTML
        The summary line.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> slider = ipywidgets.IntSlider(value=2, min=1, max=5)
    >>> demo = DemoWidget({"n": slider}, lambda n: n**2, lambda r: plt.figure(), display=False)
    >>> demo.result
    4
    >>> slider.value = 3
    >>> demo.result
    9
    """

    def __init__(
        self,
        controls: dict[str, ipywidgets.ValueWidget],
        compute: Callable[..., Any],
        draw: Callable[[Any], Figure],
        *,
        summary: Callable[[Any], str] | None = None,
        display: bool = True,
    ) -> None:
        self.output = ipywidgets.Output()
        self.text = ipywidgets.HTML()
        box = ipywidgets.HBox(
            list(controls.values()), layout=ipywidgets.Layout(flex_flow="row wrap")
        )
        super().__init__([box, self.text, self.output])
        self.controls = controls
        self._compute = compute
        self._draw = draw
        self._summary = summary
        self._display = display
        self.result: Any = None
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def values(self) -> dict[str, Any]:
        """Return the current value of every control, by keyword."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Recompute with the current values and redraw.

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
        from IPython.display import display

        fig = self._draw(self.result)
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)

    def _on_change(self, change: dict) -> None:
        self.update()
