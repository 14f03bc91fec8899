import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data, geometry, resampling


def _image(dim, pixel=sitk.sitkFloat32, oblique=False):
    size = (20, 16, 12)[:dim]
    rng = np.random.default_rng(dim)
    array = rng.uniform(0, 100, size[::-1])
    image = sitk.Cast(sitk.GetImageFromArray(array), pixel)
    image.SetSpacing((0.8, 1.2, 2.5)[:dim])
    image.SetOrigin((-5.0, 3.0, 7.0)[:dim])
    if oblique:
        c, s = np.cos(0.3), np.sin(0.3)
        direction = [[c, -s], [s, c]] if dim == 2 else [[c, -s, 0], [s, c, 0], [0, 0, 1]]
        image.SetDirection(np.ravel(direction).tolist())
    return image


def test_interpolators_dict():
    assert resampling.INTERPOLATORS == {
        "nearest": sitk.sitkNearestNeighbor, "linear": sitk.sitkLinear, "bspline": sitk.sitkBSpline,
    }  # fmt: skip


@pytest.mark.parametrize("dim", [2, 3])
@pytest.mark.parametrize("oblique", [False, True])
def test_resample_to_spacing_grid(dim, oblique):
    image = _image(dim, oblique=oblique)
    out = resampling.resample_to_spacing(image, 1.5)
    assert out.GetOrigin() == image.GetOrigin()
    assert out.GetDirection() == image.GetDirection()
    assert out.GetSpacing() == (1.5,) * dim
    assert out.GetSize() == geometry.resampled_size(image.GetSize(), image.GetSpacing(), 1.5)


def test_resample_to_spacing_lecture_example():
    image = sitk.Image(512, 512, sitk.sitkInt16)
    image.SetSpacing((1.0, 1.0))
    assert resampling.resample_to_spacing(image, 1.5).GetSize() == (341, 341)


def test_resample_to_spacing_anisotropic_per_axis():
    image = _image(3)
    out = resampling.resample_to_spacing(image, (1.6, 1.2, 1.25))
    assert out.GetSpacing() == (1.6, 1.2, 1.25)
    assert out.GetSize() == (10, 16, 24)


@pytest.mark.parametrize("pixel", [sitk.sitkUInt8, sitk.sitkInt16, sitk.sitkFloat32])
@pytest.mark.parametrize("method", ["nearest", "linear", "bspline"])
def test_resample_to_spacing_keeps_pixel_type(pixel, method):
    out = resampling.resample_to_spacing(_image(2, pixel), 0.5, interpolator=method)
    assert out.GetPixelID() == pixel


@pytest.mark.parametrize("method", ["nearest", "linear", "bspline"])
def test_resample_to_spacing_matches_direct_simpleitk_resample(method):
    ct = data.ct_small()
    spacing = (1.0, 1.0)
    size = geometry.resampled_size(ct.GetSize(), ct.GetSpacing(), spacing)
    reference = sitk.Resample(
        ct, size, sitk.Transform(), resampling.INTERPOLATORS[method], ct.GetOrigin(), spacing,
        ct.GetDirection(), 0.0, ct.GetPixelID(),
    )  # fmt: skip
    out = resampling.resample_to_spacing(ct, 1.0, interpolator=method)
    np.testing.assert_array_equal(
        sitk.GetArrayViewFromImage(out), sitk.GetArrayViewFromImage(reference)
    )


def test_resample_to_finer_spacing_with_nearest_repeats_samples():
    array = np.arange(12, dtype=np.int16).reshape(3, 4)
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((2.0, 2.0))
    out = resampling.resample_to_spacing(image, 1.0, interpolator="nearest")
    # The new grid starts at the same point: new sample 2k is old sample k.
    np.testing.assert_array_equal(sitk.GetArrayViewFromImage(out)[::2, ::2], array)


def test_resample_to_spacing_linear_preserves_a_linear_ramp():
    x = np.arange(20, dtype=np.float64)
    image = sitk.GetImageFromArray(np.tile(3.0 * x, (5, 1)))
    out = resampling.resample_to_spacing(image, (0.5, 1.0))
    values = sitk.GetArrayViewFromImage(out)[2, :38]
    np.testing.assert_allclose(values, 3.0 * np.arange(38) * 0.5)


def test_resample_to_spacing_fills_outside_with_default_value():
    image = sitk.Image(5, 5, sitk.sitkFloat32) + 1.0
    out = resampling.resample_to_spacing(image, 0.3, default_value=-7.0)
    assert sitk.GetArrayViewFromImage(out)[-1, -1] == -7.0


@pytest.mark.parametrize(
    ("spacing", "message"),
    [(0.0, "new_spacing must be > 0"), (-1.0, "new_spacing must be > 0"),
     ((1.0, 1.0, 1.0), "new_spacing must have 2 components for a 2D image")],
)  # fmt: skip
def test_resample_to_spacing_rejects_bad_spacing(spacing, message):
    with pytest.raises(ValueError, match=message):
        resampling.resample_to_spacing(_image(2), spacing)


@pytest.mark.parametrize("interpolator", ["cubic", 999, True, 1.5])
def test_unknown_interpolator_is_rejected(interpolator):
    with pytest.raises(ValueError, match="interpolator"):
        resampling.resample_to_spacing(_image(2), 1.0, interpolator=interpolator)


def test_physical_centre_with_direction():
    image = _image(2, oblique=True)
    expected = image.TransformContinuousIndexToPhysicalPoint((9.5, 7.5))
    np.testing.assert_allclose(resampling.physical_centre(image), expected)


def test_rotate_keeps_grid_and_pixel_type():
    image = _image(2, sitk.sitkInt16, oblique=True)
    out = resampling.rotate(image, 17.0)
    for attribute in ("GetSize", "GetSpacing", "GetOrigin", "GetDirection", "GetPixelID"):
        assert getattr(out, attribute)() == getattr(image, attribute)()


def test_rotate_by_zero_is_identity():
    image = _image(2)
    out = resampling.rotate(image, 0.0)
    np.testing.assert_allclose(
        sitk.GetArrayViewFromImage(out), sitk.GetArrayViewFromImage(image), atol=1e-4
    )


@pytest.mark.parametrize(("angle", "k"), [(90, -1), (180, 2), (270, 1), (-90, 1)])
def test_rotate_square_odd_image_matches_numpy_rot90(angle, k):
    # Positive angles turn +x towards +y; with rows = y pointing down, that is np.rot90 with
    # negative k (clockwise on screen).
    array = np.arange(49, dtype=np.float32).reshape(7, 7)
    out = resampling.rotate(sitk.GetImageFromArray(array), angle, interpolator="nearest")
    np.testing.assert_array_equal(sitk.GetArrayViewFromImage(out), np.rot90(array, k))


def test_rotate_turns_about_the_physical_centre_with_anisotropic_spacing():
    # 0.5 mm x 1.5 mm pixels: a point 3 mm right of the centre lands 3 mm below it (2 rows).
    image = sitk.Image(17, 9, sitk.sitkFloat32)
    image.SetSpacing((0.5, 1.5))
    image[8 + 6, 4] = 1.0
    out = resampling.rotate(image, 90, interpolator="nearest")
    rows, columns = np.nonzero(sitk.GetArrayFromImage(out))
    # The 1.5 mm-tall input pixel covers three 0.5 mm output columns, centred on the centre.
    assert set(rows) == {4 + 2}
    assert columns.mean() == 8


def test_rotate_fills_corners_with_default_value():
    image = sitk.Image(21, 21, sitk.sitkInt16) + 40
    out = resampling.rotate(image, 45, default_value=-1000)
    assert out[0, 0] == -1000
    assert out[10, 10] == 40


def test_rotate_rejects_3d_and_bad_angle():
    with pytest.raises(ValueError, match="rotate needs a 2D image, got 3D"):
        resampling.rotate(_image(3), 10)
    with pytest.raises(ValueError, match="angle_degrees must be finite, got nan"):
        resampling.rotate(_image(2), float("nan"))


@pytest.mark.parametrize("dim", [2, 3])
def test_resample_onto_identical_grid_is_identity(dim):
    image = _image(dim, oblique=True)
    out = resampling.resample_onto(image, image, interpolator="nearest")
    np.testing.assert_array_equal(
        sitk.GetArrayViewFromImage(out), sitk.GetArrayViewFromImage(image)
    )


def test_resample_onto_matches_world_points_through_different_directions():
    # The same values stored with a flipped x axis must land on the same world points.
    array = np.arange(30, dtype=np.float32).reshape(5, 6)
    image = sitk.GetImageFromArray(array)
    image.SetOrigin((5.0, 0.0))
    image.SetDirection((-1.0, 0.0, 0.0, 1.0))
    reference = sitk.Image(6, 5, sitk.sitkFloat32)
    out = resampling.resample_onto(image, reference, interpolator="nearest")
    np.testing.assert_array_equal(sitk.GetArrayViewFromImage(out), array[:, ::-1])


@pytest.mark.slow  # loads the MNI data through nilearn
def test_resample_onto_takes_reference_grid_and_image_pixel_type():
    motor = data.motor_activation()
    reference = resampling.resample_to_spacing(data.mni_t1(), 4.0, interpolator="nearest")
    out = resampling.resample_onto(motor, reference)
    assert out.GetSize() == reference.GetSize()
    assert out.GetOrigin() == reference.GetOrigin()
    assert out.GetDirection() == reference.GetDirection()
    assert out.GetPixelID() == motor.GetPixelID()


@pytest.mark.slow  # loads the MNI data through nilearn
def test_resample_onto_samples_the_value_at_each_world_point():
    motor = data.motor_activation()
    reference = resampling.resample_to_spacing(data.mni_t1(), 6.0, interpolator="nearest")
    out = resampling.resample_onto(motor, reference, interpolator="nearest")
    index = (15, 20, 16)
    point = reference.TransformIndexToPhysicalPoint(index)
    assert out[index] == motor[motor.TransformPhysicalPointToIndex(point)]


def test_resample_onto_rejects_dimension_mismatch():
    with pytest.raises(ValueError, match="same dimension, got 2D and 3D"):
        resampling.resample_onto(_image(2), _image(3))


# --- the grid convention and the low-pass filter before downsampling ------------------------


def test_resample_to_spacing_keeps_the_origin_and_moves_the_edges_by_half_the_change():
    image = sitk.Image(100, 80, sitk.sitkFloat32)
    image.SetSpacing((0.5, 0.5))
    image.SetOrigin((-20.0, 3.0))
    out = resampling.resample_to_spacing(image, 2.0)
    assert out.GetOrigin() == image.GetOrigin()
    old_edge = np.array(image.TransformContinuousIndexToPhysicalPoint((-0.5, -0.5)))
    new_edge = np.array(out.TransformContinuousIndexToPhysicalPoint((-0.5, -0.5)))
    np.testing.assert_allclose(old_edge - new_edge, (2.0 - 0.5) / 2)


def test_antialias_removes_detail_the_coarse_grid_cannot_hold():
    # A pattern of 0.8 cycles/mm resampled to 2 mm (Nyquist 0.25 cycles/mm) aliases without
    # the low-pass filter and is almost removed with it.
    x = np.arange(400) * 0.25
    array = np.tile(np.sin(2 * np.pi * 0.8 * x), (40, 1)).astype(np.float32)
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.25, 0.25))
    plain = sitk.GetArrayFromImage(resampling.resample_to_spacing(image, 2.0))
    filtered = sitk.GetArrayFromImage(resampling.resample_to_spacing(image, 2.0, antialias=True))
    inner = (slice(2, -2), slice(2, -2))
    assert plain[inner].std() > 0.5  # the alias survives
    assert filtered[inner].std() < 0.1 * plain[inner].std()


def test_antialias_leaves_finer_axes_alone():
    image = sitk.GetImageFromArray(
        np.random.default_rng(0).normal(size=(30, 30)).astype(np.float32)
    )
    out = resampling.resample_to_spacing(image, (0.5, 0.5), antialias=True)  # finer: no blur
    plain = resampling.resample_to_spacing(sitk.Cast(image, sitk.sitkFloat32), (0.5, 0.5))
    np.testing.assert_allclose(sitk.GetArrayViewFromImage(out), sitk.GetArrayViewFromImage(plain))
