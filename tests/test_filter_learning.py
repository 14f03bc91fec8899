import numpy as np
import pytest
import SimpleITK as sitk
from scipy import ndimage

from medimg import data
from medimg.filter_learning import (
    apply_kernel,
    fit_kernel_gradient_descent,
    fit_kernel_least_squares,
    patches,
)

SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8


@pytest.fixture(scope="module")
def ct():
    hu = sitk.GetArrayFromImage(data.ct_head()).astype(float)
    return np.clip(hu, -1000, 2000) / 1000


def test_apply_kernel_is_valid_cross_correlation():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(12, 15))
    kernel = rng.normal(size=(3, 3))
    expected = ndimage.correlate(image, kernel, mode="constant")[1:-1, 1:-1]
    assert np.allclose(apply_kernel(image, kernel), expected)
    # not a convolution: flipping the kernel changes the result
    assert not np.allclose(apply_kernel(image, kernel[::-1, ::-1]), expected)


def test_patches_shape_and_order():
    image = np.arange(30.0).reshape(5, 6)
    rows = patches(image, size=5)
    assert rows.shape == (2, 25)
    assert rows[1, 0] == 1.0 and rows[1, -1] == 29.0


@pytest.mark.parametrize("kernel", [SOBEL_X, np.full((3, 3), 1 / 9)], ids=["sobel", "box"])
def test_least_squares_recovers_a_known_filter_on_the_ct(ct, kernel):
    learned = fit_kernel_least_squares(ct, apply_kernel(ct, kernel))
    assert np.allclose(learned, kernel, atol=1e-8)


def test_gradient_descent_recovers_sobel_on_the_ct(ct):
    fit = fit_kernel_gradient_descent(ct, apply_kernel(ct, SOBEL_X))
    assert np.allclose(fit.kernel, SOBEL_X, atol=1e-4)
    assert fit.losses[-1] < 1e-3 * fit.losses[0]
    assert fit.losses[100] < fit.losses[0]


def test_plain_gradient_descent_is_slower_than_momentum(ct):
    target = apply_kernel(ct, SOBEL_X)
    plain = fit_kernel_gradient_descent(ct, target, steps=5000, momentum=0.0)
    heavy = fit_kernel_gradient_descent(ct, target, steps=5000, momentum=0.99)
    assert heavy.losses[-1] < 0.01 * plain.losses[-1]


def test_noisy_target_gives_the_least_squares_kernel(ct):
    rng = np.random.default_rng(5)
    target = apply_kernel(ct, SOBEL_X) + rng.normal(scale=0.01, size=(510, 510))
    exact = fit_kernel_least_squares(ct, target)
    fit = fit_kernel_gradient_descent(ct, target)
    assert np.allclose(fit.kernel, exact, atol=1e-4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: patches(np.zeros((5, 5)), size=2), "odd"),
        (lambda: patches(np.zeros(5)), "2D"),
        (lambda: apply_kernel(np.zeros((5, 5)), np.zeros((3, 2))), "square"),
        (lambda: fit_kernel_least_squares(np.zeros((5, 5)), np.zeros((5, 5))), "valid-region"),
        (
            lambda: fit_kernel_gradient_descent(np.ones((5, 5)), np.ones((3, 3)), momentum=1),
            "momentum",
        ),
        (lambda: fit_kernel_gradient_descent(np.ones((5, 5)), np.ones((3, 3)), steps=-1), "steps"),
        (
            lambda: fit_kernel_gradient_descent(np.ones((5, 5)), np.ones((3, 3)), learning_rate=0),
            "learning_rate",
        ),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
