"""Segmentation by thresholding: a fixed intensity interval, or Otsu's automatic threshold.

The functions work on numpy arrays of any shape (2D slices or 3D volumes in (z, y, x) order)
and return arrays of the same shape; geometry stays with the ``SimpleITK.Image`` the array came
from (copy it back with ``CopyInformation``). Intensities are in the image's unit, e.g.
Hounsfield units (HU) for CT.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk
from numpy.typing import ArrayLike, NDArray

from medimg.regions import physical_size

__all__ = [
    "Cluster",
    "between_class_variance",
    "largest_cluster",
    "otsu_threshold",
    "threshold",
]


def threshold(
    values: ArrayLike, lower: float | None = None, upper: float | None = None
) -> NDArray[np.uint8]:
    """Binary mask of the values inside an inclusive interval.

    The mask is 1 where ``lower <= v <= upper`` and 0 elsewhere. Both bounds are inclusive,
    as in the lecture's algorithm; ``None`` leaves that side open.

    Parameters
    ----------
    values : array_like
        Intensities, any shape (numpy order, e.g. (z, y, x)); for CT in HU.
    lower, upper : float or None
        Inclusive bounds in the unit of ``values``. At least one must be given.

    Returns
    -------
    numpy.ndarray of uint8
        Same shape as ``values``: 1 inside the interval, 0 outside.

    Raises
    ------
    ValueError
        If both bounds are ``None``, a bound is NaN, or ``lower > upper``.

    Examples
    --------
    >>> threshold([-1000, -500, -400, 0, 300, 1200], -1000, -400)
    array([1, 1, 1, 0, 0, 0], dtype=uint8)
    >>> threshold([-1000, 299, 300, 1200], lower=300)
    array([0, 0, 1, 1], dtype=uint8)
    """
    if lower is None and upper is None:
        raise ValueError("give at least one of lower and upper, got neither")
    for name, bound in (("lower", lower), ("upper", upper)):
        if bound is not None and np.isnan(bound):
            raise ValueError(f"{name} must be a number, got {bound}")
    if lower is not None and upper is not None and lower > upper:
        raise ValueError(f"lower must be <= upper, got lower={lower}, upper={upper}")
    array = np.asarray(values)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ValueError(f"values must be numeric, got dtype {array.dtype}")
    inside = np.ones(array.shape, dtype=bool)
    if lower is not None:
        inside &= array >= lower
    if upper is not None:
        inside &= array <= upper
    return inside.astype(np.uint8)


def _histogram(values: ArrayLike, bins: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, got {bins!r}")
    array = np.asarray(values, dtype=np.float64).ravel()
    if array.size == 0:
        raise ValueError("values must not be empty")
    if not np.all(np.isfinite(array)):
        raise ValueError("values must be finite (no NaN or inf)")
    lo, hi = float(array.min()), float(array.max())
    if lo == hi:
        raise ValueError(f"values are all equal ({lo}); there is nothing to separate")
    counts, edges = np.histogram(array, bins=bins, range=(lo, hi))
    return counts.astype(np.float64), edges


def between_class_variance(
    values: ArrayLike, bins: int = 256
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Otsu's between-class variance for every candidate threshold of a histogram.

    For a split of the histogram into a lower class (weight :math:`w_0`, mean :math:`\mu_0`)
    and an upper class (:math:`w_1`, :math:`\mu_1`), the between-class variance is
    :math:`\sigma_B^2 = w_0 w_1 (\mu_0 - \mu_1)^2`. Candidate thresholds are the inner bin
    edges; bin centres stand for the values in a bin.

    Parameters
    ----------
    values : array_like
        Intensities, any shape; must be finite and not all equal.
    bins : int
        Number of histogram bins over ``[min, max]`` (>= 2).

    Returns
    -------
    thresholds : numpy.ndarray
        The ``bins - 1`` inner bin edges, in the unit of ``values``.
    variance : numpy.ndarray
        Between-class variance for each threshold (unit squared).

    Examples
    --------
    >>> t, v = between_class_variance([0, 0, 10, 10], bins=2)
    >>> t.tolist(), v.tolist()  # bin centres 2.5 and 7.5: 0.5 * 0.5 * 5**2
    ([5.0], [6.25])
    """
    counts, edges = _histogram(values, bins)
    centres = 0.5 * (edges[:-1] + edges[1:])
    p = counts / counts.sum()
    w0 = np.cumsum(p)[:-1]  # weight of the lower class when splitting after bin k
    w1 = 1.0 - w0
    m0 = np.cumsum(p * centres)[:-1]  # first moment of the lower class
    total_mean = float(np.sum(p * centres))
    variance = np.zeros_like(w0)
    valid = (w0 > 0) & (w1 > 0)
    mu0 = m0[valid] / w0[valid]
    mu1 = (total_mean - m0[valid]) / w1[valid]
    variance[valid] = w0[valid] * w1[valid] * (mu0 - mu1) ** 2
    return edges[1:-1], variance


def otsu_threshold(values: ArrayLike, bins: int = 256) -> float:
    r"""Otsu's automatic threshold: the split that maximises the between-class variance.

    The values are binned into a histogram over ``[min, max]``; every inner bin edge ``t``
    splits them into a lower class (``v < t``) and an upper class (``v >= t``). The returned
    ``t`` maximises :math:`w_0 w_1 (\mu_0 - \mu_1)^2` (first maximum on ties), so the
    foreground is ``threshold(values, lower=t)``. The result is exact only to one bin width,
    ``(max - min) / bins``.

    Parameters
    ----------
    values : array_like
        Intensities, any shape; must be finite and not all equal.
    bins : int
        Number of histogram bins (>= 2).

    Returns
    -------
    float
        Threshold in the unit of ``values`` (HU for CT).

    Raises
    ------
    ValueError
        If ``values`` is empty, not finite, constant, or ``bins < 2``.

    Examples
    --------
    Every edge from 3 to 10 separates the two groups equally well; the first is returned:

    >>> otsu_threshold([0, 1, 2, 10, 11, 12], bins=12)
    3.0
    """
    thresholds, variance = between_class_variance(values, bins)
    return float(thresholds[int(np.argmax(variance))])


@dataclass(frozen=True)
class Cluster:
    """A connected region of supra-threshold voxels (what `largest_cluster` returns).

    Attributes
    ----------
    centre_mm : tuple of float
        Centre of mass weighted by the image values, world mm, (x, y[, z]) order.
    voxels : int
        Number of voxels.
    size_mm : float
        Volume (mm³, 3D) or area (mm², 2D).
    peak_value : float
        Largest value in the cluster.
    value_at_centre : float
        Image value at the voxel nearest to ``centre_mm`` (a centre of mass can fall outside
        a curved cluster; this value shows whether it did).
    mask : SimpleITK.Image
        ``sitkUInt8`` mask of the cluster, geometry of the image.
    """

    centre_mm: tuple[float, ...]
    voxels: int
    size_mm: float
    peak_value: float
    value_at_centre: float
    mask: sitk.Image


def largest_cluster(image: sitk.Image, threshold_value: float) -> Cluster:
    """Find the largest connected cluster of voxels above a threshold, and its centre of mass.

    Statistical maps (z-maps) are often capped, so their maximum is a *plateau* of equal
    values and ``argmax`` returns an arbitrary first voxel of it (possibly on the edge of
    the cluster). The value-weighted centre of mass of the whole supra-threshold cluster is
    a stable summary of where it is. Clusters use face connectivity.

    Parameters
    ----------
    image : SimpleITK.Image
        Scalar image (2D or 3D), e.g. a z-map.
    threshold_value : float
        Voxels with value ``> threshold_value`` form clusters.

    Returns
    -------
    Cluster

    Raises
    ------
    ValueError
        If no voxel exceeds the threshold.

    Examples
    --------
    A flat-topped blob: its centre is the middle of the plateau, not its first voxel.

    >>> array = np.zeros((5, 7), dtype=np.float32)
    >>> array[1:4, 2:7] = 5.0
    >>> cluster = largest_cluster(sitk.GetImageFromArray(array), 1.0)
    >>> cluster.centre_mm, cluster.voxels
    ((4.0, 2.0), 15)
    """
    values = sitk.Cast(image, sitk.sitkFloat64)
    above = sitk.Cast(values > float(threshold_value), sitk.sitkUInt8)
    labels = sitk.RelabelComponent(sitk.ConnectedComponent(above, False))
    if not np.any(sitk.GetArrayViewFromImage(labels)):
        raise ValueError(f"no voxel is above threshold_value={threshold_value}")
    mask = sitk.Cast(labels == 1, sitk.sitkUInt8)
    stats = sitk.LabelIntensityStatisticsImageFilter()
    stats.Execute(mask, values)
    centre = tuple(float(c) for c in stats.GetCenterOfGravity(1))
    index = image.TransformPhysicalPointToContinuousIndex(centre)
    nearest = tuple(round(i) for i in index)
    return Cluster(
        centre_mm=centre,
        voxels=int(stats.GetNumberOfPixels(1)),
        size_mm=physical_size(mask),
        peak_value=float(stats.GetMaximum(1)),
        value_at_centre=float(values[nearest]),
        mask=mask,
    )
