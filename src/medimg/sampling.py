"""Sampling and quantization: how a continuous signal becomes a digital image.

A digital image stores the values of a continuous function at a grid of *points* (sampling)
and rounds each value to one of finitely many levels (quantization). This module holds
the small computations the digital-imaging chapter shows:

* `sample_positions`: where the samples of a grid axis lie, in mm;
* `quantize` and `quantize_levels`: intensity quantization by bin width or by number of
  levels, and `level_values` to map level indices back to intensities;
* `QuantizationRule`: the course's two named quantization rules and their error bounds
  (`quantization_error_bound`), decided here once:

  - **truncation** (floor): a value becomes the *lower edge* of its bin of width ``q``;
    the error ``quantized - value`` lies in ``(-q, 0]``, at most ``q`` in size, about
    ``q / 2`` on average (a bias), root mean square ``q / sqrt(3)``;
  - **mid-rise** (bin centre): a value becomes the *centre* of its bin; the error lies in
    ``[-q/2, q/2)``, at most ``q / 2``, no bias, root mean square ``q / sqrt(12)``;

  (the RMS figures hold when the values are spread evenly over each bin);
* `quantize_bits`: ``2**bits`` levels over a value range, mid-rise (what a display or an
  ``n``-bit file with a linear scale does);
* `downsample` (numpy) and `downsample_image` (SimpleITK, optionally with a Gaussian
  anti-aliasing pre-filter): keep every ``factor``-th sample;
* `sample_sinusoid`, `nyquist_rate` and `alias_frequency`: a 1D signal sampled above or
  below the Nyquist rate; `sinc_interpolate`: the band-limited curve that samples describe.

Positions and spacings are in mm (or s for 1D time signals); for images, sizes, spacings
and factors follow SimpleITK's (x, y[, z]) order, numpy arrays are (z, y, x).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import SimpleITK as sitk

from medimg.filtering import gaussian_blur_mm

__all__ = [
    "QuantizationRule",
    "alias_frequency",
    "downsample",
    "downsample_image",
    "level_values",
    "nyquist_rate",
    "quantization_error_bound",
    "quantize",
    "quantize_bits",
    "quantize_levels",
    "sample_positions",
    "sample_sinusoid",
    "sinc_interpolate",
]


class QuantizationRule(StrEnum):
    """Which value a quantization bin stands for (see the module docstring for the bounds).

    Examples
    --------
    >>> QuantizationRule("mid-rise") is QuantizationRule.MID_RISE
    True
    """

    #: The lower edge of the bin (floor): error in (-q, 0].
    TRUNCATION = "truncation"
    #: The centre of the bin: error in [-q/2, q/2).
    MID_RISE = "mid-rise"


def _rule(rule: QuantizationRule | str) -> QuantizationRule:
    try:
        return QuantizationRule(rule)
    except ValueError:
        choices = ", ".join(repr(r.value) for r in QuantizationRule)
        raise ValueError(f"rule must be one of {choices}, got {rule!r}") from None


def quantization_error_bound(step: float, *, rule: QuantizationRule | str) -> float:
    """Largest possible ``|quantized - value|`` for bins of width ``step`` under ``rule``.

    Truncation can be wrong by almost a whole step (the bound ``step`` is approached, not
    reached); mid-rise by at most half a step.

    Examples
    --------
    >>> quantization_error_bound(10, rule="truncation"), quantization_error_bound(10, rule="mid-rise")
    (10.0, 5.0)
    """
    if not (np.isfinite(step) and step > 0):
        raise ValueError(f"step must be a finite number > 0, got {step}")
    return float(step) if _rule(rule) is QuantizationRule.TRUNCATION else float(step) / 2


def sample_positions(size: int, spacing: float, origin: float = 0.0) -> np.ndarray:
    """Positions of the samples along one grid axis: ``origin + spacing * k``.

    A sample is a point at that position, not a little square around it.

    Parameters
    ----------
    size : int
        Number of samples, at least 1.
    spacing : float
        Distance between neighbouring samples (mm), positive.
    origin : float
        Position of sample 0 (mm).

    Returns
    -------
    ndarray of float, shape (size,)
        Sample positions in mm.

    Raises
    ------
    ValueError
        If ``size < 1`` or ``spacing <= 0``.

    Examples
    --------
    Five samples 0.5 mm apart, starting at -1 mm:

    >>> sample_positions(5, 0.5, origin=-1.0)
    array([-1. , -0.5,  0. ,  0.5,  1. ])
    """
    if int(size) != size or size < 1:
        raise ValueError(f"size must be an integer >= 1, got {size}")
    if not spacing > 0:
        raise ValueError(f"spacing must be > 0, got {spacing}")
    return float(origin) + float(spacing) * np.arange(int(size), dtype=float)


def quantize(
    values: np.ndarray | Sequence[float] | float,
    step: float,
    *,
    rule: QuantizationRule | str = QuantizationRule.TRUNCATION,
) -> np.ndarray:
    """Quantize values into bins of width ``step``: by truncation (default) or mid-rise.

    Bins are ``[k * step, (k + 1) * step)`` for integer ``k``; negative values floor down
    (``-0.5`` with step 1 is in bin ``-1``). Truncation returns the lower edge of the bin,
    ``floor(v / step) * step``; mid-rise returns its centre, ``(floor(v / step) + 0.5) * step``
    (`QuantizationRule`).

    Parameters
    ----------
    values : array_like of float
        Values to quantize (any shape).
    step : float
        Bin width, in the units of ``values``; positive.
    rule : QuantizationRule or {"truncation", "mid-rise"}
        Which value of the bin is returned.

    Returns
    -------
    ndarray of float
        Same shape as ``values``.

    Raises
    ------
    ValueError
        If ``step <= 0`` or is not finite, or the rule is unknown.

    Notes
    -----
    A value that lies on a bin edge only up to floating-point rounding can land in the bin
    below: ``0.3 / 0.1`` is ``2.9999999999999996`` in binary floating point, so
    ``quantize(0.3, 0.1)`` gives ``0.2``. Integer-valued data and steps are exact.

    Examples
    --------
    The lecture's example, binned every 10 units:

    >>> quantize([26.94, 35.98, 0.48, 15.13], 10)
    array([20., 30.,  0., 10.])
    >>> quantize([-0.5, 0.5], 1)
    array([-1.,  0.])
    >>> quantize([26.94, 35.98, 0.48, 15.13], 10, rule="mid-rise")
    array([25., 35.,  5., 15.])
    """
    if not (np.isfinite(step) and step > 0):
        raise ValueError(f"step must be a finite number > 0, got {step}")
    offset = 0.5 if _rule(rule) is QuantizationRule.MID_RISE else 0.0
    array = np.asarray(values, dtype=float)
    return (np.floor(array / step) + offset) * step


def _value_range(values: np.ndarray, vmin: float | None, vmax: float | None) -> tuple[float, float]:
    lo = float(np.min(values)) if vmin is None else float(vmin)
    hi = float(np.max(values)) if vmax is None else float(vmax)
    if not hi > lo:
        raise ValueError(f"vmax must be > vmin, got vmin={lo}, vmax={hi}")
    return lo, hi


def _check_levels(n_levels: int) -> int:
    if int(n_levels) != n_levels or n_levels < 2:
        raise ValueError(f"n_levels must be an integer >= 2, got {n_levels}")
    return int(n_levels)


def quantize_levels(
    values: np.ndarray | Sequence[float],
    n_levels: int,
    vmin: float | None = None,
    vmax: float | None = None,
) -> np.ndarray:
    """Map values to one of ``n_levels`` equally wide levels between ``vmin`` and ``vmax``.

    Level ``k`` holds the values in ``[vmin + k w, vmin + (k + 1) w)`` with
    ``w = (vmax - vmin) / n_levels``; values outside ``[vmin, vmax]`` are clipped to level
    0 or ``n_levels - 1`` (``vmax`` itself belongs to the top level).

    Parameters
    ----------
    values : array_like of float
        Intensities (any shape), e.g. a CT array in HU.
    n_levels : int
        Number of levels, at least 2 (``2 ** bits`` for a ``bits``-bit image).
    vmin, vmax : float, optional
        Range to divide into levels, in the units of ``values``. Default: the data's
        minimum and maximum.

    Returns
    -------
    ndarray of int64
        Level index ``0 .. n_levels - 1`` of every value, same shape as ``values``.

    Raises
    ------
    ValueError
        If ``n_levels < 2`` or ``vmax <= vmin``.

    Examples
    --------
    >>> quantize_levels([-1000, -10, 0, 999, 1000, 5000], 4, vmin=-1000, vmax=1000)
    array([0, 1, 2, 3, 3, 3])
    """
    n_levels = _check_levels(n_levels)
    array = np.asarray(values, dtype=float)
    lo, hi = _value_range(array, vmin, vmax)
    levels = np.floor((array - lo) / (hi - lo) * n_levels)
    return np.clip(levels, 0, n_levels - 1).astype(np.int64)


def level_values(
    levels: np.ndarray | Sequence[int], n_levels: int, vmin: float, vmax: float
) -> np.ndarray:
    """Intensity that each level index stands for: the centre of its bin.

    The inverse of `quantize_levels` up to the quantization error (at most half a bin).

    Parameters
    ----------
    levels : array_like of int
        Level indices ``0 .. n_levels - 1``.
    n_levels : int
        Number of levels, at least 2.
    vmin, vmax : float
        The range used by `quantize_levels`.

    Returns
    -------
    ndarray of float
        ``vmin + (levels + 0.5) * (vmax - vmin) / n_levels``.

    Raises
    ------
    ValueError
        If a level is outside ``0 .. n_levels - 1`` or the range is empty.

    Examples
    --------
    >>> level_values([0, 1, 2, 3], 4, vmin=-1000, vmax=1000)
    array([-750., -250.,  250.,  750.])
    """
    n_levels = _check_levels(n_levels)
    lo, hi = _value_range(np.zeros(1), vmin, vmax)
    array = np.asarray(levels)
    if array.size and (array.min() < 0 or array.max() > n_levels - 1):
        raise ValueError(f"levels must lie in 0..{n_levels - 1}, got {array.min()}..{array.max()}")
    return lo + (array.astype(float) + 0.5) * (hi - lo) / n_levels


def quantize_bits(
    values: np.ndarray | Sequence[float],
    bits: int,
    *,
    vmin: float | None = None,
    vmax: float | None = None,
) -> np.ndarray:
    """Quantize to ``2**bits`` equal levels over ``[vmin, vmax]``, mid-rise.

    The same as ``level_values(quantize_levels(values, 2**bits, vmin, vmax), ...)``: each
    value becomes the centre of its level, so inside the range the error is at most half a
    level width, ``(vmax - vmin) / 2**(bits + 1)`` (`QuantizationRule.MID_RISE`). Values
    outside the range are clipped to the first or last level.

    Parameters
    ----------
    values : array_like of float
        Intensities, any shape (e.g. HU).
    bits : int
        Bits per sample, 1 to 16.
    vmin, vmax : float, optional
        The range divided into levels; default the data's minimum and maximum.

    Returns
    -------
    ndarray of float64
        Quantized values, same shape as ``values``.

    Examples
    --------
    >>> quantize_bits([-1000, -10, 0, 999], 2, vmin=-1000, vmax=1000)
    array([-750., -250.,  250.,  750.])
    """
    if isinstance(bits, bool) or int(bits) != bits or not 1 <= bits <= 16:
        raise ValueError(f"bits must be an integer in 1..16, got {bits!r}")
    array = np.asarray(values, dtype=float)
    lo, hi = _value_range(array, vmin, vmax)
    n_levels = 2 ** int(bits)
    return level_values(quantize_levels(array, n_levels, lo, hi), n_levels, lo, hi)


def _check_factor(factor: int) -> int:
    if isinstance(factor, bool) or int(factor) != factor or factor < 1:
        raise ValueError(f"factor must be an integer >= 1, got {factor}")
    return int(factor)


def downsample(array: np.ndarray, factor: int) -> np.ndarray:
    """Keep every ``factor``-th sample along every axis, starting at sample 0.

    No low-pass filter is applied, so detail finer than the new spacing can alias.

    Parameters
    ----------
    array : ndarray
        Samples of any dimension (numpy order).
    factor : int
        Keep one sample in ``factor`` per axis; ``1`` returns a copy.

    Returns
    -------
    ndarray
        A new array of shape ``ceil(n / factor)`` per axis, same dtype.

    Raises
    ------
    ValueError
        If ``factor`` is not an integer >= 1.

    Examples
    --------
    >>> downsample(np.arange(16).reshape(4, 4), 2)
    array([[ 0,  2],
           [ 8, 10]])
    """
    factor = _check_factor(factor)
    array = np.asarray(array)
    return array[(slice(None, None, factor),) * array.ndim].copy()


def downsample_image(
    image: sitk.Image, factor: int, *, antialias: bool = False, sigma: float | None = None
) -> sitk.Image:
    """Keep every ``factor``-th pixel of a SimpleITK image, optionally after Gaussian smoothing.

    The result has the same origin and direction and ``factor`` times the spacing: sample 0
    stays where it was. With ``antialias=True`` the image is first smoothed with a Gaussian
    of standard deviation ``sigma`` pixels (default ``(factor - 1) / 2``, as
    ``skimage.transform.rescale`` uses), converted to mm per axis, to remove detail the
    coarser grid cannot represent.

    Parameters
    ----------
    image : SimpleITK.Image
        2D or 3D scalar image.
    factor : int
        Keep one sample in ``factor`` along every axis.
    antialias : bool
        Smooth before sampling (default ``False``: plain decimation, which can alias).
    sigma : float, optional
        Standard deviation of the pre-filter in *pixels* of the input image; only used with
        ``antialias=True``.

    Returns
    -------
    SimpleITK.Image
        Float32 if smoothed, else the input pixel type.

    Raises
    ------
    ValueError
        If ``factor`` is not an integer >= 1 or ``sigma`` is negative.

    Examples
    --------
    >>> image = sitk.Image(9, 6, sitk.sitkFloat32)
    >>> image.SetSpacing((0.5, 0.5))
    >>> small = downsample_image(image, 3, antialias=True)
    >>> small.GetSize(), small.GetSpacing()
    ((3, 2), (1.5, 1.5))
    """
    factor = _check_factor(factor)
    if sigma is None:
        sigma = (factor - 1) / 2
    if not sigma >= 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    if antialias and sigma > 0:
        sigma_mm = [sigma * s for s in image.GetSpacing()]
        image = gaussian_blur_mm(image, sigma_mm)
    elif antialias:
        image = sitk.Cast(image, sitk.sitkFloat32)
    step = slice(None, None, factor)
    return image[(step,) * image.GetDimension()]


def sample_sinusoid(
    frequency: float, *, rate: float, duration: float, phase: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Sample ``sin(2 pi f t + phase)`` at ``rate`` samples per unit of time (or length).

    Parameters
    ----------
    frequency : float
        Signal frequency ``f`` (cycles per second, or per mm for a spatial signal).
    rate : float
        Sampling rate, samples per second (or per mm); the sample spacing is ``1 / rate``.
    duration : float
        Length of the interval ``[0, duration]`` that is sampled.
    phase : float
        Phase in radians.

    Returns
    -------
    (t, values) : tuple of ndarray
        Sample positions ``k / rate`` for ``k = 0, 1, ...`` up to ``duration``, and the
        signal there.

    Raises
    ------
    ValueError
        If ``rate`` or ``duration`` is not positive or ``frequency`` is negative.

    Examples
    --------
    A 1 Hz sine sampled 4 times per second:

    >>> t, y = sample_sinusoid(1.0, rate=4.0, duration=1.0)
    >>> t
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])
    >>> np.round(y, 12) + 0.0
    array([ 0.,  1.,  0., -1., -0.])
    """
    if not rate > 0:
        raise ValueError(f"rate must be > 0, got {rate}")
    if not duration > 0:
        raise ValueError(f"duration must be > 0, got {duration}")
    if not frequency >= 0:
        raise ValueError(f"frequency must be >= 0, got {frequency}")
    n = int(np.floor(duration * rate + 1e-9)) + 1
    t = np.arange(n) / rate
    return t, np.sin(2 * np.pi * frequency * t + phase)


def nyquist_rate(frequency: float) -> float:
    """Lowest sampling rate that represents a sinusoid of ``frequency``: ``2 * frequency``.

    Sampling must be *faster* than this for the sinusoid to be recovered.

    Examples
    --------
    >>> nyquist_rate(5.0)
    10.0
    """
    if not frequency >= 0:
        raise ValueError(f"frequency must be >= 0, got {frequency}")
    return 2.0 * float(frequency)


def alias_frequency(frequency: float, rate: float) -> float:
    """Frequency that a sinusoid of ``frequency`` appears to have when sampled at ``rate``.

    The samples of frequencies ``f`` and ``|f - k * rate|`` are identical for any integer
    ``k``; the apparent frequency is the one in ``[0, rate / 2]``.

    Parameters
    ----------
    frequency : float
        True frequency, >= 0.
    rate : float
        Sampling rate, > 0.

    Returns
    -------
    float
        Apparent (aliased) frequency; equal to ``frequency`` when ``rate > 2 * frequency``.

    Examples
    --------
    A 9 Hz signal sampled at 10 Hz looks like 1 Hz:

    >>> alias_frequency(9.0, 10.0)
    1.0
    >>> alias_frequency(3.0, 10.0)
    3.0
    """
    if not rate > 0:
        raise ValueError(f"rate must be > 0, got {rate}")
    if not frequency >= 0:
        raise ValueError(f"frequency must be >= 0, got {frequency}")
    return float(abs(frequency - rate * np.round(frequency / rate)))


def sinc_interpolate(
    positions: np.ndarray | Sequence[float],
    samples: np.ndarray | Sequence[float],
    x: np.ndarray | Sequence[float],
) -> np.ndarray:
    """Band-limited (Whittaker-Shannon) interpolation of equally spaced samples.

    ``f(x) = sum_k samples[k] sinc((x - positions[k]) / dx)`` with ``dx`` the sample
    spacing: the only curve with no frequency above the Nyquist frequency ``1 / (2 dx)``
    that passes through the samples (for an infinite row of samples; near the ends of a
    finite row it is an approximation). If the signal had higher frequencies, this curve is
    their alias.

    Parameters
    ----------
    positions : array_like of float
        Equally spaced, increasing sample positions (mm or s), at least 2.
    samples : array_like of float
        Sample values, same length.
    x : array_like of float
        Where to evaluate the curve.

    Returns
    -------
    ndarray of float
        The curve at ``x``.

    Raises
    ------
    ValueError
        If the positions are not equally spaced and increasing, or the lengths differ.

    Examples
    --------
    The curve passes through the samples:

    >>> t, y = sample_sinusoid(0.1, rate=1.0, duration=20.0)
    >>> bool(np.allclose(sinc_interpolate(t, y, t), y))
    True
    """
    t = np.asarray(positions, dtype=float)
    y = np.asarray(samples, dtype=float)
    if t.ndim != 1 or t.size < 2 or y.shape != t.shape:
        raise ValueError(
            f"positions and samples must be 1D of the same length >= 2, got {t.shape}, {y.shape}"
        )
    steps = np.diff(t)
    if not (steps[0] > 0 and np.allclose(steps, steps[0], rtol=1e-6)):
        raise ValueError("positions must be equally spaced and increasing")
    x_array = np.asarray(x, dtype=float)
    weights = np.sinc((x_array.reshape(-1, 1) - t.reshape(1, -1)) / steps[0])
    return (weights @ y).reshape(x_array.shape)
