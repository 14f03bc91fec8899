"""Small pieces shared by several demos: on-screen names, the demo images, a zoom window.

Nothing here computes what a chapter teaches: interpolators come from
`medimg.resampling.INTERPOLATORS`, display windows from `medimg.intensity.WINDOW_PRESETS`.
"""

from __future__ import annotations

import functools

import numpy as np
import SimpleITK as sitk
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from medimg import data, intensity
from medimg.display import imshow_mm, set_image

__all__ = [
    "INTERPOLATOR_LABELS",
    "SOFT_TISSUE",
    "ZoomView",
    "ct_head_padding_to_air",
    "log_counts_axis",
    "zoom_box",
]

#: How the interpolators of `medimg.resampling.INTERPOLATORS` are named on screen.
INTERPOLATOR_LABELS = {
    "nearest": "nearest neighbour",
    "linear": "linear",
    "bspline": "cubic B-spline",
}

#: The soft-tissue display window of `medimg.intensity.WINDOW_PRESETS`, as (vmin, vmax) in HU.
SOFT_TISSUE = intensity.window_range(*intensity.WINDOW_PRESETS["soft tissue"])


@functools.cache
def ct_head_padding_to_air() -> sitk.Image:
    """Return the head CT of `medimg.data.ct_head` after `medimg.intensity.padding_to_air`.

    Outside the reconstruction circle the file stores -3024 HU, a code rather than a
    measurement; the demos that measure noise set it to air (-1000 HU) and say so on the
    page. Float32, 512 x 512, 0.4785 mm, the file's geometry.
    """
    return intensity.padding_to_air(data.ct_head())


def zoom_box(image: sitk.Image, *, fraction: float = 0.2, centre=(0.35, 0.4)) -> tuple:
    """Return a square zoom window inside a 2D image, in mm (a layout choice, not a result).

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


class ZoomView:
    """A 2D image with a zoom region marked (left) and that region enlarged (right).

    Built once; `update` swaps the image and the texts in place.

    Parameters
    ----------
    image : SimpleITK.Image
        2D image, drawn with mm axes.
    zoom : ((x0, x1), (y0, y1))
        Zoom window in mm, as `zoom_box` returns it.
    window : (float, float)
        Display range (vmin, vmax), e.g. in HU.
    zoom_title, title : str
        Title of the enlarged panel, and of the figure.
    """

    def __init__(
        self, image: sitk.Image, zoom: tuple, *, window: tuple, zoom_title: str, title: str
    ) -> None:
        self.figure = fig = Figure(figsize=(7.6, 3.8))
        ax1, ax2 = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.86, wspace=0.3)
        self.axes = (ax1, ax2)
        self.full = imshow_mm(image, ax=ax1, vmin=window[0], vmax=window[1])
        (x0, x1), (y0, y1) = zoom
        box = Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="tab:orange", lw=1.5)
        ax1.add_patch(box)
        self.zoomed = imshow_mm(image, ax=ax2, vmin=window[0], vmax=window[1])
        self.limits = (ax1.get_xlim(), ax1.get_ylim())
        ax2.set_xlim(x0, x1)
        ax2.set_ylim(y1, y0)
        self.zoom_title = ax2.set_title(zoom_title, fontsize=9)
        self.title = fig.suptitle(title, fontsize=10)
        #: What changes from one update to the next (drawn in this order over the rest).
        self.animated = [self.full, box, self.zoomed, self.zoom_title, self.title]

    def show(self, image: sitk.Image, *, zoom_title: str, title: str) -> None:
        """Show another image (same field of view) and texts, in place."""
        for artist in (self.full, self.zoomed):
            set_image(artist, image)
        self.axes[0].set_xlim(*self.limits[0])
        self.axes[0].set_ylim(*self.limits[1])
        self.zoom_title.set_text(zoom_title)
        self.title.set_text(title)


def log_counts_axis(ax: Axes) -> None:
    """Use a logarithmic y axis for histogram counts, labelled 1, 10, 100, ... in plain text.

    Plain labels are much quicker to draw than the default mathtext powers of ten, which
    matters when a figure is redrawn on every slider move.
    """
    ax.set_yscale("log", nonpositive="clip")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
