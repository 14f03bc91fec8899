r"""Demo: adding Gaussian noise to a CT and smoothing it with a Gaussian filter in mm.

Every step is a library call: `medimg.noise.add_gaussian_noise`,
`medimg.filtering.gaussian_blur_mm` (SimpleITK, sigma in mm) and
`medimg.noise.signal_to_error_db`, the *signal-to-error ratio*, a full-reference
measure against the clean image:

.. math:: \mathrm{signal\text{-}to\text{-}error} = 20 \log_{10} \frac{\operatorname{std}(f)}{\operatorname{rms}(g - f)}
   \ \mathrm{dB},

with ``f`` the clean image and ``g`` the noisy (or filtered) one. It is not the region SNR
of chapter 8 (`medimg.noise.snr`). Smoothing removes noise but also blurs edges, which
counts as error too: there is a best filter width for each noise level. The clean image is
the head CT with its padding (-3024 HU) set to air (`medimg.intensity.padding_to_air`),
so that the jump at the edge of the reconstruction circle does not dominate the error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure

from medimg.demos._common import SOFT_TISSUE, ct_head_padding_to_air
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import imshow_mm, set_image
from medimg.filtering import gaussian_blur_mm
from medimg.noise import add_gaussian_noise, signal_to_error_db

__all__ = ["NoiseFilterResult", "View", "compute", "draw", "static_html", "widget"]


@dataclass(frozen=True)
class NoiseFilterResult:
    """What `compute` returns.

    Attributes
    ----------
    noisy, filtered : SimpleITK.Image
        The image with noise added, and after the Gaussian filter (float32, input geometry).
    noise_sigma : float
        Standard deviation of the added noise, in the image's unit (HU).
    gaussian_sigma : float
        Standard deviation of the Gaussian filter in mm.
    signal_to_error_noisy, signal_to_error_filtered : float
        Signal-to-error ratio in dB of the noisy and of the filtered image against the clean
        one (`medimg.noise.signal_to_error_db`).
    """

    noisy: sitk.Image
    filtered: sitk.Image
    noise_sigma: float
    gaussian_sigma: float
    signal_to_error_noisy: float
    signal_to_error_filtered: float


def compute(
    image: sitk.Image, *, noise_sigma: float, gaussian_sigma: float, seed: int = 0
) -> NoiseFilterResult:
    """Add white Gaussian noise, smooth with a Gaussian filter in mm, and measure the error.

    The same as ``add_gaussian_noise(array, noise_sigma, seed=seed)``, then
    ``gaussian_blur_mm(noisy image, gaussian_sigma)`` and ``signal_to_error_db`` of each
    against the clean image.

    Parameters
    ----------
    image : SimpleITK.Image
        Clean scalar image (2D or 3D).
    noise_sigma : float
        Standard deviation of the noise in the image's unit, >= 0.
    gaussian_sigma : float
        Standard deviation of the filter kernel in mm, >= 0 (0: no filtering).
    seed : int
        Seed of the noise, so that the same parameters give the same image.

    Returns
    -------
    NoiseFilterResult

    Examples
    --------
    >>> from medimg.demos._common import ct_head_padding_to_air
    >>> result = compute(ct_head_padding_to_air(), noise_sigma=100, gaussian_sigma=1.0)
    >>> result.signal_to_error_filtered > result.signal_to_error_noisy
    True
    """
    if not noise_sigma >= 0:
        raise ValueError(f"noise_sigma must be >= 0, got {noise_sigma}")
    if not gaussian_sigma >= 0:
        raise ValueError(f"gaussian_sigma must be >= 0 mm, got {gaussian_sigma}")
    clean = sitk.GetArrayViewFromImage(image)
    noisy = sitk.GetImageFromArray(
        add_gaussian_noise(clean, float(noise_sigma), seed=seed).astype(np.float32)
    )
    noisy.CopyInformation(image)
    filtered = gaussian_blur_mm(noisy, float(gaussian_sigma))
    return NoiseFilterResult(
        noisy=noisy,
        filtered=filtered,
        noise_sigma=float(noise_sigma),
        gaussian_sigma=float(gaussian_sigma),
        signal_to_error_noisy=signal_to_error_db(clean, sitk.GetArrayViewFromImage(noisy)),
        signal_to_error_filtered=signal_to_error_db(clean, sitk.GetArrayViewFromImage(filtered)),
    )


def _db(value: float) -> str:
    return "∞ dB" if np.isinf(value) else f"{value:.1f} dB"


def _titles(result: NoiseFilterResult) -> tuple[str, str]:
    return (
        f"noise σ = {result.noise_sigma:g} HU: signal-to-error {_db(result.signal_to_error_noisy)}",
        f"Gaussian σ = {result.gaussian_sigma:g} mm: "
        f"signal-to-error {_db(result.signal_to_error_filtered)}",
    )


class View:
    """The demo's figure: noisy and filtered image side by side, with their signal-to-error.

    Built once from a result; `update` changes the pixels and titles in place.
    """

    def __init__(self, result: NoiseFilterResult, *, window=SOFT_TISSUE) -> None:
        self.figure = fig = Figure(figsize=(7.6, 3.8))
        ax1, ax2 = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.9, wspace=0.3)
        self.noisy = imshow_mm(result.noisy, ax=ax1, vmin=window[0], vmax=window[1])
        self.filtered = imshow_mm(result.filtered, ax=ax2, vmin=window[0], vmax=window[1])
        left, right = _titles(result)
        self.title_noisy = ax1.set_title(left, fontsize=9)
        self.title_filtered = ax2.set_title(right, fontsize=9)
        self.animated = [self.noisy, self.filtered, self.title_noisy, self.title_filtered]

    def update(self, result: NoiseFilterResult) -> None:
        """Show another result in the same figure."""
        set_image(self.noisy, result.noisy)
        set_image(self.filtered, result.filtered)
        left, right = _titles(result)
        self.title_noisy.set_text(left)
        self.title_filtered.set_text(right)


def draw(result: NoiseFilterResult, *, window=SOFT_TISSUE) -> Figure:
    """Draw a result as a new figure (for the pre-rendered version): ``View(result).figure``."""
    return View(result, window=window).figure


def _summary(result: NoiseFilterResult) -> str:
    return (
        f"signal-to-error ratio against the clean image: noisy "
        f"{_db(result.signal_to_error_noisy)}, after Gaussian σ = {result.gaussian_sigma:g} mm "
        f"{_db(result.signal_to_error_filtered)}"
    )


SWEEPS = (
    Sweep(
        "noise_sigma",
        "noise σ (HU)",
        (20.0, 100.0, 300.0),
        100.0,
        texts=("20", "100", "300"),
        kind="select",
    ),
    Sweep("gaussian_sigma", "Gaussian σ (mm)", (0.0, 0.5, 1.0, 2.0, 4.0), 2.0),
)


def static_html() -> str:
    """Render the demo (3 noise levels x 5 filter widths = 15 frames) as HTML."""
    image = ct_head_padding_to_air()
    frames = render_frames(SWEEPS, lambda **kw: draw(compute(image, **kw)), dpi=64)
    return sweep_html(
        "noise_filter",
        SWEEPS,
        frames,
        alt="Head CT with added Gaussian noise of the chosen level, and the same image after a "
        "Gaussian filter of the chosen width, each with its signal-to-error ratio.",
    )


def widget(image: sitk.Image | None = None, *, display: bool = True):
    """Live version: sliders for the noise σ (HU) and the Gaussian σ (mm).

    Parameters
    ----------
    image : SimpleITK.Image, optional
        Clean 2D image in HU; the head CT with its padding set to air if omitted.
    display : bool
        Draw figures (False computes only, for tests).

    Returns
    -------
    medimg.demos._ui.DemoWidget
    """
    import ipywidgets

    from medimg.demos._ui import DemoWidget

    image = ct_head_padding_to_air() if image is None else image
    controls = {
        "noise_sigma": ipywidgets.FloatSlider(
            value=100, min=0, max=400, step=10, description="noise σ (HU)", continuous_update=False
        ),
        "gaussian_sigma": ipywidgets.FloatSlider(
            value=1.0,
            min=0,
            max=5,
            step=0.25,
            description="Gaussian σ (mm)",
            continuous_update=False,
        ),
    }
    return DemoWidget(
        controls, lambda **kw: compute(image, **kw), View, summary=_summary, display=display
    )
