"""Overlap and detection metrics that compare a predicted binary mask with a reference.

Masks are numpy arrays of any shape (numpy order, e.g. (z, y, x)); any non-zero value counts
as foreground. Prediction and reference must have the same shape (the same voxel grid).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["confusion_counts", "dice", "sensitivity_specificity"]


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
