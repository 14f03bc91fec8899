"""A minimal example of learning from data: k-means clustering of intensities.

The "model" is a set of ``k`` class centroids on the intensity axis, learned from the
voxel values themselves (unsupervised: no labels are used); segmenting then assigns each
voxel to its nearest centroid. Arrays are numpy arrays of any shape (numpy order); labels
are ``0 .. k-1`` in order of increasing centroid intensity.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["kmeans_1d", "nearest_centroid_segment"]


def _finite_values(values: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(values)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"values must be numeric, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if array.size == 0:
        raise ValueError("values must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError("values must be finite (no NaN or inf)")
    return array


def nearest_centroid_segment(values: ArrayLike, centroids: ArrayLike) -> NDArray[np.uint8]:
    """Label each value with the index of the nearest centroid.

    Distance is the absolute intensity difference; a value exactly halfway between two
    centroids gets the lower index.

    Parameters
    ----------
    values : array_like
        Intensities, any shape.
    centroids : array_like
        1D sequence of 1 to 255 class intensities, in the unit of ``values``.

    Returns
    -------
    numpy.ndarray of uint8
        Same shape as ``values``; label ``i`` means ``centroids[i]`` is nearest.

    Raises
    ------
    ValueError
        If ``centroids`` is not a non-empty 1D sequence of at most 255 finite numbers.

    Examples
    --------
    >>> nearest_centroid_segment([0, 4, 5, 6, 30], [0, 10, 40])
    array([0, 0, 0, 1, 2], dtype=uint8)
    """
    array = _finite_values(values)
    c = np.asarray(centroids, dtype=np.float64)
    if c.ndim != 1 or not 1 <= c.size <= 255 or not np.all(np.isfinite(c)):
        raise ValueError(f"centroids must be 1 to 255 finite numbers in 1D, got {centroids!r}")
    # One pass per centroid keeps memory at one array; strict "<" keeps the lower index on ties.
    labels = np.zeros(array.shape, dtype=np.uint8)
    best = np.abs(array - c[0])
    for i in range(1, c.size):
        distance = np.abs(array - c[i])
        closer = distance < best
        labels[closer] = i
        best = np.where(closer, distance, best)
    return labels


def kmeans_1d(
    values: ArrayLike,
    k: int,
    *,
    init: ArrayLike | None = None,
    n_iter: int = 100,
    tol: float = 1e-6,
) -> tuple[NDArray[np.float64], NDArray[np.uint8]]:
    """Cluster intensities into ``k`` groups with Lloyd's k-means algorithm.

    Start from ``init`` (default: the ``(i + 0.5) / k`` quantiles of the values, which is
    deterministic), then repeat: assign every value to its nearest centroid
    (`nearest_centroid_segment`), move every centroid to the mean of its values. Stop when
    no centroid moves more than ``tol`` or after ``n_iter`` rounds. A cluster that loses all
    its values keeps its centroid. This minimises the within-cluster sum of squared
    differences locally, like ``sklearn.cluster.KMeans`` with one initialisation.

    Parameters
    ----------
    values : array_like
        Intensities, any shape.
    k : int
        Number of clusters, 1 to 255.
    init : array_like, optional
        ``k`` starting centroids.
    n_iter : int
        Maximum number of iterations (>= 1).
    tol : float
        Convergence tolerance in the unit of ``values`` (>= 0).

    Returns
    -------
    centroids : numpy.ndarray of float64
        Sorted ascending, shape ``(k,)``.
    labels : numpy.ndarray of uint8
        Same shape as ``values``; label ``i`` belongs to ``centroids[i]``.

    Examples
    --------
    >>> centroids, labels = kmeans_1d([1, 2, 3, 10, 11, 12, 50, 52], 3)
    >>> centroids
    array([ 2., 11., 51.])
    >>> labels
    array([0, 0, 0, 1, 1, 1, 2, 2], dtype=uint8)
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= 255:
        raise ValueError(f"k must be an integer from 1 to 255, got {k!r}")
    if isinstance(n_iter, bool) or not isinstance(n_iter, int | np.integer) or n_iter < 1:
        raise ValueError(f"n_iter must be an integer >= 1, got {n_iter!r}")
    if not tol >= 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    array = _finite_values(values)
    flat = array.ravel()
    if init is None:
        centroids = np.quantile(flat, (np.arange(k) + 0.5) / k)
    else:
        centroids = np.asarray(init, dtype=np.float64).copy()
        if centroids.shape != (k,):
            raise ValueError(f"init must hold k={k} centroids, got shape {centroids.shape}")
    for _ in range(n_iter):
        labels = nearest_centroid_segment(flat, centroids)
        sums = np.bincount(labels, weights=flat, minlength=k)
        counts = np.bincount(labels, minlength=k)
        updated = np.where(counts > 0, sums / np.maximum(counts, 1), centroids)
        shift = float(np.max(np.abs(updated - centroids)))
        centroids = updated
        if shift <= tol:
            break
    centroids = np.sort(centroids)
    return centroids, nearest_centroid_segment(array, centroids)
