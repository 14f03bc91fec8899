"""Sampling and quantization: how a continuous signal becomes a digital image.

A digital image stores the values of a continuous function at a grid of *points* (sampling)
and rounds each value to one of finitely many levels (quantization). This module holds
the small computations the digital-imaging chapter shows:

* `sample_positions`: where the samples of a grid axis lie, in mm;
* `quantize` and `quantize_levels`: intensity quantization by bin width or by number of
  levels, and `level_values` to map level indices back to intensities;
* `downsample` (numpy) and `downsample_image` (SimpleITK, optionally with a Gaussian
  anti-aliasing pre-filter): keep every ``factor``-th sample;
* `sample_sinusoid`, `nyquist_rate` and `alias_frequency`: a 1D signal sampled above or
  below the Nyquist rate.

Positions and spacings are in mm (or s for 1D time signals); for images, sizes, spacings
and factors follow SimpleITK's (x, y[, z]) order, numpy arrays are (z, y, x).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import SimpleITK as sitk

__all__ = [
    "alias_frequency",
    "downsample",
    "downsample_image",
    "level_values",
    "nyquist_rate",
    "quantize",
    "quantize_levels",
    "sample_positions",
    "sample_sinusoid",
]


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


def quantize(values: np.ndarray | Sequence[float] | float, step: float) -> np.ndarray:
    """Quantize values by flooring each one to the lower edge of its bin of width ``step``.

    Bins are ``[k * step, (k + 1) * step)`` for integer ``k``; negative values floor down
    (``-0.5`` with step 1 becomes ``-1``).

    Parameters
    ----------
    values : array_like of float
        Values to quantize (any shape).
    step : float
        Bin width, in the units of ``values``; positive.

    Returns
    -------
    ndarray of float
        Same shape as ``values``: ``floor(values / step) * step``.

    Raises
    ------
    ValueError
        If ``step <= 0`` or is not finite.

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
    """
    if not (np.isfinite(step) and step > 0):
        raise ValueError(f"step must be a finite number > 0, got {step}")
    array = np.asarray(values, dtype=float)
    return np.floor(array / step) * step


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
        image = sitk.SmoothingRecursiveGaussian(sitk.Cast(image, sitk.sitkFloat32), sigma_mm)
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
