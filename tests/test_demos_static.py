"""The pre-rendered (kernel-free) demos: frames, controls, no external URL, page weight."""

import re

import pytest

from medimg import demos
from medimg.demos._static import Sweep, render_frames, sweep_html

#: Largest acceptable HTML of one demo, in bytes.
MAX_BYTES = 600_000


def tiny_figure(**values):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(1, 1))
    ax.set_title(str(values))
    return fig


def test_render_frames_one_per_combination_in_product_order():
    sweeps = [Sweep("a", "a", (1, 2), 1), Sweep("b", "b", ("x", "y", "z"), "x", kind="select")]
    seen = []

    def make(**values):
        seen.append(values)
        return tiny_figure(**values)

    frames = render_frames(sweeps, make, dpi=20)
    assert len(frames) == 6
    assert seen[1] == {"a": 1, "b": "y"}
    assert all(f.startswith("data:image/jpeg;base64,") for f in frames)


def test_png_frames():
    frames = render_frames([Sweep("a", "a", (1,), 1)], tiny_figure, image_format="png", dpi=20)
    assert frames[0].startswith("data:image/png;base64,")


def test_sweep_html_has_controls_and_shows_the_default_frame():
    sweeps = [Sweep("a", "a (mm)", (1, 2, 3), 2), Sweep("b", "b", ("x", "y"), "y", kind="select")]
    frames = [f"data:,{i}" for i in range(6)]
    html = sweep_html("t", sweeps, frames, alt="alt text")
    assert 'type="range"' in html
    assert 'max="2"' in html
    assert "<select" in html
    assert '<option value="1" selected>y</option>' in html
    assert '<img src="data:,3"' in html  # a=2 (index 1), b=y (index 1): 1 * 2 + 1
    assert 'alt="alt text"' in html


def test_sweep_html_ids_are_unique():
    sweeps = [Sweep("a", "a", (1,), 1)]
    first = sweep_html("t", sweeps, ["data:,0"], alt="x")
    second = sweep_html("t", sweeps, ["data:,0"], alt="x")
    ids = [re.search(r'id="([^"]+)"', h).group(1) for h in (first, second)]
    assert ids[0] != ids[1]


def test_sweep_html_rejects_wrong_frame_count():
    with pytest.raises(ValueError, match="expected 2 frames"):
        sweep_html("t", [Sweep("a", "a", (1, 2), 1)], ["data:,0"], alt="x")


def test_sweep_rejects_default_outside_values():
    with pytest.raises(ValueError, match="default 5"):
        Sweep("a", "a", (1, 2), 5)


@pytest.fixture(scope="module", params=demos.NAMES)
def demo(request):
    name = request.param
    return name, demos.static_html(name)


def expected_frames(name):
    count = 1
    for sweep in demos.module(name).SWEEPS:
        count *= len(sweep.values)
    return count


@pytest.mark.slow
def test_demo_has_one_frame_per_combination(demo):
    name, html = demo
    frames = re.findall(r'"data:image/(?:jpeg|png);base64,', html)
    assert len(frames) - 1 == expected_frames(name)  # + the <img> showing the default
    assert 8 <= expected_frames(name) <= 15


@pytest.mark.slow
def test_demo_loads_nothing_from_the_network(demo):
    _, html = demo
    assert not re.search(r"https?://", html)
    assert not re.search(r"""(src|href)=["'](?!data:)""", html)
    assert "font-awesome" not in html.lower()


@pytest.mark.slow
def test_demo_html_is_small(demo):
    name, html = demo
    assert len(html.encode()) < MAX_BYTES, f"{name}: {len(html) / 1024:.0f} KiB"


@pytest.mark.slow
def test_demo_has_a_control_per_sweep_and_alt_text(demo):
    name, html = demo
    sweeps = demos.module(name).SWEEPS
    assert html.count("data-axis=") == len(sweeps)
    assert re.search(r'alt="[^"]{20,}"', html)
    assert "<script>" in html


def test_each_demo_has_one_slider_whose_middle_is_not_the_default():
    # One range slider per demo (other choices are drop-down lists), so that a browser check
    # can find "the" slider; moving it to the middle must show another frame.
    for name in demos.NAMES:
        sweeps = demos.module(name).SWEEPS
        ranges = [s for s in sweeps if s.kind == "range"]
        assert len(ranges) == 1, name
        middle = (len(ranges[0].values) - 1) // 2
        assert ranges[0].values.index(ranges[0].default) != middle, name


@pytest.mark.slow
def test_show_returns_an_html_display_object():
    from IPython.display import HTML

    shown = demos.show("sampling")
    assert isinstance(shown, HTML)
    assert shown.data.startswith('<div class="medimg-demo medimg-demo-sampling animation"')
