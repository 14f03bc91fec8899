"""Demo: resampling an image to a new pixel spacing with different interpolators.

The compute step is `medimg.resampling.resample_to_spacing`, the function chapter 5
teaches, with its convention: the **origin is kept** (sample 0 stays at the same world
point) and the new size is ``round(size * spacing / new_spacing)``
(`medimg.geometry.resampled_size`: 512 px at 1 mm -> 341 px at 1.5 mm). The head CT has
0.4785 mm pixels, so at 1.5 mm it becomes 163 x 163 px.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

from medimg import data
from medimg.demos._common import INTERPOLATOR_LABELS, SOFT_TISSUE, ZoomView, zoom_box
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.resampling import INTERPOLATORS, resample_to_spacing

__all__ = ["InterpolationResult", "View", "compute", "draw", "static_html", "widget"]


@dataclass(frozen=True)
class InterpolationResult:
    """What `compute` returns.

    Attributes
    ----------
    image : SimpleITK.Image
        The resampled image (float32).
    interpolator : str
        ``"nearest"``, ``"linear"`` or ``"bspline"``.
    size_in, size_out : tuple of int
        Sizes before and after, (x, y) order, in pixels.
    spacing_in, spacing_out : tuple of float
        Spacings before and after, (x, y) order, in mm.
    zoom : tuple
        ``((x0, x1), (y0, y1))``: the zoomed region in mm.
    """

    image: sitk.Image
    interpolator: str
    size_in: tuple
    size_out: tuple
    spacing_in: tuple
    spacing_out: tuple
    zoom: tuple


def compute(
    image: sitk.Image, *, new_spacing: float, interpolator_name: str = "linear"
) -> InterpolationResult:
    """Resample ``image`` to an isotropic ``new_spacing`` (mm), origin kept.

    The same as ``resample_to_spacing(float32 image, new_spacing, interpolator=...,
    default_value=image minimum)``.

    Parameters
    ----------
    image : SimpleITK.Image
        2D or 3D image.
    new_spacing : float
        Target spacing in mm, > 0, the same along every axis.
    interpolator_name : {"nearest", "linear", "bspline"}
        How values between the input samples are estimated.

    Returns
    -------
    InterpolationResult

    Examples
    --------
    >>> import SimpleITK as sitk
    >>> grid = sitk.Image(512, 512, sitk.sitkFloat32)  # 1 mm pixels
    >>> compute(grid, new_spacing=1.5).size_out
    (341, 341)
    >>> from medimg import data
    >>> compute(data.ct_head(), new_spacing=1.5, interpolator_name="nearest").size_out
    (163, 163)
    """
    if not np.isfinite(new_spacing) or new_spacing <= 0:
        raise ValueError(f"new_spacing must be > 0 mm, got {new_spacing}")
    if interpolator_name not in INTERPOLATORS:
        raise ValueError(
            f"interpolator_name must be one of {sorted(INTERPOLATORS)}, got {interpolator_name!r}"
        )
    dim = image.GetDimension()
    resampled = resample_to_spacing(
        sitk.Cast(image, sitk.sitkFloat32),
        float(new_spacing),
        interpolator=interpolator_name,
        default_value=float(np.min(sitk.GetArrayViewFromImage(image))),
    )
    return InterpolationResult(
        image=resampled,
        interpolator=interpolator_name,
        size_in=image.GetSize(),
        size_out=resampled.GetSize(),
        spacing_in=tuple(float(s) for s in image.GetSpacing()),
        spacing_out=tuple(float(s) for s in resampled.GetSpacing()),
        zoom=zoom_box(image, fraction=0.16, centre=(0.52, 0.28)) if dim == 2 else None,
    )


def _titles(result: InterpolationResult) -> dict:
    return {
        "zoom_title": f"zoom, {INTERPOLATOR_LABELS[result.interpolator]}",
        "title": (
            f"{result.size_in[0]} x {result.size_in[1]} px at {result.spacing_in[0]:.4g} mm → "
            f"{result.size_out[0]} x {result.size_out[1]} px at {result.spacing_out[0]:.4g} mm"
        ),
    }


class View:
    """The demo's figure: resampled image with the zoom region, and the zoomed region.

    Built once from a result; `update` changes the artists in place.
    """

    def __init__(self, result: InterpolationResult, *, window=SOFT_TISSUE) -> None:
        self._zoom = ZoomView(result.image, result.zoom, window=window, **_titles(result))
        self.figure = self._zoom.figure
        self.animated = self._zoom.animated

    def update(self, result: InterpolationResult) -> None:
        """Show another result in the same figure."""
        self._zoom.show(result.image, **_titles(result))


def draw(result: InterpolationResult, *, window=SOFT_TISSUE):
    """Draw a result as a new figure (for the pre-rendered version): ``View(result).figure``."""
    return View(result, window=window).figure


def _summary(result: InterpolationResult) -> str:
    return (
        f"{result.size_in[0]} x {result.size_in[1]} px at {result.spacing_in[0]:.4f} mm → "
        f"{result.size_out[0]} x {result.size_out[1]} px at {result.spacing_out[0]:.4f} mm "
        f"({INTERPOLATOR_LABELS[result.interpolator]})"
    )


SWEEPS = (
    Sweep("new_spacing", "new spacing (mm)", (0.25, 0.5, 1.0, 1.5, 3.0), 1.5),
    Sweep(
        "interpolator_name",
        "interpolator",
        tuple(INTERPOLATORS),
        "linear",
        texts=tuple(INTERPOLATOR_LABELS[k] for k in INTERPOLATORS),
        kind="select",
    ),
)


def static_html() -> str:
    """Render the demo (5 spacings x 3 interpolators = 15 frames) as HTML."""
    image = data.ct_head()
    frames = render_frames(SWEEPS, lambda **kw: draw(compute(image, **kw)), dpi=64)
    return sweep_html(
        "interpolation",
        SWEEPS,
        frames,
        alt="Head CT resampled to the chosen pixel spacing with the chosen interpolator, "
        "with a zoomed region showing the pixels.",
    )


def widget(image: sitk.Image | None = None, *, display: bool = True):
    """Live version: a spacing slider (0.2-4 mm) and an interpolator drop-down.

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
        "new_spacing": ipywidgets.FloatSlider(
            value=1.5,
            min=0.2,
            max=4.0,
            step=0.1,
            description="spacing (mm)",
            continuous_update=False,
        ),
        "interpolator_name": ipywidgets.Dropdown(
            options=[(INTERPOLATOR_LABELS[k], k) for k in INTERPOLATORS],
            value="linear",
            description="interpolator",
        ),
    }
    return DemoWidget(
        controls, lambda **kw: compute(image, **kw), View, summary=_summary, display=display
    )
