"""Plotting helpers that draw SimpleITK images with physical (mm) axes.

Images are converted to numpy only to draw, with ``GetArrayFromImage``: a copy, because the
figure keeps the array after the call while a view would dangle once a temporary image is freed.
Every helper takes ``SimpleITK.Image`` objects, draws on a given or new axes, and returns
what it drew so a page can add to it.

Colour maps: ``"gray"`` for anatomy (it stays readable when printed in greyscale) and the
perceptually uniform ``"viridis"``/``"magma"`` for quantities such as errors or statistics.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import SimpleITK as sitk
from matplotlib.axes import Axes
from matplotlib.image import AxesImage

__all__ = ["extent_mm", "imshow_mm", "set_image", "show_side_by_side"]


def extent_mm(image: sitk.Image) -> tuple[float, float, float, float]:
    """Matplotlib ``extent`` of a 2D image in world mm, for ``imshow(..., origin="upper")``.

    The extent runs from the outer edge of the first pixel to the outer edge of the last:
    half a spacing beyond the sample centres. Valid for an axis-aligned direction; the
    direction's signs are respected (a flipped axis gives a reversed extent).

    Parameters
    ----------
    image : SimpleITK.Image
        A 2D image.

    Returns
    -------
    (left, right, bottom, top) : tuple of float
        In mm; x is the image's first axis, y its second.

    Examples
    --------
    >>> image = sitk.Image(4, 2, sitk.sitkUInt8)
    >>> image.SetSpacing((0.5, 2.0))
    >>> extent_mm(image)
    (-0.25, 1.75, 3.0, -1.0)
    """
    if image.GetDimension() != 2:
        raise ValueError(f"extent_mm needs a 2D image, got {image.GetDimension()}D")
    size = np.array(image.GetSize())
    first = np.array(image.TransformContinuousIndexToPhysicalPoint((-0.5, -0.5)))
    last = np.array(image.TransformContinuousIndexToPhysicalPoint(tuple(size - 0.5)))
    return (float(first[0]), float(last[0]), float(last[1]), float(first[1]))


def imshow_mm(
    image: sitk.Image,
    *,
    ax: Axes | None = None,
    cmap: str = "gray",
    vmin: float | None = None,
    vmax: float | None = None,
    title: str | None = None,
    colorbar: str | None = None,
    physical: bool = True,
    **kwargs,
) -> AxesImage:
    """Draw a 2D image with axes in millimetres.

    Parameters
    ----------
    image : SimpleITK.Image
        2D scalar image. Rows of the drawn array are y, columns are x.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    cmap : str
        Colour map; ``"gray"`` for anatomy.
    vmin, vmax : float, optional
        Display range (for CT, a window in HU).
    title : str, optional
        Axes title.
    colorbar : str, optional
        If given, add a colour bar with this label (e.g. ``"HU"``).
    physical : bool
        Axes in mm (default). ``False`` draws in pixel indices, for files without spacing.
    **kwargs
        Passed to ``Axes.imshow`` (e.g. ``interpolation``, ``alpha``).

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> from medimg import data
    >>> artist = imshow_mm(data.ct_small(), vmin=-200, vmax=300, colorbar="HU")
    >>> artist.axes.get_xlabel()
    'x (mm)'
    >>> plt.close("all")
    """
    if image.GetDimension() != 2 or image.GetNumberOfComponentsPerPixel() != 1:
        raise ValueError(
            f"imshow_mm needs a 2D scalar image, got {image.GetDimension()}D with "
            f"{image.GetNumberOfComponentsPerPixel()} components"
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 5), layout="constrained")
    array = sitk.GetArrayFromImage(image)  # a copy: the figure outlives temporary images
    kwargs.setdefault("interpolation", "nearest")
    if physical:
        artist = ax.imshow(
            array, cmap=cmap, vmin=vmin, vmax=vmax, extent=extent_mm(image), **kwargs
        )
        ax.set_xlabel("x (mm)")
        ax.set_ylabel("y (mm)")
    else:
        artist = ax.imshow(array, cmap=cmap, vmin=vmin, vmax=vmax, **kwargs)
        ax.set_xlabel("x (pixel index)")
        ax.set_ylabel("y (pixel index)")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(artist, ax=ax, label=colorbar, shrink=0.8)
    return artist


def set_image(artist: AxesImage, image: sitk.Image) -> None:
    """Show another 2D image in an existing `imshow_mm` artist (pixels and mm extent).

    Updating the artist in place is much quicker than drawing a new figure, which is what
    the live demos do on every slider move. The display range (``clim``) is kept.

    Examples
    --------
    >>> from medimg import data
    >>> ct = data.ct_small()
    >>> artist = imshow_mm(ct, vmin=-200, vmax=300)
    >>> set_image(artist, ct[::2, ::2])
    >>> artist.get_array().shape
    (64, 64)
    >>> plt.close("all")
    """
    artist.set_data(sitk.GetArrayFromImage(image))  # a copy, as in imshow_mm
    artist.set_extent(extent_mm(image))


def show_side_by_side(
    images: dict[str, sitk.Image], *, figsize_per_image: float = 4.0, **kwargs
) -> tuple[plt.Figure, np.ndarray]:
    """Draw several 2D images in one row, each with its own mm axes.

    Parameters
    ----------
    images : dict of str to SimpleITK.Image
        Title -> image.
    figsize_per_image : float
        Width in inches per panel.
    **kwargs
        Passed to `imshow_mm` for every panel.

    Returns
    -------
    (figure, axes)

    Examples
    --------
    >>> from medimg import data
    >>> fig, axes = show_side_by_side({"CT": data.ct_small(), "MR": data.mr_t2_small()})
    >>> len(axes)
    2
    >>> plt.close(fig)
    """
    if not images:
        raise ValueError("images must not be empty")
    n = len(images)
    fig, axes = plt.subplots(
        1,
        n,
        figsize=(figsize_per_image * n, figsize_per_image),
        layout="constrained",
        squeeze=False,
    )
    for ax, (title, image) in zip(axes[0], images.items(), strict=True):
        imshow_mm(image, ax=ax, title=title, **kwargs)
    return fig, axes[0]


def overlay_mask(
    image: sitk.Image,
    mask: sitk.Image | np.ndarray,
    *,
    ax: Axes,
    color: str = "tab:red",
    alpha: float = 0.4,
) -> AxesImage:
    """Draw a binary mask as a translucent colour layer over an image drawn by `imshow_mm`.

    Parameters
    ----------
    image : SimpleITK.Image
        The 2D image already drawn on ``ax``; it supplies the mm extent.
    mask : SimpleITK.Image or numpy.ndarray
        Mask on the same grid (numpy (y, x) order if an array); non-zero is coloured,
        zero is transparent.
    ax : matplotlib.axes.Axes
        Axes on which ``image`` was drawn.
    color : str
        Any matplotlib colour.
    alpha : float
        Opacity of the coloured pixels, in [0, 1].

    Returns
    -------
    matplotlib.image.AxesImage

    Examples
    --------
    >>> from medimg import data
    >>> ct = data.ct_small()
    >>> artist = imshow_mm(ct, vmin=-1000, vmax=400)
    >>> layer = overlay_mask(ct, sitk.GetArrayFromImage(ct) < -400, ax=artist.axes)
    >>> layer.get_array().shape
    (128, 128)
    >>> plt.close("all")
    """
    from matplotlib.colors import ListedColormap

    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be in [0, 1], got {alpha}")
    array = sitk.GetArrayFromImage(mask) if isinstance(mask, sitk.Image) else np.asarray(mask)
    expected = image.GetSize()[::-1]
    if array.shape != expected:
        raise ValueError(f"mask shape {array.shape} differs from the image's (y, x) {expected}")
    # Masked pixels (zeros) are not drawn; the others get the single colour of the colour map.
    layer = np.ma.masked_equal((array != 0).astype(np.uint8), 0)
    return ax.imshow(
        layer,
        cmap=ListedColormap([color]),
        vmin=0,
        vmax=1,
        alpha=alpha,
        extent=extent_mm(image),
        interpolation="nearest",
    )


__all__ += ["overlay_mask"]
