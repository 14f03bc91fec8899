import numpy as np
import pytest
import SimpleITK as sitk

from medimg import data, intensity


def test_presets_hold_the_lecture_values():
    assert intensity.WINDOW_PRESETS == {
        "brain": (80, 40), "bone": (2000, 500), "lung": (1500, -600), "soft tissue": (400, 40),
    }  # fmt: skip


def test_presets_have_named_fields():
    assert intensity.WINDOW_PRESETS["lung"].width == 1500
    assert intensity.WINDOW_PRESETS["lung"].level == -600


def test_window_level_maps_edges_to_black_and_white():
    np.testing.assert_allclose(
        intensity.window_level([-1, 0, 50, 100, 101], 100, 50), [0, 0, 0.5, 1, 1]
    )


@pytest.mark.parametrize("preset", sorted(intensity.WINDOW_PRESETS))
def test_window_level_matches_simpleitk_intensity_windowing(preset):
    ct = sitk.Cast(data.ct_small(), sitk.sitkFloat64)
    window, level = intensity.WINDOW_PRESETS[preset]
    lo, hi = intensity.window_range(window, level)
    reference = sitk.IntensityWindowing(ct, lo, hi, 0.0, 1.0)
    ours = intensity.window_level(sitk.GetArrayViewFromImage(ct), window, level)
    np.testing.assert_allclose(ours, sitk.GetArrayViewFromImage(reference), atol=1e-12)


def test_window_level_output_is_in_unit_interval_and_monotonic():
    values = np.linspace(-3000, 3000, 1001)
    out = intensity.window_level(values, 400, 40)
    assert out.min() == 0 and out.max() == 1
    assert np.all(np.diff(out) >= 0)


@pytest.mark.parametrize(
    ("window", "level", "message"),
    [(0, 40, "window must be a finite width > 0, got 0"), (-80, 40, "got -80"),
     (np.inf, 40, "got inf"), (80, np.nan, "level must be finite, got nan")],
)  # fmt: skip
def test_window_level_rejects_bad_arguments(window, level, message):
    with pytest.raises(ValueError, match=message):
        intensity.window_level([0.0], window, level)


def test_window_range():
    assert intensity.window_range(1500, -600) == (-1350.0, 150.0)


def test_hounsfield_of_water_and_air():
    np.testing.assert_allclose(intensity.hounsfield([0.19, 0.0002], 0.19, 0.0002), [0, -1000])


def test_hounsfield_is_linear_in_mu():
    mu = np.linspace(0, 0.5, 11)
    hu = intensity.hounsfield(mu, 0.2, 0.0)
    np.testing.assert_allclose(np.diff(hu), 1000 * 0.05 / 0.2)


@pytest.mark.parametrize(
    ("mu_water", "mu_air", "message"),
    [(0.1, 0.1, "mu_water must be > mu_air, got mu_water=0.1, mu_air=0.1"),
     (0.1, 0.2, "mu_water must be > mu_air"), (0.2, -0.1, "must be finite and >= 0")],
)  # fmt: skip
def test_hounsfield_rejects_bad_references(mu_water, mu_air, message):
    with pytest.raises(ValueError, match=message):
        intensity.hounsfield(0.1, mu_water, mu_air)


@pytest.mark.parametrize("dim", [2, 3])
def test_apply_window_keeps_geometry(dim):
    image = sitk.Image((6, 5, 4)[:dim], sitk.sitkInt16)
    image.SetSpacing((0.5, 0.7, 3.0)[:dim])
    image.SetOrigin((10.0, -4.0, 2.0)[:dim])
    if dim == 2:
        image.SetDirection((0.0, -1.0, 1.0, 0.0))
    out = intensity.apply_window(image, "bone")
    assert out.GetPixelID() == sitk.sitkFloat32
    for attribute in ("GetSize", "GetSpacing", "GetOrigin", "GetDirection"):
        assert getattr(out, attribute)() == getattr(image, attribute)()


def test_apply_window_name_equals_explicit_pair():
    ct = data.ct_small()
    by_name = sitk.GetArrayFromImage(intensity.apply_window(ct, "lung"))
    by_pair = sitk.GetArrayFromImage(intensity.apply_window(ct, (1500, -600)))
    np.testing.assert_array_equal(by_name, by_pair)


@pytest.mark.parametrize(
    ("preset", "message"),
    [("liver", "unknown window preset 'liver'"), ((1, 2, 3), "must be a name or a"),
     (5, "must be a name or a"), ((0, 40), "window must be a finite width > 0")],
)  # fmt: skip
def test_apply_window_rejects_bad_presets(preset, message):
    with pytest.raises(ValueError, match=message):
        intensity.apply_window(sitk.Image(2, 2, sitk.sitkInt16), preset)


def test_padding_to_air_changes_only_values_below_air():
    ct = data.ct_head()
    out = intensity.padding_to_air(ct)
    before = sitk.GetArrayViewFromImage(ct)
    after = sitk.GetArrayViewFromImage(out)
    assert before.min() == -3024 and after.min() == intensity.AIR_HU
    keep = before >= -1000
    np.testing.assert_array_equal(after[keep], before[keep])
    assert out.GetOrigin() == ct.GetOrigin() and out.GetSpacing() == ct.GetSpacing()


def test_window_presets_are_one_table_of_width_level_pairs():
    assert set(intensity.WINDOW_PRESETS) == {"brain", "bone", "lung", "soft tissue"}
    for width, level in intensity.WINDOW_PRESETS.values():
        assert width > 0 and -1000 <= level <= 1000


def test_jnd_index_matches_the_ends_of_the_dicom_gsdf_table():
    # PS3.14 Annex B: j = 1 at 0.0500 cd/m², j = 1023 at 3993.404 cd/m².
    np.testing.assert_allclose(intensity.jnd_index([0.05, 3993.404]), [1, 1023], atol=0.1)
    assert np.all(np.diff(intensity.jnd_index(np.geomspace(0.05, 4000, 50))) > 0)


def test_a_display_spans_more_jnds_than_an_8_bit_display_has_levels():
    # Chapter 6: several hundred distinguishable steps -> 8 bits (256) are too few, 10 enough.
    dim = float(np.ptp(intensity.jnd_index([0.5, 100.0])))
    bright = float(np.ptp(intensity.jnd_index([1.0, 500.0])))
    assert 400 < dim < 460
    assert 256 < bright < 1024


def test_jnd_index_rejects_luminance_outside_the_standard():
    with pytest.raises(ValueError, match="luminance"):
        intensity.jnd_index(0.01)
