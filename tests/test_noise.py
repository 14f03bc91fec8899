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


# --- photon counts from transmission (Beer-Lambert) ---------------------------------------

from medimg import noise as noise_module  # noqa: E402


def test_expected_counts_decrease_with_attenuation():
    p = np.linspace(0.0, 6.0, 25)
    counts = noise_module.expected_counts(p, incident=1e4)
    assert counts[0] == 1e4
    assert np.all(np.diff(counts) < 0)
    np.testing.assert_allclose(counts, 1e4 * np.exp(-p))


def test_simulated_counts_fall_and_relative_noise_rises_behind_bone():
    # Soft tissue (p = 1) vs bone (p = 4): fewer photons, relatively noisier.
    p = np.repeat([[1.0], [4.0]], 50_000, axis=1)
    sim = noise_module.simulate_transmission(p, incident=1e4, seed=3)
    mean = sim.counts.mean(axis=1)
    relative = sim.counts.std(axis=1) / mean
    assert mean[1] < mean[0] / 10
    assert relative[1] == pytest.approx(relative[0] * np.exp(1.5), rel=0.05)
    # Back in line-integral units the noise is larger behind bone too.
    spread = sim.line_integral.std(axis=1)
    assert spread[1] > 3 * spread[0]
    np.testing.assert_allclose(sim.line_integral.mean(axis=1), [1.0, 4.0], atol=0.02)


def test_more_incident_photons_means_less_relative_noise():
    p = np.full(40_000, 2.0)
    low = noise_module.simulate_transmission(p, incident=1e3, seed=1).counts
    high = noise_module.simulate_transmission(p, incident=1e5, seed=1).counts
    assert (low.std() / low.mean()) == pytest.approx(10 * high.std() / high.mean(), rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"line_integral": [1.0], "incident": 0}, "incident must be"),
        ({"line_integral": [-0.1], "incident": 10}, "line_integral must be"),
    ],
)
def test_transmission_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        noise_module.expected_counts(**kwargs)


# --- the two noise measures: region SNR and full-reference signal-to-error ratio ----------------------------


def test_signal_to_error_is_20_log10_of_std_over_rms_error():
    rng = np.random.default_rng(0)
    clean = rng.normal(0, 3.0, 10_000)
    observed = clean + rng.normal(0, 0.3, clean.shape)
    expected = 20 * np.log10(clean.std() / np.sqrt(np.mean((observed - clean) ** 2)))
    assert noise_module.signal_to_error_db(clean, observed) == pytest.approx(expected)
    assert noise_module.signal_to_error_db(clean, clean) == np.inf


def test_signal_to_error_sees_blurring_but_region_snr_does_not():
    # A blurred edge is error for the signal-to-error ratio; the region SNR of flat regions does not change.
    clean = np.zeros(200)
    clean[100:] = 100.0
    blurred = np.convolve(clean, np.ones(9) / 9, mode="same")
    blurred[:10], blurred[-10:] = clean[:10], clean[-10:]
    assert noise_module.signal_to_error_db(clean, blurred) < 20
    assert noise_module.rms_error(clean, blurred) > 0


def test_signal_to_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        noise_module.signal_to_error_db(np.zeros(3), np.zeros(4))
