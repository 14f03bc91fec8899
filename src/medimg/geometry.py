r"""Geometry of images as objects in space.

An image is a grid of samples placed in the physical ("world") coordinate system of the
scanner. Three properties place the grid, as in SimpleITK and DICOM:

* ``origin``: the world position (mm) of the sample with index ``(0, 0[, 0])``;
* ``spacing``: the distance (mm) between neighbouring samples along each grid axis;
* ``direction``: a ``d x d`` rotation matrix whose *columns* are the grid axes expressed in
  world coordinates, given flat in row-major order as SimpleITK returns it.

A continuous index ``i`` (x, y[, z] order) maps to the world point

.. math:: p = o + D \, \mathrm{diag}(s) \, i

All indices, points, spacings and sizes in this module are in SimpleITK's (x, y[, z]) order,
which is the *reverse* of numpy's (z, y, x) array order. Lengths are in millimetres.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = [
    "direction_matrix",
    "field_of_view",
    "index_to_world",
    "resampled_size",
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
