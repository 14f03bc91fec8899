"""Simulated image noise and the signal-to-noise ratio (SNR).

All functions take and return numpy arrays of any shape (numpy order, e.g. (z, y, x)) in the
image's intensity unit; the noisy result is float64 unless stated otherwise. Random noise is
drawn from ``numpy.random.default_rng(seed)``, so a fixed ``seed`` reproduces it exactly.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["add_gaussian_noise", "add_poisson_noise", "add_salt_and_pepper", "snr"]


def _as_float(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"values must be numeric, got dtype {array.dtype}")
    return array.astype(np.float64)


def add_gaussian_noise(
    values: ArrayLike, sigma: float, *, seed: int | None = None
) -> NDArray[np.float64]:
    """Add zero-mean Gaussian (normal) noise of standard deviation ``sigma``.

    The result is ``values + default_rng(seed).normal(0, sigma, values.shape)``: additive,
    independent of the signal, the same in every pixel.

    Parameters
    ----------
    values : array_like
        Noise-free intensities, any shape.
    sigma : float
        Standard deviation of the noise, in the unit of ``values`` (>= 0).
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    numpy.ndarray of float64

    Raises
    ------
    ValueError
        If ``sigma`` is negative or not finite.

    Examples
    --------
    >>> noisy = add_gaussian_noise(np.zeros((200, 200)), 5.0, seed=0)
    >>> round(float(noisy.std()), 1)
    5.0
    """
    if not np.isfinite(sigma) or sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    array = _as_float(values)
    return array + np.random.default_rng(seed).normal(0.0, sigma, array.shape)


def add_poisson_noise(
    values: ArrayLike, *, scale: float = 1.0, seed: int | None = None
) -> NDArray[np.float64]:
    """Replace each value by a Poisson-distributed count with that mean (photon noise).

    The value times ``scale`` is taken as the expected number of photons; a count is drawn
    and divided by ``scale`` again, so the mean is unchanged and the standard deviation is
    ``sqrt(values / scale)``: brighter pixels are noisier in absolute terms but have a
    better SNR. A larger ``scale`` (more photons, higher dose) means relatively less noise.

    Parameters
    ----------
    values : array_like
        Non-negative expected intensities, any shape.
    scale : float
        Photons per intensity unit (> 0).
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    numpy.ndarray of float64

    Raises
    ------
    ValueError
        If ``scale <= 0`` or any value is negative or not finite.

    Examples
    --------
    >>> noisy = add_poisson_noise(np.full((300, 300), 100.0), seed=0)
    >>> round(float(noisy.mean())), round(float(noisy.std()))
    (100, 10)
    """
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be > 0, got {scale}")
    array = _as_float(values)
    if not np.all(np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"values must be finite and >= 0, got minimum {array.min()}")
    counts = np.random.default_rng(seed).poisson(array * scale)
    return counts / scale


def add_salt_and_pepper(
    values: ArrayLike,
    fraction: float,
    *,
    low: float | None = None,
    high: float | None = None,
    seed: int | None = None,
) -> NDArray[np.float64]:
    """Set a random fraction of the pixels to ``low`` (pepper) or ``high`` (salt).

    Impulse noise, as from defective detector elements or bit errors in transmission: the
    hit pixels lose their value completely; half of them (on average) become ``low``, the
    other half ``high``. The others are unchanged.

    Parameters
    ----------
    values : array_like
        Intensities, any shape.
    fraction : float
        Probability that a pixel is hit, in [0, 1].
    low, high : float, optional
        Pepper and salt values; default the minimum and maximum of ``values``.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    numpy.ndarray of float64

    Raises
    ------
    ValueError
        If ``fraction`` is outside [0, 1] or ``values`` is empty.

    Examples
    --------
    >>> noisy = add_salt_and_pepper(np.full((100, 100), 5.0), 0.1, low=0, high=10, seed=0)
    >>> round(float(np.mean(noisy != 5)), 2), sorted(np.unique(noisy).tolist())
    (0.1, [0.0, 5.0, 10.0])
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be in [0, 1], got {fraction}")
    array = _as_float(values)
    if array.size == 0:
        raise ValueError("values must not be empty")
    low = float(array.min()) if low is None else float(low)
    high = float(array.max()) if high is None else float(high)
    rng = np.random.default_rng(seed)
    hit = rng.random(array.shape) < fraction
    salt = rng.random(array.shape) < 0.5
    out = array.copy()
    out[hit & salt] = high
    out[hit & ~salt] = low
    return out


def snr(signal: ArrayLike, background: ArrayLike) -> float:
    """Signal-to-noise ratio: mean of a signal region over the std of a background region.

    ``SNR = mean(signal) / std(background)`` with the population standard deviation
    (``ddof=0``). Both regions are given as the values they contain (e.g.
    ``array[mask]``); the background should hold noise only (air outside the body).

    Parameters
    ----------
    signal : array_like
        Values of the signal region, any shape, at least one.
    background : array_like
        Values of the background region, at least two, not all equal.

    Returns
    -------
    float
        Dimensionless ratio.

    Raises
    ------
    ValueError
        If a region is empty or the background has zero spread.

    Examples
    --------
    >>> snr([10.0, 12.0, 14.0], [-1.0, 1.0, -1.0, 1.0])
    12.0
    """
    s = _as_float(signal).ravel()
    b = _as_float(background).ravel()
    if s.size == 0:
        raise ValueError("signal region must not be empty")
    if b.size < 2:
        raise ValueError(f"background region needs at least 2 values, got {b.size}")
    spread = float(np.std(b, ddof=0))
    if spread == 0:
        raise ValueError("background has zero standard deviation; SNR is undefined")
    return float(np.mean(s)) / spread
