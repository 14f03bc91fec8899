import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data
from medimg.segmentation import between_class_variance, otsu_threshold, threshold


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float32, np.float64])
def test_threshold_bounds_are_inclusive(dtype):
    values = np.array([-1001, -1000, -700, -400, -399], dtype=dtype)
    assert threshold(values, -1000, -400).tolist() == [0, 1, 1, 1, 0]


def test_threshold_returns_uint8_of_same_shape_3d():
    values = np.arange(24).reshape(2, 3, 4)
    mask = threshold(values, 5, 10)
    assert mask.dtype == np.uint8
    assert mask.shape == values.shape
    assert int(mask.sum()) == 6


@pytest.mark.parametrize(
    ("lower", "upper", "expected"), [(300, None, [0, 1, 1]), (None, 300, [1, 1, 0])]
)
def test_threshold_open_bound(lower, upper, expected):
    assert threshold([299, 300, 301], lower, upper).tolist() == expected


def test_threshold_matches_sitk_binary_threshold():
    image = data.ct_small()
    mine = threshold(sitk.GetArrayViewFromImage(image), -1000, -400)
    ref = sitk.BinaryThreshold(image, -1000, -400, insideValue=1, outsideValue=0)
    np.testing.assert_array_equal(mine, sitk.GetArrayFromImage(ref))


@pytest.mark.parametrize(
    ("lower", "upper", "match"),
    [
        (None, None, "at least one"),
        (5, 1, "lower must be <= upper"),
        (float("nan"), 1, "lower must"),
    ],
)
def test_threshold_rejects_bad_bounds(lower, upper, match):
    with pytest.raises(ValueError, match=match):
        threshold([1, 2, 3], lower, upper)


def test_otsu_separates_two_clusters():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0, 1, 5000), rng.normal(20, 1, 5000)])
    t = otsu_threshold(values)
    assert values[:5000].max() < t <= values[5000:].min()
    assert threshold(values, lower=t).sum() == 5000


def test_otsu_maximises_between_class_variance_by_brute_force():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(0, 3, 300), rng.normal(10, 2, 700)])
    thresholds, variance = between_class_variance(values, bins=64)
    brute = []
    counts, edges = np.histogram(values, bins=64)
    centres = (edges[:-1] + edges[1:]) / 2
    for k in range(1, 64):
        lo, hi = counts[:k], counts[k:]
        w0, w1 = lo.sum() / counts.sum(), hi.sum() / counts.sum()
        mu0 = (lo * centres[:k]).sum() / lo.sum()
        mu1 = (hi * centres[k:]).sum() / hi.sum()
        brute.append(w0 * w1 * (mu0 - mu1) ** 2)
    np.testing.assert_allclose(variance, brute, rtol=1e-10)
    assert otsu_threshold(values, bins=64) == thresholds[int(np.argmax(brute))]


@pytest.mark.parametrize("name", ["ct_head", "ct_small", "mr_t2_small"])
def test_otsu_matches_sitk_to_one_bin(name):
    image = data.load(name)
    array = sitk.GetArrayViewFromImage(image)
    otsu = sitk.OtsuThresholdImageFilter()
    otsu.SetNumberOfHistogramBins(256)
    otsu.SetInsideValue(0)
    otsu.SetOutsideValue(1)
    ref_mask = sitk.GetArrayFromImage(otsu.Execute(image))  # a copy: the result is a temporary
    mine = otsu_threshold(array, bins=256)
    bin_width = (float(array.max()) - float(array.min())) / 256
    assert abs(mine - otsu.GetThreshold()) <= bin_width
    assert np.mean(threshold(array, lower=mine) != ref_mask) < 1e-3


@pytest.mark.parametrize(
    ("values", "bins", "match"),
    [
        ([3, 3, 3], 256, "all equal"),
        ([], 256, "empty"),
        ([1, 2], 1, "bins"),
        ([1, np.nan], 8, "finite"),
    ],
)
def test_otsu_rejects_bad_input(values, bins, match):
    with pytest.raises(ValueError, match=match):
        otsu_threshold(values, bins=bins)


# --- body mask, mask measure and clusters --------------------------------------------------

from medimg import geometry, regions, segmentation  # noqa: E402


def test_largest_cluster_centre_of_a_plateau_is_its_middle_not_its_first_voxel():
    array = np.zeros((9, 9, 9), np.float32)
    array[2:7, 3:6, 1:8] = 8.0  # capped: flat top
    array[0, 0, 0] = 9.0  # a single brighter voxel elsewhere
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((2.0, 2.0, 2.0))
    cluster = segmentation.largest_cluster(image, 3.0)
    assert cluster.voxels == 5 * 3 * 7
    np.testing.assert_allclose(cluster.centre_mm, (8.0, 8.0, 8.0))
    first_plateau_voxel = np.argwhere(array == 8.0)[0][::-1] * 2.0
    assert not np.allclose(cluster.centre_mm, first_plateau_voxel)
    assert cluster.size_mm == pytest.approx(105 * 8.0)


def test_motor_map_peak_is_inside_its_cluster_and_stable():
    # Chapter 4: the motor activation map is capped, so argmax gives an arbitrary plateau
    # voxel; the centre of mass of the largest cluster is a stable, real location.
    motor = data.motor_activation()
    z = sitk.GetArrayViewFromImage(motor)
    assert (z == z.max()).sum() > 100  # the plateau that makes argmax meaningless
    centres = [segmentation.largest_cluster(motor, t) for t in (4.0, 5.0, 6.0)]
    for cluster in centres:
        assert cluster.value_at_centre > 5.0  # the centre lies inside the activation
    spread = np.ptp([c.centre_mm for c in centres], axis=0)
    assert np.all(spread < 6.0)
    x, _, z_mm = centres[1].centre_mm
    assert x < 0  # LPS: x < 0 is the patient's right hemisphere
    assert z_mm > 40  # the motor cortex, not the cerebellum
    argmax = np.unravel_index(np.argmax(z), z.shape)[::-1]
    argmax_mm = motor.TransformIndexToPhysicalPoint([int(i) for i in argmax])
    assert argmax_mm[2] < 0  # plain argmax lands in the cerebellum


def test_largest_cluster_needs_a_voxel_above_the_threshold():
    with pytest.raises(ValueError, match="threshold_value=5"):
        segmentation.largest_cluster(sitk.Image(3, 3, sitk.sitkFloat32), 5)


def test_body_mask_extent_in_world_mm_matches_simpleitk_bounding_box():
    ct = data.ct_head()
    body = regions.body_mask(ct)
    stats = sitk.LabelShapeStatisticsImageFilter()
    stats.Execute(body)
    x0, y0, nx, ny = stats.GetBoundingBox(1)
    low, high = geometry.mask_extent(body)
    np.testing.assert_allclose(low, ct.TransformIndexToPhysicalPoint((x0, y0)))
    np.testing.assert_allclose(high, ct.TransformIndexToPhysicalPoint((x0 + nx - 1, y0 + ny - 1)))
