"""Segmentation in practice: connected components, morphology, region growing and sizes in mm.

Every function takes and returns ``SimpleITK.Image`` masks (pixel type uint8, 1 = inside), so
that the grid (origin, spacing, direction) travels with the mask and sizes come out in
physical units: mm² for a 2D mask, mm³ for a 3D one. Connectivity: two pixels are neighbours
when they share an edge (4 neighbours in 2D, 6 in 3D), unless ``fully_connected=True`` (corners
too: 8 in 2D, 26 in 3D). Points are world coordinates in mm, in SimpleITK's (x, y[, z]) order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import SimpleITK as sitk

__all__ = [
    "Component",
    "body_mask",
    "components",
    "largest_component",
    "physical_size",
    "region_grow",
]


@dataclass(frozen=True)
class Component:
    """One connected component of a mask.

    Attributes
    ----------
    label : int
        1 for the largest component, 2 for the next, ...
    pixels : int
        Number of pixels (voxels).
    size_mm : float
        Area in mm² (2D) or volume in mm³ (3D).
    centroid_mm : tuple of float
        Centre of mass in world coordinates (x, y[, z]), mm.
    """

    label: int
    pixels: int
    size_mm: float
    centroid_mm: tuple[float, ...]


def _check_mask(mask: sitk.Image, name: str = "mask") -> sitk.Image:
    if not isinstance(mask, sitk.Image):
        raise TypeError(f"{name} must be a SimpleITK.Image, got {type(mask).__name__}")
    if mask.GetNumberOfComponentsPerPixel() != 1:
        raise ValueError(f"{name} must have scalar pixels")
    return sitk.Cast(mask != 0, sitk.sitkUInt8)


def physical_size(mask: sitk.Image) -> float:
    """Area (2D, mm²) or volume (3D, mm³) of the non-zero pixels of a mask.

    Number of pixels times the pixel area (or voxel volume), the product of the spacings.

    Examples
    --------
    >>> mask = sitk.Image(10, 10, sitk.sitkUInt8)
    >>> mask.SetSpacing((0.5, 2.0))
    >>> mask[2:5, 3:5] = 1
    >>> physical_size(mask)
    6.0
    """
    binary = _check_mask(mask)
    count = int(np.count_nonzero(sitk.GetArrayViewFromImage(binary)))
    return count * float(np.prod(binary.GetSpacing()))


def components(mask: sitk.Image, *, fully_connected: bool = False) -> list[Component]:
    """List the connected components of a mask, largest first.

    Parameters
    ----------
    mask : SimpleITK.Image
        Binary mask (non-zero = inside), 2D or 3D.
    fully_connected : bool
        Count corner neighbours as connected (8/26-connectivity) instead of 4/6.

    Returns
    -------
    list of Component
        Sorted by size, largest first (ties: SimpleITK's order).

    Examples
    --------
    Two squares that touch only at a corner are one component only with
    ``fully_connected=True``:

    >>> mask = sitk.Image(6, 6, sitk.sitkUInt8)
    >>> mask[0:2, 0:2] = 1
    >>> mask[2:5, 2:5] = 1
    >>> [c.pixels for c in components(mask)]
    [9, 4]
    >>> [c.pixels for c in components(mask, fully_connected=True)]
    [13]
    """
    binary = _check_mask(mask)
    labels = sitk.RelabelComponent(sitk.ConnectedComponent(binary, fully_connected))
    stats = sitk.LabelShapeStatisticsImageFilter()
    stats.Execute(labels)
    return [
        Component(
            label=int(label),
            pixels=int(stats.GetNumberOfPixels(label)),
            size_mm=float(stats.GetPhysicalSize(label)),
            centroid_mm=tuple(float(v) for v in stats.GetCentroid(label)),
        )
        for label in stats.GetLabels()
    ]


def largest_component(mask: sitk.Image, *, fully_connected: bool = False) -> sitk.Image:
    """Keep only the largest connected component of a mask.

    Parameters
    ----------
    mask : SimpleITK.Image
        Binary mask, 2D or 3D.
    fully_connected : bool
        Corner neighbours count as connected.

    Returns
    -------
    SimpleITK.Image
        uint8 mask on the same grid; all zero if ``mask`` is empty.

    Examples
    --------
    >>> mask = sitk.Image(8, 3, sitk.sitkUInt8)
    >>> mask[0:2, :] = 1
    >>> mask[4:8, :] = 1
    >>> sitk.GetArrayFromImage(largest_component(mask))[0].tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    """
    binary = _check_mask(mask)
    labels = sitk.RelabelComponent(sitk.ConnectedComponent(binary, fully_connected))
    return sitk.Cast(labels == 1, sitk.sitkUInt8)


def body_mask(
    ct: sitk.Image, *, threshold_hu: float = -400.0, opening_radius_mm: float = 2.0
) -> sitk.Image:
    """Mask of the patient's body in a CT image, without the table or head support.

    Four steps, each a SimpleITK filter: threshold (everything denser than ``threshold_hu``:
    tissue, bone, and also the scanner's table or head support); a morphological opening with
    a disc (ball) of radius ``opening_radius_mm``, which cuts thin bridges between the body
    and the support; keep the largest connected component (the body); fill the holes (air in
    the sinuses, airways) so that the mask covers the whole body.

    Parameters
    ----------
    ct : SimpleITK.Image
        CT image in HU, 2D or 3D.
    threshold_hu : float
        Lower bound in HU; -400 separates air from all tissues.
    opening_radius_mm : float
        Radius of the opening's structuring element in mm (0 = no opening); converted to
        pixels per axis with the spacing.

    Returns
    -------
    SimpleITK.Image
        uint8 mask on the CT's grid.

    Examples
    --------
    >>> from medimg import data
    >>> head = body_mask(data.ct_head())
    >>> 18_000 < physical_size(head) < 19_500  # mm², one axial slice of the head
    True
    """
    if opening_radius_mm < 0:
        raise ValueError(f"opening_radius_mm must be >= 0, got {opening_radius_mm}")
    mask = sitk.Cast(ct >= float(threshold_hu), sitk.sitkUInt8)
    if opening_radius_mm > 0:
        radius = [max(1, round(opening_radius_mm / s)) for s in ct.GetSpacing()]
        mask = sitk.BinaryMorphologicalOpening(mask, radius, sitk.sitkBall)
    return sitk.BinaryFillhole(largest_component(mask))


def region_grow(
    image: sitk.Image, seeds_mm: Sequence[Sequence[float]], *, lower: float, upper: float
) -> sitk.Image:
    """Grow a region from seed points over connected pixels whose value is in [lower, upper].

    The region starts at the pixels containing the seeds and adds, repeatedly, every
    neighbour (4/6-connectivity) whose value lies in the inclusive interval, with
    ``sitk.ConnectedThreshold``. Unlike a threshold it only takes pixels *connected* to a
    seed: the air outside the body is not part of a lung grown from a seed inside it.

    Parameters
    ----------
    image : SimpleITK.Image
        Scalar image, 2D or 3D.
    seeds_mm : sequence of points
        World points (x, y[, z]) in mm, each inside the image.
    lower, upper : float
        Inclusive interval of accepted values.

    Returns
    -------
    SimpleITK.Image
        uint8 mask on the image's grid.

    Raises
    ------
    ValueError
        If there is no seed, a seed lies outside the image, or ``lower > upper``.

    Examples
    --------
    >>> image = sitk.GetImageFromArray(np.array([[0, 5, 0, 5], [0, 5, 0, 5]], dtype=np.int16))
    >>> grown = region_grow(image, [(1.0, 0.0)], lower=4, upper=6)
    >>> sitk.GetArrayFromImage(grown).tolist()
    [[0, 1, 0, 0], [0, 1, 0, 0]]
    """
    if lower > upper:
        raise ValueError(f"lower must be <= upper, got lower={lower}, upper={upper}")
    if len(seeds_mm) == 0:
        raise ValueError("seeds_mm must contain at least one point")
    seeds = []
    for point in seeds_mm:
        if len(point) != image.GetDimension():
            raise ValueError(
                f"each seed needs {image.GetDimension()} coordinates (x, y[, z]) in mm, got {point}"
            )
        index = image.TransformPhysicalPointToIndex([float(v) for v in point])
        if any(i < 0 or i >= n for i, n in zip(index, image.GetSize(), strict=True)):
            raise ValueError(f"seed {tuple(point)} mm lies outside the image")
        seeds.append(index)
    grown = sitk.ConnectedThreshold(image, seedList=seeds, lower=float(lower), upper=float(upper))
    return sitk.Cast(grown, sitk.sitkUInt8)
