"""The live ipywidgets layer of the demos, driven programmatically (no browser, no kernel)."""

import ipywidgets
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure

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


def test_noise_slider_lowers_signal_to_error():
    widget = demos.live("noise_filter", display=False)
    widget.controls["noise_sigma"].value = 20
    clean = widget.result.signal_to_error_noisy
    widget.controls["noise_sigma"].value = 200
    assert widget.result.signal_to_error_noisy < clean
    assert "signal-to-error" in widget.text.value and "dB" in widget.text.value


def test_a_change_updates_the_one_view_in_place():
    made, shown = [], []

    class View:
        def __init__(self, result):
            made.append(result)
            self.figure = Figure(figsize=(1, 1), dpi=20)
            self.animated = []

        def update(self, result):
            shown.append(result)

    slider = ipywidgets.IntSlider(value=1, min=1, max=3)
    widget = DemoWidget({"n": slider}, lambda n: n * 10, View)
    slider.value = 3
    slider.value = 2
    assert made == [10]  # one figure for the life of the widget
    assert shown == [30, 20]
    assert widget.picture.value[:2] == b"\xff\xd8"  # a JPEG


@pytest.mark.parametrize("name", demos.NAMES)
def test_real_demo_keeps_its_figure_and_changes_the_picture(name):
    widget = demos.live(name)
    figure = widget.view.figure
    first = widget.picture.value
    control = next(iter(widget.controls.values()))
    options = getattr(control, "options", None)
    if options:
        values = [v[1] if isinstance(v, tuple) else v for v in options]
        control.value = next(v for v in values if v != control.value)
    else:
        control.value = control.max if control.value != control.max else control.min
    assert widget.view.figure is figure
    assert widget.picture.value != first
    assert not plt.get_fignums()  # no pyplot figure is left behind


@pytest.mark.parametrize("name", demos.NAMES)
def test_blitted_picture_equals_a_full_redraw(name):
    # The quick path (background + changed artists) shows what a full draw shows.
    import numpy as np

    from benchmarks.bench_demos import image_for, updates
    from medimg.demos._ui import LiveFigure, draw_canvas

    module = demos.module(name)
    image = image_for(name)
    arguments = updates(name)
    view = module.View(module.compute(image, **arguments[0]))
    live = LiveFigure(view)
    view.update(module.compute(image, **arguments[-1]))
    blitted = np.asarray(live.blit().buffer_rgba()).copy()
    for artist in view.animated:
        artist.set_animated(False)
    full = np.asarray(draw_canvas(view.figure).buffer_rgba())
    differs = np.any(blitted != full, axis=-1)
    assert differs.mean() < 0.01, f"{differs.mean():.2%} of the pixels differ"
