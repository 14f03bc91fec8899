"""Wrong, correct and alias implementations of the graded functions of ps02_sampling_quantization (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

VARIANTS["ps02_sampling_quantization"] = {
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
        },
        "correct": {
            "comprehension": """
def sample_positions(size, spacing, origin=0.0):
    return np.array([origin + i * spacing for i in range(size)], dtype=float)
""",
            "linspace": """
def sample_positions(size, spacing, origin=0.0):
    return np.linspace(origin, origin + (size - 1) * spacing, size)
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
        },
        "correct": {
            "modulo": """
def quantize(values, step):
    values = np.asarray(values, dtype=float)
    return values - np.mod(values, step)
""",
            "floor_divide": """
def quantize(values, step):
    return (np.asarray(values, dtype=float) // step) * step
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
        },
        "correct": {
            "take_along_axes": """
def downsample(array, factor):
    result = np.asarray(array)
    for axis in range(result.ndim):
        result = np.take(result, np.arange(0, result.shape[axis], factor), axis=axis)
    return result
""",
        },
    },
}
DIAGNOSES["ps02_sampling_quantization"] = {
    "sample_positions": {
        "starts_at_one": "the first sample (index 0) lies at the origin",
        "linspace_to_fov": "not n * spacing",
        "float_arange": "np.arange with a float step",
    },
    "quantize": {
        "rounds": "you rounded to the nearest bin",
        "truncates": "truncation",
        "bin_numbers": "you returned the bin numbers",
    },
    "quantize_levels": {
        "n_minus_one": "you scaled by n_levels - 1",
        "no_top_clip": "must go to the top level",
        "rounds": "you rounded instead of taking the floor",
    },
    "downsample": {
        "first_axis_only": "only the first axis",
        "starts_at_factor_minus_one": "the first kept sample is array[0, 0]",
        "block_mean": "averaging blocks",
    },
}
