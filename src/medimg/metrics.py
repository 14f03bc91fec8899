"""Overlap, detection and distance metrics that compare a predicted binary mask with a reference.

Masks are numpy arrays of any shape (numpy order, e.g. (z, y, x)); any non-zero value counts
as foreground. Prediction and reference must have the same shape (the same voxel grid).
Overlap metrics (Dice, Jaccard) count voxels; distance metrics (Hausdorff, mean surface
distance) measure in mm and need the voxel ``spacing`` **in the same numpy axis order as the
array**, e.g. ``(dz, dy, dx)``: the reverse of SimpleITK's ``image.GetSpacing()``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import ndimage

__all__ = [
    "confusion_counts",
    "dice",
    "hausdorff_distance_mm",
    "jaccard",
    "mean_surface_distance_mm",
    "sensitivity_specificity",
    "surface",
]


def _pair(pred: ArrayLike, truth: ArrayLike) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    p = np.asarray(pred)
    t = np.asarray(truth)
    if p.shape != t.shape:
        raise ValueError(f"pred and truth must have the same shape, got {p.shape} and {t.shape}")
    return p != 0, t != 0


def dice(a: ArrayLike, b: ArrayLike) -> float:
    """Dice coefficient ``2 |A ∩ B| / (|A| + |B|)`` of two binary masks.

    1 for identical masks, 0 for disjoint ones; symmetric in ``a`` and ``b``. Two empty
    masks agree perfectly, so the result is 1.0 then.

    Parameters
    ----------
    a, b : array_like
        Masks of the same shape; non-zero is foreground.

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> dice([1, 1, 0, 0], [1, 0, 1, 0])
    0.5
    >>> dice([0, 0], [0, 0])
    1.0
    """
    x, y = _pair(a, b)
    total = int(x.sum()) + int(y.sum())
    if total == 0:
        return 1.0
    return 2.0 * int(np.count_nonzero(x & y)) / total


def confusion_counts(pred: ArrayLike, truth: ArrayLike) -> dict[str, int]:
    """Voxel counts of true/false positives and negatives.

    Parameters
    ----------
    pred : array_like
        Predicted mask; non-zero is foreground.
    truth : array_like
        Reference mask of the same shape.

    Returns
    -------
    dict
        Keys ``"tp"``, ``"fp"``, ``"tn"``, ``"fn"``, Python ints summing to the size.

    Examples
    --------
    >>> confusion_counts([1, 1, 0, 0], [1, 0, 1, 0])
    {'tp': 1, 'fp': 1, 'tn': 1, 'fn': 1}
    """
    p, t = _pair(pred, truth)
    return {
        "tp": int(np.count_nonzero(p & t)),
        "fp": int(np.count_nonzero(p & ~t)),
        "tn": int(np.count_nonzero(~p & ~t)),
        "fn": int(np.count_nonzero(~p & t)),
    }


def sensitivity_specificity(pred: ArrayLike, truth: ArrayLike) -> tuple[float, float]:
    """Sensitivity ``TP / (TP + FN)`` and specificity ``TN / (TN + FP)``.

    Sensitivity is the fraction of reference foreground that was found; specificity the
    fraction of reference background correctly left out. A ratio whose denominator is 0
    (no foreground, or no background, in ``truth``) is undefined and returned as NaN.

    Parameters
    ----------
    pred : array_like
        Predicted mask; non-zero is foreground.
    truth : array_like
        Reference mask of the same shape.

    Returns
    -------
    (sensitivity, specificity) : tuple of float

    Examples
    --------
    >>> sensitivity_specificity([1, 1, 0, 0, 0], [1, 0, 1, 0, 0])
    (0.5, 0.6666666666666666)
    """
    c = confusion_counts(pred, truth)
    positives = c["tp"] + c["fn"]
    negatives = c["tn"] + c["fp"]
    sensitivity = c["tp"] / positives if positives else math.nan
    specificity = c["tn"] / negatives if negatives else math.nan
    return sensitivity, specificity


def jaccard(a: ArrayLike, b: ArrayLike) -> float:
    """Jaccard index (intersection over union) ``|A ∩ B| / |A ∪ B|`` of two binary masks.

    Related to Dice by ``J = D / (2 - D)``, so it is never larger than Dice; 1 for identical
    masks, 0 for disjoint ones, and 1.0 for two empty masks (they agree perfectly).

    Parameters
    ----------
    a, b : array_like
        Masks of the same shape; non-zero is foreground.

    Returns
    -------
    float
        In [0, 1].

    Examples
    --------
    >>> jaccard([1, 1, 0, 0], [1, 0, 1, 0])
    0.3333333333333333
    >>> jaccard([0, 0], [0, 0])
    1.0
    """
    x, y = _pair(a, b)
    union = int(np.count_nonzero(x | y))
    if union == 0:
        return 1.0
    return int(np.count_nonzero(x & y)) / union


def _spacing(spacing: Sequence[float] | float | None, ndim: int) -> NDArray[np.float64]:
    values = np.broadcast_to(np.asarray(1.0 if spacing is None else spacing, dtype=float), (ndim,))
    if not np.all(np.isfinite(values)) or np.any(values <= 0):
        raise ValueError(f"spacing must be > 0 (mm) for each of the {ndim} axes, got {spacing}")
    return np.array(values)


def _nonempty_pair(
    a: ArrayLike, b: ArrayLike, spacing: Sequence[float] | float | None
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.float64]]:
    x, y = _pair(a, b)
    if not x.any() or not y.any():
        raise ValueError("distances between masks are undefined when a mask is empty")
    return x, y, _spacing(spacing, x.ndim)


def surface(mask: ArrayLike) -> NDArray[np.bool_]:
    """Return the boundary voxels of a mask: foreground voxels with a background face-neighbour.

    Voxels on the array's edge count as boundary (outside the array is background).

    Examples
    --------
    >>> surface(np.ones((3, 3))).astype(int).tolist()
    [[1, 1, 1], [1, 0, 1], [1, 1, 1]]
    """
    m = np.asarray(mask) != 0
    inner = ndimage.binary_erosion(m, border_value=0)
    return m & ~inner


def _distance_to(mask: NDArray[np.bool_], spacing: NDArray[np.float64]) -> NDArray[np.float64]:
    # Euclidean distance (mm) from every voxel centre to the nearest voxel centre of `mask`.
    return ndimage.distance_transform_edt(~mask, sampling=spacing)


def hausdorff_distance_mm(
    a: ArrayLike, b: ArrayLike, *, spacing: Sequence[float] | float | None = None
) -> float:
    """Hausdorff distance in mm: the largest distance from a voxel of one mask to the other.

    ``max(max_{p in A} d(p, B), max_{q in B} d(q, A))`` with ``d`` the Euclidean distance
    between voxel centres in mm. It reports the *worst* disagreement, so a single stray voxel
    far away dominates it, where Dice would barely change. Same definition as SimpleITK's
    ``HausdorffDistanceImageFilter``.

    Parameters
    ----------
    a, b : array_like
        Non-empty masks of the same shape; non-zero is foreground.
    spacing : float or sequence of float, optional
        Voxel spacing in mm per array axis, **numpy order** (e.g. ``(dy, dx)``); default 1.

    Returns
    -------
    float
        Distance in mm.

    Raises
    ------
    ValueError
        If a mask is empty, the shapes differ or a spacing is not positive.

    Examples
    --------
    >>> a = np.zeros((5, 5)); a[2, 1] = 1
    >>> b = np.zeros((5, 5)); b[2, 1] = b[2, 4] = 1
    >>> hausdorff_distance_mm(a, b, spacing=(1.0, 0.5))
    1.5
    """
    x, y, sp = _nonempty_pair(a, b, spacing)
    return float(max(_distance_to(y, sp)[x].max(), _distance_to(x, sp)[y].max()))


def mean_surface_distance_mm(
    a: ArrayLike, b: ArrayLike, *, spacing: Sequence[float] | float | None = None
) -> float:
    """Mean (symmetric) surface distance in mm between two masks.

    The distance from every boundary voxel (see :func:`surface`) of each mask to the nearest
    boundary voxel of the other, averaged over the boundary voxels of both masks. It reports
    the *typical* disagreement of the outlines, where the Hausdorff distance reports the worst.

    Parameters
    ----------
    a, b : array_like
        Non-empty masks of the same shape; non-zero is foreground.
    spacing : float or sequence of float, optional
        Voxel spacing in mm per array axis, **numpy order**; default 1.

    Returns
    -------
    float
        Distance in mm; 0 for identical masks.

    Examples
    --------
    Two squares, one shifted by one column of 2 mm:

    >>> a = np.zeros((6, 6)); a[1:4, 1:4] = 1
    >>> b = np.zeros((6, 6)); b[1:4, 2:5] = 1
    >>> mean_surface_distance_mm(a, b, spacing=(1.0, 2.0))
    0.875
    """
    x, y, sp = _nonempty_pair(a, b, spacing)
    sx, sy = surface(x), surface(y)
    distances = np.concatenate([_distance_to(sy, sp)[sx], _distance_to(sx, sp)[sy]])
    return float(distances.mean())
