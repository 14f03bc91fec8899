"""Small pieces shared by several demos: interpolators, the demo image, a zoom window."""

from __future__ import annotations

import functools

import matplotlib.pyplot as plt
import numpy as np
import SimpleITK as sitk
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from medimg import data
from medimg.display import imshow_mm

__all__ = [
    "INTERPOLATORS",
    "INTERPOLATOR_LABELS",
    "ct_head_air",
    "interpolator",
    "log_counts_axis",
    "zoom_box",
    "zoom_figure",
]

#: Interpolator names used by the demos -> SimpleITK constants.
INTERPOLATORS = {
    "nearest": sitk.sitkNearestNeighbor,
    "linear": sitk.sitkLinear,
    "bspline": sitk.sitkBSpline,
}
#: How the interpolators are named on screen.
INTERPOLATOR_LABELS = {
    "nearest": "nearest neighbour",
    "linear": "linear",
    "bspline": "cubic B-spline",
}

#: Soft-tissue display window (W 400, L 40) in HU, as (vmin, vmax).
SOFT_TISSUE = (-160.0, 240.0)


def interpolator(name: str) -> int:
    """SimpleITK interpolator constant for ``"nearest"``, ``"linear"`` or ``"bspline"``."""
    try:
        return INTERPOLATORS[name]
    except KeyError:
        raise ValueError(
            f"interpolator must be one of {sorted(INTERPOLATORS)}, got {name!r}"
        ) from None


@functools.cache
def ct_head_air() -> sitk.Image:
    """Return the head CT of `medimg.data.ct_head` with its padding set to air.

    Outside the reconstruction circle the scanner stores -3024 HU, a code rather than a
    measurement; here those pixels are set to air (-1024 HU) so that statistics such as the
    intensity range and the signal power describe the patient. Values in HU, 512 x 512,
    0.4785 mm, float32, same geometry as the file.
    """
    image = sitk.Cast(data.ct_head(), sitk.sitkFloat32)
    return sitk.Threshold(image, lower=-1024.0, upper=1.0e9, outsideValue=-1024.0)


def zoom_box(image: sitk.Image, *, fraction: float = 0.2, centre=(0.35, 0.4)) -> tuple:
    """Return a square zoom window inside a 2D image, in mm.

    Parameters
    ----------
    image : SimpleITK.Image
        2D image with an axis-aligned direction.
    fraction : float
        Side of the window as a fraction of the field of view along x.
    centre : (float, float)
        Centre of the window as fractions of the field of view, (x, y) order.

    Returns
    -------
    ((x0, x1), (y0, y1)) : tuple
        Window limits in mm, increasing.
    """
    size = np.array(image.GetSize(), dtype=float)
    first = np.array(image.TransformContinuousIndexToPhysicalPoint((-0.5, -0.5)))
    last = np.array(image.TransformContinuousIndexToPhysicalPoint(tuple(size - 0.5)))
    low, high = np.minimum(first, last), np.maximum(first, last)
    fov = high - low
    side = fraction * fov[0]
    cx, cy = low + np.asarray(centre) * fov
    return (
        (float(cx - side / 2), float(cx + side / 2)),
        (float(cy - side / 2), float(cy + side / 2)),
    )


def zoom_figure(
    image: sitk.Image, zoom: tuple, *, window: tuple[float, float], zoom_title: str
) -> tuple[Figure, Axes, Axes]:
    """Draw a 2D image with a zoom region marked (left) and that region enlarged (right).

    Parameters
    ----------
    image : SimpleITK.Image
        2D image, drawn with mm axes.
    zoom : ((x0, x1), (y0, y1))
        Zoom window in mm, as `zoom_box` returns it.
    window : (float, float)
        Display range (vmin, vmax), e.g. in HU.
    zoom_title : str
        Title of the enlarged panel.

    Returns
    -------
    (figure, full_axes, zoom_axes)
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.6, 3.8))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.86, wspace=0.3)
    imshow_mm(image, ax=ax1, vmin=window[0], vmax=window[1])
    (x0, x1), (y0, y1) = zoom
    ax1.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="tab:orange", lw=1.5))
    imshow_mm(image, ax=ax2, vmin=window[0], vmax=window[1])
    ax2.set_xlim(x0, x1)
    ax2.set_ylim(y1, y0)
    ax2.set_title(zoom_title, fontsize=9)
    return fig, ax1, ax2


def log_counts_axis(ax: Axes) -> None:
    """Use a logarithmic y axis for histogram counts, labelled 1, 10, 100, ... in plain text.

    Plain labels are much quicker to draw than the default mathtext powers of ten, which
    matters when a figure is redrawn on every slider move.
    """
    ax.set_yscale("log", nonpositive="clip")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
