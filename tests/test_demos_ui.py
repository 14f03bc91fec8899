"""The live ipywidgets layer of the demos, driven programmatically (no browser, no kernel)."""

import ipywidgets
import matplotlib.pyplot as plt
import pytest

from medimg import demos
from medimg.demos._ui import DemoWidget


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_every_demo_builds_a_widget_with_a_first_result():
    for name in demos.NAMES:
        widget = demos.live(name, display=False)
        assert isinstance(widget, ipywidgets.Widget)
        assert widget.result is not None
        assert set(widget.controls) == set(widget.values())


def test_sampling_slider_recomputes():
    widget = demos.live("sampling", display=False)
    widget.controls["factor"].value = 4
    assert widget.result.factor == 4
    assert widget.result.image.GetSize() == (128, 128)
    assert "128 x 128" in widget.text.value


def test_quantization_slider_changes_error():
    widget = demos.live("quantization", display=False)
    widget.controls["bits"].value = 2
    coarse = widget.result.rms_error
    widget.controls["bits"].value = 8
    assert widget.result.levels == 256
    assert widget.result.rms_error < coarse


def test_interpolation_controls_set_spacing_and_interpolator():
    widget = demos.live("interpolation", display=False)
    widget.controls["new_spacing"].value = 1.5
    widget.controls["interpolator_name"].value = "bspline"
    assert widget.result.size_out == (163, 163)
    assert widget.result.interpolator == "bspline"
    assert "163 x 163 px at 1.5000 mm" in widget.text.value


def test_interpolation_dropdown_offers_three_interpolators():
    widget = demos.live("interpolation", display=False)
    assert [v for _, v in widget.controls["interpolator_name"].options] == [
        "nearest",
        "linear",
        "bspline",
    ]


def test_rotation_slider_sets_angle():
    widget = demos.live("rotation", display=False)
    widget.controls["angle"].value = -45
    assert widget.result.angle == -45


def test_window_sliders_set_display_range_and_mask():
    widget = demos.live("window_threshold", display=False)
    widget.controls["window"].value = 400
    widget.controls["level"].value = 40
    assert (widget.result.vmin, widget.result.vmax) == (-160, 240)
    before = widget.result.area
    widget.controls["lower"].value = 1000
    assert widget.result.area < before


def test_rejected_values_keep_the_last_result_and_show_the_message():
    widget = demos.live("window_threshold", display=False)
    widget.controls["upper"].value = 500
    last = widget.result
    widget.controls["lower"].value = 600
    assert widget.result is last
    assert "lower must be &lt;= upper" in widget.text.value


def test_noise_slider_lowers_snr():
    widget = demos.live("noise_filter", display=False)
    widget.controls["noise_sigma"].value = 20
    clean = widget.result.snr_noisy
    widget.controls["noise_sigma"].value = 200
    assert widget.result.snr_noisy < clean
    assert "dB" in widget.text.value


def test_a_change_draws_a_new_figure_into_the_output(capsys):
    drawn = []

    def draw(result):
        drawn.append(result)
        return plt.figure()

    slider = ipywidgets.IntSlider(value=1, min=1, max=3)
    DemoWidget({"n": slider}, lambda n: n * 10, draw)
    slider.value = 3
    assert drawn == [10, 30]
    assert not plt.get_fignums()  # every figure is closed after display


def test_real_demo_draws_when_displaying():
    widget = demos.live("rotation")
    widget.controls["angle"].value = 10
    assert widget.result.angle == 10
    assert not plt.get_fignums()
