"""Demo: rotating an image about its physical centre with different interpolators.

The compute step is `medimg.resampling.rotate`, the function chapter 5 teaches: the
rotated image lives on the input grid; for every output pixel at world point ``p`` the
value is interpolated in the input at ``R(-angle) (p - c) + c``, with ``c``
(`medimg.resampling.physical_centre`) the centre of the field of view in mm. Positive
angles turn the content from +x towards +y, which looks clockwise on screen because y
points down in the display.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

from medimg import data
from medimg.demos._common import INTERPOLATOR_LABELS, SOFT_TISSUE, ZoomView, zoom_box
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.resampling import INTERPOLATORS, physical_centre, rotate

__all__ = ["RotationResult", "View", "compute", "draw", "static_html", "widget"]


@dataclass(frozen=True)
class RotationResult:
    """What `compute` returns.

    Attributes
    ----------
    image : SimpleITK.Image
        The rotated image (float32), on the input grid.
    angle : float
        Rotation angle in degrees.
    interpolator : str
        ``"nearest"``, ``"linear"`` or ``"bspline"``.
    centre : tuple of float
        Centre of rotation in mm, (x, y) order.
    zoom : tuple
        ``((x0, x1), (y0, y1))``: the zoomed region in mm.
    """

    image: sitk.Image
    angle: float
    interpolator: str
    centre: tuple
    zoom: tuple


def compute(
    image: sitk.Image, *, angle: float, interpolator_name: str = "linear"
) -> RotationResult:
    """Rotate a 2D image by ``angle`` degrees about its physical centre.

    The same as ``rotate(float32 image, angle, interpolator=..., default_value=image
    minimum)``.

    Parameters
    ----------
    image : SimpleITK.Image
        2D image. Pixels that come from outside the input get the input's minimum.
    angle : float
        Degrees; positive turns +x towards +y.
    interpolator_name : {"nearest", "linear", "bspline"}
        How values between input samples are estimated.

    Returns
    -------
    RotationResult

    Examples
    --------
    >>> import numpy as np
    >>> import SimpleITK as sitk
    >>> image = sitk.GetImageFromArray(np.arange(9.0).reshape(3, 3))
    >>> rotated = compute(image, angle=90, interpolator_name="nearest").image
    >>> sitk.GetArrayFromImage(rotated)
    array([[6., 3., 0.],
           [7., 4., 1.],
           [8., 5., 2.]], dtype=float32)
    """
    if image.GetDimension() != 2:
        raise ValueError(f"image must be 2D, got {image.GetDimension()}D")
    if not np.isfinite(angle):
        raise ValueError(f"angle must be a finite number of degrees, got {angle}")
    if interpolator_name not in INTERPOLATORS:
        raise ValueError(
            f"interpolator_name must be one of {sorted(INTERPOLATORS)}, got {interpolator_name!r}"
        )
    rotated = rotate(
        sitk.Cast(image, sitk.sitkFloat32),
        float(angle),
        interpolator=interpolator_name,
        default_value=float(np.min(sitk.GetArrayViewFromImage(image))),
    )
    return RotationResult(
        image=rotated,
        angle=float(angle),
        interpolator=interpolator_name,
        centre=tuple(float(c) for c in physical_centre(image)),
        zoom=zoom_box(image, fraction=0.16, centre=(0.52, 0.28)),
    )


def _titles(result: RotationResult) -> dict:
    return {
        "zoom_title": f"zoom, {INTERPOLATOR_LABELS[result.interpolator]}",
        "title": (
            f"rotated by {result.angle:g}° about "
            f"({result.centre[0]:.1f}, {result.centre[1]:.1f}) mm"
        ),
    }


class View:
    """The demo's figure: rotated image with its centre and zoom region, and the zoom.

    Built once from a result; `update` changes the artists in place.
    """

    def __init__(self, result: RotationResult, *, window=SOFT_TISSUE) -> None:
        self._zoom = ZoomView(result.image, result.zoom, window=window, **_titles(result))
        (centre,) = self._zoom.axes[0].plot(*result.centre, "+", color="tab:orange", ms=10, mew=2)
        self.figure = self._zoom.figure
        self.animated = [*self._zoom.animated, centre]

    def update(self, result: RotationResult) -> None:
        """Show another result in the same figure."""
        self._zoom.show(result.image, **_titles(result))


def draw(result: RotationResult, *, window=SOFT_TISSUE):
    """Draw a result as a new figure (for the pre-rendered version): ``View(result).figure``."""
    return View(result, window=window).figure


def _summary(result: RotationResult) -> str:
    return (
        f"{result.angle:g}° about the centre of the field of view "
        f"({result.centre[0]:.2f}, {result.centre[1]:.2f}) mm, "
        f"{INTERPOLATOR_LABELS[result.interpolator]} interpolation"
    )


SWEEPS = (
    Sweep("angle", "angle (°)", (0, 10, 30, 45, 90), 45),
    Sweep(
        "interpolator_name",
        "interpolator",
        tuple(INTERPOLATORS),
        "nearest",
        texts=tuple(INTERPOLATOR_LABELS[k] for k in INTERPOLATORS),
        kind="select",
    ),
)


def static_html() -> str:
    """Render the demo (5 angles x 3 interpolators = 15 frames) as HTML."""
    image = data.ct_head()
    frames = render_frames(SWEEPS, lambda **kw: draw(compute(image, **kw)), dpi=64)
    return sweep_html(
        "rotation",
        SWEEPS,
        frames,
        alt="Head CT rotated about the centre of its field of view by the chosen angle, with a "
        "zoomed region showing the effect of the interpolator.",
    )


def widget(image: sitk.Image | None = None, *, display: bool = True):
    """Live version: an angle slider (-180° to 180°) and an interpolator drop-down.

    Parameters
    ----------
    image : SimpleITK.Image, optional
        2D image; `medimg.data.ct_head` if omitted.
    display : bool
        Draw figures (False computes only, for tests).

    Returns
    -------
    medimg.demos._ui.DemoWidget
    """
    import ipywidgets

    from medimg.demos._ui import DemoWidget

    image = data.ct_head() if image is None else image
    controls = {
        "angle": ipywidgets.FloatSlider(
            value=30, min=-180, max=180, step=1, description="angle (°)", continuous_update=False
        ),
        "interpolator_name": ipywidgets.Dropdown(
            options=[(INTERPOLATOR_LABELS[k], k) for k in INTERPOLATORS],
            value="nearest",
            description="interpolator",
        ),
    }
    return DemoWidget(
        controls, lambda **kw: compute(image, **kw), View, summary=_summary, display=display
    )
