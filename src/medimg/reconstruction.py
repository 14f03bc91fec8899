r"""Where images come from: CT reconstruction from projections and MR reconstruction from k-space.

**CT.** A CT scanner measures, for many angles, how much an X-ray beam is attenuated along
parallel lines through the patient. By Beer--Lambert (:ref:`ch-imaging-basics`) the detector
sees :math:`I = I_0 \exp(-\int \mu \, ds)`, so :math:`p = -\ln(I / I_0)` is the *line integral*
of the linear attenuation coefficient :math:`\mu` (1/mm). The projections of all angles, stacked,
form the *sinogram*. Filtered back-projection (FBP) inverts it: filter every projection with the
ramp filter :math:`|f|`, then smear ("back-project") it across the image along the lines it was
measured on, and add the angles up.

Geometry (one convention for :func:`forward_project` and :func:`back_project`): a square
``(n, n)`` numpy array indexed ``[y, x]`` with pixel spacing ``spacing`` (mm); its centre is the
continuous index ``((n - 1) / 2, (n - 1) / 2)``. The projection at angle :math:`\theta` and
detector position :math:`t` (mm, 0 at the centre) integrates along the line of points
:math:`t (\cos\theta, \sin\theta) + s (-\sin\theta, \cos\theta)`, :math:`x` to the right and
:math:`y` down the array. A sinogram is an array of shape ``(n_angles, n_detectors)`` with one
detector per pixel and the same spacing; angles cover :math:`[0, 180)` degrees.

**MR.** An MR scanner measures the Fourier transform of the transverse magnetisation, one line of
*k-space* per phase-encoding step. :func:`to_kspace` and :func:`from_kspace` go between an image
and its centred k-space (low frequencies in the middle); :func:`undersampling_mask` keeps only
some phase-encoding lines, as fast acquisitions do, which causes the artefacts shown in the book.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

__all__ = [
    "MU_WATER_PER_MM",
    "attenuation_from_hu",
    "back_project",
    "filtered_back_projection",
    "forward_project",
    "from_kspace",
    "hu_from_attenuation",
    "noisy_sinogram",
    "ramp_filter",
    "to_kspace",
    "undersampling_mask",
]

#: Linear attenuation coefficient of water (1/mm) near 70 keV, a typical effective CT energy.
MU_WATER_PER_MM = 0.019


def attenuation_from_hu(hu: ArrayLike) -> NDArray[np.float64]:
    r"""Convert Hounsfield units to linear attenuation coefficients in 1/mm.

    Inverts the definition :math:`\mathrm{HU} = 1000 (\mu - \mu_w) / \mu_w` with
    :math:`\mu_w` = `MU_WATER_PER_MM`; air (-1000 HU) becomes 0.

    Parameters
    ----------
    hu : array_like
        Values in HU.

    Returns
    -------
    ndarray of float
        :math:`\mu` in 1/mm, clipped at 0.

    Examples
    --------
    >>> attenuation_from_hu([-1000, 0, 1000]).tolist()
    [0.0, 0.019, 0.038]
    """
    mu = MU_WATER_PER_MM * (1.0 + np.asarray(hu, dtype=float) / 1000.0)
    return np.clip(mu, 0.0, None)


def hu_from_attenuation(mu: ArrayLike) -> NDArray[np.float64]:
    r"""Convert linear attenuation coefficients in 1/mm to Hounsfield units.

    :math:`\mathrm{HU} = 1000 (\mu - \mu_w) / \mu_w`, the inverse of
    :func:`attenuation_from_hu` (without its clipping).

    Examples
    --------
    >>> hu_from_attenuation([0.0, 0.019, 0.038]).round(6).tolist()
    [-1000.0, 0.0, 1000.0]
    """
    return 1000.0 * (np.asarray(mu, dtype=float) - MU_WATER_PER_MM) / MU_WATER_PER_MM


def _angles(angles_degrees: ArrayLike) -> NDArray[np.float64]:
    angles = np.atleast_1d(np.asarray(angles_degrees, dtype=float))
    if angles.ndim != 1 or angles.size == 0 or not np.all(np.isfinite(angles)):
        raise ValueError(
            f"angles_degrees must be a non-empty 1D list of finite angles, got {angles}"
        )
    return angles


def _check_spacing(spacing: float) -> float:
    if not np.isfinite(spacing) or spacing <= 0:
        raise ValueError(f"spacing must be > 0 (mm), got {spacing}")
    return float(spacing)


def forward_project(
    image: ArrayLike, angles_degrees: ArrayLike, *, spacing: float = 1.0
) -> NDArray[np.float64]:
    """Parallel-beam projections (line integrals) of a square 2D image: its sinogram.

    Parameters
    ----------
    image : array_like, shape (n, n)
        Values per pixel, indexed ``[y, x]`` (e.g. attenuation in 1/mm).
    angles_degrees : array_like
        Projection angles in degrees (see the module docstring for the geometry).
    spacing : float
        Pixel spacing in mm, also the detector spacing and the integration step.

    Returns
    -------
    ndarray, shape (n_angles, n)
        Line integrals (value x mm); sampled with linear interpolation, 0 outside the image.

    Raises
    ------
    ValueError
        If the image is not square and 2D, or an angle or the spacing is invalid.

    Examples
    --------
    A single bright pixel at the centre projects to the central detector (value x spacing):

    >>> image = np.zeros((5, 5)); image[2, 2] = 1.0
    >>> forward_project(image, [0, 90], spacing=2.0)[:, 2].tolist()
    [2.0, 2.0]
    """
    array = np.asarray(image, dtype=float)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"image must be a square 2D array, got shape {array.shape}")
    angles = np.deg2rad(_angles(angles_degrees))
    step = _check_spacing(spacing)
    n = array.shape[0]
    centre = (n - 1) / 2.0
    t = np.arange(n) - centre  # detector positions, in pixels
    s = np.arange(n) - centre  # positions along the ray, in pixels
    tt, ss = np.meshgrid(t, s, indexing="ij")
    sinogram = np.empty((angles.size, n))
    for k, theta in enumerate(angles):
        c, si = np.cos(theta), np.sin(theta)
        x = tt * c - ss * si + centre
        y = tt * si + ss * c + centre
        samples = ndimage.map_coordinates(array, [y, x], order=1, mode="constant", cval=0.0)
        sinogram[k] = samples.sum(axis=1) * step
    return sinogram


def ramp_filter(sinogram: ArrayLike, *, spacing: float = 1.0) -> NDArray[np.float64]:
    r"""Filter every projection (row) of a sinogram with the ramp filter :math:`|f|`.

    Uses the band-limited ramp of Ramachandran and Lakshminarayanan in its spatial form
    (:math:`h_0 = 1 / (4 d^2)`, :math:`h_n = -1 / (\pi n d)^2` for odd :math:`n`, 0 for even
    :math:`n \ne 0`, with :math:`d` the detector spacing), applied by FFT with zero padding so
    that the projections do not wrap around. Unlike sampling :math:`|f|` directly, this keeps
    the mean level right. The ramp weighs each frequency by its magnitude: it sharpens, and it
    amplifies high-frequency noise.

    Parameters
    ----------
    sinogram : array_like, shape (n_angles, n_detectors)
        One projection per row.
    spacing : float
        Detector spacing in mm.

    Returns
    -------
    ndarray, same shape
        Filtered projections, in the projections' unit per mm (inversely proportional to the spacing).

    Examples
    --------
    The filter removes the mean of a projection's surroundings: a constant row is flattened
    to almost zero away from its ends.

    >>> filtered = ramp_filter(np.ones((1, 64)))
    >>> bool(abs(filtered[0, 32]) < 0.01)
    True
    """
    sino = np.asarray(sinogram, dtype=float)
    if sino.ndim != 2:
        raise ValueError(f"sinogram must be 2D (n_angles, n_detectors), got shape {sino.shape}")
    d = _check_spacing(spacing)
    n = sino.shape[1]
    padded = max(64, int(2 ** np.ceil(np.log2(2 * n))))
    offsets = np.concatenate([np.arange(padded // 2 + 1), np.arange(-padded // 2 + 1, 0)])
    h = np.zeros(padded)
    h[0] = 1.0 / (4.0 * d**2)
    odd = offsets % 2 == 1
    h[odd] = -1.0 / (np.pi * offsets[odd] * d) ** 2
    response = np.real(np.fft.fft(h)) * d  # the discrete convolution sums over steps of d
    spectrum = np.fft.fft(sino, n=padded, axis=1)
    return np.real(np.fft.ifft(spectrum * response, axis=1))[:, :n]


def back_project(sinogram: ArrayLike, angles_degrees: ArrayLike) -> NDArray[np.float64]:
    r"""Smear every projection back across the image along its lines and sum over angles.

    :math:`b(x, y) = \frac{\pi}{N} \sum_k q_k(x \cos\theta_k + y \sin\theta_k)` for :math:`N`
    angles evenly covering 180 degrees, with linear interpolation between detectors. Applied
    to an unfiltered sinogram it gives a blurred image (the :math:`1/r` blur of simple
    back-projection); applied to ramp-filtered projections it reconstructs the image.

    Parameters
    ----------
    sinogram : array_like, shape (n_angles, n)
        Projections, one per row, detector spacing equal to the pixel spacing.
    angles_degrees : array_like
        The angle of each row, in degrees.

    Returns
    -------
    ndarray, shape (n, n)
        Indexed ``[y, x]``; values times mm if the sinogram is unfiltered.

    Examples
    --------
    >>> back_project(np.ones((4, 3)), [0, 45, 90, 135]).shape
    (3, 3)
    """
    sino = np.asarray(sinogram, dtype=float)
    angles = np.deg2rad(_angles(angles_degrees))
    if sino.ndim != 2 or sino.shape[0] != angles.size:
        raise ValueError(
            f"sinogram must have one row per angle ({angles.size}), got shape {sino.shape}"
        )
    n = sino.shape[1]
    centre = (n - 1) / 2.0
    coords = np.arange(n) - centre
    y, x = np.meshgrid(coords, coords, indexing="ij")
    image = np.zeros((n, n))
    for projection, theta in zip(sino, angles, strict=True):
        t = x * np.cos(theta) + y * np.sin(theta)
        image += np.interp(t, coords, projection, left=0.0, right=0.0)
    return image * np.pi / angles.size


def filtered_back_projection(
    sinogram: ArrayLike, angles_degrees: ArrayLike, *, spacing: float = 1.0
) -> NDArray[np.float64]:
    """Reconstruct an image from its parallel-beam sinogram: `ramp_filter`, then `back_project`.

    Parameters
    ----------
    sinogram : array_like, shape (n_angles, n)
        Line integrals, e.g. from :func:`forward_project`.
    angles_degrees : array_like
        Angles evenly covering 180 degrees, in degrees.
    spacing : float
        Detector (= pixel) spacing in mm.

    Returns
    -------
    ndarray, shape (n, n)
        The reconstructed values (e.g. attenuation in 1/mm), indexed ``[y, x]``.

    Examples
    --------
    A uniform disc of 0.02 /mm is recovered inside:

    >>> yy, xx = np.mgrid[:64, :64] - 31.5
    >>> disc = np.where(np.hypot(xx, yy) < 20, 0.02, 0.0)
    >>> angles = np.arange(0, 180, 1.0)
    >>> recon = filtered_back_projection(forward_project(disc, angles), angles)
    >>> round(float(recon[32, 32]), 3)
    0.02
    """
    filtered = ramp_filter(sinogram, spacing=spacing)
    return back_project(filtered, angles_degrees)


def noisy_sinogram(
    sinogram: ArrayLike, *, photons: float, rng: np.random.Generator | int | None = None
) -> NDArray[np.float64]:
    r"""Simulate quantum noise: Poisson photon counts behind the object, back to line integrals.

    Each detector reading is Poisson with mean :math:`I_0 e^{-p}` (Beer--Lambert), so fewer
    photons arrive, and the relative noise is larger, behind dense material. The measured line
    integral is :math:`-\ln(I / I_0)` (a reading of 0 photons is counted as 1).

    Parameters
    ----------
    sinogram : array_like
        Noise-free line integrals (dimensionless).
    photons : float
        Photons per detector reading without an object, :math:`I_0` (> 0).
    rng : numpy.random.Generator, int or None
        Random generator or seed, for reproducible noise.

    Returns
    -------
    ndarray, same shape
        Noisy line integrals.

    Examples
    --------
    >>> noisy = noisy_sinogram(np.full((1, 1000), 2.0), photons=1e4, rng=0)
    >>> bool(abs(noisy.mean() - 2.0) < 0.01)
    True
    """
    if not np.isfinite(photons) or photons <= 0:
        raise ValueError(f"photons must be > 0, got {photons}")
    generator = np.random.default_rng(rng)
    expected = photons * np.exp(-np.asarray(sinogram, dtype=float))
    counts = np.maximum(generator.poisson(expected), 1)
    return -np.log(counts / photons)


def to_kspace(image: ArrayLike) -> NDArray[np.complex128]:
    """Centred 2D Fourier transform of an image: its k-space, zero frequency in the middle.

    Parameters
    ----------
    image : array_like, shape (ny, nx)
        Real or complex image indexed ``[y, x]``.

    Returns
    -------
    ndarray of complex, same shape
        ``fftshift(fft2(image))`` with orthonormal scaling (energy is preserved).

    Examples
    --------
    A constant image has all its energy at the centre of k-space:

    >>> k = to_kspace(np.ones((4, 4)))
    >>> np.abs(k).round(3)[2, 2], float(np.abs(k).sum().round(3))
    (np.float64(4.0), 4.0)
    """
    array = np.asarray(image)
    if array.ndim != 2:
        raise ValueError(f"image must be 2D, got shape {array.shape}")
    return np.fft.fftshift(np.fft.fft2(np.fft.ifftshift(array), norm="ortho"))


def from_kspace(kspace: ArrayLike) -> NDArray[np.float64]:
    """Magnitude image from centred k-space: the inverse of :func:`to_kspace`, then ``abs``.

    Scanners display the magnitude because the phase varies smoothly for physical reasons
    unrelated to anatomy.

    Parameters
    ----------
    kspace : array_like of complex, shape (ny, nx)
        Centred k-space, as :func:`to_kspace` returns it.

    Returns
    -------
    ndarray of float, same shape

    Examples
    --------
    >>> image = np.arange(12.0).reshape(3, 4)
    >>> bool(np.allclose(from_kspace(to_kspace(image)), image))
    True
    """
    k = np.asarray(kspace)
    if k.ndim != 2:
        raise ValueError(f"kspace must be 2D, got shape {k.shape}")
    return np.abs(np.fft.fftshift(np.fft.ifft2(np.fft.ifftshift(k), norm="ortho")))


def undersampling_mask(
    shape: Sequence[int], *, keep_every: int = 1, centre_lines: int = 0
) -> NDArray[np.bool_]:
    """Phase-encoding lines (rows of k-space) that a faster acquisition would measure.

    Keeps every ``keep_every``-th row counted from the centre row (so the centre is always
    measured), plus the ``centre_lines`` rows around the centre. Skipping rows halves the
    field of view per factor 2, which folds the image onto itself (aliasing); keeping only
    central rows measures only low frequencies, which blurs and rings (Gibbs).

    Parameters
    ----------
    shape : sequence of int
        ``(ny, nx)`` of k-space; rows are the phase-encoding direction (y).
    keep_every : int
        Acceleration factor R >= 1 for the outer rows; ``0`` keeps no outer rows.
    centre_lines : int
        Number of fully sampled rows around the centre (>= 0).

    Returns
    -------
    ndarray of bool, shape ``shape``
        True where k-space is measured.

    Examples
    --------
    >>> undersampling_mask((8, 2), keep_every=2)[:, 0].astype(int).tolist()
    [1, 0, 1, 0, 1, 0, 1, 0]
    >>> undersampling_mask((8, 2), keep_every=0, centre_lines=2)[:, 0].astype(int).tolist()
    [0, 0, 0, 1, 1, 0, 0, 0]
    """
    if len(shape) != 2 or min(shape) < 1:
        raise ValueError(f"shape must be (ny, nx) with positive sizes, got {tuple(shape)}")
    if keep_every < 0:
        raise ValueError(f"keep_every must be >= 0, got {keep_every}")
    if centre_lines < 0:
        raise ValueError(f"centre_lines must be >= 0, got {centre_lines}")
    ny, nx = int(shape[0]), int(shape[1])
    rows = np.arange(ny) - ny // 2  # 0 at the centre row of a centred k-space
    keep = rows % keep_every == 0 if keep_every else np.zeros(ny, dtype=bool)
    keep |= (rows >= -(centre_lines // 2)) & (rows < centre_lines - centre_lines // 2)
    return np.repeat(keep[:, None], nx, axis=1)
