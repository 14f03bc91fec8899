"""The one registry of sample images used by the book, the demos and the assignments.

Every image is real and ships inside a package installed from PyPI, so nothing is downloaded
at run time; the only exception, :func:`ct_phantom`, is synthesised and says so. Each loader
returns a :class:`SimpleITK.Image` whose origin, spacing and direction come from the file.

==================  ==========  ============================  ==============================
name                modality    size (x, y[, z]) / spacing     package
==================  ==========  ============================  ==============================
ct_head             CT (HU)     512 x 512, 0.479 mm            pydicom-data ``693_UNCR.dcm``
ct_small            CT (HU)     128 x 128, 0.661 mm            pydicom ``CT_small.dcm``
mr_shoulder         MR T1w      1024 x 1024, 0.195 mm          pydicom-data ``MR2_UNCR.dcm``
mr_t2_small         MR T2w      64 x 64, 0.3125 mm             pydicom ``MR_small.dcm``
chest_radiograph    CR          1841 x 1955, unknown (1 px)    pydicom-data ``RG1_UNCR.dcm``
leg_radiograph      CR          1760 x 1760, unknown (1 px)    pydicom-data ``RG3_UNCR.dcm``
ultrasound          US          640 x 480, unknown (1 px)      pydicom-data ``US1_UNCR.dcm``
mni_t1              MR T1w      197 x 233 x 189, 1 mm          nilearn (MNI152 2009a)
mni_grey_matter     GM prob.    197 x 233 x 189, 1 mm          nilearn (MNI152 2009a)
mni_white_matter    WM prob.    197 x 233 x 189, 1 mm          nilearn (MNI152 2009a)
motor_activation    fMRI z-map  53 x 63 x 46, 3 mm             nilearn (NeuroVault 10426)
==================  ==========  ============================  ==============================

Why these packages: ``pydicom`` (about 10 MB) is needed anyway to teach DICOM;
``pydicom-data`` (about 80 MB) is the only PyPI package with full-size clinical CT, MR,
radiographs and ultrasound; ``nilearn`` brings the only 3D MR volume on PyPI with a
permissive licence (about 10 MB of data, plus scikit-learn and pandas which the machine
learning chapter uses anyway).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import SimpleITK as sitk

__all__ = [
    "PET_LESION_MM",
    "REGISTRY",
    "Dataset",
    "chest_radiograph",
    "ct_head",
    "ct_phantom",
    "ct_small",
    "leg_radiograph",
    "load",
    "mni_grey_matter",
    "mni_t1",
    "mni_white_matter",
    "motor_activation",
    "mr_shoulder",
    "mr_t2_small",
    "path",
    "pet_phantom",
    "ultrasound",
    "verify",
]


@dataclass(frozen=True)
class Dataset:
    """One entry of the registry: where a file lives and what it is.

    Attributes
    ----------
    name : str
        Registry key, also the name of the loader function.
    package : str
        Importable package that ships the file.
    relpath : str
        Path of the file inside the package.
    sha256 : str
        Checksum of the file, checked by :func:`verify`.
    modality : str
        Imaging modality and the unit of its values.
    source : str
        Where the image comes from.
    licence : str
        Licence under which it is redistributed.
    """

    name: str
    package: str
    relpath: str
    sha256: str
    modality: str
    source: str
    licence: str


_PYDICOM_DATA = "Pydicom test data (pydicom-data wheel, https://github.com/pydicom/pydicom-data)"
_NILEARN = "MNI ICBM152 2009a nonlinear symmetric template, shipped by nilearn"

REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset("ct_head", "data_store", "data/693_UNCR.dcm",
                "cc4cdd599231922ecf63de2ddacf03d51c4588805c9154c2eef1ff49c23b32be",
                "CT, Hounsfield units", _PYDICOM_DATA, "MIT (pydicom-data)"),
        Dataset("ct_small", "pydicom", "data/test_files/CT_small.dcm", "3dd31e5cc835b3f2cdd46c9da1982f59251e78518fefa8163d914631c66437d6",
                "CT, Hounsfield units", "pydicom test files", "MIT (pydicom)"),
        Dataset("mr_shoulder", "data_store", "data/MR2_UNCR.dcm", "c14c7f0c6e25bd4dfbb822fe264e540fc7142bf1c9d15d4c652ec8f5f97fa9e8",
                "MR, spin echo T1-weighted (TR 350 ms, TE 27 ms), arbitrary units",
                _PYDICOM_DATA, "MIT (pydicom-data)"),
        Dataset("mr_t2_small", "pydicom", "data/test_files/MR_small.dcm", "3f27d1c22f1a66e80d7bb7c911e8610fd0bb70325a76746a7adb1c0ddefcf2bb",
                "MR, spin echo T2-weighted (TR 4000 ms, TE 240 ms), arbitrary units",
                "pydicom test files", "MIT (pydicom)"),
        Dataset("chest_radiograph", "data_store", "data/RG1_UNCR.dcm", "946f28f48b9fbf360196a9b835c8fce83b0c654bf85a5107663c8a61df02e498",
                "Computed radiography (chest), detector units", _PYDICOM_DATA, "MIT (pydicom-data)"),
        Dataset("leg_radiograph", "data_store", "data/RG3_UNCR.dcm", "6babfc42dd404213e1758d6dbb93648c248783cc23f593103fff4295c3374dfb",
                "Computed radiography (distal tibia), detector units", _PYDICOM_DATA,
                "MIT (pydicom-data)"),
        Dataset("ultrasound", "data_store", "data/US1_UNCR.dcm", "af5a66e40cd49d15dfbf7b78c850eba0662bdc7339339c3fa13f123a57e812cb",
                "Ultrasound (B-mode, small parts), 8-bit grey", _PYDICOM_DATA, "MIT (pydicom-data)"),
        Dataset("mni_t1", "nilearn", "datasets/data/mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz",
                "421a10e872fd6cadae7f61d358dffbcc1795a497d61ee76c5dda2503e1a1e9e6", "MR, T1-weighted template, arbitrary units", _NILEARN,
                "MNI ICBM152 licence (free use with attribution), BSD (nilearn)"),
        Dataset("mni_grey_matter", "nilearn",
                "datasets/data/mni_icbm152_gm_tal_nlin_sym_09a_converted.nii.gz", "97a5ca69bd24db37a9cb7b32525e1733a209af904129bf1cd36da06d24243bed",
                "Grey-matter probability (0-255)", _NILEARN,
                "MNI ICBM152 licence (free use with attribution), BSD (nilearn)"),
        Dataset("mni_white_matter", "nilearn",
                "datasets/data/mni_icbm152_wm_tal_nlin_sym_09a_converted.nii.gz", "382d92812de4744f9c86c7a0e4f680dc317a0a50e4da1f0153618a6798c7b7db",
                "White-matter probability (0-255)", _NILEARN,
                "MNI ICBM152 licence (free use with attribution), BSD (nilearn)"),
        Dataset("motor_activation", "nilearn", "datasets/data/image_10426.nii.gz", "badcac9bed4734f22b5c6dca1b778ade6c4d10a25ab30b807ff42f7c53304dbe",
                "Functional MRI statistical map (z-scores) of a motor task, MNI space",
                "NeuroVault image 10426, shipped by nilearn", "CC0 (NeuroVault), BSD (nilearn)"),
    ]
}  # fmt: skip


def path(name: str) -> Path:
    """Return the path of a registered file on disk.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY`.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    KeyError
        If ``name`` is not registered; the message lists the valid names.

    Examples
    --------
    >>> path("ct_small").name
    'CT_small.dcm'
    """
    try:
        entry = REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; choose one of {sorted(REGISTRY)}") from None
    # Locate the package without importing it: importing nilearn would pull in scikit-learn
    # and cost seconds on every page that only needs one of its files.
    spec = importlib.util.find_spec(entry.package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"dataset {name!r} needs the package {entry.package!r}; install the course requirements"
        )
    return Path(spec.submodule_search_locations[0]) / entry.relpath


def sha256(name: str) -> str:
    """Return the SHA-256 checksum of a registered file.

    Examples
    --------
    >>> len(sha256("ct_small"))
    64
    """
    return hashlib.sha256(path(name).read_bytes()).hexdigest()


def verify(name: str) -> None:
    """Check that a registered file exists and has its recorded checksum.

    Raises
    ------
    FileNotFoundError
        If the package that ships the file is missing or incomplete.
    ValueError
        If the file's checksum differs from the registry.

    Examples
    --------
    >>> verify("ct_head")
    """
    file = path(name)
    if not file.is_file():
        raise FileNotFoundError(f"dataset {name!r} should be at {file}; is its package installed?")
    expected = REGISTRY[name].sha256
    actual = sha256(name)
    if actual != expected:
        raise ValueError(f"dataset {name!r} at {file} has checksum {actual}, expected {expected}")


@functools.cache
def _read(name: str) -> sitk.Image:
    return sitk.ReadImage(str(path(name)))


def _fresh(name: str) -> sitk.Image:
    # A copy, so that a page that modifies its image does not change the cached one.
    return sitk.Image(_read(name))


def _slice_2d(image: sitk.Image) -> sitk.Image:
    """Drop the singleton z axis that SimpleITK gives a single DICOM slice."""
    return image[:, :, 0] if image.GetDimension() == 3 and image.GetSize()[2] == 1 else image


def ct_head() -> sitk.Image:
    """Axial head CT slice in Hounsfield units (HU).

    512 x 512 pixels (x, y), 0.4785 mm spacing, 16-bit signed; values -3024 HU (outside the
    scan field) to about 1470 HU (bone). Source: pydicom-data ``693_UNCR.dcm``; MIT licence.

    Examples
    --------
    >>> image = ct_head()
    >>> image.GetSize(), round(image.GetSpacing()[0], 4)
    ((512, 512), 0.4785)
    """
    return _slice_2d(_fresh("ct_head"))


def ct_small() -> sitk.Image:
    """Small axial CT slice in Hounsfield units (HU).

    128 x 128 pixels (x, y), 0.6615 mm spacing. Source: pydicom ``CT_small.dcm``; MIT licence.

    Examples
    --------
    >>> ct_small().GetSize()
    (128, 128)
    """
    return _slice_2d(_fresh("ct_small"))


def mr_shoulder() -> sitk.Image:
    """Shoulder MR slice, spin echo T1-weighted (TR 350 ms, TE 27 ms), arbitrary units.

    1024 x 1024 pixels (x, y), 0.1953 mm spacing, float64. Source: pydicom-data
    ``MR2_UNCR.dcm``; MIT licence.

    Examples
    --------
    >>> mr_shoulder().GetSize()
    (1024, 1024)
    """
    return _slice_2d(_fresh("mr_shoulder"))


def mr_t2_small() -> sitk.Image:
    """Small T2-weighted MR slice (spin echo, TR 4000 ms, TE 240 ms), arbitrary units.

    64 x 64 pixels (x, y), 0.3125 mm spacing. Source: pydicom ``MR_small.dcm``; MIT licence.

    Examples
    --------
    >>> mr_t2_small().GetSize()
    (64, 64)
    """
    return _slice_2d(_fresh("mr_t2_small"))


def _radiograph(name: str) -> sitk.Image:
    # The files say MONOCHROME1, yet the values SimpleITK returns already display with bone
    # bright and lungs dark (tests/test_data.py checks it): no inversion is applied here.
    return _slice_2d(_fresh(name))


def chest_radiograph() -> sitk.Image:
    """Posterior-anterior chest radiograph (computed radiography), detector units.

    1841 x 1955 pixels (x, y). The file records no pixel spacing, so the spacing is
    SimpleITK's default of 1 (unit: pixels, not mm). Bone is bright, lungs dark. Source: pydicom-data ``RG1_UNCR.dcm``; MIT licence.

    Examples
    --------
    >>> chest_radiograph().GetSize()
    (1841, 1955)
    """
    return _radiograph("chest_radiograph")


def leg_radiograph() -> sitk.Image:
    """Radiograph of the distal tibia (non-ossifying fibroma), detector units.

    1760 x 1760 pixels (x, y); no pixel spacing recorded (spacing 1, unit: pixels). Bone is
    bright. Source: pydicom-data ``RG3_UNCR.dcm``; MIT.

    Examples
    --------
    >>> leg_radiograph().GetSize()
    (1760, 1760)
    """
    return _radiograph("leg_radiograph")


def ultrasound() -> sitk.Image:
    """B-mode ultrasound image (small parts), as 8-bit grey levels.

    640 x 480 pixels (x, y); no pixel spacing recorded (spacing 1, unit: pixels). The file is
    RGB; this loader returns its luminance (0.299 R + 0.587 G + 0.114 B). Source: pydicom-data
    ``US1_UNCR.dcm``; MIT licence.

    Examples
    --------
    >>> image = ultrasound()
    >>> image.GetSize(), image.GetNumberOfComponentsPerPixel()
    ((640, 480), 1)
    """
    rgb = _slice_2d(_fresh("ultrasound"))
    array = sitk.GetArrayViewFromImage(rgb).astype(float)
    grey = np.rint(array @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    image = sitk.GetImageFromArray(grey)
    image.CopyInformation(rgb)
    return image


def mni_t1() -> sitk.Image:
    """MNI ICBM152 2009a T1-weighted brain template, a 3D MR volume in arbitrary units.

    197 x 233 x 189 voxels (x, y, z), 1 mm isotropic, uint8. Its direction flips x and y
    (RAS storage read into SimpleITK's LPS world), so it is a real example of a non-identity
    direction. Source: nilearn's copy of the MNI152 2009a template.

    Examples
    --------
    >>> image = mni_t1()
    >>> image.GetSize(), image.GetDirection()[:2]
    ((197, 233, 189), (-1.0, 0.0))
    """
    return _fresh("mni_t1")


def mni_grey_matter() -> sitk.Image:
    """Grey-matter probability map of the MNI152 2009a template (0-255), on `mni_t1`'s grid.

    Examples
    --------
    >>> mni_grey_matter().GetSize()
    (197, 233, 189)
    """
    return _fresh("mni_grey_matter")


def mni_white_matter() -> sitk.Image:
    """White-matter probability map of the MNI152 2009a template (0-255), on `mni_t1`'s grid.

    Examples
    --------
    >>> mni_white_matter().GetSize()
    (197, 233, 189)
    """
    return _fresh("mni_white_matter")


def motor_activation() -> sitk.Image:
    """Functional MRI z-map of a motor task in MNI space, on its own 3 mm grid.

    53 x 63 x 46 voxels (x, y, z), 3 mm isotropic, float32, with an origin and direction
    that differ from `mni_t1`: the two are matched only through world coordinates.
    Source: NeuroVault image 10426 as shipped by nilearn.

    Examples
    --------
    >>> image = motor_activation()
    >>> image.GetSize(), image.GetSpacing()
    ((53, 63, 46), (3.0, 3.0, 3.0))
    """
    return _fresh("motor_activation")


def ct_phantom(
    *,
    size: tuple[int, int, int] = (128, 128, 32),
    spacing: tuple[float, float, float] = (1.5, 1.5, 3.0),
    origin: tuple[float, float, float] = (-96.0, -96.0, -48.0),
) -> sitk.Image:
    """Synthetic 3D CT phantom in Hounsfield units: air, a soft-tissue body, lungs and a bone ring.

    Not a real scan: use it where a known ground truth is needed. Values: air -1000 HU,
    body soft tissue 40 HU (not water, which is 0 HU), lungs -850 HU, bone 1000 HU. The body
    is an elliptic cylinder centred on the world origin.

    Parameters
    ----------
    size : tuple of int
        Number of voxels (x, y, z).
    spacing : tuple of float
        Voxel spacing in mm (x, y, z).
    origin : tuple of float
        World position in mm of voxel (0, 0, 0).

    Returns
    -------
    SimpleITK.Image
        int16 image with identity direction.

    Examples
    --------
    >>> image = ct_phantom()
    >>> image.GetSize(), image.GetSpacing()
    ((128, 128, 32), (1.5, 1.5, 3.0))
    """
    if len(size) != 3 or len(spacing) != 3 or len(origin) != 3:
        raise ValueError(
            f"size, spacing and origin must have 3 components (x, y, z), got {size}, {spacing}, {origin}"
        )
    if min(size) < 1 or min(spacing) <= 0:
        raise ValueError(f"size must be >= 1 and spacing > 0, got {size}, {spacing}")
    _, y, x = np.meshgrid(
        *(
            o + s * np.arange(n)
            for o, s, n in zip(origin[::-1], spacing[::-1], size[::-1], strict=True)
        ),
        indexing="ij",
    )
    hu = np.full(x.shape, -1000, dtype=np.int16)
    body = (x / 80.0) ** 2 + (y / 60.0) ** 2 <= 1.0
    hu[body] = 40
    for cx in (-35.0, 35.0):
        hu[((x - cx) / 25.0) ** 2 + (y / 35.0) ** 2 <= 1.0] = -850
    radius = np.hypot(x / 80.0, y / 60.0)
    hu[(radius > 0.88) & (radius <= 1.0)] = 1000
    hu[np.hypot(x, y + 35.0) <= 8.0] = 1000  # spine
    image = sitk.GetImageFromArray(hu)
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    return image


PET_LESION_MM = (30.0, -10.0, 0.0)
"""World position (x, y, z) in mm of the hot lesion in :func:`pet_phantom`."""


def pet_phantom(
    *,
    size: tuple[int, int, int] = (40, 40, 20),
    spacing: tuple[float, float, float] = (4.0, 4.0, 4.0),
    origin: tuple[float, float, float] = (-78.0, -78.0, -40.0),
) -> sitk.Image:
    """Synthetic PET-like uptake image matching :func:`ct_phantom` in world coordinates.

    Not a real scan. Standardised uptake values (SUV): 0 outside the body, 1 in soft tissue,
    0.3 in the lungs and a Gaussian hot lesion of peak 8 at `PET_LESION_MM`. It lies on a
    coarser grid (4 mm) with a different origin than the CT phantom, as PET does in a PET-CT
    scanner: the two images meet only through world coordinates.

    Parameters
    ----------
    size, spacing, origin : tuple
        Grid in (x, y, z) order; spacing and origin in mm.

    Returns
    -------
    SimpleITK.Image
        float32 image with identity direction.

    Examples
    --------
    >>> pet = pet_phantom()
    >>> index = pet.TransformPhysicalPointToIndex(PET_LESION_MM)
    >>> round(float(pet[index]), 1)
    8.0
    """
    if len(size) != 3 or len(spacing) != 3 or len(origin) != 3:
        raise ValueError(
            f"size, spacing and origin must have 3 components (x, y, z), got {size}, {spacing}, {origin}"
        )
    if min(size) < 1 or min(spacing) <= 0:
        raise ValueError(f"size must be >= 1 and spacing > 0, got {size}, {spacing}")
    axes = (
        o + s * np.arange(n)
        for o, s, n in zip(origin[::-1], spacing[::-1], size[::-1], strict=True)
    )
    z, y, x = np.meshgrid(*axes, indexing="ij")
    suv = np.zeros(x.shape, dtype=np.float32)
    suv[(x / 80.0) ** 2 + (y / 60.0) ** 2 <= 1.0] = 1.0
    for cx in (-35.0, 35.0):
        suv[((x - cx) / 25.0) ** 2 + (y / 35.0) ** 2 <= 1.0] = 0.3
    lx, ly, lz = PET_LESION_MM
    blob = np.exp(-((x - lx) ** 2 + (y - ly) ** 2 + (z - lz) ** 2) / (2 * 6.0**2))
    suv = np.maximum(suv, 8.0 * blob).astype(np.float32)
    image = sitk.GetImageFromArray(suv)
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    return image


_LOADERS: dict[str, Callable[[], sitk.Image]] = {
    "ct_head": ct_head,
    "ct_small": ct_small,
    "mr_shoulder": mr_shoulder,
    "mr_t2_small": mr_t2_small,
    "chest_radiograph": chest_radiograph,
    "leg_radiograph": leg_radiograph,
    "ultrasound": ultrasound,
    "mni_t1": mni_t1,
    "mni_grey_matter": mni_grey_matter,
    "mni_white_matter": mni_white_matter,
    "motor_activation": motor_activation,
}


def load(name: str) -> sitk.Image:
    """Load a registered dataset by name (the synthetic ``"ct_phantom"``/``"pet_phantom"`` too).

    Examples
    --------
    >>> load("ct_small").GetSize()
    (128, 128)
    """
    if name == "ct_phantom":
        return ct_phantom()
    if name == "pet_phantom":
        return pet_phantom()
    path(name)  # raises a KeyError naming the valid datasets
    return _LOADERS[name]()
