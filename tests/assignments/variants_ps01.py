"""Wrong, correct and alias implementations of the graded functions of ps01_sampling_quantization (see assignment_variants)."""

from assignment_course import CELL_SEPARATOR

VARIANTS: dict = {}
DIAGNOSES: dict = {}

VARIANTS["ps01_sampling_quantization"] = {
    "sample_positions": {
        "wrong": {
            "starts_at_one": """
def sample_positions(size, spacing, origin=0.0):
    return origin + spacing * np.arange(1, size + 1, dtype=float)
""",
            "linspace_to_fov": """
def sample_positions(size, spacing, origin=0.0):
    return np.linspace(origin, origin + size * spacing, size)
""",
            "float_arange": """
def sample_positions(size, spacing, origin=0.0):
    return np.arange(origin, origin + size * spacing, spacing, dtype=float)
""",
            "ignores_origin": """
def sample_positions(size, spacing, origin=0.0):
    return spacing * np.arange(size, dtype=float)
""",
            "integer_positions": """
def sample_positions(size, spacing, origin=0.0):
    return origin + spacing * np.arange(size)
""",
        },
        "correct": {
            "comprehension": """
def sample_positions(size, spacing, origin=0.0):
    # same as medimg.sampling.sample_positions, written out
    return np.array([origin + i * spacing for i in range(size)], dtype=float)
""",
            "linspace": """
def sample_positions(size, spacing, origin=0.0):
    return np.linspace(origin, origin + (size - 1) * spacing, size)
""",
            "helper_in_another_cell": f"""
def first_and_step(origin, spacing):
    return float(origin), float(spacing)
{CELL_SEPARATOR}
def sample_positions(size, spacing, origin=0.0):
    start, step = first_and_step(origin, spacing)
    positions = []
    for index in range(int(size)):
        positions.append(start + index * step)
    return np.asarray(positions)
""",
        },
        "alias": {
            "medimg_in_another_cell": f"""
from medimg.sampling import sample_positions as course_positions
{CELL_SEPARATOR}
def sample_positions(size, spacing, origin=0.0):
    return course_positions(size, spacing, origin)
""",
        },
    },
    "quantize": {
        "wrong": {
            "rounds": """
def quantize(values, step):
    return np.round(np.asarray(values, dtype=float) / step) * step
""",
            "truncates": """
def quantize(values, step):
    return (np.asarray(values, dtype=float) / step).astype(int) * step
""",
            "bin_numbers": """
def quantize(values, step):
    return np.floor(np.asarray(values, dtype=float) / step)
""",
            "integer_floor_divide": """
def quantize(values, step):
    return np.asarray(values) // step * step
""",
        },
        "correct": {
            "modulo": """
def quantize(values, step):
    values = np.asarray(values, dtype=float)
    return values - np.mod(values, step)
""",
            "floor_divide_comment": """
def quantize(values, step):
    # np.digitize or medimg.sampling.quantize would also do it; floor division is enough
    return (np.asarray(values, dtype=float) // step) * step
""",
            "math_floor_loop": f"""
import math


def floor_to_step(value, step):
    return math.floor(value / step) * step
{CELL_SEPARATOR}
def quantize(values, step):
    flat = np.asarray(values, dtype=float).ravel()
    out = np.array([floor_to_step(v, step) for v in flat], dtype=float)
    return out.reshape(np.shape(values))
""",
        },
        "alias": {
            "renamed_module": f"""
import medimg.sampling as helpers
{CELL_SEPARATOR}
def quantize(values, step):
    return np.asarray(helpers.quantize(np.asarray(values, dtype=float), step), dtype=float)
""",
        },
    },
    "quantize_levels": {
        "wrong": {
            "n_minus_one": """
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * (n_levels - 1)
    return np.clip(np.floor(scaled), 0, n_levels - 1).astype(int)
""",
            "no_top_clip": """
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * n_levels
    return np.maximum(np.floor(scaled), 0).astype(int)
""",
            "rounds": """
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * n_levels
    return np.clip(np.round(scaled), 0, n_levels - 1).astype(int)
""",
            "float_result": """
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * n_levels
    return np.clip(np.floor(scaled), 0, n_levels - 1)
""",
        },
        "correct": {
            "clip_values_first": """
def quantize_levels(values, n_levels, vmin, vmax):
    width = (vmax - vmin) / n_levels
    levels = np.floor((np.asarray(values, dtype=float) - vmin) / width)
    levels[levels < 0] = 0
    levels[levels > n_levels - 1] = n_levels - 1
    return levels.astype(np.int64)
""",
            "digitize": """
def quantize_levels(values, n_levels, vmin, vmax):
    # bin edges between the levels; np.digitize counts the edges at or below each value
    edges = vmin + (vmax - vmin) * np.arange(1, n_levels) / n_levels
    return np.digitize(np.asarray(values, dtype=float), edges).astype(np.int32)
""",
            "minimum_maximum_helper": f"""
def level_of(x, n, lo, hi):
    return np.floor((x - lo) * n / (hi - lo))
{CELL_SEPARATOR}
def quantize_levels(values, n_levels, vmin, vmax):
    k = level_of(np.asarray(values, dtype=np.float64), n_levels, vmin, vmax)
    return np.minimum(np.maximum(k, 0), n_levels - 1).astype(int)
""",
        },
        "alias": {
            "name_rebound": f"""
from medimg import sampling
{CELL_SEPARATOR}
quantize_levels = sampling.quantize_levels
""",
        },
    },
    "downsample": {
        "wrong": {
            "first_axis_only": """
def downsample(array, factor):
    return array[::factor]
""",
            "starts_at_factor_minus_one": """
def downsample(array, factor):
    return array[tuple(slice(factor - 1, None, factor) for _ in range(array.ndim))]
""",
            "two_axes_only": """
def downsample(array, factor):
    return array[::factor, ::factor]
""",
            "block_mean": """
def downsample(array, factor):
    h, w = array.shape[0] // factor, array.shape[1] // factor
    return array[: h * factor, : w * factor].reshape(h, factor, w, factor).mean(axis=(1, 3))
""",
            "float_samples": """
def downsample(array, factor):
    kept = array[tuple(slice(None, None, factor) for _ in range(array.ndim))]
    return np.array(kept, dtype=float)
""",
        },
        "correct": {
            "take_along_axes": """
def downsample(array, factor):
    result = np.asarray(array)
    for axis in range(result.ndim):
        result = np.take(result, np.arange(0, result.shape[axis], factor), axis=axis)
    return result
""",
            "ix_comment": """
def downsample(array, factor):
    # unlike scipy.ndimage.zoom or SimpleITK's Shrink, no interpolation: just pick samples
    keep = [np.arange(0, n, factor) for n in array.shape]
    return array[np.ix_(*keep)]
""",
            "slices_helper": f"""
def every_kth(ndim, k):
    return tuple([slice(0, None, k)] * ndim)
{CELL_SEPARATOR}
def downsample(array, factor):
    return array[every_kth(array.ndim, factor)].copy()
""",
        },
        "alias": {
            "medimg_wrapper": f"""
import medimg.sampling as course
{CELL_SEPARATOR}
def downsample(array, factor):
    # my own implementation
    return course.downsample(array, factor)
""",
        },
    },
}
DIAGNOSES["ps01_sampling_quantization"] = {
    "sample_positions": {
        "starts_at_one": "the first sample (index 0) lies at the origin",
        "linspace_to_fov": "not at origin + n * spacing",
        "float_arange": "np.arange with a float step",
        "integer_positions": "expected a float array",
    },
    "quantize": {
        "rounds": "you rounded to the nearest bin",
        "truncates": "truncation",
        "bin_numbers": "these are bin numbers",
        "integer_floor_divide": "expected a float array",
    },
    "quantize_levels": {
        "n_minus_one": "you scaled by n_levels - 1",
        "no_top_clip": "belongs to the top level",
        "rounds": "you rounded; take the floor",
        "float_result": "expected an integer array",
    },
    "downsample": {
        "first_axis_only": "only the first axis",
        "starts_at_factor_minus_one": "start with index 0",
        "block_mean": "averages of 2 x 2 blocks",
        "two_axes_only": "only the first two axes",
        "float_samples": "expected dtype int16 as the input",
    },
}
