"""Multi-file DICOM series: a 3D volume stored as one file per slice, and read back.

A CT or MR scanner stores a volume as a *series*: one DICOM file per slice, all sharing a
Series Instance UID, each with its own Image Position (Patient) (0020,0032) -- the world
position in mm (LPS) of its first pixel -- and the shared Image Orientation (Patient)
(0020,0037), the direction cosines of its rows and columns. A reader must sort the files by
position along the slice normal (file names and instance numbers are not reliable) and take
the slice spacing from the positions. ``SimpleITK.ImageSeriesReader`` does exactly that.

No multi-file series ships with the course's data packages, so :func:`write_series` makes
one from any 3D image, with the same tags a scanner writes for the geometry.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import SimpleITK as sitk

__all__ = ["read_series", "write_series"]


def write_series(
    volume: sitk.Image,
    directory: str | Path,
    *,
    modality: str = "CT",
    description: str = "medimg series",
    shuffle_names: bool = False,
) -> list[Path]:
    """Write a 3D image as a DICOM series, one file per z slice.

    Each file gets the image's orientation, its own slice position (the world point of its
    first pixel, computed from origin, spacing and direction), the pixel spacing and a
    shared Series Instance UID.

    Parameters
    ----------
    volume : SimpleITK.Image
        3D scalar image (int16 for CT in HU).
    directory : str or pathlib.Path
        Existing directory that receives the files.
    modality : str
        DICOM modality code (0008,0060), e.g. ``"CT"`` or ``"MR"``.
    description : str
        Series description (0008,103E).
    shuffle_names : bool
        Name the files in a scrambled order (a reader must sort by position, not by name).

    Returns
    -------
    list of pathlib.Path
        The files written, in slice order.

    Examples
    --------
    >>> import tempfile
    >>> from medimg import data
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = write_series(data.ct_phantom(size=(8, 8, 4)), tmp)
    ...     len(files)
    4
    """
    if volume.GetDimension() != 3:
        raise ValueError(f"volume must be a 3D image, got {volume.GetDimension()}D")
    folder = Path(directory)
    if not folder.is_dir():
        raise ValueError(f"directory {str(folder)!r} does not exist")
    direction = np.array(volume.GetDirection()).reshape(3, 3)
    # Image Orientation (Patient): the row direction (x axis) then the column direction (y).
    orientation = "\\".join(f"{v:.9g}" for v in (*direction[:, 0], *direction[:, 1]))
    series_uid = f"1.2.826.0.1.3680043.2.1125.{int(time.time() * 1e6)}"
    n = volume.GetSize()[2]
    order = np.random.default_rng(0).permutation(n) if shuffle_names else np.arange(n)
    writer = sitk.ImageFileWriter()
    writer.KeepOriginalImageUIDOn()
    files = []
    for k in range(n):
        slice_k = volume[:, :, k]
        position = volume.TransformIndexToPhysicalPoint((0, 0, k))
        tags = {
            "0008|0060": modality,
            "0008|103e": description,
            "0020|000e": series_uid,
            "0020|0037": orientation,
            "0020|0032": "\\".join(f"{v:.9g}" for v in position),
            "0020|0013": str(k + 1),
            "0018|0050": f"{volume.GetSpacing()[2]:.9g}",
        }
        for tag, value in tags.items():
            slice_k.SetMetaData(tag, value)
        path = folder / f"slice_{int(order[k]):04d}.dcm"
        writer.SetFileName(str(path))
        writer.Execute(slice_k)
        files.append(path)
    return files


def read_series(directory: str | Path) -> sitk.Image:
    """Read the (single) DICOM series in a directory as one 3D image.

    ``ImageSeriesReader.GetGDCMSeriesFileNames`` lists the files of the series sorted by
    their position along the slice normal; the reader stacks them and sets origin, spacing
    (the slice spacing from the positions) and direction.

    Parameters
    ----------
    directory : str or pathlib.Path
        Directory holding one series.

    Returns
    -------
    SimpleITK.Image

    Raises
    ------
    ValueError
        If the directory holds no DICOM series, or more than one.

    Examples
    --------
    >>> import tempfile
    >>> from medimg import data
    >>> volume = data.ct_phantom(size=(8, 8, 4))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = write_series(volume, tmp, shuffle_names=True)
    ...     back = read_series(tmp)
    >>> back.GetSpacing() == volume.GetSpacing(), back.GetOrigin() == volume.GetOrigin()
    (True, True)
    """
    folder = str(directory)
    series = sitk.ImageSeriesReader.GetGDCMSeriesIDs(folder)
    if len(series) != 1:
        raise ValueError(f"expected one DICOM series in {folder!r}, found {len(series)}")
    reader = sitk.ImageSeriesReader()
    reader.SetFileNames(sitk.ImageSeriesReader.GetGDCMSeriesFileNames(folder, series[0]))
    return reader.Execute()
