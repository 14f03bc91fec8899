import numpy as np
import pytest
import SimpleITK as sitk

from medimg import sampling


def test_sample_positions_are_origin_plus_multiples_of_spacing():
    positions = sampling.sample_positions(4, 0.25, origin=10.0)
    np.testing.assert_allclose(positions, [10.0, 10.25, 10.5, 10.75])


def test_sample_positions_match_simpleitk_physical_points():
    image = sitk.Image(7, 3, sitk.sitkUInt8)
    image.SetSpacing((0.7, 2.0))
    image.SetOrigin((-3.0, 5.0))
    expected = [image.TransformIndexToPhysicalPoint((i, 0))[0] for i in range(7)]
    np.testing.assert_allclose(sampling.sample_positions(7, 0.7, origin=-3.0), expected)


@pytest.mark.parametrize(
    ("size", "spacing", "message"),
    [(0, 1.0, "size must be an integer >= 1, got 0"), (2.5, 1.0, "got 2.5"),
     (3, 0.0, "spacing must be > 0, got 0.0"), (3, -1.0, "got -1.0")],
)  # fmt: skip
def test_sample_positions_rejects_bad_arguments(size, spacing, message):
    with pytest.raises(ValueError, match=message):
        sampling.sample_positions(size, spacing)


def test_quantize_reproduces_lecture_example():
    np.testing.assert_array_equal(
        sampling.quantize([26.94, 35.98, 0.48, 15.13], 10), [20.0, 30.0, 0.0, 10.0]
    )


def test_quantize_floors_negative_values_down():
    np.testing.assert_array_equal(sampling.quantize([-0.1, -10.0, -10.1], 10), [-10, -10, -20])


def test_quantize_matches_numpy_floor_divide():
    values = np.random.default_rng(0).uniform(-500, 500, size=(20, 30))
    np.testing.assert_allclose(sampling.quantize(values, 7.0), np.floor_divide(values, 7.0) * 7.0)


def test_quantize_keeps_shape_and_error_below_step():
    values = np.random.default_rng(1).normal(size=(3, 4, 5)) * 100
    quantized = sampling.quantize(values, 12.5)
    assert quantized.shape == values.shape
    assert np.all((values - quantized >= 0) & (values - quantized < 12.5))


@pytest.mark.parametrize("step", [0, -1, np.inf, np.nan])
def test_quantize_rejects_bad_step(step):
    with pytest.raises(ValueError, match="step must be a finite number > 0"):
        sampling.quantize([1.0], step)


@pytest.mark.parametrize("n_levels", [2, 4, 16, 256])
def test_quantize_levels_uses_exactly_n_levels_on_a_ramp(n_levels):
    levels = sampling.quantize_levels(np.linspace(-1000, 1000, 10_000), n_levels, -1000, 1000)
    assert levels.dtype == np.int64
    np.testing.assert_array_equal(np.unique(levels), np.arange(n_levels))


def test_quantize_levels_clips_outside_range():
    levels = sampling.quantize_levels([-5000, 5000], 4, vmin=-1000, vmax=1000)
    np.testing.assert_array_equal(levels, [0, 3])


def test_quantize_levels_defaults_to_data_range():
    np.testing.assert_array_equal(sampling.quantize_levels([0.0, 0.49, 0.5, 1.0], 2), [0, 0, 1, 1])


def test_quantize_levels_matches_numpy_digitize():
    values = np.random.default_rng(2).uniform(0, 100, 1000)
    edges = np.linspace(0, 100, 9)[1:-1]
    expected = np.digitize(values, edges)
    np.testing.assert_array_equal(sampling.quantize_levels(values, 8, 0, 100), expected)


@pytest.mark.parametrize(
    ("n_levels", "vmin", "vmax", "message"),
    [(1, 0, 1, "n_levels must be an integer >= 2, got 1"), (2.5, 0, 1, "got 2.5"),
     (4, 1, 1, "vmax must be > vmin, got vmin=1.0, vmax=1.0"), (4, 2, 1, "vmax must be > vmin")],
)  # fmt: skip
def test_quantize_levels_rejects_bad_arguments(n_levels, vmin, vmax, message):
    with pytest.raises(ValueError, match=message):
        sampling.quantize_levels([0.5], n_levels, vmin, vmax)


def test_level_values_error_is_at_most_half_a_bin():
    values = np.random.default_rng(3).uniform(-1000, 1000, 1000)
    levels = sampling.quantize_levels(values, 16, -1000, 1000)
    restored = sampling.level_values(levels, 16, -1000, 1000)
    assert np.max(np.abs(restored - values)) <= 2000 / 16 / 2


def test_level_values_rejects_out_of_range_levels():
    with pytest.raises(ValueError, match=r"levels must lie in 0..3, got 0..4"):
        sampling.level_values([0, 4], 4, 0, 1)


@pytest.mark.parametrize("shape", [(10,), (9, 7), (5, 6, 7)])
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32])
def test_downsample_matches_slicing_on_all_axes(shape, dtype):
    array = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
    out = sampling.downsample(array, 3)
    expected = array[tuple(slice(None, None, 3) for _ in shape)]
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == dtype
    assert out.shape == tuple(-(-n // 3) for n in shape)


def test_downsample_returns_a_copy():
    array = np.zeros((4, 4))
    sampling.downsample(array, 1)[0, 0] = 1
    assert array[0, 0] == 0


@pytest.mark.parametrize("factor", [0, -2, 1.5, True])
def test_downsample_rejects_bad_factor(factor):
    with pytest.raises(ValueError, match="factor must be an integer >= 1"):
        sampling.downsample(np.zeros(4), factor)


@pytest.mark.parametrize("dim", [2, 3])
def test_downsample_image_keeps_origin_and_multiplies_spacing(dim):
    size = (12, 10, 8)[:dim]
    image = sitk.Image(size, sitk.sitkInt16)
    image.SetSpacing((0.5, 0.8, 2.0)[:dim])
    image.SetOrigin((1.0, -2.0, 3.0)[:dim])
    out = sampling.downsample_image(image, 2)
    assert out.GetOrigin() == image.GetOrigin()
    np.testing.assert_allclose(out.GetSpacing(), np.array(image.GetSpacing()) * 2)
    assert out.GetSize() == tuple(n // 2 for n in size)
    assert out.GetPixelID() == sitk.sitkInt16


def test_downsample_image_without_antialias_equals_numpy_downsample():
    array = np.random.default_rng(4).integers(-1000, 1000, (20, 30)).astype(np.int16)
    out = sampling.downsample_image(sitk.GetImageFromArray(array), 4)
    np.testing.assert_array_equal(sitk.GetArrayFromImage(out), sampling.downsample(array, 4))


def test_downsample_image_antialias_removes_a_pattern_that_aliases():
    # Stripes with a 2-pixel period decimated by 3 alias to a coarse pattern; smoothing first
    # leaves almost the mean.
    stripes = np.tile(np.array([0.0, 100.0], dtype=np.float32), (60, 30))
    image = sitk.GetImageFromArray(stripes)
    plain = sitk.GetArrayFromImage(sampling.downsample_image(image, 3))
    smooth = sitk.GetArrayFromImage(sampling.downsample_image(image, 3, antialias=True, sigma=2))
    assert plain.std() > 40
    assert smooth[5:-5, 5:-5].std() < 5
    np.testing.assert_allclose(smooth[5:-5, 5:-5].mean(), 50, atol=2)


def test_downsample_image_rejects_negative_sigma():
    with pytest.raises(ValueError, match="sigma must be >= 0, got -1"):
        sampling.downsample_image(sitk.Image(4, 4, sitk.sitkUInt8), 2, antialias=True, sigma=-1)


def test_sample_sinusoid_spacing_is_inverse_rate():
    t, values = sampling.sample_sinusoid(3.0, rate=50.0, duration=2.0)
    np.testing.assert_allclose(np.diff(t), 1 / 50)
    assert t[-1] == pytest.approx(2.0)
    np.testing.assert_allclose(values, np.sin(2 * np.pi * 3.0 * t))


def test_undersampled_sinusoid_equals_its_alias():
    # 9 Hz sampled at 10 Hz gives the same samples as -1 Hz (a 1 Hz sine with inverted sign).
    t, values = sampling.sample_sinusoid(9.0, rate=10.0, duration=3.0)
    np.testing.assert_allclose(values, -np.sin(2 * np.pi * 1.0 * t), atol=1e-9)


@pytest.mark.parametrize(
    ("frequency", "rate", "expected"),
    [(3, 10, 3), (5, 10, 5), (9, 10, 1), (11, 10, 1), (14, 10, 4), (0, 10, 0)],
)
def test_alias_frequency(frequency, rate, expected):
    assert sampling.alias_frequency(frequency, rate) == pytest.approx(expected)


def test_nyquist_rate_is_twice_the_frequency():
    assert sampling.nyquist_rate(2.5) == 5.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"rate": 0, "duration": 1}, "rate must be > 0, got 0"),
     ({"rate": 1, "duration": -1}, "duration must be > 0, got -1")],
)  # fmt: skip
def test_sample_sinusoid_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        sampling.sample_sinusoid(1.0, **kwargs)


def test_alias_frequency_rejects_bad_rate():
    with pytest.raises(ValueError, match="rate must be > 0, got -1"):
        sampling.alias_frequency(1.0, -1)


# --- the two named quantization rules ------------------------------------------------------


@pytest.mark.parametrize("step", [0.5, 10.0, 17.5])
def test_truncation_error_is_below_one_step_and_biased(step):
    values = np.random.default_rng(0).uniform(-500, 500, 200_000)
    error = sampling.quantize(values, step, rule="truncation") - values
    assert error.max() <= 0 and error.min() > -step
    assert -error.min() <= sampling.quantization_error_bound(step, rule="truncation")
    assert error.mean() == pytest.approx(-step / 2, rel=0.02)
    assert np.sqrt(np.mean(error**2)) == pytest.approx(step / np.sqrt(3), rel=0.02)


@pytest.mark.parametrize("step", [0.5, 10.0, 17.5])
def test_mid_rise_error_is_at_most_half_a_step_and_unbiased(step):
    values = np.random.default_rng(1).uniform(-500, 500, 200_000)
    error = sampling.quantize(values, step, rule="mid-rise") - values
    bound = sampling.quantization_error_bound(step, rule=sampling.QuantizationRule.MID_RISE)
    assert bound == step / 2
    assert np.abs(error).max() <= bound
    assert abs(error.mean()) < step / 100
    assert np.sqrt(np.mean(error**2)) == pytest.approx(step / np.sqrt(12), rel=0.02)


def test_quantize_default_rule_is_truncation():
    values = [26.94, 35.98, 0.48, 15.13]
    np.testing.assert_array_equal(
        sampling.quantize(values, 10), sampling.quantize(values, 10, rule="truncation")
    )


def test_unknown_quantization_rule_is_named():
    with pytest.raises(ValueError, match="'round'"):
        sampling.quantize([1.0], 1.0, rule="round")


@pytest.mark.parametrize("bits", [1, 4, 8])
def test_quantize_bits_is_levels_then_level_values(bits):
    values = np.random.default_rng(2).uniform(-1000, 1000, 5000)
    n = 2**bits
    expected = sampling.level_values(
        sampling.quantize_levels(values, n, -1000, 1000), n, -1000, 1000
    )
    result = sampling.quantize_bits(values, bits, vmin=-1000, vmax=1000)
    np.testing.assert_array_equal(result, expected)
    assert np.abs(result - values).max() <= 1000 / n


def test_sinc_interpolation_recovers_a_band_limited_signal_and_aliases_otherwise():
    x = np.linspace(20, 40, 201)  # far from the ends of the sample row
    t, y = sampling.sample_sinusoid(0.2, rate=1.0, duration=60.0)
    np.testing.assert_allclose(
        sampling.sinc_interpolate(t, y, x), np.sin(2 * np.pi * 0.2 * x), atol=0.05
    )
    # 0.9 cycles/mm sampled every 1 mm: the curve through the samples is the 0.1 alias.
    t, y = sampling.sample_sinusoid(0.9, rate=1.0, duration=60.0)
    np.testing.assert_allclose(
        sampling.sinc_interpolate(t, y, x), -np.sin(2 * np.pi * 0.1 * x), atol=0.05
    )


def test_sinc_interpolate_needs_equal_spacing():
    with pytest.raises(ValueError, match="equally spaced"):
        sampling.sinc_interpolate([0.0, 1.0, 3.0], [0.0, 1.0, 0.0], [0.5])
