r"""A convolutional layer in miniature: learning one filter kernel from example images.

A convolutional neural network's layer computes, for every output channel, a sum of the input
channels each filtered with its own small kernel, plus a bias. The kernels are not designed
but *learned*: chosen to minimise a loss on training examples. With one input channel, one
output channel and no non-linearity the layer is a single filter, and learning it is a linear
least-squares problem, which this module solves twice: exactly, and by gradient descent as a
network would.

Like deep-learning libraries, the layer computes a *cross-correlation* (the kernel is not
flipped, unlike the convolution of :ref:`ch-filtering`) over the "valid" region only: the output
is smaller than the input by ``size - 1`` pixels per axis, with no padding. Arrays are 2D numpy
arrays indexed ``[y, x]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "FitResult",
    "apply_kernel",
    "fit_kernel_gradient_descent",
    "fit_kernel_least_squares",
    "patches",
]


def _check(image: ArrayLike, size: int) -> NDArray[np.float64]:
    array = np.asarray(image, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"image must be 2D, got shape {array.shape}")
    if size < 1 or size % 2 == 0:
        raise ValueError(f"size must be a positive odd number, got {size}")
    if min(array.shape) < size:
        raise ValueError(f"image of shape {array.shape} is smaller than the kernel ({size})")
    return array


def patches(image: ArrayLike, *, size: int = 3) -> NDArray[np.float64]:
    """Return every ``size x size`` neighbourhood of an image, one flattened patch per row.

    Row ``r`` holds the neighbourhood of output pixel ``r`` of the valid region, in row-major
    order, so that ``patches(image) @ kernel.ravel()`` is the layer's output, flattened.

    Parameters
    ----------
    image : array_like, shape (h, w)
    size : int
        Odd kernel size.

    Returns
    -------
    ndarray, shape ((h - size + 1) * (w - size + 1), size * size)

    Examples
    --------
    >>> patches(np.arange(12).reshape(3, 4), size=3)
    array([[ 0.,  1.,  2.,  4.,  5.,  6.,  8.,  9., 10.],
           [ 1.,  2.,  3.,  5.,  6.,  7.,  9., 10., 11.]])
    """
    array = _check(image, size)
    return sliding_window_view(array, (size, size)).reshape(-1, size * size)


def apply_kernel(image: ArrayLike, kernel: ArrayLike) -> NDArray[np.float64]:
    """Cross-correlate an image with a square kernel over the valid region (a 1-channel layer).

    Parameters
    ----------
    image : array_like, shape (h, w)
    kernel : array_like, shape (k, k), k odd

    Returns
    -------
    ndarray, shape (h - k + 1, w - k + 1)

    Examples
    --------
    A kernel with a single 1 at its right-hand neighbour picks that neighbour:

    >>> apply_kernel(np.arange(12).reshape(3, 4), [[0, 0, 0], [0, 0, 1], [0, 0, 0]]).tolist()
    [[6.0, 7.0]]
    """
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2 or k.shape[0] != k.shape[1]:
        raise ValueError(f"kernel must be square and 2D, got shape {k.shape}")
    array = _check(image, k.shape[0])
    out_shape = (array.shape[0] - k.shape[0] + 1, array.shape[1] - k.shape[1] + 1)
    return (patches(array, size=k.shape[0]) @ k.ravel()).reshape(out_shape)


def _targets(image: NDArray[np.float64], target: ArrayLike, size: int) -> NDArray[np.float64]:
    wanted = np.asarray(target, dtype=float)
    expected = (image.shape[0] - size + 1, image.shape[1] - size + 1)
    if wanted.shape != expected:
        raise ValueError(
            f"target must have the valid-region shape {expected} for a {size} x {size} kernel, "
            f"got {wanted.shape}"
        )
    return wanted.ravel()


def fit_kernel_least_squares(image: ArrayLike, target: ArrayLike, *, size: int = 3) -> NDArray:
    """Find the kernel whose output is closest to ``target`` in the least-squares sense.

    Solves ``min_k || patches(image) @ k - target ||²`` exactly (``numpy.linalg.lstsq``).

    Parameters
    ----------
    image : array_like, shape (h, w)
        Input of the layer.
    target : array_like, shape (h - size + 1, w - size + 1)
        Wanted output on the valid region.
    size : int
        Odd kernel size.

    Returns
    -------
    ndarray, shape (size, size)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> image = rng.normal(size=(20, 20))
    >>> box = np.full((3, 3), 1 / 9)
    >>> bool(np.allclose(fit_kernel_least_squares(image, apply_kernel(image, box)), box))
    True
    """
    array = _check(image, size)
    y = _targets(array, target, size)
    solution, *_ = np.linalg.lstsq(patches(array, size=size), y, rcond=None)
    return solution.reshape(size, size)


@dataclass(frozen=True)
class FitResult:
    """Result of :func:`fit_kernel_gradient_descent`.

    Attributes
    ----------
    kernel : ndarray, shape (size, size)
        The learned kernel.
    losses : ndarray, shape (steps + 1,)
        Mean squared error before the first step and after every step.
    learning_rate : float
        The step size used.
    """

    kernel: NDArray[np.float64]
    losses: NDArray[np.float64]
    learning_rate: float


def fit_kernel_gradient_descent(
    image: ArrayLike,
    target: ArrayLike,
    *,
    size: int = 3,
    steps: int = 20000,
    learning_rate: float | None = None,
    momentum: float = 0.99,
    seed: int = 0,
) -> FitResult:
    r"""Learn a kernel by gradient descent on the mean squared error, as a network is trained.

    The loss is :math:`L(k) = \frac{1}{N} \| P k - y \|^2` with :math:`P` the patches and
    :math:`y` the target; its gradient is :math:`G k - b` with :math:`G = \frac{2}{N}
    P^\mathsf{T} P` and :math:`b = \frac{2}{N} P^\mathsf{T} y`. Both are computed once, so a
    step costs a few dozen multiplications however large the image. Starting from small random
    weights, each step moves the weights downhill with *momentum* (heavy ball: a running sum of
    past steps), which networks use too: neighbouring pixels of real images are strongly
    correlated, the loss is a long narrow valley, and plain gradient descent crawls along it.
    Without a given ``learning_rate`` the step is :math:`1/\lambda_\max(G)`.

    Parameters
    ----------
    image : array_like, shape (h, w)
        Input of the layer (scale it to about unit range first, as networks do).
    target : array_like, shape (h - size + 1, w - size + 1)
        Wanted output on the valid region.
    size : int
        Odd kernel size.
    steps : int
        Number of gradient steps (>= 0).
    learning_rate : float, optional
        Step size (> 0).
    momentum : float
        Fraction of the previous step kept, in [0, 1); 0 is plain gradient descent.
    seed : int
        Seed of the random initial weights.

    Returns
    -------
    FitResult

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> image = rng.normal(size=(30, 30))
    >>> sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 8
    >>> fit = fit_kernel_gradient_descent(image, apply_kernel(image, sobel))
    >>> bool(np.allclose(fit.kernel, sobel, atol=1e-6)), bool(fit.losses[-1] < 1e-12)
    (True, True)
    """
    array = _check(image, size)
    y = _targets(array, target, size)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    if not 0 <= momentum < 1:
        raise ValueError(f"momentum must be in [0, 1), got {momentum}")
    p = patches(array, size=size)
    n = len(y)
    gram = 2.0 / n * (p.T @ p)
    b = 2.0 / n * (p.T @ y)
    c = float(np.mean(y**2))
    if learning_rate is None:
        learning_rate = 1.0 / float(np.linalg.eigvalsh(gram).max())
    elif not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be > 0, got {learning_rate}")

    def loss(k: NDArray[np.float64]) -> float:
        return max(float(0.5 * k @ gram @ k - b @ k + c), 0.0)

    k = np.random.default_rng(seed).normal(scale=0.01, size=size * size)
    velocity = np.zeros_like(k)
    losses = [loss(k)]
    for _ in range(steps):
        velocity = momentum * velocity - learning_rate * (gram @ k - b)
        k = k + velocity
        losses.append(loss(k))
    return FitResult(
        kernel=k.reshape(size, size), losses=np.array(losses), learning_rate=float(learning_rate)
    )
