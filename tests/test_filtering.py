import numpy as np
import pytest
from scipy import ndimage

from medimg.filtering import (
    convolve2d,
    gaussian_blur,
    gaussian_kernel_1d,
    gaussian_kernel_2d,
    gradient_magnitude,
    median_filter,
)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.3, 4.0])
def test_kernel_1d_length_sum_and_symmetry(sigma):
    k = gaussian_kernel_1d(sigma)
    assert k.size == 2 * int(3 * sigma + 0.5) + 1
    assert k.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(k, k[::-1])
    assert np.argmax(k) == k.size // 2


def test_kernel_1d_has_requested_std():
    k = gaussian_kernel_1d(3.0, radius=30)
    x = np.arange(-30, 31)
    assert np.sqrt(np.sum(k * x**2)) == pytest.approx(3.0, rel=1e-6)


def test_kernel_2d_is_outer_product_and_separable():
    k = gaussian_kernel_2d(1.5)
    assert k.sum() == pytest.approx(1.0)
    assert np.linalg.matrix_rank(k) == 1


@pytest.mark.parametrize(("sigma", "radius"), [(0, None), (-1, None), (1.0, -1), (1.0, 1.5)])
def test_kernel_rejects_bad_arguments(sigma, radius):
    with pytest.raises(ValueError, match=r"sigma|radius"):
        gaussian_kernel_1d(sigma, radius)


@pytest.mark.parametrize("kernel_shape", [(1, 1), (3, 3), (5, 3), (1, 7), (9, 9)])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float64])
def test_convolve2d_equals_scipy(kernel_shape, dtype):
    rng = np.random.default_rng(0)
    array = rng.integers(0, 100, (31, 40)).astype(dtype)
    kernel = rng.normal(size=kernel_shape)
    expected = ndimage.convolve(array.astype(float), kernel, mode="constant", cval=0.0)
    np.testing.assert_allclose(convolve2d(array, kernel), expected, atol=1e-9)


def test_convolve2d_flips_the_kernel():
    impulse = np.zeros((5, 5))
    impulse[2, 2] = 1
    kernel = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(convolve2d(impulse, kernel)[1:4, 1:4], kernel)


def test_convolve2d_pads_with_zeros():
    out = convolve2d(np.ones((4, 4)), np.ones((3, 3)))
    assert out[0, 0] == 4 and out[1, 1] == 9


@pytest.mark.parametrize(
    ("array", "kernel", "match"),
    [
        (np.ones(5), np.ones((3, 3)), "array must be 2D"),
        (np.ones((5, 5)), np.ones(3), "kernel must be 2D"),
        (np.ones((5, 5)), np.ones((2, 3)), "odd"),
    ],
)
def test_convolve2d_rejects_bad_shapes(array, kernel, match):
    with pytest.raises(ValueError, match=match):
        convolve2d(array, kernel)


@pytest.mark.parametrize("sigma", [0.7, 1.0, 2.5, (1.0, 3.0)])
def test_gaussian_blur_equals_scipy_2d(sigma):
    rng = np.random.default_rng(1)
    array = rng.normal(size=(40, 50)) * 100
    expected = ndimage.gaussian_filter(array, sigma, mode="nearest", truncate=3.0)
    np.testing.assert_allclose(gaussian_blur(array, sigma), expected, atol=1e-6)


def test_gaussian_blur_equals_scipy_3d_anisotropic():
    rng = np.random.default_rng(2)
    array = rng.integers(-1000, 1000, (8, 20, 24)).astype(np.int16)
    sigma = (0.5, 1.5, 1.5)  # e.g. 1.5 mm over a (3, 1, 1) mm spacing in numpy order
    expected = ndimage.gaussian_filter(array.astype(float), sigma, mode="nearest", truncate=3.0)
    np.testing.assert_allclose(gaussian_blur(array, sigma), expected, atol=1e-6)


def test_gaussian_blur_equals_convolution_with_2d_kernel_inside():
    rng = np.random.default_rng(3)
    array = rng.normal(size=(30, 30))
    r = int(3 * 1.2 + 0.5)
    blurred = gaussian_blur(array, 1.2)
    direct = convolve2d(array, gaussian_kernel_2d(1.2))
    np.testing.assert_allclose(blurred[r:-r, r:-r], direct[r:-r, r:-r], atol=1e-12)


def test_gaussian_blur_preserves_constant_image():
    np.testing.assert_allclose(gaussian_blur(np.full((10, 12), 7.0), 2.0), 7.0)


def test_gaussian_blur_rejects_wrong_sigma_count():
    with pytest.raises(ValueError, match="one per axis"):
        gaussian_blur(np.ones((5, 5)), (1.0, 1.0, 1.0))


@pytest.mark.parametrize("shape", [(20, 30), (6, 20, 30)])
def test_gradient_magnitude_equals_scipy_sobel(shape):
    rng = np.random.default_rng(4)
    array = rng.normal(size=shape)
    expected = np.sqrt(sum(ndimage.sobel(array, axis=a) ** 2 for a in range(array.ndim)))
    np.testing.assert_allclose(gradient_magnitude(array), expected)
    if array.ndim == 2:
        np.testing.assert_allclose(
            gradient_magnitude(array), np.hypot(ndimage.sobel(array, 0), ndimage.sobel(array, 1))
        )


def test_gradient_magnitude_zero_on_constant_image():
    assert np.all(gradient_magnitude(np.full((8, 8), 3.0)) == 0)


def test_median_filter_removes_impulses_and_keeps_edges():
    array = np.zeros((20, 20))
    array[:, 10:] = 100
    noisy = array.copy()
    noisy[5, 3] = 100
    noisy[12, 15] = 0
    np.testing.assert_array_equal(median_filter(noisy, 3), array)


def test_median_filter_equals_scipy_and_keeps_dtype():
    rng = np.random.default_rng(5)
    array = rng.integers(0, 255, (25, 25)).astype(np.uint8)
    out = median_filter(array, 5)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, ndimage.median_filter(array, size=5, mode="reflect"))


@pytest.mark.parametrize("size", [0, 2, 3.0, True])
def test_median_filter_rejects_bad_size(size):
    with pytest.raises(ValueError, match="size"):
        median_filter(np.ones((5, 5)), size)


# --- Gaussian blur in mm with SimpleITK ------------------------------------------------------

import SimpleITK as sitk  # noqa: E402

from medimg.filtering import gaussian_blur_mm  # noqa: E402


def _spread_mm(image, axis):
    array = sitk.GetArrayViewFromImage(image).astype(float)
    profile = array.sum(axis=tuple(a for a in range(array.ndim) if a != axis))
    n = profile.size
    spacing = image.GetSpacing()[::-1][axis]
    x = (np.arange(n) - (n - 1) / 2) * spacing
    return np.sqrt((profile * x**2).sum() / profile.sum())


def test_gaussian_blur_mm_blurs_the_same_distance_on_an_anisotropic_grid():
    image = sitk.Image(81, 41, sitk.sitkFloat32)
    image.SetSpacing((0.25, 0.5))  # x finer than y
    image[40, 20] = 1.0
    blurred = gaussian_blur_mm(image, 2.0)
    assert _spread_mm(blurred, axis=1) == pytest.approx(2.0, rel=0.05)  # x
    assert _spread_mm(blurred, axis=0) == pytest.approx(2.0, rel=0.05)  # y
    assert blurred.GetSpacing() == image.GetSpacing()


def test_gaussian_blur_mm_agrees_with_the_numpy_derivation_inside_the_image():
    rng = np.random.default_rng(0)
    array = rng.normal(0, 1, (120, 120)).astype(np.float32)
    image = sitk.GetImageFromArray(array)
    image.SetSpacing((0.5, 0.5))
    ours = sitk.GetArrayFromImage(gaussian_blur_mm(image, 1.5))  # a copy: the image is temporary
    reference = ndimage.gaussian_filter(array.astype(float), 3.0, truncate=5.0)
    np.testing.assert_allclose(ours[20:-20, 20:-20], reference[20:-20, 20:-20], atol=0.02)


def test_gaussian_blur_mm_zero_is_identity_and_rejects_negative():
    image = sitk.GetImageFromArray(np.arange(12, dtype=np.float32).reshape(3, 4))
    np.testing.assert_array_equal(
        sitk.GetArrayFromImage(gaussian_blur_mm(image, 0.0)), np.arange(12).reshape(3, 4)
    )
    with pytest.raises(ValueError, match="sigma_mm must be >= 0 mm"):
        gaussian_blur_mm(image, -1.0)
