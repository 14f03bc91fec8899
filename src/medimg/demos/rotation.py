"""Demo: rotating an image about its physical centre with different interpolators.

The rotated image lives on the same grid as the input. For every output pixel at world
point ``p`` the value is looked up (interpolated) in the input at ``R(-angle) (p - c) + c``,
where ``c`` is the centre of the field of view in mm. Positive angles turn the content
from +x towards +y, which looks clockwise on screen because y points down in the display.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure

from medimg import data
from medimg.demos._common import (
    INTERPOLATOR_LABELS,
    INTERPOLATORS,
    SOFT_TISSUE,
    interpolator,
    zoom_box,
    zoom_figure,
)
from medimg.demos._static import Sweep, render_frames, sweep_html

__all__ = ["RotationResult", "compute", "draw", "physical_centre", "static_html", "widget"]


def physical_centre(image: sitk.Image) -> tuple[float, ...]:
    """World point (mm, x, y[, z] order) at the centre of the image's field of view.

    Examples
    --------
    >>> import SimpleITK as sitk
    >>> image = sitk.Image(5, 3, sitk.sitkUInt8)
    >>> image.SetSpacing((2.0, 1.0))
    >>> physical_centre(image)
    (4.0, 1.0)
    """
    centre_index = [(n - 1) / 2 for n in image.GetSize()]
    return tuple(float(v) for v in image.TransformContinuousIndexToPhysicalPoint(centre_index))


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
    kind = interpolator(interpolator_name)
    centre = physical_centre(image)
    transform = sitk.Euler2DTransform(centre, -np.deg2rad(float(angle)))
    rotated = sitk.Resample(
        sitk.Cast(image, sitk.sitkFloat32),
        image,
        transform,
        kind,
        float(np.min(sitk.GetArrayViewFromImage(image))),
        sitk.sitkFloat32,
    )
    return RotationResult(
        image=rotated,
        angle=float(angle),
        interpolator=interpolator_name,
        centre=centre,
        zoom=zoom_box(image, fraction=0.16, centre=(0.52, 0.28)),
    )


def draw(result: RotationResult, *, window=SOFT_TISSUE) -> Figure:
    """Draw the rotated image with its centre and zoom region marked, and the zoomed region.

    Parameters
    ----------
    result : RotationResult
        From `compute`.
    window : (float, float)
        Display range in HU.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax1, _ = zoom_figure(
        result.image,
        result.zoom,
        window=window,
        zoom_title=f"zoom, {INTERPOLATOR_LABELS[result.interpolator]}",
    )
    ax1.plot(*result.centre, "+", color="tab:orange", ms=10, mew=2)
    fig.suptitle(
        f"rotated by {result.angle:g}° about ({result.centre[0]:.1f}, {result.centre[1]:.1f}) mm",
        fontsize=10,
    )
    return fig


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
        controls, lambda **kw: compute(image, **kw), draw, summary=_summary, display=display
    )
