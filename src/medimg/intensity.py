r"""Intensity transforms: Hounsfield units and window/level display of CT.

CT values are calibrated: the Hounsfield unit (HU) scale puts water at 0 HU and air at
-1000 HU, from the linear attenuation coefficient ``mu``:

.. math:: \mathrm{HU} = 1000 \, \frac{\mu - \mu_w}{\mu_w - \mu_a}

with :math:`\mu_w` and :math:`\mu_a` the attenuation of water and air.

A display shows only a few hundred grey levels, so a *window* of width ``W`` centred on a
*level* ``L`` (both in HU) is mapped to black..white: values below ``L - W/2`` are black,
above ``L + W/2`` white, linear in between.

`WINDOW_PRESETS` is the course's one table of CT display windows: every chapter, figure
and demo takes its presets from it (never from numbers typed again). It holds
``(width, level)`` in HU. Brain 80/40, lung
1500/-600 and soft tissue 400/40 are the values listed in the Radiopaedia article
"Windowing (CT)" (https://radiopaedia.org/articles/windowing-ct); bone 2000/500 is the wide
bone window of the course's lecture slides (Radiopaedia lists 1800/400, which shows the same
structures; the course uses one bone window everywhere). Presets vary between hospitals and
vendors; treat them as starting points.

Outside its circular reconstruction field a CT file stores a *padding* value, a code and not
a measurement (-3024 HU in the course's head CT). `padding_to_air` replaces it by air
(`AIR_HU`, -1000 HU) when a computation would otherwise treat it as tissue; pages and demos
that do this say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import SimpleITK as sitk

__all__ = [
    "AIR_HU",
    "WATER_HU",
    "WINDOW_PRESETS",
    "Window",
    "apply_window",
    "hounsfield",
    "jnd_index",
    "padding_to_air",
    "window_level",
    "window_range",
]


class Window(NamedTuple):
    """A display window in HU: ``width`` (W) and ``level`` (L, the centre)."""

    width: float
    level: float


#: Air and water on the Hounsfield scale, by definition (HU).
AIR_HU = -1000.0
WATER_HU = 0.0

#: Common CT display windows as (width, level) in HU; see the module docstring for sources.
WINDOW_PRESETS: dict[str, Window] = {
    "brain": Window(80.0, 40.0),
    "bone": Window(2000.0, 500.0),
    "lung": Window(1500.0, -600.0),
    "soft tissue": Window(400.0, 40.0),
}


def _check_window(window: float, level: float) -> tuple[float, float]:
    if not (np.isfinite(window) and window > 0):
        raise ValueError(f"window must be a finite width > 0, got {window}")
    if not np.isfinite(level):
        raise ValueError(f"level must be finite, got {level}")
    return float(window), float(level)


def window_range(window: float, level: float) -> tuple[float, float]:
    """Lowest and highest value of a window: ``(level - window/2, level + window/2)``.

    Handy as ``vmin, vmax`` for plotting.

    Parameters
    ----------
    window : float
        Window width, > 0 (HU for CT).
    level : float
        Window centre (HU for CT).

    Returns
    -------
    (vmin, vmax) : tuple of float

    Examples
    --------
    >>> window_range(*WINDOW_PRESETS["brain"])
    (0.0, 80.0)
    """
    window, level = _check_window(window, level)
    return level - window / 2, level + window / 2


def window_level(
    values: np.ndarray | Sequence[float] | float, window: float, level: float
) -> np.ndarray:
    """Map intensities to display brightness in [0, 1] with a window (width) and level (centre).

    ``clip((values - (level - window / 2)) / window, 0, 1)``: ``level - window/2`` and
    below is black (0), ``level + window/2`` and above is white (1).

    Parameters
    ----------
    values : array_like of float
        Intensities, e.g. HU (any shape).
    window : float
        Window width in the units of ``values``, > 0.
    level : float
        Window centre in the units of ``values``.

    Returns
    -------
    ndarray of float64
        Brightness in [0, 1], same shape as ``values``.

    Raises
    ------
    ValueError
        If ``window <= 0`` or a parameter is not finite.

    Examples
    --------
    With the brain window (W 80, L 40): air, water, grey matter (about 40 HU), bone:

    >>> window_level([-1000, 0, 40, 1000], 80, 40)
    array([0. , 0. , 0.5, 1. ])
    """
    window, level = _check_window(window, level)
    array = np.asarray(values, dtype=float)
    return np.clip((array - (level - window / 2)) / window, 0.0, 1.0)


def hounsfield(
    mu: np.ndarray | Sequence[float] | float, mu_water: float, mu_air: float
) -> np.ndarray:
    """Convert linear attenuation coefficients to Hounsfield units.

    ``HU = 1000 (mu - mu_water) / (mu_water - mu_air)``, so water is 0 HU and air -1000 HU.

    Parameters
    ----------
    mu : array_like of float
        Linear attenuation coefficients (any unit, e.g. 1/cm).
    mu_water, mu_air : float
        Attenuation of water and of air in the same unit and at the same X-ray energy;
        ``mu_water`` must be larger than ``mu_air``.

    Returns
    -------
    ndarray of float
        Hounsfield units, same shape as ``mu``.

    Raises
    ------
    ValueError
        If ``mu_water <= mu_air`` or either is negative.

    Examples
    --------
    >>> hounsfield([0.0, 0.2, 0.4], mu_water=0.2, mu_air=0.0)
    array([-1000.,     0.,  1000.])
    """
    if not (np.isfinite(mu_water) and np.isfinite(mu_air)) or mu_air < 0:
        raise ValueError(f"mu_water and mu_air must be finite and >= 0, got {mu_water}, {mu_air}")
    if not mu_water > mu_air:
        raise ValueError(f"mu_water must be > mu_air, got mu_water={mu_water}, mu_air={mu_air}")
    mu_array = np.asarray(mu, dtype=float)
    return 1000.0 * (mu_array - mu_water) / (mu_water - mu_air)


def apply_window(image: sitk.Image, preset: str | tuple[float, float]) -> sitk.Image:
    """Window a SimpleITK image for display: brightness in [0, 1], geometry unchanged.

    Parameters
    ----------
    image : SimpleITK.Image
        Scalar image in HU (any dimension).
    preset : str or (width, level)
        A key of `WINDOW_PRESETS` or an explicit ``(width, level)`` pair in HU.

    Returns
    -------
    SimpleITK.Image
        Float32 image in [0, 1] with ``image``'s origin, spacing and direction.

    Raises
    ------
    ValueError
        If the preset name is unknown, the pair is malformed or the width is not positive.

    Examples
    --------
    >>> ct = sitk.GetImageFromArray(np.array([[-1000, 0, 40, 80]], dtype=np.int16))
    >>> sitk.GetArrayFromImage(apply_window(ct, "brain"))
    array([[0. , 0. , 0.5, 1. ]], dtype=float32)
    """
    if isinstance(preset, str):
        try:
            window, level = WINDOW_PRESETS[preset]
        except KeyError:
            raise ValueError(
                f"unknown window preset {preset!r}; choose one of {sorted(WINDOW_PRESETS)}"
            ) from None
    else:
        try:
            window, level = preset
        except (TypeError, ValueError):
            raise ValueError(
                f"preset must be a name or a (width, level) pair, got {preset!r}"
            ) from None
    if image.GetNumberOfComponentsPerPixel() != 1:
        raise ValueError(
            "apply_window needs a scalar image, got "
            f"{image.GetNumberOfComponentsPerPixel()} components"
        )
    bright = window_level(sitk.GetArrayViewFromImage(image), window, level).astype(np.float32)
    out = sitk.GetImageFromArray(bright)
    out.CopyInformation(image)
    return out


def padding_to_air(image: sitk.Image) -> sitk.Image:
    """Set every value below air (-1000 HU) to air: removes a CT's padding value.

    Scanners store a code far below air (e.g. -3024 HU) outside the reconstruction circle.
    For statistics, filtering or noise measurements that should describe the patient, those
    pixels are better treated as the air they surround. Values of -1000 HU and above are
    unchanged.

    Parameters
    ----------
    image : SimpleITK.Image
        CT in HU, any dimension.

    Returns
    -------
    SimpleITK.Image
        Float32, same geometry.

    Examples
    --------
    >>> ct = sitk.GetImageFromArray(np.array([[-3024, -1010, -1000, 40]], dtype=np.int16))
    >>> sitk.GetArrayFromImage(padding_to_air(ct))
    array([[-1000., -1000., -1000.,    40.]], dtype=float32)
    """
    return sitk.Threshold(
        sitk.Cast(image, sitk.sitkFloat32), lower=AIR_HU, upper=float("inf"), outsideValue=AIR_HU
    )


#: Coefficients a..i of the DICOM PS3.14 (Grayscale Standard Display Function) formula
#: j(L) = sum_k c_k log10(L)**k, section 7.1 of the standard.
_GSDF_COEFFICIENTS = (
    71.498068,
    94.593053,
    41.912053,
    9.8247004,
    0.28175407,
    -1.1878455,
    -0.18014349,
    0.14710899,
    -0.017046845,
)


def jnd_index(luminance: np.ndarray | Sequence[float] | float) -> np.ndarray:
    """Just-noticeable-difference index of a luminance, by DICOM PS3.14.

    The Grayscale Standard Display Function numbers the luminance levels an average
    observer can just tell apart, from index 1 at 0.05 cd/m² to 1023 at about 3993 cd/m²
    (Barten's model of contrast sensitivity). The difference of two indices is the number
    of distinguishable grey steps between two luminances; a display whose darkest and
    brightest grey span ``n`` JNDs needs more than ``n`` driving levels to show all of them.

    Parameters
    ----------
    luminance : array_like of float
        Luminance in cd/m², within [0.05, 4000].

    Returns
    -------
    ndarray of float
        JND index (not rounded).

    Raises
    ------
    ValueError
        If a luminance is outside the range of the standard.

    Examples
    --------
    >>> [round(float(j)) for j in jnd_index([0.05, 3993.404])]
    [1, 1023]
    """
    values = np.asarray(luminance, dtype=float)
    if np.any(~((values >= 0.05) & (values <= 4000.0))):
        raise ValueError(f"luminance must be within 0.05..4000 cd/m², got {luminance}")
    x = np.log10(values)
    return sum(c * x**k for k, c in enumerate(_GSDF_COEFFICIENTS))
