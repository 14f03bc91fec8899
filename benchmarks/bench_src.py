"""Course implementations versus library calls: how much the readable version costs.

Each entry times a function of the ``medimg`` package (written to be read in the course)
against the library call that does the same job, on the 512 x 512 head CT, and reports the
ratio ``course / library`` of the median times (>= 20 runs). A module that does not exist
(yet) is skipped with the reason printed.

Run with ``python -m benchmarks.bench_src``. Prints a table and writes
``benchmarks/results/src.json``.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import SimpleITK as sitk
from scipy import ndimage

from medimg import data

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def _course(module: str, name: str) -> Callable:
    """Import ``medimg.<module>.<name>`` lazily; raise ImportError with a reason if missing."""
    try:
        mod = importlib.import_module(f"medimg.{module}")
    except ImportError as error:
        raise ImportError(f"medimg.{module} is not available ({error})") from None
    if not hasattr(mod, name):
        raise ImportError(f"medimg.{module} has no {name}")
    return getattr(mod, name)


def _call(module: str, name: str, *args, **kwargs) -> Callable[[], object]:
    """A zero-argument call of ``medimg.<module>.<name>(*args, **kwargs)``."""
    function = _course(module, name)
    return lambda: function(*args, **kwargs)


def _entries(image: sitk.Image) -> list[tuple[str, str, Callable[[], tuple[Callable, Callable]]]]:
    """(course call, library call, factory returning the two zero-argument callables)."""
    array = sitk.GetArrayFromImage(image).astype(np.float64)
    kernel = np.outer(*(2 * [np.exp(-0.5 * (np.arange(-2, 3) / 1.0) ** 2)]))
    kernel /= kernel.sum()
    image_f = sitk.Cast(image, sitk.sitkFloat32)
    new_spacing = 1.5
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2 for n in image.GetSize()])

    def plain_resample():
        size = [
            round(n * s / new_spacing)
            for n, s in zip(image.GetSize(), image.GetSpacing(), strict=True)
        ]
        return sitk.Resample(
            image_f, size, sitk.Transform(), sitk.sitkLinear, image.GetOrigin(),
            (new_spacing, new_spacing), image.GetDirection(), 0.0, sitk.sitkFloat32,
        )  # fmt: skip

    def plain_rotate():
        transform = sitk.Euler2DTransform(centre, -np.deg2rad(30.0))
        return sitk.Resample(image_f, image_f, transform, sitk.sitkLinear, 0.0, sitk.sitkFloat32)

    def otsu_sitk():
        otsu = sitk.OtsuThresholdImageFilter()
        otsu.SetNumberOfHistogramBins(256)
        otsu.Execute(image_f)
        return otsu.GetThreshold()

    rng = np.random.default_rng(0)
    return [
        (
            "filtering.convolve2d (5x5)",
            "scipy.ndimage.convolve",
            lambda: (
                _call("filtering", "convolve2d", array, kernel),
                lambda: ndimage.convolve(array, kernel, mode="constant", cval=0.0),
            ),
        ),
        (
            "filtering.gaussian_blur (σ=2 px)",
            "scipy.ndimage.gaussian_filter",
            lambda: (
                _call("filtering", "gaussian_blur", array, 2.0),
                lambda: ndimage.gaussian_filter(array, 2.0, mode="nearest"),
            ),
        ),
        (
            "filtering.gradient_magnitude",
            "scipy.ndimage.sobel + hypot",
            lambda: (
                _call("filtering", "gradient_magnitude", array),
                lambda: np.hypot(ndimage.sobel(array, 0), ndimage.sobel(array, 1)),
            ),
        ),
        (
            "filtering.median_filter (3)",
            "scipy.ndimage.median_filter",
            lambda: (
                _call("filtering", "median_filter", array, 3),
                lambda: ndimage.median_filter(array, size=3),
            ),
        ),
        (
            "resampling.resample_to_spacing (1.5 mm)",
            "sitk.Resample",
            lambda: (
                _call("resampling", "resample_to_spacing", image_f, new_spacing),
                plain_resample,
            ),
        ),
        (
            "resampling.rotate (30°)",
            "sitk.Resample + Euler2DTransform",
            lambda: (
                _call("resampling", "rotate", image_f, 30.0),
                plain_rotate,
            ),
        ),
        (
            "noise.add_gaussian_noise",
            "array + rng.normal",
            lambda: (
                _call("noise", "add_gaussian_noise", array, 50.0, seed=0),
                lambda: array + rng.normal(0.0, 50.0, array.shape),
            ),
        ),
        (
            "segmentation.threshold",
            "sitk.BinaryThreshold",
            lambda: (
                _call("segmentation", "threshold", array, 300.0, 3000.0),
                lambda: sitk.BinaryThreshold(image_f, 300.0, 3000.0, 1, 0),
            ),
        ),
        (
            "segmentation.otsu_threshold",
            "sitk.OtsuThresholdImageFilter",
            lambda: (
                _call("segmentation", "otsu_threshold", array),
                otsu_sitk,
            ),
        ),
        (
            "sampling.quantize_levels (16)",
            "numpy floor",
            lambda: (
                _call("sampling", "quantize_levels", array, 16),
                lambda: np.floor((array - array.min()) / (np.ptp(array) / 16)).clip(0, 15),
            ),
        ),
        (
            "intensity.window_level (400/40)",
            "numpy clip",
            lambda: (
                _call("intensity", "window_level", array, 400.0, 40.0),
                lambda: np.clip((array + 160.0) / 400.0, 0.0, 1.0),
            ),
        ),
    ]


def _median_ms(function: Callable, runs: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main(runs: int = 21) -> dict:
    """Time every entry, print a table and write ``benchmarks/results/src.json``."""
    image = data.ct_head()
    rows, skipped = [], []
    header = f"{'course':<42}{'library':<34}{'course ms':>10}{'lib ms':>9}{'ratio':>8}"
    print(header)
    print("-" * len(header))
    for course_name, library_name, factory in _entries(image):
        try:
            course, library = factory()
            course_ms = _median_ms(course, runs)
        except ImportError as reason:
            print(f"{course_name:<42}skipped: {reason}")
            skipped.append({"course": course_name, "reason": str(reason)})
            continue
        library_ms = _median_ms(library, runs)
        ratio = course_ms / library_ms
        rows.append(
            {
                "course": course_name,
                "library": library_name,
                "course_ms": round(course_ms, 3),
                "library_ms": round(library_ms, 3),
                "ratio": round(ratio, 2),
            }
        )
        print(
            f"{course_name:<42}{library_name:<34}{course_ms:>10.2f}{library_ms:>9.2f}{ratio:>8.2f}",
            flush=True,
        )
    result = {
        "benchmark": "src",
        "image": "data.ct_head() 512 x 512, float64 / float32",
        "runs": runs,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "results": rows,
        "skipped": skipped,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "src.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS / 'src.json'}")
    return result


if __name__ == "__main__":
    main()
