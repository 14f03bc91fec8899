"""Demo benchmark: how long one slider move takes, and how heavy the pre-rendered pages are.

For every demo in `medimg.demos`, on the 512 x 512 head CT:

* compute time per update: median over >= 20 calls of the pure ``compute`` function, cycling
  through slider positions;
* redraw: updating the artists of the widget's one figure in place (``View.update``) and
  drawing them with the Agg canvas of that same figure over its kept background
  (`medimg.demos._ui.LiveFigure.blit`, exactly what the widget does);
* encode: encoding the rendered pixels as JPEG for the browser (what the widget sends);
* full draw: for comparison, one complete Agg ``canvas.draw()`` of the same figure;
* per update = compute + redraw + PNG, the time from a slider move to a new picture. The
  target is at most 100 ms, so that a live slider feels immediate;
* the pre-rendered HTML: its size in KiB, number of frames, and the time to render it.

Run with ``python -m benchmarks.bench_demos``. Prints a table and writes
``benchmarks/results/demos.json``.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import re
import statistics
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "agg")

from medimg import data, demos
from medimg.demos._common import ct_head_padding_to_air
from medimg.demos._ui import LiveFigure, draw_canvas, encode_jpeg
from medimg.intensity import WINDOW_PRESETS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
TARGET_MS = 100.0


def updates(name: str) -> list[dict]:
    """Keyword arguments of ``compute`` for a series of slider positions of demo ``name``."""
    module = demos.module(name)
    if name == "window_threshold":
        return [
            {
                "window": WINDOW_PRESETS[p].width,
                "level": WINDOW_PRESETS[p].level,
                "lower": lower,
                "upper": 3000.0,
            }
            for p, lower in itertools.product(module.SWEEPS[0].values, module.SWEEPS[1].values)
        ]
    sweeps = module.SWEEPS
    return [
        {s.name: v for s, v in zip(sweeps, combination, strict=True)}
        for combination in itertools.product(*(s.values for s in sweeps))
    ]


def image_for(name: str):
    """The image each demo uses on the page."""
    return ct_head_padding_to_air() if name == "noise_filter" else data.ct_head()


def _median_ms(function, arguments: list[dict], runs: int) -> float:
    times = []
    for kwargs in itertools.islice(itertools.cycle(arguments), runs):
        start = time.perf_counter()
        function(kwargs)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def bench_demo(name: str, *, runs: int = 20, redraw_runs: int = 20) -> dict:
    """Time one demo; see the module docstring."""
    module = demos.module(name)
    image = image_for(name)
    arguments = updates(name)
    results = [module.compute(image, **kwargs) for kwargs in arguments]  # also a warm-up
    view = module.View(results[0])  # the one figure the live widget keeps
    live = LiveFigure(view)

    def compute(kwargs):
        return module.compute(image, **kwargs)

    def redraw(kwargs):
        view.update(results[kwargs["index"]])
        live.blit()

    indices = [{"index": i} for i in range(len(results))]
    compute_ms = _median_ms(compute, arguments, runs)
    redraw_ms = _median_ms(redraw, indices, redraw_runs)
    encode_ms = _median_ms(lambda _: encode_jpeg(live.canvas), indices, redraw_runs)
    full_draw_ms = _median_ms(lambda _: draw_canvas(view.figure), indices[:5], 5)
    per_update = compute_ms + redraw_ms + encode_ms
    start = time.perf_counter()
    html = module.static_html()
    render_s = time.perf_counter() - start
    frames = len(re.findall(r'"data:image/(?:jpeg|png);base64,', html)) - 1
    return {
        "demo": name,
        "compute_ms": round(compute_ms, 1),
        "redraw_ms": round(redraw_ms, 1),
        "encode_ms": round(encode_ms, 1),
        "full_draw_ms": round(full_draw_ms, 1),
        "per_update_ms": round(per_update, 1),
        "within_target": per_update <= TARGET_MS,
        "html_kib": round(len(html.encode()) / 1024, 1),
        "frames": frames,
        "render_static_s": round(render_s, 1),
        "runs": runs,
    }


def main(runs: int = 20, redraw_runs: int = 20) -> dict:
    """Benchmark every demo, print a table and write ``benchmarks/results/demos.json``."""
    rows = []
    header = (
        f"{'demo':<18}{'compute ms':>11}{'redraw ms':>10}{'encode ms':>10}{'update ms':>10}"
        f"{'<=100':>6}{'HTML KiB':>10}{'frames':>7}{'render s':>9}"
    )
    print(header)
    print("-" * len(header))
    for name in demos.NAMES:
        row = bench_demo(name, runs=runs, redraw_runs=redraw_runs)
        rows.append(row)
        print(
            f"{name:<18}{row['compute_ms']:>11.1f}{row['redraw_ms']:>10.1f}{row['encode_ms']:>10.1f}"
            f"{row['per_update_ms']:>10.1f}{'yes' if row['within_target'] else 'NO':>6}"
            f"{row['html_kib']:>10.1f}{row['frames']:>7}{row['render_static_s']:>9.1f}",
            flush=True,
        )
    result = {
        "benchmark": "demos",
        "image": "data.ct_head() 512 x 512, 0.4785 mm",
        "target_ms": TARGET_MS,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "results": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "demos.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"total HTML of all demos: {sum(r['html_kib'] for r in rows):.0f} KiB")
    print(f"wrote {RESULTS / 'demos.json'}")
    return result


if __name__ == "__main__":
    main()
