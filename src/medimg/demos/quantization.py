"""Demo: quantizing CT values to ``2**bits`` grey levels, with the histogram and the error.

The intensity range of the image is split into ``L = 2**bits`` equal steps of width
``q = (max - min) / L``; every value is replaced by the centre of its step. The error is
then at most ``q / 2`` and its root mean square close to ``q / sqrt(12)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure

from medimg.demos._common import SOFT_TISSUE, ct_head_air, log_counts_axis
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import imshow_mm

__all__ = ["QuantizationResult", "compute", "draw", "static_html", "widget"]


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
    >>> from medimg.demos._common import ct_head_air
    >>> result = compute(ct_head_air(), bits=8)
    >>> result.levels, round(result.step, 2)
    (256, 9.73)
    >>> result.max_error <= result.step / 2
    True
    """
    if int(bits) != bits or not 1 <= bits <= 16:
        raise ValueError(f"bits must be an integer in 1..16, got {bits}")
    bits = int(bits)
    array = sitk.GetArrayViewFromImage(image).astype(np.float64)
    lo, hi = float(array.min()), float(array.max())
    levels = 2**bits
    step = (hi - lo) / levels if hi > lo else 1.0
    index = np.clip(np.floor((array - lo) / step), 0, levels - 1)
    quantized = lo + (index + 0.5) * step
    error = quantized - array
    edges = np.linspace(lo, hi, 257) if hi > lo else np.linspace(lo - 0.5, lo + 0.5, 257)
    out = sitk.GetImageFromArray(quantized.astype(np.float32))
    out.CopyInformation(image)
    return QuantizationResult(
        bits=bits,
        levels=levels,
        step=step,
        level_values=lo + (np.arange(levels) + 0.5) * step,
        image=out,
        error=error,
        rms_error=float(np.sqrt(np.mean(error**2))),
        max_error=float(np.abs(error).max()),
        histogram=np.histogram(array, bins=edges)[0],
        histogram_quantized=np.histogram(quantized, bins=edges)[0],
        bin_edges=edges,
    )


def draw(result: QuantizationResult, *, window=SOFT_TISSUE) -> Figure:
    """Quantized image, histograms before/after, and the error image.

    Parameters
    ----------
    result : QuantizationResult
        From `compute` (a 2D image).
    window : (float, float)
        Display range of the image in HU (default: soft tissue, W 400 L 40).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(10.5, 3.4))
    fig.subplots_adjust(left=0.075, right=0.94, bottom=0.15, top=0.88, wspace=0.45)
    imshow_mm(
        result.image,
        ax=ax1,
        vmin=window[0],
        vmax=window[1],
        title=f"{result.bits} bit: {result.levels} levels, step {result.step:.1f} HU",
    )
    ax2.stairs(result.histogram, result.bin_edges, fill=True, color="0.75", label="original")
    ax2.stairs(result.histogram_quantized, result.bin_edges, color="tab:blue", label="quantized")
    log_counts_axis(ax2)
    ax2.set_xlabel("value (HU)")
    ax2.set_ylabel("pixels")
    ax2.set_title("histogram", fontsize=9)
    ax2.legend(fontsize=7, loc="upper right")
    error_image = sitk.GetImageFromArray(result.error)
    error_image.CopyInformation(result.image)
    half = max(result.step / 2, 1e-9)
    imshow_mm(
        error_image,
        ax=ax3,
        cmap="viridis",
        vmin=-half,
        vmax=half,
        title=f"error: RMS {result.rms_error:.1f} HU, max {result.max_error:.1f} HU",
        colorbar="error (HU)",
    )
    for ax in (ax1, ax3):
        ax.title.set_fontsize(9)
    return fig


def _summary(result: QuantizationResult) -> str:
    return (
        f"{result.levels} levels, step {result.step:.2f} HU, RMS error {result.rms_error:.2f} HU "
        f"(step/√12 = {result.step / np.sqrt(12):.2f} HU), max error {result.max_error:.2f} HU"
    )


SWEEPS = (Sweep("bits", "bits per pixel", tuple(range(1, 9)), 3),)


def static_html() -> str:
    """Render the demo (8 frames, 1-8 bits) as self-contained HTML."""
    image = ct_head_air()
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
        2D image in HU; the head CT with its padding set to air if omitted.
    display : bool
        Draw figures (False computes only, for tests).

    Returns
    -------
    medimg.demos._ui.DemoWidget
    """
    import ipywidgets

    from medimg.demos._ui import DemoWidget

    image = ct_head_air() if image is None else image
    slider = ipywidgets.IntSlider(
        value=3, min=1, max=12, description="bits", continuous_update=False
    )
    return DemoWidget(
        {"bits": slider}, lambda **kw: compute(image, **kw), draw, summary=_summary, display=display
    )
