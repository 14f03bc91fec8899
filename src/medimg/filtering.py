"""Linear and non-linear neighbourhood filters: Gaussian blur, convolution, edges, median.

`gaussian_blur_mm` is the one to use on images: it takes a ``SimpleITK.Image`` and a width
in mm, so the geometry (anisotropic spacing included) is handled for you. The numpy
functions below it are the from-scratch derivation the filtering chapter builds.

The numpy filters work on numpy arrays in numpy order ((y, x) for 2D, (z, y, x) for 3D). Sizes and
standard deviations are in pixels (array index units): to blur by ``s`` mm, pass
``sigma = s / spacing`` per axis, with the spacing reversed into numpy order. Results are
float64 unless stated otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import SimpleITK as sitk
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

__all__ = [
    "convolve2d",
    "gaussian_blur",
    "gaussian_blur_mm",
    "gaussian_kernel_1d",
    "gaussian_kernel_2d",
    "gradient_magnitude",
    "median_filter",
]


def _check_sigma(sigma: float) -> float:
    if not np.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    return float(sigma)


def gaussian_kernel_1d(sigma: float, radius: int | None = None) -> NDArray[np.float64]:
    """Return a sampled, normalised 1D Gaussian kernel.

    ``k[i] = exp(-x_i**2 / (2 sigma**2)) / sum`` for ``x_i = -radius, ..., radius`` (pixels).

    Parameters
    ----------
    sigma : float
        Standard deviation in pixels (> 0).
    radius : int, optional
        Half-width; the kernel has ``2 * radius + 1`` taps. Default
        ``int(3 * sigma + 0.5)``, the same as ``scipy.ndimage.gaussian_filter(truncate=3)``.

    Returns
    -------
    numpy.ndarray
        Length ``2 * radius + 1``, symmetric, summing to 1.

    Examples
    --------
    >>> k = gaussian_kernel_1d(1.0)
    >>> k.size, round(float(k.sum()), 12), bool(np.allclose(k, k[::-1]))
    (7, 1.0, True)
    """
    sigma = _check_sigma(sigma)
    if radius is None:
        radius = int(3.0 * sigma + 0.5)
    if isinstance(radius, bool) or not isinstance(radius, int | np.integer) or radius < 0:
        raise ValueError(f"radius must be an integer >= 0, got {radius!r}")
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (x / sigma) ** 2)
    return kernel / kernel.sum()


def gaussian_kernel_2d(sigma: float, radius: int | None = None) -> NDArray[np.float64]:
    """Isotropic 2D Gaussian kernel: the outer product of two 1D kernels.

    Parameters
    ----------
    sigma : float
        Standard deviation in pixels (> 0), the same along both axes.
    radius : int, optional
        Half-width, as in `gaussian_kernel_1d`.

    Returns
    -------
    numpy.ndarray
        Shape ``(2 r + 1, 2 r + 1)``, summing to 1, largest in the centre.

    Examples
    --------
    >>> k = gaussian_kernel_2d(1.0, radius=1)
    >>> k.shape, round(float(k.sum()), 12), bool(k[1, 1] == k.max())
    ((3, 3), 1.0, True)
    """
    k = gaussian_kernel_1d(sigma, radius)
    return np.outer(k, k)


def convolve2d(array: ArrayLike, kernel: ArrayLike) -> NDArray[np.float64]:
    """Discrete 2D convolution with zero padding, result the size of the input.

    ``out[i, j] = sum_{m, n} kernel[m, n] * array[i + r - m, j + c - n]`` with
    ``(r, c)`` the kernel's centre and ``array`` taken as 0 outside its bounds. The kernel
    is flipped (true convolution, not correlation). The loop runs over the kernel's taps,
    each adding a shifted copy of the whole image, so the cost is one vectorised
    multiply-add per tap. Equal to ``scipy.ndimage.convolve(array, kernel,
    mode="constant", cval=0)``.

    Parameters
    ----------
    array : array_like
        2D image (rows y, columns x).
    kernel : array_like
        2D kernel with odd sizes along both axes.

    Returns
    -------
    numpy.ndarray of float64
        Same shape as ``array``.

    Raises
    ------
    ValueError
        If either input is not 2D or a kernel size is even.

    Examples
    --------
    >>> image = np.zeros((3, 3)); image[1, 1] = 1
    >>> convolve2d(image, [[0, 0, 0], [0, 0, 1], [0, 0, 0]])[1]
    array([0., 0., 1.])
    """
    a = np.asarray(array, dtype=np.float64)
    k = np.asarray(kernel, dtype=np.float64)
    if a.ndim != 2:
        raise ValueError(f"array must be 2D, got {a.ndim}D")
    if k.ndim != 2:
        raise ValueError(f"kernel must be 2D, got {k.ndim}D")
    if k.shape[0] % 2 == 0 or k.shape[1] % 2 == 0:
        raise ValueError(f"kernel sizes must be odd, got shape {k.shape}")
    r, c = k.shape[0] // 2, k.shape[1] // 2
    height, width = a.shape
    padded = np.pad(a, ((r, r), (c, c)), mode="constant")
    out = np.zeros_like(a)
    for m in range(k.shape[0]):
        for n in range(k.shape[1]):
            weight = k[m, n]
            if weight != 0:
                row, col = 2 * r - m, 2 * c - n
                out += weight * padded[row : row + height, col : col + width]
    return out


def gaussian_blur(array: ArrayLike, sigma: float | Sequence[float]) -> NDArray[np.float64]:
    """Gaussian blur of an array of any dimension, separably, with edge replication.

    A 1D kernel from `gaussian_kernel_1d` (radius ``int(3 sigma + 0.5)``) is applied along
    each axis in turn; outside the array the nearest edge value is used. Equal (to rounding)
    to ``scipy.ndimage.gaussian_filter(array, sigma, mode="nearest", truncate=3.0)``.

    Parameters
    ----------
    array : array_like
        Image in numpy order, any dimension.
    sigma : float or sequence of float
        Standard deviation in pixels (> 0), one for all axes or one per axis (numpy order).

    Returns
    -------
    numpy.ndarray of float64
        Same shape as ``array``.

    Examples
    --------
    >>> image = np.zeros((5, 5)); image[2, 2] = 1
    >>> blurred = gaussian_blur(image, 1.0)
    >>> round(float(blurred.sum()), 12), bool(blurred[2, 2] == blurred.max())
    (1.0, True)
    """
    out = np.asarray(array, dtype=np.float64)
    if out.ndim == 0:
        raise ValueError("array must have at least one dimension")
    if np.ndim(sigma) not in (0, 1) or (np.ndim(sigma) == 1 and len(sigma) != out.ndim):
        raise ValueError(f"sigma must be a number or one per axis ({out.ndim}), got {sigma}")
    sigmas = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (out.ndim,))
    for axis, s in enumerate(sigmas):
        kernel = gaussian_kernel_1d(float(s))
        radius = kernel.size // 2
        pad = [(0, 0)] * out.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(out, pad, mode="edge")
        length = out.shape[axis]
        result = np.zeros_like(out)
        for i, weight in enumerate(kernel):
            window = [slice(None)] * out.ndim
            window[axis] = slice(i, i + length)
            result += weight * padded[tuple(window)]
        out = result
    return out


def gradient_magnitude(array: ArrayLike) -> NDArray[np.float64]:
    """Edge strength: magnitude of the Sobel gradient.

    ``sqrt(sum_axis sobel(array, axis)**2)``; for 2D this is
    ``hypot(sobel(axis=0), sobel(axis=1))``. Sobel combines a central difference along one
    axis with a [1, 2, 1] smoothing along the others (``scipy.ndimage.sobel``, mode
    ``"reflect"``), so the unit is intensity per pixel times 8 (the kernel's weight sum).

    Parameters
    ----------
    array : array_like
        Image in numpy order, 2D or 3D.

    Returns
    -------
    numpy.ndarray of float64
        Same shape, >= 0; large on edges, 0 where the image is constant.

    Examples
    --------
    >>> step = np.zeros((5, 6)); step[:, 3:] = 1
    >>> gradient_magnitude(step)[2]
    array([0., 0., 4., 4., 0., 0.])
    """
    a = np.asarray(array, dtype=np.float64)
    if a.ndim not in (2, 3):
        raise ValueError(f"array must be 2D or 3D, got {a.ndim}D")
    squares = sum(ndimage.sobel(a, axis=axis) ** 2 for axis in range(a.ndim))
    return np.sqrt(squares)


def median_filter(array: ArrayLike, size: int = 3) -> NDArray:
    """Median of each ``size``-wide neighbourhood (a non-linear filter against impulse noise).

    Thin wrapper of ``scipy.ndimage.median_filter(array, size=size, mode="reflect")``. The
    median ignores a few extreme values in the window, so isolated salt-and-pepper pixels
    vanish while edges stay sharp.

    Parameters
    ----------
    array : array_like
        Image in numpy order, any dimension.
    size : int
        Odd window width in pixels along every axis (>= 1).

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``array``.

    Examples
    --------
    >>> median_filter(np.array([[1, 1, 1], [1, 100, 1], [1, 1, 1]]))
    array([[1, 1, 1],
           [1, 1, 1],
           [1, 1, 1]])
    """
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise ValueError(f"size must be an odd integer >= 1, got {size!r}")
    if size % 2 == 0:
        raise ValueError(f"size must be odd, got {size}")
    return ndimage.median_filter(np.asarray(array), size=size, mode="reflect")


def gaussian_blur_mm(image: sitk.Image, sigma_mm: float | Sequence[float]) -> sitk.Image:
    """Gaussian blur of a SimpleITK image with a standard deviation in millimetres.

    SimpleITK's recursive Gaussian (``SmoothingRecursiveGaussian``) uses the image spacing,
    so the same ``sigma_mm`` blurs the same physical distance on any grid, along x, y and z.
    ``sigma_mm = 0`` returns the image unchanged (as float32).

    Parameters
    ----------
    image : SimpleITK.Image
        Scalar 2D or 3D image.
    sigma_mm : float or sequence of float
        Standard deviation in mm (>= 0), one for all axes or one per axis in (x, y[, z]) order.

    Returns
    -------
    SimpleITK.Image
        Float32, same geometry.

    Raises
    ------
    ValueError
        If a sigma is negative or not finite, or has the wrong number of values.

    Examples
    --------
    A blur keeps the total intensity (the kernel sums to 1):

    >>> image = sitk.Image(41, 41, sitk.sitkFloat32)
    >>> image.SetSpacing((0.5, 0.5))
    >>> image[20, 20] = 1.0
    >>> blurred = gaussian_blur_mm(image, 2.0)
    >>> round(float(sitk.GetArrayViewFromImage(blurred).sum()), 3)
    1.0
    """
    dim = image.GetDimension()
    sigmas = np.asarray(sigma_mm, dtype=float)
    if sigmas.ndim == 0:
        sigmas = np.full(dim, float(sigmas))
    if sigmas.shape != (dim,):
        raise ValueError(f"sigma_mm must be a number or {dim} numbers, got {sigma_mm}")
    if not np.all(np.isfinite(sigmas)) or np.any(sigmas < 0):
        raise ValueError(f"sigma_mm must be >= 0 mm, got {sigma_mm}")
    floating = sitk.Cast(image, sitk.sitkFloat32)
    if np.all(sigmas == 0):
        return floating
    return sitk.SmoothingRecursiveGaussian(floating, [float(v) for v in sigmas])
