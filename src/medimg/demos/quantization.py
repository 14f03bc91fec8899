"""Demo: quantizing CT values to ``2**bits`` grey levels, with the histogram and the error.

The compute step is `medimg.sampling.quantize_bits`, the **mid-rise** rule of chapter 3
(`medimg.sampling.QuantizationRule`): the value range of the image is split into
``L = 2**bits`` equal steps of width ``q = (max - min) / L`` and every value is replaced by
the centre of its step, so the error is at most ``q / 2`` and its root mean square close
to ``q / sqrt(12)``. The image is the head CT file as it is: its range runs from the
padding value -3024 HU (outside the reconstruction circle) to the densest bone, and the
padding is part of what is quantized.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure

from medimg import data
from medimg.demos._common import SOFT_TISSUE, log_counts_axis
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import imshow_mm, set_image
from medimg.sampling import (
    QuantizationRule,
    level_values,
    quantization_error_bound,
    quantize_bits,
)

__all__ = ["QuantizationResult", "View", "compute", "draw", "static_html", "widget"]


@dataclass(frozen=True)
class QuantizationResult:
    """What `compute` returns.

    Attributes
    ----------
    bits : int
        Bits per pixel.
    levels : int
        Number of grey levels, ``2**bits``.
    step : float
        Width of one level, in the image's unit (HU for CT).
    level_values : ndarray
        The representable values (centres of the steps), increasing.
    image : SimpleITK.Image
        The quantized image, float32, same geometry as the input.
    error : ndarray
        Quantized minus original, (y, x) array order, float.
    rms_error, max_error : float
        Root mean square and largest absolute error.
    histogram : ndarray
        Counts of the original values in 256 bins over the value range.
    histogram_quantized : ndarray
        Counts of the quantized values in the same bins.
    bin_edges : ndarray
        The 257 bin edges.
    """

    bits: int
    levels: int
    step: float
    level_values: np.ndarray
    image: sitk.Image
    error: np.ndarray
    rms_error: float
    max_error: float
    histogram: np.ndarray
    histogram_quantized: np.ndarray
    bin_edges: np.ndarray


def compute(image: sitk.Image, *, bits: int) -> QuantizationResult:
    """Quantize a scalar image uniformly to ``2**bits`` levels over its value range.

    The same as ``quantize_bits(array, bits)`` (mid-rise, range = the image's minimum and
    maximum).

    Parameters
    ----------
    image : SimpleITK.Image
        Scalar image (any dimension).
    bits : int
        Bits per pixel, 1-16.

    Returns
    -------
    QuantizationResult

    Examples
    --------
    >>> from medimg import data
    >>> result = compute(data.ct_head(), bits=8)
    >>> result.levels, round(result.step, 2)  # (1468 - (-3024)) / 256 HU
    (256, 17.55)
    >>> bool(result.max_error <= quantization_error_bound(result.step, rule="mid-rise"))
    True
    """
    if isinstance(bits, bool) or int(bits) != bits or not 1 <= bits <= 16:
        raise ValueError(f"bits must be an integer in 1..16, got {bits}")
    bits = int(bits)
    array = sitk.GetArrayViewFromImage(image).astype(np.float64)
    lo, hi = float(array.min()), float(array.max())
    if not hi > lo:
        raise ValueError(f"image is constant ({lo}); there is no range to quantize")
    levels = 2**bits
    step = (hi - lo) / levels
    quantized = quantize_bits(array, bits, vmin=lo, vmax=hi)
    error = quantized - array
    edges = np.linspace(lo, hi, 257)
    out = sitk.GetImageFromArray(quantized.astype(np.float32))
    out.CopyInformation(image)
    return QuantizationResult(
        bits=bits,
        levels=levels,
        step=step,
        level_values=level_values(np.arange(levels), levels, lo, hi),
        image=out,
        error=error,
        rms_error=float(np.sqrt(np.mean(error**2))),
        max_error=float(np.abs(error).max()),
        histogram=np.histogram(array, bins=edges)[0],
        histogram_quantized=np.histogram(quantized, bins=edges)[0],
        bin_edges=edges,
    )


def _titles(result: QuantizationResult) -> tuple[str, str]:
    return (
        f"{result.bits} bit: {result.levels} levels, step {result.step:.1f} HU",
        f"error: RMS {result.rms_error:.1f} HU, max {result.max_error:.1f} HU",
    )


class View:
    """The demo's figure: quantized image, histograms before/after, and the error image.

    Built once from a result; `update` changes the pixels, the quantized histogram, the
    error scale (±q/2) and the titles in place.
    """

    def __init__(self, result: QuantizationResult, *, window=SOFT_TISSUE) -> None:
        self.figure = fig = Figure(figsize=(10.5, 3.4))
        ax1, ax2, ax3 = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.075, right=0.94, bottom=0.15, top=0.88, wspace=0.45)
        title_image, title_error = _titles(result)
        self.image = imshow_mm(result.image, ax=ax1, vmin=window[0], vmax=window[1])
        self.limits = (ax1.get_xlim(), ax1.get_ylim())
        self.title_image = ax1.set_title(title_image, fontsize=9)
        ax2.stairs(result.histogram, result.bin_edges, fill=True, color="0.75", label="original")
        self.histogram = ax2.stairs(
            result.histogram_quantized, result.bin_edges, color="tab:blue", label="quantized"
        )
        log_counts_axis(ax2)
        ax2.set_ylim(0.5, 2 * result.image.GetNumberOfPixels())
        ax2.set_xlabel("value (HU)")
        ax2.set_ylabel("pixels")
        ax2.set_title("histogram", fontsize=9)
        legend = ax2.legend(fontsize=7, loc="upper right")
        # The error in units of the step q: the mid-rise bound is then always ±0.5, so the
        # colour bar stays the same while the number of bits changes.
        bound = quantization_error_bound(1.0, rule=QuantizationRule.MID_RISE)
        self.error = imshow_mm(
            self._error_image(result),
            ax=ax3,
            cmap="viridis",
            vmin=-bound,
            vmax=bound,
            colorbar="error / step q",
        )
        self.title_error = ax3.set_title(title_error, fontsize=9)
        self.animated = [
            self.image,
            self.title_image,
            self.histogram,
            legend,
            self.error,
            self.title_error,
        ]

    @staticmethod
    def _error_image(result: QuantizationResult) -> sitk.Image:
        image = sitk.GetImageFromArray(result.error / result.step)
        image.CopyInformation(result.image)
        return image

    def update(self, result: QuantizationResult) -> None:
        """Show another result in the same figure."""
        set_image(self.image, result.image)
        self.histogram.set_data(result.histogram_quantized, result.bin_edges)
        set_image(self.error, self._error_image(result))
        title_image, title_error = _titles(result)
        self.title_image.set_text(title_image)
        self.title_error.set_text(title_error)


def draw(result: QuantizationResult, *, window=SOFT_TISSUE) -> Figure:
    """Draw a result as a new figure (for the pre-rendered version): ``View(result).figure``."""
    return View(result, window=window).figure


def _summary(result: QuantizationResult) -> str:
    return (
        f"{result.levels} levels, step {result.step:.2f} HU, RMS error {result.rms_error:.2f} HU "
        f"(step/√12 = {result.step / np.sqrt(12):.2f} HU), max error {result.max_error:.2f} HU"
    )


SWEEPS = (Sweep("bits", "bits per pixel", tuple(range(1, 9)), 3),)


def static_html() -> str:
    """Render the demo (8 frames, 1-8 bits) as self-contained HTML."""
    image = data.ct_head()
    frames = render_frames(SWEEPS, lambda bits: draw(compute(image, bits=bits)), dpi=64)
    return sweep_html(
        "quantization",
        SWEEPS,
        frames,
        alt="Head CT quantized to the chosen number of bits, the histograms of the original "
        "and quantized values, and the quantization error image.",
    )


def widget(image: sitk.Image | None = None, *, display: bool = True):
    """Live version: a slider for the number of bits (1-12).

    Parameters
    ----------
    image : SimpleITK.Image, optional
        2D image in HU; the head CT file (`medimg.data.ct_head`) if omitted.
    display : bool
        Draw figures (False computes only, for tests).

    Returns
    -------
    medimg.demos._ui.DemoWidget
    """
    import ipywidgets

    from medimg.demos._ui import DemoWidget

    image = data.ct_head() if image is None else image
    slider = ipywidgets.IntSlider(
        value=3, min=1, max=12, description="bits", continuous_update=False
    )
    return DemoWidget(
        {"bits": slider}, lambda **kw: compute(image, **kw), View, summary=_summary, display=display
    )
