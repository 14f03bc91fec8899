"""The demo and source benchmarks: their inputs are valid and missing modules are skipped."""

import pytest

from benchmarks import bench_demos, bench_src
from medimg import demos


@pytest.mark.parametrize("name", demos.NAMES)
def test_benchmark_updates_are_valid_compute_arguments(name):
    arguments = bench_demos.updates(name)
    assert len(arguments) >= 8
    module = demos.module(name)
    result = module.compute(bench_demos.image_for(name), **arguments[-1])
    assert result is not None


def test_missing_course_module_is_reported_not_raised_later():
    with pytest.raises(ImportError, match=r"medimg\.no_such_module is not available"):
        bench_src._course("no_such_module", "f")


def test_missing_course_function_is_reported():
    with pytest.raises(ImportError, match="has no no_such_function"):
        bench_src._course("geometry", "no_such_function")
