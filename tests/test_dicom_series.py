import numpy as np
import pydicom
import pytest
import SimpleITK as sitk

from medimg import data
from medimg.dicom_series import read_series, write_series


def oblique_volume():
    phantom = data.ct_phantom(size=(24, 20, 6), spacing=(0.8, 0.9, 2.5), origin=(-10.0, 5.0, 40.0))
    # The phantom is the same in every slice; number the slices so that their order shows.
    array = sitk.GetArrayFromImage(phantom) + 100 * np.arange(6, dtype=np.int16)[:, None, None]
    volume = sitk.GetImageFromArray(array)
    volume.CopyInformation(phantom)
    angle = np.deg2rad(15)
    volume.SetDirection(
        (np.cos(angle), -np.sin(angle), 0.0, np.sin(angle), np.cos(angle), 0.0, 0.0, 0.0, 1.0)
    )
    return volume


def test_round_trip_keeps_pixels_and_geometry(tmp_path):
    volume = oblique_volume()
    write_series(volume, tmp_path, shuffle_names=True)
    back = read_series(tmp_path)
    assert np.array_equal(sitk.GetArrayFromImage(back), sitk.GetArrayFromImage(volume))
    assert np.allclose(back.GetOrigin(), volume.GetOrigin(), atol=1e-4)
    assert np.allclose(back.GetSpacing(), volume.GetSpacing(), atol=1e-4)
    assert np.allclose(back.GetDirection(), volume.GetDirection(), atol=1e-6)


def test_files_carry_the_geometry_tags(tmp_path):
    volume = oblique_volume()
    files = write_series(volume, tmp_path, modality="CT")
    last = pydicom.dcmread(files[-1])
    assert last.Modality == "CT"
    expected = volume.TransformIndexToPhysicalPoint((0, 0, 5))
    assert np.allclose([float(v) for v in last.ImagePositionPatient], expected, atol=1e-4)
    assert float(last.PixelSpacing[0]) == pytest.approx(0.9)  # DICOM: row spacing (y) first
    assert len({pydicom.dcmread(f).SeriesInstanceUID for f in files}) == 1


def test_file_names_do_not_decide_the_order(tmp_path):
    volume = oblique_volume()
    files = write_series(volume, tmp_path, shuffle_names=True)
    assert sorted(files) != files
    back = read_series(tmp_path)
    assert np.array_equal(sitk.GetArrayFromImage(back), sitk.GetArrayFromImage(volume))


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(ValueError, match="3D"):
        write_series(data.ct_small(), tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        write_series(oblique_volume(), tmp_path / "missing")
    with pytest.raises(ValueError, match="found 0"):
        read_series(tmp_path)
