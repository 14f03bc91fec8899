r"""Geometry of images as objects in space.

An image is a grid of samples placed in the physical ("world") coordinate system of the
scanner. Three properties place the grid, as in SimpleITK and DICOM:

* ``origin``: the world position (mm) of the sample with index ``(0, 0[, 0])``;
* ``spacing``: the distance (mm) between neighbouring samples along each grid axis;
* ``direction``: a ``d x d`` matrix of *direction cosines* whose *columns* are the unit
  grid axes expressed in world coordinates, given flat in row-major order as SimpleITK
  returns it. Its columns are orthonormal, but it need not be a rotation: a determinant of
  -1 (a reflection, e.g. an axis flipped to store an image in another orientation) is common
  in files.

A continuous index ``i`` (x, y[, z] order) maps to the world point

.. math:: p = o + D \, \mathrm{diag}(s) \, i

All indices, points, spacings and sizes in this module are in SimpleITK's (x, y[, z]) order,
which is the *reverse* of numpy's (z, y, x) array order. Lengths are in millimetres.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "box_mask",
    "direction_matrix",
    "disk_mask",
    "field_of_view",
    "index_to_world",
    "mask_extent",
    "resampled_size",
    "voxel_centres",
    "world_to_index",
]


def direction_matrix(direction: Sequence[float] | np.ndarray, dim: int) -> np.ndarray:
    """Return the direction cosines as a ``(dim, dim)`` matrix.

    Parameters
    ----------
    direction : sequence of float or ndarray
        ``dim * dim`` numbers in row-major order (as ``Image.GetDirection()`` returns them),
        or an already square ``(dim, dim)`` matrix. Column ``j`` is the world direction of
        grid axis ``j`` (x, y[, z] order).
    dim : int
        Image dimension, 2 or 3.

    Returns
    -------
    ndarray of float, shape (dim, dim)

    Raises
    ------
    ValueError
        If ``direction`` does not hold ``dim * dim`` numbers.

    Examples
    --------
    >>> direction_matrix((0, -1, 1, 0), 2)
    array([[ 0., -1.],
           [ 1.,  0.]])
    """
    matrix = np.asarray(direction, dtype=float)
    if matrix.size != dim * dim:
        raise ValueError(
            f"direction must hold {dim * dim} numbers for a {dim}D image, got {matrix.size}"
        )
    return matrix.reshape(dim, dim)


def _as_vectors(dim_source: str, **vectors: Sequence[float] | np.ndarray) -> tuple[np.ndarray, ...]:
    arrays = {name: np.asarray(value, dtype=float) for name, value in vectors.items()}
    dim = arrays[dim_source].shape[-1]
    for name, array in arrays.items():
        if array.ndim not in (1, 2) or array.shape[-1] != dim:
            raise ValueError(
                f"{name} must have {dim} components (x, y[, z] order), got shape {array.shape}"
            )
    return tuple(arrays.values())


def index_to_world(
    index: Sequence[float] | np.ndarray,
    *,
    origin: Sequence[float],
    spacing: Sequence[float],
    direction: Sequence[float] | None = None,
) -> np.ndarray:
    """Map a continuous voxel index to its world point in mm.

    Computes ``origin + D @ (spacing * index)``, exactly what SimpleITK's
    ``Image.TransformContinuousIndexToPhysicalPoint`` does.

    Parameters
    ----------
    index : array_like, shape (d,) or (n, d)
        Continuous index (or ``n`` of them) in (x, y[, z]) order. Integer indices are sample
        centres.
    origin : sequence of float
        World position of index 0, in mm, (x, y[, z]) order.
    spacing : sequence of float
        Sample spacing per axis, in mm, (x, y[, z]) order. Must be positive.
    direction : sequence of float, optional
        Row-major ``d * d`` direction cosines as ``Image.GetDirection()`` returns them.
        Identity if omitted.

    Returns
    -------
    ndarray of float, shape (d,) or (n, d)
        World point(s) in mm, (x, y[, z]) order.

    Examples
    --------
    Index (10, 20) of a grid with 0.5 mm spacing starting at (-100, -50) mm:

    >>> index_to_world((10, 20), origin=(-100.0, -50.0), spacing=(0.5, 0.5))
    array([-95., -40.])

    A direction that swaps the axes (a 90 degree rotation):

    >>> index_to_world((1, 0), origin=(0, 0), spacing=(2, 1), direction=(0, -1, 1, 0))
    array([0., 2.])
    """
    index, origin_v, spacing_v = _as_vectors("index", index=index, origin=origin, spacing=spacing)
    if np.any(spacing_v <= 0):
        raise ValueError(f"spacing must be positive, got {tuple(spacing_v)}")
    dim = index.shape[-1]
    matrix = np.eye(dim) if direction is None else direction_matrix(direction, dim)
    return origin_v + (index * spacing_v) @ matrix.T


def world_to_index(
    point: Sequence[float] | np.ndarray,
    *,
    origin: Sequence[float],
    spacing: Sequence[float],
    direction: Sequence[float] | None = None,
) -> np.ndarray:
    """Map a world point in mm to its continuous voxel index (the inverse of `index_to_world`).

    Computes ``D^-1 @ (point - origin) / spacing``, like SimpleITK's
    ``Image.TransformPhysicalPointToContinuousIndex``.

    Parameters
    ----------
    point : array_like, shape (d,) or (n, d)
        World point(s) in mm, (x, y[, z]) order.
    origin, spacing, direction
        As in `index_to_world`.

    Returns
    -------
    ndarray of float, shape (d,) or (n, d)
        Continuous index in (x, y[, z]) order; round it to get the nearest sample.

    Examples
    --------
    >>> world_to_index((-95.0, -40.0), origin=(-100.0, -50.0), spacing=(0.5, 0.5))
    array([10., 20.])
    """
    point, origin_v, spacing_v = _as_vectors("point", point=point, origin=origin, spacing=spacing)
    if np.any(spacing_v <= 0):
        raise ValueError(f"spacing must be positive, got {tuple(spacing_v)}")
    dim = point.shape[-1]
    matrix = np.eye(dim) if direction is None else direction_matrix(direction, dim)
    # Solve instead of transposing: direction matrices from files are only nearly orthogonal.
    return np.linalg.solve(matrix, (point - origin_v).T).T / spacing_v


def field_of_view(size: Sequence[int], spacing: Sequence[float]) -> np.ndarray:
    """Physical extent of an image along each axis, in mm: ``size * spacing``.

    This is the distance covered by ``size`` samples when each sample stands for a cell of
    width ``spacing`` (the convention SimpleITK uses to keep the extent when resampling).

    Parameters
    ----------
    size : sequence of int
        Number of samples per axis, (x, y[, z]) order (``Image.GetSize()``).
    spacing : sequence of float
        Spacing per axis in mm, same order.

    Returns
    -------
    ndarray of float
        Extent per axis in mm.

    Examples
    --------
    100 pixels at 1 mm and 50 pixels at 2 mm cover the same 100 mm:

    >>> field_of_view((100,), (1.0,)), field_of_view((50,), (2.0,))
    (array([100.]), array([100.]))
    """
    size_v = np.asarray(size, dtype=float)
    spacing_v = np.asarray(spacing, dtype=float)
    if size_v.shape != spacing_v.shape:
        raise ValueError(
            f"size {tuple(size)} and spacing {tuple(spacing)} must have the same length"
        )
    if np.any(spacing_v <= 0) or np.any(size_v < 0):
        raise ValueError(
            f"spacing must be positive and size non-negative, got {tuple(spacing)}, {tuple(size)}"
        )
    return size_v * spacing_v


def resampled_size(
    size: Sequence[int], spacing: Sequence[float], new_spacing: Sequence[float] | float
) -> tuple[int, ...]:
    """Return the number of samples per axis that cover the same field of view at ``new_spacing``.

    ``round(size * spacing / new_spacing)`` per axis, at least 1.

    Parameters
    ----------
    size : sequence of int
        Current size, (x, y[, z]) order.
    spacing : sequence of float
        Current spacing in mm, same order.
    new_spacing : float or sequence of float
        Target spacing in mm (one value for all axes, or one per axis).

    Returns
    -------
    tuple of int
        New size, (x, y[, z]) order.

    Examples
    --------
    The lecture's example: 512 x 512 pixels at 1 mm resampled to 1.5 mm.

    >>> resampled_size((512, 512), (1.0, 1.0), 1.5)
    (341, 341)
    """
    fov = field_of_view(size, spacing)
    new = np.broadcast_to(np.asarray(new_spacing, dtype=float), fov.shape)
    if np.any(new <= 0):
        raise ValueError(f"new_spacing must be positive, got {new_spacing}")
    return tuple(max(1, int(n)) for n in np.round(fov / new))


def voxel_centres(image) -> np.ndarray:
    """World position (mm) of every voxel centre of a SimpleITK image.

    Parameters
    ----------
    image : SimpleITK.Image
        Any 2D or 3D image; its origin, spacing and direction are used.

    Returns
    -------
    ndarray of float, shape ``(*numpy_shape, dim)``
        Indexed in numpy order (``[z, y, x]``); the last axis holds the point in (x, y[, z])
        order.

    Examples
    --------
    >>> import SimpleITK as sitk
    >>> image = sitk.Image(3, 2, sitk.sitkUInt8)
    >>> image.SetSpacing((2.0, 1.0))
    >>> voxel_centres(image)[1, 2]  # row y = 1, column x = 2
    array([4., 1.])
    """
    size = image.GetSize()
    grids = np.meshgrid(*(np.arange(n, dtype=float) for n in reversed(size)), indexing="ij")
    index = np.stack(grids[::-1], axis=-1)  # (x, y[, z]) on the last axis
    points = index_to_world(
        index.reshape(-1, len(size)),
        origin=image.GetOrigin(),
        spacing=image.GetSpacing(),
        direction=image.GetDirection(),
    )
    return points.reshape(index.shape)


def disk_mask(image, centre_mm: Sequence[float], radius_mm: float) -> np.ndarray:
    """Region of interest in world mm: the voxels whose centre lies within a disk (ball).

    Regions of interest are stated in millimetres, not as index boxes, so that the same
    region fits any grid of the same patient (another spacing, origin or direction).

    Parameters
    ----------
    image : SimpleITK.Image
        The image whose voxels are selected.
    centre_mm : sequence of float
        Centre in world mm, (x, y[, z]) order.
    radius_mm : float
        Radius in mm, > 0.

    Returns
    -------
    ndarray of bool
        numpy order ((y, x) or (z, y, x)), True inside; index the image's array with it.

    Examples
    --------
    >>> import SimpleITK as sitk
    >>> image = sitk.Image(5, 5, sitk.sitkUInt8)
    >>> image.SetOrigin((-2.0, -2.0))
    >>> disk_mask(image, (0.0, 0.0), 1.0).astype(int)
    array([[0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [0, 0, 1, 0, 0],
           [0, 0, 0, 0, 0]])
    """
    centre = np.asarray(centre_mm, dtype=float)
    if centre.shape != (image.GetDimension(),):
        raise ValueError(
            f"centre_mm must have {image.GetDimension()} coordinates, got {tuple(centre_mm)}"
        )
    if not (np.isfinite(radius_mm) and radius_mm > 0):
        raise ValueError(f"radius_mm must be > 0, got {radius_mm}")
    distance = np.linalg.norm(voxel_centres(image) - centre, axis=-1)
    return distance <= radius_mm


def box_mask(image, lower_mm: Sequence[float], upper_mm: Sequence[float]) -> np.ndarray:
    """Region of interest in world mm: the voxels whose centre lies in an axis-aligned box.

    The box is aligned with the *world* axes and includes its faces:
    ``lower_mm <= p <= upper_mm`` along every axis.

    Parameters
    ----------
    image : SimpleITK.Image
        The image whose voxels are selected.
    lower_mm, upper_mm : sequence of float
        Opposite corners in world mm, (x, y[, z]) order, ``lower <= upper``.

    Returns
    -------
    ndarray of bool
        numpy order, True inside.

    Examples
    --------
    >>> import SimpleITK as sitk
    >>> image = sitk.Image(4, 3, sitk.sitkUInt8)
    >>> image.SetSpacing((2.0, 2.0))
    >>> box_mask(image, (1.0, 0.0), (4.0, 2.0)).astype(int)
    array([[0, 1, 1, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    """
    lower = np.asarray(lower_mm, dtype=float)
    upper = np.asarray(upper_mm, dtype=float)
    dim = image.GetDimension()
    if lower.shape != (dim,) or upper.shape != (dim,):
        raise ValueError(f"lower_mm and upper_mm must have {dim} coordinates each")
    if np.any(lower > upper):
        raise ValueError(f"lower_mm must be <= upper_mm, got {tuple(lower)}, {tuple(upper)}")
    points = voxel_centres(image)
    return np.all((points >= lower) & (points <= upper), axis=-1)


def mask_extent(mask) -> tuple[np.ndarray, np.ndarray]:
    """World bounding box (mm) of the non-zero voxels of a mask image.

    Measured between the *centres* of the outermost voxels along each world axis, so a
    width ``high - low`` is one spacing smaller than the edge-to-edge width.

    Parameters
    ----------
    mask : SimpleITK.Image
        Binary (or label) image; non-zero voxels count.

    Returns
    -------
    (low, high) : tuple of ndarray
        Smallest and largest world coordinate of a mask voxel per axis, (x, y[, z]) order.

    Raises
    ------
    ValueError
        If the mask is empty.

    Examples
    --------
    >>> import SimpleITK as sitk
    >>> mask = sitk.Image(10, 4, sitk.sitkUInt8)
    >>> mask.SetSpacing((0.5, 1.0))
    >>> mask[2, 1] = mask[7, 3] = 1
    >>> low, high = mask_extent(mask)
    >>> low, high, high - low
    (array([1., 1.]), array([3.5, 3. ]), array([2.5, 2. ]))
    """
    import SimpleITK as sitk

    inside = sitk.GetArrayViewFromImage(mask) != 0
    if not inside.any():
        raise ValueError("mask is empty: it has no non-zero voxel")
    points = voxel_centres(mask)[inside]
    return points.min(axis=0), points.max(axis=0)
