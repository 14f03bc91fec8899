"""Demo: sampling a signal and an image at a coarser spacing, and aliasing.

A 1D signal made of two sines (0.1 and 0.5 cycles/mm) and the head CT are sampled every
``factor``-th pixel of the CT's grid (0.4785 mm), i.e. at a spacing of ``factor x 0.4785`` mm.
Once the spacing exceeds half the period of the fast sine (Nyquist: ``f_max < 1 / (2 dx)``),
the samples describe a slower sine that is not in the signal: aliasing.

Every step is a library call of chapter 3: `medimg.sampling.downsample_image` (optionally
with its Gaussian anti-aliasing pre-filter) for the CT, `medimg.sampling.sinc_interpolate`
for the band-limited curve through the samples, `medimg.geometry.index_to_world` for where
the kept samples lie.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure

from medimg import data
from medimg.demos._common import SOFT_TISSUE, zoom_box
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import imshow_mm, set_image
from medimg.geometry import index_to_world
from medimg.sampling import downsample_image, sinc_interpolate

__all__ = ["SamplingResult", "View", "compute", "draw", "signal", "static_html", "widget"]

#: Frequencies (cycles/mm) and amplitudes of the 1D test signal.
FREQUENCIES = (0.1, 0.5)
AMPLITUDES = (1.0, 0.5)
#: Length of the 1D signal in mm.
LENGTH = 30.0


def signal(x: np.ndarray) -> np.ndarray:
    """Evaluate the continuous 1D test signal at positions ``x`` (mm): a sum of two sines."""
    x = np.asarray(x, dtype=float)
    return sum(a * np.sin(2 * np.pi * f * x) for f, a in zip(FREQUENCIES, AMPLITUDES, strict=True))


@dataclass(frozen=True)
class SamplingResult:
    """What `compute` returns.

    Attributes
    ----------
    factor : int
        Keep every ``factor``-th sample.
    antialias : bool
        Whether the image was low-pass filtered (Gaussian) before sampling.
    spacing : float
        New sample spacing in mm (x axis of the image).
    nyquist : float
        Nyquist frequency ``1 / (2 spacing)`` in cycles/mm.
    aliased : bool
        True if the fastest frequency of the 1D signal is above the Nyquist frequency.
    x_fine, signal_fine : ndarray
        The continuous signal (finely sampled), positions in mm.
    x_samples, samples : ndarray
        The sample positions (mm) and values.
    reconstruction : ndarray
        Band-limited (sinc) reconstruction from the samples, at ``x_fine``.
    image : SimpleITK.Image
        ``downsample_image(original, factor, antialias=antialias)``: every ``factor``-th
        pixel along x and y; spacing multiplied by ``factor``, origin unchanged.
    original : SimpleITK.Image
        The input image.
    zoom : tuple
        ``((x0, x1), (y0, y1))``: a small region in mm where the sample points are shown.
    zoom_points : ndarray, shape (n, 2)
        World positions (mm, x, y order) of the kept samples inside ``zoom``.
    """

    factor: int
    antialias: bool
    spacing: float
    nyquist: float
    aliased: bool
    x_fine: np.ndarray
    signal_fine: np.ndarray
    x_samples: np.ndarray
    samples: np.ndarray
    reconstruction: np.ndarray
    image: sitk.Image
    original: sitk.Image
    zoom: tuple
    zoom_points: np.ndarray


def compute(image: sitk.Image, *, factor: int, antialias: bool = False) -> SamplingResult:
    """Sample the 1D signal and a 2D image every ``factor``-th pixel of the image grid.

    Parameters
    ----------
    image : SimpleITK.Image
        2D image; its x spacing (mm) is the base spacing of the 1D signal too.
    factor : int
        Sampling factor, >= 1 (1 keeps every pixel).
    antialias : bool
        Smooth the image with `downsample_image`'s Gaussian pre-filter before sampling.

    Returns
    -------
    SamplingResult

    Examples
    --------
    >>> from medimg import data
    >>> result = compute(data.ct_head(), factor=4)
    >>> result.image.GetSize(), round(result.spacing, 3)
    ((128, 128), 1.914)
    >>> result.aliased
    True
    """
    if int(factor) != factor or factor < 1:
        raise ValueError(f"factor must be an integer >= 1, got {factor}")
    if image.GetDimension() != 2:
        raise ValueError(f"image must be 2D, got {image.GetDimension()}D")
    factor = int(factor)
    spacing = factor * image.GetSpacing()[0]
    nyquist = 1.0 / (2.0 * spacing)
    x_fine = np.linspace(0.0, LENGTH, 1501)
    x_samples = np.arange(0.0, LENGTH + 1e-9, spacing)
    samples = signal(x_samples)
    reconstruction = sinc_interpolate(x_samples, samples, x_fine)
    sampled = downsample_image(image, factor, antialias=bool(antialias))
    zoom = zoom_box(image, fraction=0.07, centre=(0.52, 0.25))
    nx, ny = sampled.GetSize()
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny))
    points = index_to_world(
        np.column_stack([ix.ravel(), iy.ravel()]),
        origin=sampled.GetOrigin(),
        spacing=sampled.GetSpacing(),
        direction=sampled.GetDirection(),
    )
    (x0, x1), (y0, y1) = zoom
    inside = (
        (points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)
    )
    return SamplingResult(
        factor=factor,
        antialias=bool(antialias),
        spacing=spacing,
        nyquist=nyquist,
        aliased=max(FREQUENCIES) > nyquist,
        x_fine=x_fine,
        signal_fine=signal(x_fine),
        x_samples=x_samples,
        samples=samples,
        reconstruction=reconstruction,
        image=sampled,
        original=image,
        zoom=zoom,
        zoom_points=points[inside],
    )


def _titles(result: SamplingResult) -> tuple[str, str]:
    state = "aliasing!" if result.aliased else "no aliasing"
    size = result.image.GetSize()
    prefilter = ", low-pass first" if result.antialias else ""
    return (
        f"Δx = {result.spacing:.2f} mm, Nyquist {result.nyquist:.2f} cycles/mm "
        f"(signal up to {max(FREQUENCIES)}): {state}",
        f"factor {result.factor}{prefilter}: {size[0]} x {size[1]} px",
    )


class View:
    """The demo's figure: sampled 1D signal, sampled image, sample points in a zoom.

    Built once from a result; `update` changes the lines, the image and the titles in place.
    """

    def __init__(self, result: SamplingResult, *, window=SOFT_TISSUE) -> None:
        self.figure = fig = Figure(figsize=(11.0, 3.5))
        ax1, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.6, 1, 1])
        fig.subplots_adjust(left=0.055, right=0.985, bottom=0.14, top=0.9, wspace=0.28)
        ax1.plot(result.x_fine, result.signal_fine, color="0.6", lw=1.5, label="signal")
        (self.curve,) = ax1.plot(
            result.x_fine,
            result.reconstruction,
            color="tab:orange",
            ls="--",
            lw=1.2,
            label="reconstructed from samples",
        )
        (self.samples,) = ax1.plot(
            result.x_samples, result.samples, "o", color="tab:blue", ms=4, label="samples"
        )
        ax1.set_xlim(0, 20)
        ax1.set_ylim(-2.2, 2.6)
        ax1.set_xlabel("x (mm)")
        ax1.set_ylabel("value")
        legend = ax1.legend(loc="upper right", fontsize=7, ncols=3)
        title_signal, title_image = _titles(result)
        self.title_signal = ax1.set_title(title_signal, fontsize=9)
        self.image = imshow_mm(result.image, ax=ax2, vmin=window[0], vmax=window[1])
        self.limits = (ax2.get_xlim(), ax2.get_ylim())
        self.title_image = ax2.set_title(title_image, fontsize=9)
        imshow_mm(result.original, ax=ax3, vmin=window[0], vmax=window[1])
        (self.points,) = ax3.plot(*result.zoom_points.T, ".", color="tab:orange", ms=3)
        (x0, x1), (y0, y1) = result.zoom
        ax3.set_xlim(x0, x1)
        ax3.set_ylim(y1, y0)
        ax3.set_title("kept sample points (zoom)", fontsize=9)
        self.animated = [
            self.curve,
            self.samples,
            legend,
            self.title_signal,
            self.image,
            self.title_image,
            self.points,
        ]

    def update(self, result: SamplingResult) -> None:
        """Show another result in the same figure."""
        self.curve.set_ydata(result.reconstruction)
        self.samples.set_data(result.x_samples, result.samples)
        set_image(self.image, result.image)
        self.image.axes.set_xlim(*self.limits[0])
        self.image.axes.set_ylim(*self.limits[1])
        self.points.set_data(*result.zoom_points.T)
        title_signal, title_image = _titles(result)
        self.title_signal.set_text(title_signal)
        self.title_image.set_text(title_image)


def draw(result: SamplingResult, *, window=SOFT_TISSUE) -> Figure:
    """Draw a result as a new figure (for the pre-rendered version): ``View(result).figure``."""
    return View(result, window=window).figure


def _summary(result: SamplingResult) -> str:
    size = result.image.GetSize()
    return (
        f"spacing {result.spacing:.4f} mm, image {size[0]} x {size[1]} px, Nyquist frequency "
        f"{result.nyquist:.3f} cycles/mm, {'aliasing' if result.aliased else 'no aliasing'}"
    )


SWEEPS = (Sweep("factor", "sampling factor", tuple(range(1, 9)), 1),)


def static_html() -> str:
    """Render the demo (8 frames, factors 1-8) as self-contained HTML."""
    image = data.ct_head()
    frames = render_frames(SWEEPS, lambda factor: draw(compute(image, factor=factor)), dpi=64)
    return sweep_html(
        "sampling",
        SWEEPS,
        frames,
        alt="Left: a sum of two sines, its samples as dots and the curve reconstructed from "
        "them; right: the head CT keeping every n-th pixel.",
    )


def widget(image: sitk.Image | None = None, *, display: bool = True):
    """Live version: a slider for the sampling factor, a check box for the low-pass pre-filter.

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
        "factor": ipywidgets.IntSlider(
            value=1, min=1, max=12, description="factor", continuous_update=False
        ),
        "antialias": ipywidgets.Checkbox(value=False, description="low-pass filter first"),
    }
    return DemoWidget(
        controls,
        lambda **kw: compute(image, **kw),
        View,
        summary=_summary,
        display=display,
    )
