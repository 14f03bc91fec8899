"""Simulated image noise, and the two ways this course measures it.

Two quantities, two names, used the same way in every chapter and demo:

* `snr`, the **signal-to-noise ratio** (SNR): mean of a signal region over the standard
  deviation of a background region *of the same image*; dimensionless, needs no clean image;
* `signal_to_error_db`, the **signal-to-error ratio** in dB: a *full-reference*
  measure, ``20 log10(std(clean) / rms(observed - clean))``, which needs the clean image and
  counts every difference from it (noise *and* blurred edges) as error; `rms_error` is its
  denominator.

Photon (quantum) noise of a transmission image follows from the Beer-Lambert law:
`expected_counts` gives the mean number of photons ``N0 exp(-p)`` that pass a line
integral ``p`` of attenuation, and `simulate_transmission` draws Poisson counts from it.

All functions take and return numpy arrays of any shape (numpy order, e.g. (z, y, x)) in the
image's intensity unit; the noisy result is float64 unless stated otherwise. Random noise is
drawn from ``numpy.random.default_rng(seed)``, so a fixed ``seed`` reproduces it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Transmission",
    "add_gaussian_noise",
    "add_poisson_noise",
    "add_salt_and_pepper",
    "expected_counts",
    "rms_error",
    "signal_to_error_db",
    "simulate_transmission",
    "snr",
]


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


def rms_error(clean: ArrayLike, observed: ArrayLike) -> float:
    """Root mean square of ``observed - clean``, in the unit of the images.

    Parameters
    ----------
    clean, observed : array_like
        The reference (noise-free) image and the image to judge, same shape.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ or the images are empty.

    Examples
    --------
    >>> rms_error([0.0, 0.0, 0.0, 0.0], [1.0, -1.0, 1.0, -1.0])
    1.0
    """
    f = _as_float(clean)
    g = _as_float(observed)
    if f.shape != g.shape:
        raise ValueError(f"clean and observed must have the same shape, got {f.shape}, {g.shape}")
    if f.size == 0:
        raise ValueError("clean must not be empty")
    return float(np.sqrt(np.mean(np.square(g - f))))


def signal_to_error_db(clean: ArrayLike, observed: ArrayLike) -> float:
    """Signal-to-error ratio in dB: ``20 log10(std(clean) / rms(observed - clean))``.

    A *full-reference* measure: it needs the clean image, and every difference from it counts
    as error, the remaining noise as much as an edge that a filter has blurred. It is not the
    region `snr` (which needs no clean image and does not see blurring); the two must not be
    compared with each other. ``inf`` when ``observed`` equals ``clean``.

    Parameters
    ----------
    clean, observed : array_like
        The reference (noise-free) image and the image to judge, same shape.

    Returns
    -------
    float
        Decibels; +20 dB means 10 times less RMS error.

    Raises
    ------
    ValueError
        If the shapes differ, the images are empty or ``clean`` is constant.

    Examples
    --------
    >>> clean = np.array([0.0, 2.0, 0.0, 2.0])  # standard deviation 1
    >>> round(signal_to_error_db(clean, clean + 0.1), 1)
    20.0
    """
    error = rms_error(clean, observed)
    spread = float(np.std(_as_float(clean)))
    if spread == 0:
        raise ValueError(
            "clean has zero standard deviation; the signal-to-error ratio is undefined"
        )
    if error == 0:
        return float("inf")
    return float(20.0 * np.log10(spread / error))


def expected_counts(line_integral: ArrayLike, *, incident: float) -> NDArray[np.float64]:
    r"""Mean photon count behind an object, from the Beer-Lambert law: ``N0 exp(-p)``.

    A narrow X-ray beam of ``incident`` photons (:math:`N_0`) that crosses tissue with
    attenuation coefficient :math:`\mu` along its path keeps on average
    :math:`N_0 \exp(-\int \mu \, ds)` photons. The more attenuation (bone), the *fewer*
    photons reach the detector; a radiograph shows high attenuation as bright only because
    it displays ``p`` (or a function that grows with it), not the counts.

    Parameters
    ----------
    line_integral : array_like
        :math:`p = \int \mu \, ds` along each ray, dimensionless (mu in 1/mm times mm),
        >= 0, any shape.
    incident : float
        Photons that would reach the detector element without the object (> 0).

    Returns
    -------
    numpy.ndarray of float64
        Expected counts, same shape as ``line_integral``.

    Raises
    ------
    ValueError
        If ``incident <= 0`` or a line integral is negative or not finite.

    Examples
    --------
    >>> expected_counts([0.0, np.log(2), np.log(100)], incident=1000)
    array([1000.,  500.,   10.])
    """
    if not (np.isfinite(incident) and incident > 0):
        raise ValueError(f"incident must be a finite number of photons > 0, got {incident}")
    p = _as_float(line_integral)
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError(f"line_integral must be finite and >= 0, got minimum {p.min()}")
    return float(incident) * np.exp(-p)


@dataclass(frozen=True)
class Transmission:
    """What `simulate_transmission` returns (all arrays in the shape of the input).

    Attributes
    ----------
    expected : numpy.ndarray
        Mean counts ``N0 exp(-p)``.
    counts : numpy.ndarray
        Poisson-distributed counts drawn with those means (int64).
    line_integral : numpy.ndarray
        The line integral estimated back from the counts, ``-log(counts / N0)`` (float64;
        a count of 0 is taken as 0.5 so that the logarithm stays finite).
    """

    expected: NDArray[np.float64]
    counts: NDArray[np.int64]
    line_integral: NDArray[np.float64]


def simulate_transmission(
    line_integral: ArrayLike, *, incident: float, seed: int | None = None
) -> Transmission:
    """Simulate photon counting behind an object: Beer-Lambert means, Poisson counts.

    The counts behind each ray are Poisson with mean ``N = N0 exp(-p)``
    (`expected_counts`), so their relative noise is ``1 / sqrt(N)``: largest where the
    attenuation is largest (behind bone), where fewest photons arrive. Taking
    ``-log(counts / N0)`` turns the counts back into line integrals, as a radiograph or a CT
    reconstruction does; their noise is then about ``1 / sqrt(N)`` in absolute terms.

    Parameters
    ----------
    line_integral : array_like
        Attenuation line integrals ``p >= 0`` (dimensionless), any shape.
    incident : float
        Photons per detector element without the object, ``N0`` (> 0); proportional to dose.
    seed : int, optional
        Seed of the random generator.

    Returns
    -------
    Transmission

    Examples
    --------
    Behind soft tissue (p = 1) and behind bone (p = 4), 10 000 incident photons:

    >>> sim = simulate_transmission(np.repeat([[1.0], [4.0]], 20000, axis=1),
    ...                             incident=10_000, seed=0)
    >>> np.round(sim.expected[:, 0])
    array([3679.,  183.])
    >>> relative = sim.counts.std(axis=1) / sim.counts.mean(axis=1)
    >>> bool(relative[1] > 4 * relative[0])  # sqrt(e**3) = 4.5 times noisier behind bone
    True
    """
    expected = expected_counts(line_integral, incident=incident)
    counts = np.random.default_rng(seed).poisson(expected)
    estimate = -np.log(np.maximum(counts, 0.5) / float(incident))
    return Transmission(expected=expected, counts=counts, line_integral=estimate)
