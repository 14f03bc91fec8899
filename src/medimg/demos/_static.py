"""Pre-rendered, kernel-free versions of the demos: a sweep of frames driven by HTML controls.

The book is a static web site: no Python runs behind it. Each demo is therefore rendered in
advance for every combination of a few values of its controls; the frames are embedded in
the page as base64 ``data:`` URIs, and a few lines of inline JavaScript swap the frame when
the reader moves a slider or picks an entry from a drop-down list. Nothing is loaded from
another site (no CDN), so the page works offline.

The container carries the class ``animation``, like matplotlib's ``FuncAnimation.to_jshtml``
output, so that the book's browser checks of animations (a range slider that changes the
picture) apply to the demos too. Unlike ``to_jshtml``, nothing here needs Font Awesome.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

__all__ = ["Sweep", "render_frames", "sweep_html"]

_COUNTER = itertools.count()


@dataclass(frozen=True)
class Sweep:
    """The values one control takes in the pre-rendered version of a demo.

    Attributes
    ----------
    name : str
        Keyword of the demo's compute function.
    label : str
        Text shown next to the control, with the unit (e.g. ``"new spacing (mm)"``).
    values : tuple
        The values rendered, in the order of the slider.
    default : object
        The value shown first; must be one of ``values``.
    texts : tuple of str, optional
        How each value is printed; ``str(value)`` if omitted.
    kind : {"range", "select"}
        A slider (for ordered numbers) or a drop-down list (for choices).
    """

    name: str
    label: str
    values: tuple
    default: Any
    texts: tuple[str, ...] | None = None
    kind: str = "range"

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError(f"sweep {self.name!r} needs at least one value")
        if self.default not in self.values:
            raise ValueError(f"default {self.default!r} of {self.name!r} is not in {self.values}")
        if self.kind not in ("range", "select"):
            raise ValueError(f"kind must be 'range' or 'select', got {self.kind!r}")
        if self.texts is not None and len(self.texts) != len(self.values):
            raise ValueError(f"texts of {self.name!r} must have one entry per value")

    @property
    def labels(self) -> tuple[str, ...]:
        """The printed form of every value."""
        return self.texts if self.texts is not None else tuple(str(v) for v in self.values)


def render_frames(
    sweeps: Sequence[Sweep],
    make_figure: Callable[..., Figure],
    *,
    image_format: str = "jpeg",
    dpi: int = 72,
    quality: int = 70,
) -> list[str]:
    """Render one frame per combination of sweep values, as ``data:`` URIs.

    Parameters
    ----------
    sweeps : sequence of Sweep
        The controls; frames are ordered like ``itertools.product`` over their values
        (the last control varies fastest).
    make_figure : callable
        ``make_figure(**{sweep.name: value, ...}) -> Figure``. The figure is closed here.
    image_format : {"jpeg", "png"}
        JPEG keeps photographs (CT) small; PNG keeps line plots sharp.
    dpi : int
        Resolution of the frames, in dots per inch of the figure size.
    quality : int
        JPEG quality, 1-95.

    Returns
    -------
    list of str
        ``data:image/...;base64,...`` strings.
    """
    if image_format not in ("jpeg", "png"):
        raise ValueError(f"image_format must be 'jpeg' or 'png', got {image_format!r}")
    frames = []
    for combination in itertools.product(*(s.values for s in sweeps)):
        fig = make_figure(**{s.name: v for s, v in zip(sweeps, combination, strict=True)})
        buffer = io.BytesIO()
        options: dict[str, Any] = {"format": image_format, "dpi": dpi}
        if image_format == "jpeg":
            options["pil_kwargs"] = {"quality": quality, "optimize": True}
        fig.savefig(buffer, **options)
        plt.close(fig)
        encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
        frames.append(f"data:image/{image_format};base64,{encoded}")
    return frames


_SCRIPT = """(function () {
  var root = document.getElementById(%(id)s);
  if (!root) { return; }
  var frames = %(frames)s;
  var texts = %(texts)s;
  var shape = %(shape)s;
  var img = root.querySelector("img");
  var controls = root.querySelectorAll("[data-axis]");
  function update() {
    var k = 0;
    for (var a = 0; a < controls.length; a++) {
      var i = parseInt(controls[a].value, 10);
      k = k * shape[a] + i;
      var out = root.querySelector("output[data-for='" + a + "']");
      if (out) { out.textContent = texts[a][i]; }
    }
    img.src = frames[k];
  }
  for (var a = 0; a < controls.length; a++) {
    controls[a].addEventListener("input", update);
    controls[a].addEventListener("change", update);
  }
})();"""


def sweep_html(name: str, sweeps: Sequence[Sweep], frames: Sequence[str], *, alt: str) -> str:
    """Assemble the self-contained HTML of a pre-rendered demo.

    Parameters
    ----------
    name : str
        Demo name, used in the element id and CSS class.
    sweeps : sequence of Sweep
        The controls, as given to `render_frames`.
    frames : sequence of str
        The frames from `render_frames`, same order.
    alt : str
        Alternative text of the picture (what it shows, for screen readers).

    Returns
    -------
    str
        A ``<div>`` with the controls, the picture and an inline script; no external URL.

    Examples
    --------
    >>> sweeps = [Sweep("n", "n", (1, 2), 1)]
    >>> page = sweep_html("demo", sweeps, ["data:,a", "data:,b"], alt="two frames")
    >>> page.count("data:,")
    3
    >>> "http" in page
    False
    """
    shape = [len(s.values) for s in sweeps]
    expected = 1
    for n in shape:
        expected *= n
    if len(frames) != expected:
        raise ValueError(
            f"expected {expected} frames for controls of sizes {shape}, got {len(frames)}"
        )
    element_id = f"medimg-demo-{name}-{next(_COUNTER)}"
    defaults = [s.values.index(s.default) for s in sweeps]
    first = 0
    for n, i in zip(shape, defaults, strict=True):
        first = first * n + i
    parts = [
        f'<div class="medimg-demo medimg-demo-{html.escape(name)} animation" id="{element_id}">',
        '<div class="medimg-demo-controls" style="display:flex;flex-wrap:wrap;gap:0.5em 1.5em;'
        'align-items:center;margin-bottom:0.5em">',
    ]
    for axis, (sweep, default) in enumerate(zip(sweeps, defaults, strict=True)):
        label = html.escape(sweep.label)
        if sweep.kind == "range":
            control = (
                f'<input type="range" data-axis="{axis}" min="0" max="{len(sweep.values) - 1}" '
                f'step="1" value="{default}" aria-label="{label}">'
                f'<output data-for="{axis}" style="min-width:4em;font-weight:bold">'
                f"{html.escape(sweep.labels[default])}</output>"
            )
        else:
            options = "".join(
                f'<option value="{i}"{" selected" if i == default else ""}>'
                f"{html.escape(text)}</option>"
                for i, text in enumerate(sweep.labels)
            )
            control = f'<select data-axis="{axis}" aria-label="{label}">{options}</select>'
        parts.append(
            f'<label style="display:flex;align-items:center;gap:0.5em">{label} {control}</label>'
        )
    parts.append("</div>")
    parts.append(
        f'<img src="{frames[first]}" alt="{html.escape(alt)}" style="max-width:100%;height:auto">'
    )
    script = _SCRIPT % {
        "id": json.dumps(element_id),
        "frames": json.dumps(list(frames)),
        "texts": json.dumps([list(s.labels) for s in sweeps]),
        "shape": json.dumps(shape),
    }
    parts.append(f"<script>\n{script}\n</script>")
    parts.append("</div>")
    return "\n".join(parts)
