"""The pure compute functions of the demos: shapes, numbers and monotonic effects."""

import itertools

import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data, demos
from medimg.demos import (
    interpolation,
    noise_filter,
    quantization,
    rotation,
    sampling,
    window_threshold,
)
from medimg.demos._common import ct_head_padding_to_air
from medimg.resampling import physical_centre


@pytest.fixture(scope="module")
def ct():
    return data.ct_head()


@pytest.fixture(scope="module")
def ct_air():
    return ct_head_padding_to_air()


def grid(size=(512, 512), spacing=(1.0, 1.0), value=0.0):
    image = sitk.Image(list(size), sitk.sitkFloat32) + value
    image.SetSpacing(spacing)
    return image


# --- registry -----------------------------------------------------------------------------


def test_every_demo_has_the_three_layers():
    for name in demos.NAMES:
        module = demos.module(name)
        for attribute in ("compute", "draw", "widget", "static_html", "SWEEPS"):
            assert hasattr(module, attribute), (name, attribute)


def test_unknown_demo_is_rejected_by_name():
    with pytest.raises(ValueError, match="'zoom'"):
        demos.module("zoom")


def test_ct_head_padding_to_air_replaces_only_the_padding(ct, ct_air):
    original = sitk.GetArrayViewFromImage(ct)
    cleaned = sitk.GetArrayViewFromImage(ct_air)
    assert original.min() == -3024
    assert cleaned.min() == -1000
    keep = original >= -1000
    np.testing.assert_array_equal(cleaned[keep], original[keep])


# --- sampling -----------------------------------------------------------------------------


@pytest.mark.parametrize("factor", [1, 2, 3, 4, 8])
def test_sampling_image_size_and_spacing(ct, factor):
    result = sampling.compute(ct, factor=factor)
    assert result.image.GetSize() == (-(-512 // factor),) * 2
    assert result.image.GetSpacing() == pytest.approx((factor * 0.478516,) * 2, rel=1e-5)
    assert result.image.GetOrigin() == ct.GetOrigin()


def test_sampling_samples_lie_on_the_signal(ct):
    result = sampling.compute(ct, factor=3)
    np.testing.assert_allclose(result.samples, sampling.signal(result.x_samples))
    np.testing.assert_allclose(np.diff(result.x_samples), result.spacing)


@pytest.mark.parametrize(("factor", "aliased"), [(1, False), (2, False), (3, True), (6, True)])
def test_sampling_flags_aliasing_above_nyquist(ct, factor, aliased):
    # 0.5 cycles/mm needs a spacing below 1 mm: factor 2 gives 0.957 mm, factor 3 1.436 mm.
    assert sampling.compute(ct, factor=factor).aliased is aliased


def test_sampling_reconstruction_is_good_only_without_aliasing(ct):
    def error(factor):
        result = sampling.compute(ct, factor=factor)
        middle = (result.x_fine > 5) & (result.x_fine < 25)  # away from the truncated ends
        return np.sqrt(np.mean((result.reconstruction - result.signal_fine)[middle] ** 2))

    assert error(1) < 0.1
    assert error(4) > 0.3


def test_sampling_zoom_points_are_kept_samples_in_the_zoom(ct):
    result = sampling.compute(ct, factor=4)
    (x0, x1), (y0, y1) = result.zoom
    points = result.zoom_points
    assert len(points) > 4
    assert np.all((points[:, 0] >= x0) & (points[:, 0] <= x1))
    assert np.all((points[:, 1] >= y0) & (points[:, 1] <= y1))
    steps = np.diff(np.unique(np.round(points[:, 0], 6)))
    np.testing.assert_allclose(steps, 4 * ct.GetSpacing()[0])


def test_sampling_fewer_points_at_coarser_spacing(ct):
    counts = [len(sampling.compute(ct, factor=f).zoom_points) for f in (1, 2, 4)]
    assert counts[0] > counts[1] > counts[2]


@pytest.mark.parametrize("factor", [0, -1, 1.5])
def test_sampling_rejects_bad_factor(ct, factor):
    with pytest.raises(ValueError, match=f"got {factor}"):
        sampling.compute(ct, factor=factor)


# --- quantization -------------------------------------------------------------------------


def test_quantization_more_bits_give_smaller_error(ct):
    errors = [quantization.compute(ct, bits=b).rms_error for b in range(1, 13)]
    assert all(a > b for a, b in itertools.pairwise(errors))


@pytest.mark.parametrize("bits", [1, 3, 8])
def test_quantization_uses_at_most_two_to_the_bits_values(ct, bits):
    result = quantization.compute(ct, bits=bits)
    values = np.unique(sitk.GetArrayViewFromImage(result.image))
    assert result.levels == 2**bits
    assert len(values) <= 2**bits
    assert np.isin(values, result.level_values.astype(np.float32)).all()


@pytest.mark.parametrize("bits", [2, 6, 10])
def test_quantization_error_is_within_half_a_step(ct, bits):
    result = quantization.compute(ct, bits=bits)
    assert result.max_error <= result.step / 2 + 1e-9


@pytest.mark.parametrize("bits", [1, 4, 8])
def test_quantization_step_splits_the_value_range_of_the_file(ct, bits):
    # The CT file as it is, padding included: -3024..1468 HU (4492 HU) in 2**bits steps.
    assert quantization.compute(ct, bits=bits).step == pytest.approx(4492 / 2**bits)


def test_quantization_demo_does_not_change_the_padding(ct):
    result = quantization.compute(ct, bits=12)
    assert sitk.GetArrayViewFromImage(result.image).min() < -3000


def test_quantization_keeps_geometry_and_counts(ct):
    result = quantization.compute(ct, bits=4)
    assert result.image.GetSpacing() == ct.GetSpacing()
    assert result.image.GetOrigin() == ct.GetOrigin()
    assert result.histogram.sum() == result.histogram_quantized.sum() == 512 * 512
    assert result.error.shape == (512, 512)


@pytest.mark.parametrize("bits", [0, 17, 2.5])
def test_quantization_rejects_bad_bits(ct, bits):
    with pytest.raises(ValueError, match=f"got {bits}"):
        quantization.compute(ct, bits=bits)


# --- interpolation ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["nearest", "linear", "bspline"])
def test_interpolation_lecture_example_512_at_1mm_to_341(name):
    result = interpolation.compute(grid(), new_spacing=1.5, interpolator_name=name)
    assert result.size_out == (341, 341)
    assert result.image.GetSize() == (341, 341)
    assert result.image.GetSpacing() == (1.5, 1.5)


@pytest.mark.parametrize(("spacing", "size"), [(1.5, 163), (0.4785, 512), (1.0, 245), (0.25, 980)])
def test_interpolation_real_numbers_of_the_head_ct(ct, spacing, size):
    result = interpolation.compute(ct, new_spacing=spacing, interpolator_name="nearest")
    assert result.size_out == (size, size)
    assert result.size_in == (512, 512)
    assert result.spacing_in[0] == pytest.approx(0.478516)


def test_interpolation_keeps_the_origin_as_the_library_does(ct):
    # The course's one resampling convention: sample 0 stays put, so the outer edge of the
    # field of view moves outwards by half the change of spacing.
    result = interpolation.compute(ct, new_spacing=1.5)
    assert result.image.GetOrigin() == ct.GetOrigin()
    old_edge = np.array(ct.TransformContinuousIndexToPhysicalPoint((-0.5, -0.5)))
    new_edge = np.array(result.image.TransformContinuousIndexToPhysicalPoint((-0.5, -0.5)))
    np.testing.assert_allclose(old_edge - new_edge, (1.5 - ct.GetSpacing()[0]) / 2, atol=1e-9)


def test_interpolation_constant_image_stays_constant():
    result = interpolation.compute(grid(value=40.0), new_spacing=0.7, interpolator_name="bspline")
    array = sitk.GetArrayViewFromImage(result.image)
    np.testing.assert_allclose(array[2:-2, 2:-2], 40.0, atol=1e-3)


def test_interpolation_nearest_only_takes_existing_values(ct):
    result = interpolation.compute(ct, new_spacing=0.3, interpolator_name="nearest")
    assert np.isin(
        np.unique(sitk.GetArrayViewFromImage(result.image)), sitk.GetArrayViewFromImage(ct)
    ).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"new_spacing": 0}, "got 0"), ({"new_spacing": 1, "interpolator_name": "cubic"}, "'cubic'")],
)
def test_interpolation_rejects_bad_input(ct, kwargs, message):
    with pytest.raises(ValueError, match=message):
        interpolation.compute(ct, **kwargs)


# --- rotation -----------------------------------------------------------------------------


def test_rotation_zero_angle_is_identity(ct):
    result = rotation.compute(ct, angle=0, interpolator_name="linear")
    np.testing.assert_allclose(
        sitk.GetArrayViewFromImage(result.image), sitk.GetArrayViewFromImage(ct), atol=1e-3
    )


def test_rotation_is_about_the_physical_centre():
    # A bright dot at the centre of the field of view stays there whatever the angle.
    image = grid(size=(101, 101), spacing=(0.5, 0.5))
    image.SetOrigin((-30.0, 7.0))
    image[50, 50] = 100.0
    for angle in (17, 90, 200):
        rotated = sitk.GetArrayFromImage(rotation.compute(image, angle=angle).image)
        assert np.unravel_index(np.argmax(rotated), rotated.shape) == (50, 50)
    assert physical_centre(image) == (-5.0, 32.0)


def test_rotation_by_90_degrees_turns_x_into_y():
    array = np.zeros((5, 5), np.float32)
    array[2, 4] = 1.0  # on +x from the centre
    image = sitk.GetImageFromArray(array)
    rotated = sitk.GetArrayFromImage(
        rotation.compute(image, angle=90, interpolator_name="nearest").image
    )
    assert rotated[4, 2] == 1.0  # now on +y


def test_rotation_keeps_the_grid(ct):
    result = rotation.compute(ct, angle=33, interpolator_name="bspline")
    assert result.image.GetSize() == ct.GetSize()
    assert result.image.GetSpacing() == ct.GetSpacing()
    assert result.image.GetOrigin() == ct.GetOrigin()


def test_rotation_nearest_only_takes_existing_values(ct):
    result = rotation.compute(ct, angle=33, interpolator_name="nearest")
    assert np.isin(
        np.unique(sitk.GetArrayViewFromImage(result.image)), sitk.GetArrayViewFromImage(ct)
    ).all()


def test_rotation_rejects_bad_angle(ct):
    with pytest.raises(ValueError, match="got nan"):
        rotation.compute(ct, angle=float("nan"))


# --- window and threshold -----------------------------------------------------------------


def test_window_level_give_display_range(ct):
    result = window_threshold.compute(ct, window=400, level=40, lower=0, upper=100)
    assert (result.vmin, result.vmax) == (-160.0, 240.0)


def test_threshold_mask_matches_the_interval(ct):
    result = window_threshold.compute(ct, window=400, level=40, lower=300, upper=3000)
    array = sitk.GetArrayViewFromImage(ct)
    mask = sitk.GetArrayViewFromImage(result.mask).astype(bool)
    np.testing.assert_array_equal(mask, (array >= 300) & (array <= 3000))
    assert result.mask.GetSpacing() == ct.GetSpacing()
    assert result.area == pytest.approx(mask.sum() * 0.478516**2, rel=1e-5)
    assert result.mean >= 300


def test_higher_lower_threshold_gives_smaller_mask(ct):
    areas = [
        window_threshold.compute(ct, window=80, level=40, lower=lo, upper=3000).area
        for lo in (-500, 0, 60, 300, 1000)
    ]
    assert all(a > b for a, b in itertools.pairwise(areas))


def test_empty_mask_has_no_mean(ct):
    result = window_threshold.compute(ct, window=80, level=40, lower=2000, upper=2500)
    assert result.fraction == 0
    assert np.isnan(result.mean)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": 0, "level": 40, "lower": 0, "upper": 1}, "window must be a finite width > 0"),
        ({"window": 80, "level": 40, "lower": 10, "upper": 0}, "lower=10, upper=0"),
    ],
)
def test_window_threshold_rejects_bad_input(ct, kwargs, message):
    with pytest.raises(ValueError, match=message):
        window_threshold.compute(ct, **kwargs)


# --- noise and filter ---------------------------------------------------------------------


def test_signal_to_error_decreases_with_noise_sigma(ct_air):
    ratios = [
        noise_filter.compute(ct_air, noise_sigma=s, gaussian_sigma=0).signal_to_error_noisy
        for s in (10, 30, 100, 300)
    ]
    assert all(a > b for a, b in itertools.pairwise(ratios))


def test_signal_to_error_of_clean_image_is_infinite(ct_air):
    result = noise_filter.compute(ct_air, noise_sigma=0, gaussian_sigma=0)
    assert result.signal_to_error_noisy == np.inf


def test_noise_has_the_requested_sigma(ct_air):
    result = noise_filter.compute(ct_air, noise_sigma=50, gaussian_sigma=0)
    noise = sitk.GetArrayViewFromImage(result.noisy) - sitk.GetArrayViewFromImage(ct_air)
    assert noise.std() == pytest.approx(50, rel=0.01)


def test_filter_raises_signal_to_error_of_a_noisy_image(ct_air):
    result = noise_filter.compute(ct_air, noise_sigma=100, gaussian_sigma=1.0)
    assert result.signal_to_error_filtered > result.signal_to_error_noisy + 3


def test_filter_lowers_signal_to_error_of_a_clean_image(ct_air):
    # Without noise the filter only blurs: the error is the blur.
    result = noise_filter.compute(ct_air, noise_sigma=0, gaussian_sigma=2.0)
    assert np.isfinite(result.signal_to_error_filtered)


def test_too_wide_a_filter_costs_signal_to_error(ct_air):
    ratio = {
        s: noise_filter.compute(ct_air, noise_sigma=20, gaussian_sigma=s).signal_to_error_filtered
        for s in (0.5, 4.0)
    }
    assert ratio[4.0] < ratio[0.5]


def test_noise_is_reproducible_with_a_seed(ct_air):
    a = noise_filter.compute(ct_air, noise_sigma=10, gaussian_sigma=0, seed=3).noisy
    b = noise_filter.compute(ct_air, noise_sigma=10, gaussian_sigma=0, seed=3).noisy
    np.testing.assert_array_equal(sitk.GetArrayViewFromImage(a), sitk.GetArrayViewFromImage(b))


def test_gaussian_sigma_is_in_mm():
    # The same sigma in mm blurs an image with twice the spacing half as many pixels.
    def spread(spacing):
        image = grid(size=(65, 65), spacing=(spacing, spacing))
        image[32, 32] = 1.0
        filtered = noise_filter.compute(image, noise_sigma=0, gaussian_sigma=2.0).filtered
        row = sitk.GetArrayViewFromImage(filtered)[32]
        x = np.arange(65) - 32
        return np.sqrt((row * x**2).sum() / row.sum())

    assert spread(0.5) == pytest.approx(2 * spread(1.0), rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"noise_sigma": -1, "gaussian_sigma": 0}, "noise_sigma must be >= 0, got -1"),
        ({"noise_sigma": 1, "gaussian_sigma": -2}, "got -2"),
    ],
)
def test_noise_filter_rejects_bad_input(ct_air, kwargs, message):
    with pytest.raises(ValueError, match=message):
        noise_filter.compute(ct_air, **kwargs)
