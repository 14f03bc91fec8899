import numpy as np
import pytest
import SimpleITK as sitk

from medimg import geometry

OBLIQUE_2D = (np.cos(0.3), -np.sin(0.3), np.sin(0.3), np.cos(0.3))


def _rotation_3d(ax, ay, az):
    transform = sitk.Euler3DTransform((0, 0, 0), ax, ay, az)
    return transform.GetMatrix()


CASES = [
    # (size, spacing, origin, direction)
    ((64, 48), (1.0, 1.0), (0.0, 0.0), (1, 0, 0, 1)),
    ((64, 48), (0.5, 2.0), (-100.0, 35.5), (1, 0, 0, 1)),
    ((64, 48), (0.7, 1.3), (12.0, -4.0), OBLIQUE_2D),
    ((20, 30, 10), (1.0, 1.0, 3.0), (98.0, 134.0, -72.0), (-1, 0, 0, 0, -1, 0, 0, 0, 1)),
    ((20, 30, 10), (0.9, 1.1, 2.5), (-5.0, 7.0, 100.0), _rotation_3d(0.2, -0.4, 1.1)),
]


def _image(size, spacing, origin, direction):
    image = sitk.Image(list(size), sitk.sitkUInt8)
    image.SetSpacing(spacing)
    image.SetOrigin(origin)
    image.SetDirection(direction)
    return image


@pytest.mark.parametrize(("size", "spacing", "origin", "direction"), CASES)
def test_index_to_world_matches_simpleitk(size, spacing, origin, direction):
    image = _image(size, spacing, origin, direction)
    rng = np.random.default_rng(0)
    for index in rng.uniform(-2, max(size) + 2, size=(10, len(size))):
        expected = image.TransformContinuousIndexToPhysicalPoint(index.tolist())
        actual = geometry.index_to_world(index, origin=origin, spacing=spacing, direction=direction)
        np.testing.assert_allclose(actual, expected, atol=1e-9)


@pytest.mark.parametrize(("size", "spacing", "origin", "direction"), CASES)
def test_world_to_index_matches_simpleitk(size, spacing, origin, direction):
    image = _image(size, spacing, origin, direction)
    rng = np.random.default_rng(1)
    for point in rng.uniform(-150, 150, size=(10, len(size))):
        expected = image.TransformPhysicalPointToContinuousIndex(point.tolist())
        actual = geometry.world_to_index(point, origin=origin, spacing=spacing, direction=direction)
        np.testing.assert_allclose(actual, expected, atol=1e-9)


@pytest.mark.parametrize(("size", "spacing", "origin", "direction"), CASES)
def test_round_trip_of_many_points(size, spacing, origin, direction):
    indices = np.random.default_rng(2).uniform(0, 20, size=(50, len(size)))
    points = geometry.index_to_world(indices, origin=origin, spacing=spacing, direction=direction)
    assert points.shape == indices.shape
    back = geometry.world_to_index(points, origin=origin, spacing=spacing, direction=direction)
    np.testing.assert_allclose(back, indices, atol=1e-9)


def test_identity_direction_is_the_default():
    with_default = geometry.index_to_world((3, 4), origin=(1, 2), spacing=(0.5, 0.25))
    explicit = geometry.index_to_world(
        (3, 4), origin=(1, 2), spacing=(0.5, 0.25), direction=(1, 0, 0, 1)
    )
    np.testing.assert_array_equal(with_default, explicit)


def test_direction_columns_are_the_grid_axes():
    # One step along grid x must move along the first column of the direction matrix.
    step = geometry.index_to_world((1, 0), origin=(0, 0), spacing=(1, 1), direction=(0, -1, 1, 0))
    np.testing.assert_allclose(step, (0, 1))


def test_field_of_view_of_the_lecture_example():
    np.testing.assert_array_equal(geometry.field_of_view((100,), (1.0,)), [100.0])
    np.testing.assert_array_equal(geometry.field_of_view((50,), (2.0,)), [100.0])


@pytest.mark.parametrize(
    ("size", "spacing", "new_spacing", "expected"),
    [
        ((512, 512), (1.0, 1.0), 1.5, (341, 341)),
        ((512, 512), (1.0, 1.0), (2.0, 0.5), (256, 1024)),
        ((197, 233, 189), (1.0, 1.0, 1.0), 3.0, (66, 78, 63)),
        ((3,), (1.0,), 100.0, (1,)),
    ],
)
def test_resampled_size(size, spacing, new_spacing, expected):
    assert geometry.resampled_size(size, spacing, new_spacing) == expected


def test_resampled_size_rounds_rather_than_floors():
    # 10 * 1 / 0.6 = 16.67: rounding gives 17, flooring would give 16.
    assert geometry.resampled_size((10,), (1.0,), 0.6) == (17,)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: geometry.index_to_world((1, 2), origin=(0, 0, 0), spacing=(1, 1)),
            "origin must have 2",
        ),
        (
            lambda: geometry.index_to_world((1, 2), origin=(0, 0), spacing=(1, 0)),
            "spacing must be positive",
        ),
        (
            lambda: geometry.world_to_index(
                (1, 2), origin=(0, 0), spacing=(1, 1), direction=(1, 0, 0)
            ),
            "direction must hold 4",
        ),
        (lambda: geometry.field_of_view((10, 10), (1.0,)), "same length"),
        (lambda: geometry.resampled_size((10,), (1.0,), 0.0), "new_spacing must be positive"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- voxel centres and regions of interest in world mm ------------------------------------


def oblique_image():
    image = sitk.Image(6, 5, 4, sitk.sitkUInt8)
    image.SetSpacing((0.7, 1.3, 2.0))
    image.SetOrigin((-10.0, 4.0, 25.0))
    rotation = sitk.VersorTransform((0.2, -0.4, 0.9), 0.6).GetMatrix()
    flip = np.diag([1.0, -1.0, 1.0])  # a reflection: direction cosines, not a rotation
    image.SetDirection(tuple((np.array(rotation).reshape(3, 3) @ flip).ravel()))
    return image


def test_voxel_centres_agree_with_simpleitk_for_an_oblique_reflected_direction():
    image = oblique_image()
    assert np.linalg.det(geometry.direction_matrix(image.GetDirection(), 3)) == pytest.approx(-1)
    points = geometry.voxel_centres(image)
    assert points.shape == (4, 5, 6, 3)
    for x, y, z in [(0, 0, 0), (5, 4, 3), (2, 3, 1)]:
        np.testing.assert_allclose(points[z, y, x], image.TransformIndexToPhysicalPoint((x, y, z)))


def test_disk_mask_selects_the_same_anatomy_on_two_grids():
    # The same disk in mm covers the same area on a fine and a coarse grid.
    fine = sitk.Image(400, 400, sitk.sitkUInt8)
    fine.SetSpacing((0.25, 0.25))
    coarse = sitk.Image(100, 100, sitk.sitkUInt8)
    coarse.SetSpacing((1.0, 1.0))
    coarse.SetOrigin((0.375, 0.375))
    areas = [
        geometry.disk_mask(image, (50.0, 40.0), 20.0).sum() * np.prod(image.GetSpacing())
        for image in (fine, coarse)
    ]
    assert areas == pytest.approx([np.pi * 400] * 2, rel=0.02)


def test_box_mask_is_inclusive_and_follows_the_direction():
    image = sitk.Image(4, 4, sitk.sitkUInt8)
    image.SetDirection((-1.0, 0.0, 0.0, 1.0))  # x grows to the left of the array
    mask = geometry.box_mask(image, (-1.0, 0.0), (0.0, 0.0))
    assert mask.tolist()[0] == [True, True, False, False]
    assert mask.sum() == 2


def test_roi_masks_name_bad_arguments():
    image = sitk.Image(4, 4, sitk.sitkUInt8)
    with pytest.raises(ValueError, match="radius_mm"):
        geometry.disk_mask(image, (0.0, 0.0), 0.0)
    with pytest.raises(ValueError, match="centre_mm"):
        geometry.disk_mask(image, (0.0, 0.0, 0.0), 1.0)
    with pytest.raises(ValueError, match="lower_mm must be <= upper_mm"):
        geometry.box_mask(image, (2.0, 0.0), (1.0, 1.0))


def test_mask_extent_is_between_voxel_centres():
    mask = sitk.Image(10, 10, sitk.sitkUInt8)
    mask.SetSpacing((0.5, 2.0))
    mask.SetOrigin((100.0, -7.0))
    mask[3, 2] = mask[6, 5] = 1
    low, high = geometry.mask_extent(mask)
    np.testing.assert_allclose(low, (101.5, -3.0))
    np.testing.assert_allclose(high, (103.0, 3.0))
    with pytest.raises(ValueError, match="empty"):
        geometry.mask_extent(sitk.Image(3, 3, sitk.sitkUInt8))


def test_head_ct_field_of_view_is_much_wider_than_the_head():
    # Chapter 4's numbers: 512 x 0.4785 mm = 245 mm of field of view, a head of about 135 mm.
    from medimg import data, regions

    ct = data.ct_head()
    fov = geometry.field_of_view(ct.GetSize(), ct.GetSpacing())
    low, high = geometry.mask_extent(regions.body_mask(ct))
    width = high[0] - low[0]
    assert fov[0] == pytest.approx(245.0, abs=0.1)
    assert 125 < width < 145
    assert width < 0.6 * fov[0]
