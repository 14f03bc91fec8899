"""Resampling: computing an image's values on a new grid of points in world coordinates.

Every function here builds the output grid (origin, spacing, direction, size), maps each
output point through a transform into the input image, and *interpolates* the input there,
with SimpleITK's ``Resample``:

* `resample_to_spacing`: same origin and direction, new spacing (e.g. to harmonise scans),
  optionally after a Gaussian low-pass filter (``antialias=True``) when the spacing grows;
* `rotate`: a 2D rotation about the image's physical centre, output on the input grid;
* `resample_onto`: another image's grid, matched through world coordinates only.

Interpolators are chosen by SimpleITK constant or by name from `INTERPOLATORS`.

**The grid convention** (one for the whole course: book, demos, problem sets): resampling to
a new spacing keeps the **origin**, so sample 0 stays at the same world point, and the size
is ``round(size * spacing / new_spacing)``. The outer *edges* of the field of view (half a
spacing outside the first and last samples) therefore move: the first edge goes from
``origin - spacing/2`` to ``origin - new_spacing/2``, i.e. by half the change of spacing. The
other common convention keeps the outer edges and moves the origin by that half-spacing
instead; mixing the two shifts images by ``(new_spacing - spacing) / 2`` against each other.
Sizes, spacings and points are in SimpleITK's (x, y[, z]) order; lengths in mm.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import SimpleITK as sitk

from medimg.geometry import resampled_size

__all__ = ["INTERPOLATORS", "physical_centre", "resample_onto", "resample_to_spacing", "rotate"]

#: Interpolators by name: nearest neighbour, (bi/tri)linear and cubic B-spline.
INTERPOLATORS: dict[str, int] = {
    "nearest": sitk.sitkNearestNeighbor,
    "linear": sitk.sitkLinear,
    "bspline": sitk.sitkBSpline,
}

_KNOWN_INTERPOLATORS = frozenset(
    getattr(sitk, name)
    for name in dir(sitk)
    if name.startswith("sitk")
    and (name.endswith(("Sinc", "Gaussian")) or name.startswith(("sitkBSpline", "sitkLabel")))
    and not name.startswith(("sitkBSplineResampler", "sitkBSplineTransform"))
) | {sitk.sitkNearestNeighbor, sitk.sitkLinear}


def _interpolator(interpolator: int | str) -> int:
    if isinstance(interpolator, str):
        try:
            return INTERPOLATORS[interpolator]
        except KeyError:
            raise ValueError(
                f"unknown interpolator {interpolator!r}; choose one of {sorted(INTERPOLATORS)}"
            ) from None
    is_integer = isinstance(interpolator, int | np.integer) and not isinstance(interpolator, bool)
    if not is_integer or int(interpolator) not in _KNOWN_INTERPOLATORS:
        raise ValueError(f"interpolator must be a SimpleITK interpolator, got {interpolator!r}")
    return int(interpolator)


def resample_to_spacing(
    image: sitk.Image,
    new_spacing: float | Sequence[float],
    *,
    interpolator: int | str = sitk.sitkLinear,
    default_value: float = 0.0,
    antialias: bool = False,
) -> sitk.Image:
    """Resample an image to a new spacing, keeping its origin, direction and field of view.

    The new size is `medimg.geometry.resampled_size` (``round(size * spacing /
    new_spacing)``); sample 0 stays at the same world point (the course's grid convention,
    see the module docstring).

    With ``antialias=True``, every axis whose spacing grows is first smoothed with a Gaussian
    (`medimg.filtering.gaussian_blur_mm`) of standard deviation
    ``(new_spacing / spacing - 1) / 2`` input pixels, the rule of
    `medimg.sampling.downsample_image`, so that detail the coarser grid cannot represent is
    removed instead of aliased. The result is then float32.

    Parameters
    ----------
    image : SimpleITK.Image
        2D or 3D scalar image.
    new_spacing : float or sequence of float
        Target spacing in mm, one value for all axes or one per axis (x, y[, z]).
    interpolator : int or str
        SimpleITK interpolator constant or a key of `INTERPOLATORS`.
    default_value : float
        Value for output points that fall outside the input.
    antialias : bool
        Low-pass filter before resampling to a coarser spacing (default ``False``).

    Returns
    -------
    SimpleITK.Image
        Same pixel type (float32 with ``antialias=True``), origin and direction; spacing
        ``new_spacing``.

    Raises
    ------
    ValueError
        If ``new_spacing`` is not positive or has the wrong length, or the interpolator is
        unknown.

    Examples
    --------
    The lecture's example, 512 x 512 pixels at 1 mm to 1.5 mm:

    >>> image = sitk.Image(512, 512, sitk.sitkInt16)
    >>> out = resample_to_spacing(image, 1.5)
    >>> out.GetSize(), out.GetSpacing()
    ((341, 341), (1.5, 1.5))
    """
    dim = image.GetDimension()
    spacing = (
        np.broadcast_to(np.asarray(new_spacing, dtype=float), (dim,))
        if np.ndim(new_spacing) == 0
        else np.asarray(new_spacing, dtype=float)
    )
    if spacing.shape != (dim,):
        raise ValueError(
            f"new_spacing must have {dim} components for a {dim}D image, got {new_spacing}"
        )
    if np.any(~(spacing > 0)):
        raise ValueError(f"new_spacing must be > 0, got {new_spacing}")
    size = resampled_size(image.GetSize(), image.GetSpacing(), spacing)
    if antialias:
        from medimg.filtering import gaussian_blur_mm

        old = np.asarray(image.GetSpacing(), dtype=float)
        sigma_mm = np.maximum(spacing / old - 1.0, 0.0) / 2.0 * old
        image = gaussian_blur_mm(image, [float(v) for v in sigma_mm])
    return sitk.Resample(
        image,
        size,
        sitk.Transform(),
        _interpolator(interpolator),
        image.GetOrigin(),
        tuple(float(s) for s in spacing),
        image.GetDirection(),
        float(default_value),
        image.GetPixelID(),
    )


def physical_centre(image: sitk.Image) -> tuple[float, ...]:
    """World point (mm) of the image centre: continuous index ``(size - 1) / 2``.

    Examples
    --------
    >>> image = sitk.Image(5, 3, sitk.sitkUInt8)
    >>> image.SetSpacing((2.0, 1.0))
    >>> physical_centre(image)
    (4.0, 1.0)
    """
    centre_index = [(n - 1) / 2 for n in image.GetSize()]
    return image.TransformContinuousIndexToPhysicalPoint(centre_index)


def rotate(
    image: sitk.Image,
    angle_degrees: float,
    *,
    interpolator: int | str = sitk.sitkLinear,
    default_value: float = 0.0,
) -> sitk.Image:
    """Rotate a 2D image's content about its physical centre; the output uses the input grid.

    The content turns by ``angle_degrees`` from the world +x axis towards the +y axis. With
    an identity direction, y points *down* the screen, so a positive angle looks clockwise.
    Resampling maps every output point back into the input (the inverse rotation) and
    interpolates there; points that come from outside the input get ``default_value``.

    Parameters
    ----------
    image : SimpleITK.Image
        2D scalar image.
    angle_degrees : float
        Rotation angle in degrees.
    interpolator : int or str
        SimpleITK interpolator constant or a key of `INTERPOLATORS`.
    default_value : float
        Value for points outside the input (e.g. -1000 HU, air, for CT).

    Returns
    -------
    SimpleITK.Image
        Same size, spacing, origin, direction and pixel type as ``image``.

    Raises
    ------
    ValueError
        If the image is not 2D, the angle not finite or the interpolator unknown.

    Examples
    --------
    A bright pixel one step right (+x) of the centre moves one step down (+y) at 90 degrees:

    >>> image = sitk.Image(5, 5, sitk.sitkUInt8)
    >>> image[3, 2] = 255
    >>> rotated = rotate(image, 90, interpolator="nearest")
    >>> rotated[2, 3], rotated[3, 2]
    (255, 0)
    """
    if image.GetDimension() != 2:
        raise ValueError(f"rotate needs a 2D image, got {image.GetDimension()}D")
    if not np.isfinite(angle_degrees):
        raise ValueError(f"angle_degrees must be finite, got {angle_degrees}")
    transform = sitk.Euler2DTransform()
    transform.SetCenter(physical_centre(image))
    # Resample maps output points to input points, so it needs the inverse rotation.
    transform.SetAngle(-np.deg2rad(float(angle_degrees)))
    return sitk.Resample(
        image,
        image,
        transform,
        _interpolator(interpolator),
        float(default_value),
        image.GetPixelID(),
    )


def resample_onto(
    image: sitk.Image,
    reference: sitk.Image,
    *,
    interpolator: int | str = sitk.sitkLinear,
    default_value: float = 0.0,
) -> sitk.Image:
    """Resample ``image`` onto the grid of ``reference``, matching them through world coordinates.

    Each output voxel takes the value of ``image`` at the same world point (mm); the two
    images may have different origins, spacings, directions and sizes. Use
    ``interpolator="nearest"`` for label maps.

    Parameters
    ----------
    image : SimpleITK.Image
        Image whose values are wanted (e.g. a 3 mm statistical map).
    reference : SimpleITK.Image
        Image whose grid the output takes (e.g. a 1 mm anatomical volume).
    interpolator : int or str
        SimpleITK interpolator constant or a key of `INTERPOLATORS`.
    default_value : float
        Value where ``reference`` points fall outside ``image``.

    Returns
    -------
    SimpleITK.Image
        ``reference``'s size, origin, spacing and direction; ``image``'s pixel type.

    Raises
    ------
    ValueError
        If the dimensions differ or the interpolator is unknown.

    Examples
    --------
    A 2 mm image resampled onto a 1 mm grid that starts 1 mm further along x:

    >>> coarse = sitk.GetImageFromArray(np.arange(6, dtype=np.float32).reshape(2, 3))
    >>> coarse.SetSpacing((2.0, 2.0))
    >>> fine = sitk.Image(4, 3, sitk.sitkFloat32)
    >>> fine.SetOrigin((1.0, 0.0))
    >>> out = resample_onto(coarse, fine)
    >>> sitk.GetArrayViewFromImage(out)[0]
    array([0.5, 1. , 1.5, 2. ], dtype=float32)
    """
    if image.GetDimension() != reference.GetDimension():
        raise ValueError(
            f"image and reference must have the same dimension, got {image.GetDimension()}D "
            f"and {reference.GetDimension()}D"
        )
    return sitk.Resample(
        image,
        reference,
        sitk.Transform(image.GetDimension(), sitk.sitkIdentity),
        _interpolator(interpolator),
        float(default_value),
        image.GetPixelID(),
    )
