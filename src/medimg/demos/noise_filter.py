r"""Demo: adding Gaussian noise to a CT and smoothing it with a Gaussian filter, with the SNR.

The signal-to-noise ratio compares the image with the clean one,

.. math:: \mathrm{SNR} = 20 \log_{10} \frac{\operatorname{std}(f)}{\operatorname{rms}(g - f)}
   \ \mathrm{dB},

where ``f`` is the clean image and ``g`` the noisy (or filtered) one. Smoothing removes noise
but also blurs edges, which counts as error too: there is a best filter width for each noise
level.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import SimpleITK as sitk
from matplotlib.figure import Figure
from scipy import ndimage

from medimg.demos._common import SOFT_TISSUE, ct_head_air
from medimg.demos._static import Sweep, render_frames, sweep_html
from medimg.display import imshow_mm

__all__ = ["NoiseFilterResult", "compute", "draw", "snr_db", "static_html", "widget"]


def snr_db(clean: np.ndarray, observed: np.ndarray) -> float:
    """Signal-to-noise ratio of ``observed`` against ``clean`` in dB (``inf`` if identical).

    Examples
    --------
    >>> import numpy as np
    >>> clean = np.array([0.0, 2.0, 0.0, 2.0])
    >>> round(snr_db(clean, clean + 0.1), 1)
    20.0
    """
    clean = np.asarray(clean)
    difference = np.asarray(observed) - clean
    error = np.sqrt(np.mean(np.square(difference), dtype=np.float64))
    if error == 0:
        return float("inf")
    return float(20 * np.log10(clean.std(dtype=np.float64) / error))


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
    snr_noisy, snr_filtered : float
        SNR in dB of the noisy and of the filtered image (see `snr_db`).
    """

    noisy: sitk.Image
    filtered: sitk.Image
    noise_sigma: float
    gaussian_sigma: float
    snr_noisy: float
    snr_filtered: float


def compute(
    image: sitk.Image, *, noise_sigma: float, gaussian_sigma: float, seed: int = 0
) -> NoiseFilterResult:
    """Add white Gaussian noise, smooth with a Gaussian filter, and measure the SNR.

    Parameters
    ----------
    image : SimpleITK.Image
        Clean scalar image (2D or 3D).
    noise_sigma : float
        Standard deviation of the noise in the image's unit, >= 0.
    gaussian_sigma : float
        Standard deviation of the filter kernel in mm, >= 0 (0: no filtering). Converted to
        pixels per axis with the image spacing.
    seed : int
        Seed of the noise, so that the same parameters give the same image.

    Returns
    -------
    NoiseFilterResult

    Examples
    --------
    >>> from medimg.demos._common import ct_head_air
    >>> result = compute(ct_head_air(), noise_sigma=100, gaussian_sigma=1.0)
    >>> result.snr_filtered > result.snr_noisy
    True
    """
    if not noise_sigma >= 0:
        raise ValueError(f"noise_sigma must be >= 0, got {noise_sigma}")
    if not gaussian_sigma >= 0:
        raise ValueError(f"gaussian_sigma must be >= 0 mm, got {gaussian_sigma}")
    clean = sitk.GetArrayViewFromImage(image).astype(np.float32)
    rng = np.random.default_rng(seed)
    noisy = clean + np.float32(noise_sigma) * rng.standard_normal(clean.shape, dtype=np.float32)
    if gaussian_sigma > 0:
        sigma_px = [gaussian_sigma / s for s in reversed(image.GetSpacing())]
        filtered = ndimage.gaussian_filter(noisy, sigma=sigma_px, mode="nearest")
    else:
        filtered = noisy

    def to_image(array: np.ndarray) -> sitk.Image:
        out = sitk.GetImageFromArray(array)
        out.CopyInformation(image)
        return out

    return NoiseFilterResult(
        noisy=to_image(noisy),
        filtered=to_image(filtered),
        noise_sigma=float(noise_sigma),
        gaussian_sigma=float(gaussian_sigma),
        snr_noisy=snr_db(clean, noisy),
        snr_filtered=snr_db(clean, filtered),
    )


def _db(value: float) -> str:
    return "∞ dB" if np.isinf(value) else f"{value:.1f} dB"


def draw(result: NoiseFilterResult, *, window=SOFT_TISSUE) -> Figure:
    """Noisy and filtered image side by side, with their SNR.

    Parameters
    ----------
    result : NoiseFilterResult
        From `compute` (2D images).
    window : (float, float)
        Display range in HU.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.6, 3.8))
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.13, top=0.9, wspace=0.3)
    imshow_mm(
        result.noisy,
        ax=ax1,
        vmin=window[0],
        vmax=window[1],
        title=f"noise σ = {result.noise_sigma:g} HU: SNR {_db(result.snr_noisy)}",
    )
    imshow_mm(
        result.filtered,
        ax=ax2,
        vmin=window[0],
        vmax=window[1],
        title=f"Gaussian σ = {result.gaussian_sigma:g} mm: SNR {_db(result.snr_filtered)}",
    )
    for ax in (ax1, ax2):
        ax.title.set_fontsize(9)
    return fig


def _summary(result: NoiseFilterResult) -> str:
    return (
        f"SNR noisy {_db(result.snr_noisy)}, after Gaussian σ = {result.gaussian_sigma:g} mm: "
        f"{_db(result.snr_filtered)}"
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
    image = ct_head_air()
    frames = render_frames(SWEEPS, lambda **kw: draw(compute(image, **kw)), dpi=64)
    return sweep_html(
        "noise_filter",
        SWEEPS,
        frames,
        alt="Head CT with added Gaussian noise of the chosen level, and the same image after a "
        "Gaussian filter of the chosen width, each with its signal-to-noise ratio.",
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

    image = ct_head_air() if image is None else image
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
        controls, lambda **kw: compute(image, **kw), draw, summary=_summary, display=display
    )
