import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data
from medimg.reconstruction import (
    MU_WATER_PER_MM,
    attenuation_from_hu,
    back_project,
    filtered_back_projection,
    forward_project,
    from_kspace,
    hu_from_attenuation,
    noisy_sinogram,
    ramp_filter,
    to_kspace,
    undersampling_mask,
)

ANGLES = np.arange(0.0, 180.0, 1.0)


@pytest.fixture(scope="module")
def phantom_mu():
    slice_hu = sitk.GetArrayFromImage(data.ct_phantom())[16]
    return attenuation_from_hu(slice_hu)


def disc(n=64, radius=20.0, value=1.0):
    yy, xx = np.mgrid[:n, :n] - (n - 1) / 2
    return np.where(np.hypot(xx, yy) < radius, value, 0.0)


def test_attenuation_anchors_water_and_air():
    assert attenuation_from_hu([0.0, -1000.0, -3024.0]).tolist() == [MU_WATER_PER_MM, 0.0, 0.0]


def test_projection_of_a_disc_is_its_chord_length():
    # A disc of radius r has projection 2 sqrt(r^2 - t^2) (times value) at every angle.
    spacing = 0.5
    sino = forward_project(disc(radius=20.0), [0.0, 30.0, 77.0], spacing=spacing)
    t = np.arange(64) - 31.5
    chord = 2 * np.sqrt(np.clip(20.0**2 - t**2, 0, None)) * spacing
    inner = np.abs(t) < 15
    assert np.allclose(sino[:, inner], chord[inner], atol=2 * spacing)


def test_projection_angle_convention_matches_back_projection():
    # A point right of the centre (+x) appears at t > 0 at 0 degrees and at t < 0 at 180.
    image = np.zeros((33, 33))
    image[16, 26] = 1.0
    sino = forward_project(image, [0.0, 90.0, 180.0])
    assert int(np.argmax(sino[0])) == 26
    assert int(np.argmax(sino[1])) == 16
    assert int(np.argmax(sino[2])) == 6
    simple = back_project(sino, [0.0, 90.0, 180.0])
    assert np.unravel_index(np.argmax(simple), simple.shape) == (16, 26)


def test_fbp_recovers_the_phantom(phantom_mu):
    sino = forward_project(phantom_mu, ANGLES, spacing=1.5)
    recon = filtered_back_projection(sino, ANGLES, spacing=1.5)
    yy, xx = np.mgrid[:128, :128] - 63.5
    inside = np.hypot(xx, yy) < 50
    assert np.abs(recon - phantom_mu)[inside].mean() < 0.1 * MU_WATER_PER_MM
    assert recon[64, 64] == pytest.approx(phantom_mu[64, 64], rel=0.05)


def test_back_projection_without_filter_blurs(phantom_mu):
    sino = forward_project(phantom_mu, ANGLES, spacing=1.5)
    blurred = back_project(sino, ANGLES)
    sharp = back_project(ramp_filter(sino, spacing=1.5), ANGLES)
    edge = np.abs(np.diff(blurred[64])).max() / blurred.max()
    edge_sharp = np.abs(np.diff(sharp[64])).max() / sharp.max()
    assert edge < 0.5 * edge_sharp


def test_ramp_filter_scales_with_spacing():
    sino = forward_project(disc(), ANGLES[:4])
    assert np.allclose(ramp_filter(sino, spacing=2.0), ramp_filter(sino, spacing=1.0) / 2)


def test_ramp_filter_amplifies_noise_more_than_signal():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(50, 128))
    filtered = ramp_filter(noise)
    # White noise has the same power at every frequency; after the ramp the highest
    # frequencies carry far more than the lowest.
    spectrum = np.abs(np.fft.rfft(filtered, axis=1)).mean(axis=0)
    assert spectrum[-10:].mean() > 5 * spectrum[1:6].mean()


def test_noise_is_worse_behind_dense_material():
    sino = np.array([[0.1] * 2000, [4.0] * 2000])
    noisy = noisy_sinogram(sino, photons=1e4, rng=1)
    assert noisy[1].std() > 3 * noisy[0].std()
    assert noisy.mean(axis=1) == pytest.approx([0.1, 4.0], abs=0.02)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: forward_project(np.zeros((3, 4)), [0]), "square"),
        (lambda: forward_project(np.zeros((3, 3)), [0], spacing=0), "spacing"),
        (lambda: back_project(np.zeros((2, 3)), [0, 1, 2]), "one row per angle"),
        (lambda: noisy_sinogram(np.zeros(2), photons=0), "photons"),
        (lambda: undersampling_mask((4, 4), keep_every=-1), "keep_every"),
        (lambda: forward_project(np.zeros((3, 3)), []), "angles_degrees"),
    ],
)
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_kspace_round_trip_and_energy():
    image = sitk.GetArrayFromImage(data.mr_t2_small()).astype(float)
    k = to_kspace(image)
    assert np.allclose(from_kspace(k), image)
    assert np.sum(np.abs(k) ** 2) == pytest.approx(np.sum(image**2))
    centre = np.unravel_index(np.argmax(np.abs(k)), k.shape)
    assert centre == (32, 32)


def test_skipping_every_second_line_folds_the_image():
    # R = 2 sums the image with a copy shifted by half the field of view along y.
    rng = np.random.default_rng(2)
    image = rng.random((16, 8))
    k = to_kspace(image) * undersampling_mask(image.shape, keep_every=2)
    folded = np.abs(np.fft.ifft2(np.fft.ifftshift(k), norm="ortho"))
    expected = np.abs(image + np.roll(image, 8, axis=0)) / 2
    assert np.allclose(np.fft.fftshift(folded), expected) or np.allclose(folded, expected)


def test_centre_lines_are_kept():
    mask = undersampling_mask((64, 8), keep_every=4, centre_lines=8)
    assert mask[28:36].all()
    assert mask[:, 0].sum() == 8 + 16 - 2


def test_hu_round_trip():
    hu = np.array([-900.0, -100.0, 0.0, 40.0, 1000.0])
    assert np.allclose(hu_from_attenuation(attenuation_from_hu(hu)), hu)


def test_fbp_noise_grows_as_one_over_root_dose(phantom_mu):
    # The figure the image-formation chapter states: 100x fewer photons, about 10x the noise.
    sino = forward_project(phantom_mu, ANGLES, spacing=1.5)
    clean = filtered_back_projection(sino, ANGLES, spacing=1.5)
    stds = []
    for photons in (1e6, 1e4):
        noisy = filtered_back_projection(
            noisy_sinogram(sino, photons=photons, rng=0), ANGLES, spacing=1.5
        )
        stds.append(float(hu_from_attenuation(noisy - clean + MU_WATER_PER_MM).std()))
    assert 8 < stds[1] / stds[0] < 12
