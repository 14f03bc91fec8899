"""Demo: display window/level and a threshold mask on a CT in Hounsfield units.

The window maps ``[level - window/2, level + window/2]`` HU onto black..white (it changes
only the display); the threshold selects the pixels with ``lower <= value <= upper`` HU
(it changes the data: a binary mask), drawn in colour over the image.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import SimpleITK as sitk
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from medimg import data
from medimg.demos._common import log_counts_axis
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import imshow_mm

__all__ = ["PRESETS", "WindowThresholdResult", "compute", "draw", "static_html", "widget"]

#: Common CT display windows: name -> (window, level) in HU.
PRESETS = {"brain": (80.0, 40.0), "soft tissue": (400.0, 40.0), "bone": (1800.0, 400.0)}


@dataclass(frozen=True)
class WindowThresholdResult:
    """What `compute` returns.

    Attributes
    ----------
    image : SimpleITK.Image
        The input image (HU).
    vmin, vmax : float
        Display range from the window and level, in HU.
    lower, upper : float
        Threshold interval in HU (inclusive).
    mask : SimpleITK.Image
        ``sitkUInt8``, 1 where ``lower <= value <= upper``, same geometry as ``image``.
    fraction : float
        Fraction of the pixels in the mask.
    area : float
        Area of the mask in mm² (pixel count x pixel area).
    mean : float
        Mean HU inside the mask (NaN if the mask is empty).
    """

    image: sitk.Image
    window: float
    level: float
    vmin: float
    vmax: float
    lower: float
    upper: float
    mask: sitk.Image
    fraction: float
    area: float
    mean: float


def compute(
    image: sitk.Image, *, window: float, level: float, lower: float, upper: float
) -> WindowThresholdResult:
    """Display range from window/level and a mask from a threshold interval.

    Parameters
    ----------
    image : SimpleITK.Image
        2D scalar image in HU.
    window : float
        Width of the display range in HU, > 0.
    level : float
        Centre of the display range in HU.
    lower, upper : float
        Threshold interval in HU, ``lower <= upper``.

    Returns
    -------
    WindowThresholdResult

    Examples
    --------
    >>> from medimg import data
    >>> result = compute(data.ct_head(), window=80, level=40, lower=300, upper=3000)
    >>> result.vmin, result.vmax
    (0.0, 80.0)
    >>> 0.0 < result.fraction < 0.2
    True
    """
    if not window > 0:
        raise ValueError(f"window must be > 0 HU, got {window}")
    if not lower <= upper:
        raise ValueError(f"lower must be <= upper, got lower={lower}, upper={upper}")
    array = sitk.GetArrayViewFromImage(image)
    inside = (array >= lower) & (array <= upper)
    mask = sitk.GetImageFromArray(inside.astype(np.uint8))
    mask.CopyInformation(image)
    count = int(inside.sum())
    return WindowThresholdResult(
        image=image,
        window=float(window),
        level=float(level),
        vmin=float(level - window / 2),
        vmax=float(level + window / 2),
        lower=float(lower),
        upper=float(upper),
        mask=mask,
        fraction=count / inside.size,
        area=count * float(np.prod(image.GetSpacing())),
        mean=float(array[inside].mean()) if count else float("nan"),
    )


_OVERLAY = ListedColormap([(0, 0, 0, 0), (1.0, 0.35, 0.0, 0.55)])


def draw(result: WindowThresholdResult) -> Figure:
    """Draw the windowed image with the mask overlaid, and the histogram with window and threshold.

    Parameters
    ----------
    result : WindowThresholdResult
        From `compute`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8.4, 3.8), width_ratios=[1, 1.1])
    fig.subplots_adjust(left=0.09, right=0.97, bottom=0.13, top=0.88, wspace=0.55)
    imshow_mm(
        result.image,
        ax=ax1,
        vmin=result.vmin,
        vmax=result.vmax,
        title=f"W {result.window:g} / L {result.level:g} HU",
        colorbar="HU",
    )
    imshow_mm(result.mask, ax=ax1, cmap=_OVERLAY, vmin=0, vmax=1)
    ax1.title.set_fontsize(9)
    array = sitk.GetArrayViewFromImage(result.image)
    counts, edges = np.histogram(array, bins=200, range=(-1100, 1600))
    ax2.stairs(counts, edges, fill=True, color="0.5")
    log_counts_axis(ax2)
    ax2.axvspan(result.vmin, result.vmax, color="tab:blue", alpha=0.2, label="window")
    ax2.axvspan(result.lower, result.upper, color="tab:orange", alpha=0.35, label="threshold")
    ax2.set_xlim(-1100, 1600)
    ax2.set_xlabel("value (HU)")
    ax2.set_ylabel("pixels")
    ax2.legend(fontsize=7, loc="upper right")
    ax2.set_title(
        f"mask {result.lower:g}..{result.upper:g} HU: {result.area / 100:.1f} cm², "
        f"{100 * result.fraction:.1f} % of the pixels",
        fontsize=9,
    )
    return fig


def _summary(result: WindowThresholdResult) -> str:
    return (
        f"display {result.vmin:g}..{result.vmax:g} HU; mask {result.lower:g}..{result.upper:g} HU: "
        f"{result.area / 100:.1f} cm², {100 * result.fraction:.1f} % of the pixels, "
        f"mean {result.mean:.0f} HU"
    )


SWEEPS = (
    Sweep("preset", "window", tuple(PRESETS), "brain", kind="select"),
    Sweep("lower", "lower threshold (HU)", (-500, 0, 60, 300, 1000), 300),
)
#: Upper threshold of the pre-rendered version (HU): everything above ``lower``.
STATIC_UPPER = 3000.0


def static_html() -> str:
    """Render the demo (3 windows x 5 lower thresholds = 15 frames) as HTML."""
    image = data.ct_head()

    def make_figure(preset: str, lower: float) -> Figure:
        window, level = PRESETS[preset]
        return draw(compute(image, window=window, level=level, lower=lower, upper=STATIC_UPPER))

    frames = render_frames(SWEEPS, make_figure, dpi=64)
    return sweep_html(
        "window_threshold",
        SWEEPS,
        frames,
        alt="Head CT shown with the chosen display window, the pixels above the chosen "
        "threshold in orange, and the histogram of HU values with window and threshold marked.",
    )


def widget(image: sitk.Image | None = None, *, display: bool = True):
    """Live version: window, level, lower and upper threshold sliders (HU).

    Parameters
    ----------
    image : SimpleITK.Image, optional
        2D image in HU; `medimg.data.ct_head` if omitted.
    display : bool
        Draw figures (False computes only, for tests).

    Returns
    -------
    medimg.demos._ui.DemoWidget
    """
    import ipywidgets

    from medimg.demos._ui import DemoWidget

    image = data.ct_head() if image is None else image

    def slider(description, value, low, high, step=10):
        return ipywidgets.FloatSlider(
            value=value,
            min=low,
            max=high,
            step=step,
            description=description,
            continuous_update=False,
        )

    controls = {
        "window": slider("window", 80, 1, 4000),
        "level": slider("level", 40, -1000, 2000),
        "lower": slider("lower", 300, -1100, 3000),
        "upper": slider("upper", 3000, -1100, 3000),
    }
    return DemoWidget(
        controls, lambda **kw: compute(image, **kw), draw, summary=_summary, display=display
    )
