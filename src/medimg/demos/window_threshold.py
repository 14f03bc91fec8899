"""Demo: display window/level and a threshold mask on a CT in Hounsfield units.

The window maps ``[level - window/2, level + window/2]`` HU onto black..white (it changes
only the display; `medimg.intensity.window_range`), the threshold selects the pixels with
``lower <= value <= upper`` HU (it changes the data: a binary mask,
`medimg.segmentation.threshold`), drawn in colour over the image. The window presets are
the course's one table, `medimg.intensity.WINDOW_PRESETS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure

from medimg import data
from medimg.demos._common import log_counts_axis
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import extent_mm
from medimg.intensity import WINDOW_PRESETS, window_level, window_range
from medimg.regions import physical_size
from medimg.segmentation import threshold

__all__ = ["View", "WindowThresholdResult", "compute", "draw", "static_html", "widget"]

#: The presets offered by the demo (names of `medimg.intensity.WINDOW_PRESETS`).
PRESET_NAMES = ("brain", "soft tissue", "bone")


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

    The same as ``window_range(window, level)`` and ``threshold(array, lower, upper)``,
    with the mask's area from `medimg.regions.physical_size`.

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
    if not lower <= upper:
        raise ValueError(f"lower must be <= upper, got lower={lower}, upper={upper}")
    vmin, vmax = window_range(window, level)
    array = sitk.GetArrayViewFromImage(image)
    inside = threshold(array, lower, upper)
    mask = sitk.GetImageFromArray(inside)
    mask.CopyInformation(image)
    count = int(np.count_nonzero(inside))
    return WindowThresholdResult(
        image=image,
        window=float(window),
        level=float(level),
        vmin=vmin,
        vmax=vmax,
        lower=float(lower),
        upper=float(upper),
        mask=mask,
        fraction=count / inside.size,
        area=physical_size(mask),
        mean=float(array[inside.astype(bool)].mean()) if count else float("nan"),
    )


#: Colour and opacity of the mask over the windowed image.
_MASK_RGB = np.array([1.0, 0.35, 0.0])
_MASK_ALPHA = 0.55


def _composite(result: WindowThresholdResult) -> np.ndarray:
    """RGB picture: the image through `medimg.intensity.window_level`, the mask in orange."""
    grey = window_level(sitk.GetArrayViewFromImage(result.image), result.window, result.level)
    rgb = np.repeat(grey[..., np.newaxis], 3, axis=-1)
    inside = sitk.GetArrayViewFromImage(result.mask).astype(bool)
    rgb[inside] = (1 - _MASK_ALPHA) * rgb[inside] + _MASK_ALPHA * _MASK_RGB
    return (255 * rgb).astype(np.uint8)


def _histogram(image: sitk.Image) -> tuple[np.ndarray, np.ndarray]:
    return np.histogram(sitk.GetArrayViewFromImage(image), bins=200, range=(-1100, 1600))


def _titles(result: WindowThresholdResult) -> tuple[str, str]:
    return (
        f"W {result.window:g} / L {result.level:g} HU",
        f"mask {result.lower:g}..{result.upper:g} HU: {result.area / 100:.1f} cm², "
        f"{100 * result.fraction:.1f} % of the pixels",
    )


class View:
    """The demo's figure: windowed image with the mask, and the histogram with both bands.

    Built once from a result; `update` changes the display range, the mask, the two bands
    and the titles in place.
    """

    def __init__(self, result: WindowThresholdResult) -> None:
        self.figure = fig = Figure(figsize=(8.4, 3.8))
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.1])
        fig.subplots_adjust(left=0.09, right=0.97, bottom=0.13, top=0.88, wspace=0.55)
        title_image, title_mask = _titles(result)
        # One RGB picture (windowed grey + orange mask) instead of two layers: half the
        # drawing work per update. No colour bar: the window moves, and the histogram shows
        # it on the HU axis.
        self.image = ax1.imshow(_composite(result), extent=extent_mm(result.image))
        ax1.set_xlabel("x (mm)")
        ax1.set_ylabel("y (mm)")
        self.title_image = ax1.set_title(title_image, fontsize=9)
        counts, edges = _histogram(result.image)  # the input's: drawn once, never updated
        ax2.stairs(counts, edges, fill=True, color="0.5")
        log_counts_axis(ax2)
        self.window_band = ax2.axvspan(
            result.vmin, result.vmax, color="tab:blue", alpha=0.2, label="window"
        )
        self.threshold_band = ax2.axvspan(
            result.lower, result.upper, color="tab:orange", alpha=0.35, label="threshold"
        )
        ax2.set_xlim(-1100, 1600)
        ax2.set_xlabel("value (HU)")
        ax2.set_ylabel("pixels")
        ax2.legend(fontsize=7, loc="lower left", bbox_to_anchor=(0.0, 1.08), ncols=2)
        self.title_mask = ax2.set_title(title_mask, fontsize=9, loc="right")
        self.animated = [
            self.image,
            self.title_image,
            self.window_band,
            self.threshold_band,
            self.title_mask,
        ]

    def update(self, result: WindowThresholdResult) -> None:
        """Show another result in the same figure."""
        self.image.set_data(_composite(result))
        self.window_band.set_x(result.vmin)
        self.window_band.set_width(result.vmax - result.vmin)
        self.threshold_band.set_x(result.lower)
        self.threshold_band.set_width(result.upper - result.lower)
        title_image, title_mask = _titles(result)
        self.title_image.set_text(title_image)
        self.title_mask.set_text(title_mask)


def draw(result: WindowThresholdResult) -> Figure:
    """Draw a result as a new figure (for the pre-rendered version): ``View(result).figure``."""
    return View(result).figure


def _summary(result: WindowThresholdResult) -> str:
    return (
        f"display {result.vmin:g}..{result.vmax:g} HU; mask {result.lower:g}..{result.upper:g} HU: "
        f"{result.area / 100:.1f} cm², {100 * result.fraction:.1f} % of the pixels, "
        f"mean {result.mean:.0f} HU"
    )


SWEEPS = (
    Sweep("preset", "window", PRESET_NAMES, "brain", kind="select"),
    Sweep("lower", "lower threshold (HU)", (-500, 0, 60, 300, 1000), 300),
)
#: Upper threshold of the pre-rendered version (HU): everything above ``lower``.
STATIC_UPPER = 3000.0


def static_html() -> str:
    """Render the demo (3 windows x 5 lower thresholds = 15 frames) as HTML."""
    image = data.ct_head()

    def make_figure(preset: str, lower: float) -> Figure:
        window, level = WINDOW_PRESETS[preset]
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

    brain = WINDOW_PRESETS["brain"]
    controls = {
        "window": slider("window", brain.width, 1, 4000),
        "level": slider("level", brain.level, -1000, 2000),
        "lower": slider("lower", 300, -1100, 3000),
        "upper": slider("upper", 3000, -1100, 3000),
    }
    return DemoWidget(
        controls, lambda **kw: compute(image, **kw), View, summary=_summary, display=display
    )
