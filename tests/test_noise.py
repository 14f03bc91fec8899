import numpy as np
import pytest

from medimg.noise import add_gaussian_noise, add_poisson_noise, add_salt_and_pepper, snr


def test_gaussian_noise_is_exactly_the_documented_draw():
    values = np.arange(12.0).reshape(3, 4)
    expected = values + np.random.default_rng(7).normal(0, 2.5, values.shape)
    np.testing.assert_array_equal(add_gaussian_noise(values, 2.5, seed=7), expected)


@pytest.mark.parametrize("shape", [(400, 400), (20, 100, 80)])
def test_gaussian_noise_statistics(shape):
    noise = add_gaussian_noise(np.full(shape, 100, dtype=np.int16), 10.0, seed=0) - 100
    assert abs(noise.mean()) < 0.1
    assert noise.std() == pytest.approx(10.0, rel=0.01)


def test_gaussian_noise_zero_sigma_is_identity():
    values = np.array([1, 2, 3], dtype=np.uint8)
    out = add_gaussian_noise(values, 0.0, seed=0)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, values)


@pytest.mark.parametrize("sigma", [-1.0, np.nan, np.inf])
def test_gaussian_noise_rejects_bad_sigma(sigma):
    with pytest.raises(ValueError, match="sigma must be >= 0"):
        add_gaussian_noise([1.0], sigma)


@pytest.mark.parametrize(("mean", "scale"), [(100.0, 1.0), (100.0, 4.0), (9.0, 1.0)])
def test_poisson_noise_mean_and_variance(mean, scale):
    noisy = add_poisson_noise(np.full((500, 500), mean), scale=scale, seed=1)
    assert noisy.mean() == pytest.approx(mean, rel=0.01)
    assert noisy.var() == pytest.approx(mean / scale, rel=0.02)


def test_poisson_noise_rejects_negative_values():
    with pytest.raises(ValueError, match=">= 0"):
        add_poisson_noise([-1.0, 2.0])


def test_poisson_noise_rejects_bad_scale():
    with pytest.raises(ValueError, match="scale must be > 0"):
        add_poisson_noise([1.0], scale=0)


def test_salt_and_pepper_fraction_and_values():
    values = np.full((300, 300), 50.0)
    noisy = add_salt_and_pepper(values, 0.2, low=0, high=255, seed=3)
    hit = noisy != 50
    assert hit.mean() == pytest.approx(0.2, abs=0.005)
    assert (noisy[hit] == 0).mean() == pytest.approx(0.5, abs=0.02)
    assert set(np.unique(noisy[hit])) == {0.0, 255.0}


def test_salt_and_pepper_defaults_to_value_range():
    values = np.linspace(-10, 10, 10000)
    noisy = add_salt_and_pepper(values, 0.5, seed=0)
    assert noisy.min() == -10 and noisy.max() == 10


def test_salt_and_pepper_does_not_modify_input():
    values = np.ones(100)
    add_salt_and_pepper(values, 1.0, seed=0)
    assert np.all(values == 1)


@pytest.mark.parametrize("fraction", [-0.1, 1.5])
def test_salt_and_pepper_rejects_bad_fraction(fraction):
    with pytest.raises(ValueError, match="fraction"):
        add_salt_and_pepper([1.0, 2.0], fraction)


def test_snr_uses_population_std():
    background = np.array([1.0, 2.0, 3.0, 4.0])
    assert snr([10.0], background) == pytest.approx(10.0 / np.std(background, ddof=0))


def test_snr_falls_when_noise_grows():
    signal = np.full(1000, 100.0)
    background = np.zeros(1000)
    low = snr(add_gaussian_noise(signal, 5, seed=0), add_gaussian_noise(background, 5, seed=1))
    high = snr(add_gaussian_noise(signal, 20, seed=0), add_gaussian_noise(background, 20, seed=1))
    assert low == pytest.approx(20, rel=0.1)
    assert high == pytest.approx(5, rel=0.1)


@pytest.mark.parametrize(
    ("signal", "background", "match"),
    [([], [1, 2], "signal"), ([1], [1], "at least 2"), ([1], [2, 2], "zero standard deviation")],
)
def test_snr_rejects_degenerate_regions(signal, background, match):
    with pytest.raises(ValueError, match=match):
        snr(signal, background)
