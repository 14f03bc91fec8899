"""Implementations of the graded functions used to check that the autograder tests discriminate.

``VARIANTS[assignment][function]`` holds ``"wrong"`` implementations (realistic mistakes, each must
lose marks on that function) and ``"correct"`` ones (written differently from the reference
solution, each must get full marks). Every source replaces the whole solution cell of that
function in the released notebook.

``DIAGNOSES[assignment][function][variant]`` is a phrase the graded feedback must contain for that
wrong implementation: the hidden tests recognise the mistake and name it.
"""

VARIANTS: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
DIAGNOSES: dict[str, dict[str, dict[str, str]]] = {}

# ---------------------------------------------------------------------------------------------
# ps01_images_in_space
# ---------------------------------------------------------------------------------------------
VARIANTS["ps01_images_in_space"] = {
    "index_to_world": {
        "wrong": {
            "transposed_direction": """
def index_to_world(index, origin, spacing, direction):
    d = len(index)
    m = np.asarray(direction, dtype=float).reshape(d, d)
    return np.asarray(origin, float) + m.T @ (np.asarray(spacing, float) * np.asarray(index, float))
""",
            "ignores_direction": """
def index_to_world(index, origin, spacing, direction):
    return np.asarray(origin, float) + np.asarray(spacing, float) * np.asarray(index, float)
""",
            "spacing_after_direction": """
def index_to_world(index, origin, spacing, direction):
    d = len(index)
    m = np.asarray(direction, dtype=float).reshape(d, d)
    return np.asarray(origin, float) + np.asarray(spacing, float) * (m @ np.asarray(index, float))
""",
            "ignores_spacing": """
def index_to_world(index, origin, spacing, direction):
    d = len(index)
    m = np.asarray(direction, dtype=float).reshape(d, d)
    return np.asarray(origin, float) + m @ np.asarray(index, float)
""",
        },
        "correct": {
            "loops": """
def index_to_world(index, origin, spacing, direction):
    d = len(index)
    point = []
    for row in range(d):
        total = origin[row]
        for col in range(d):
            total += direction[row * d + col] * spacing[col] * index[col]
        point.append(total)
    return np.array(point, dtype=float)
""",
            "simpleitk": """
def index_to_world(index, origin, spacing, direction):
    image = sitk.Image([1] * len(index), sitk.sitkUInt8)
    image.SetOrigin([float(v) for v in origin])
    image.SetSpacing([float(v) for v in spacing])
    image.SetDirection([float(v) for v in direction])
    return np.array(image.TransformContinuousIndexToPhysicalPoint([float(v) for v in index]))
""",
        },
    },
    "world_to_index": {
        "wrong": {
            "direction_not_inverted": """
def world_to_index(point, origin, spacing, direction):
    p = np.asarray(point, float) - np.asarray(origin, float)
    m = np.asarray(direction, float).reshape(p.size, p.size)
    return (m @ p) / np.asarray(spacing, float)
""",
            "multiplies_spacing": """
def world_to_index(point, origin, spacing, direction):
    p = np.asarray(point, float) - np.asarray(origin, float)
    m = np.asarray(direction, float).reshape(p.size, p.size)
    return np.linalg.solve(m, p) * np.asarray(spacing, float)
""",
            "wrong_order": """
def world_to_index(point, origin, spacing, direction):
    p = (np.asarray(point, float) - np.asarray(origin, float)) / np.asarray(spacing, float)
    m = np.asarray(direction, float).reshape(p.size, p.size)
    return np.linalg.solve(m, p)
""",
            "rounds_index": """
def world_to_index(point, origin, spacing, direction):
    p = np.asarray(point, float) - np.asarray(origin, float)
    m = np.asarray(direction, float).reshape(p.size, p.size)
    return np.round(np.linalg.solve(m, p) / np.asarray(spacing, float))
""",
        },
        "correct": {
            "transpose_of_rotation": """
def world_to_index(point, origin, spacing, direction):
    p = np.asarray(point, float) - np.asarray(origin, float)
    m = np.asarray(direction, float).reshape(p.size, p.size)
    return (m.T @ p) / np.asarray(spacing, float)
""",
            "inverse_matrix": """
def world_to_index(point, origin, spacing, direction):
    d = len(point)
    m = np.asarray(direction, float).reshape(d, d) @ np.diag(np.asarray(spacing, float))
    return np.linalg.inv(m) @ (np.asarray(point, float) - np.asarray(origin, float))
""",
        },
    },
    "field_of_view": {
        "wrong": {
            "centre_to_centre": """
def field_of_view(size, spacing):
    return (np.asarray(size, float) - 1) * np.asarray(spacing, float)
""",
            "integer_result": """
def field_of_view(size, spacing):
    return (np.asarray(size) * np.asarray(spacing)).astype(int)
""",
            "reversed_order": """
def field_of_view(size, spacing):
    return np.asarray(size, float) * np.asarray(spacing, float)[::-1]
""",
        },
        "correct": {
            "comprehension": """
def field_of_view(size, spacing):
    return np.array([n * s for n, s in zip(size, spacing)], dtype=float)
""",
        },
    },
    "resampled_size": {
        "wrong": {
            "floor": """
def resampled_size(size, spacing, new_spacing):
    return tuple(int(n * s / t) for n, s, t in zip(size, spacing, new_spacing))
""",
            "ceil": """
def resampled_size(size, spacing, new_spacing):
    import math
    return tuple(math.ceil(n * s / t) for n, s, t in zip(size, spacing, new_spacing))
""",
            "inverted_ratio": """
def resampled_size(size, spacing, new_spacing):
    return tuple(int(round(n * t / s)) for n, s, t in zip(size, spacing, new_spacing))
""",
            "numpy_ints": """
def resampled_size(size, spacing, new_spacing):
    ratio = np.asarray(size) * np.asarray(spacing) / np.asarray(new_spacing)
    return tuple(np.round(ratio).astype(int))
""",
        },
        "correct": {
            "builtin_round": """
def resampled_size(size, spacing, new_spacing):
    return tuple(round(n * s / t) for n, s, t in zip(size, spacing, new_spacing))
""",
            "rint_list": """
def resampled_size(size, spacing, new_spacing):
    fov = np.multiply(size, spacing)
    return tuple(np.rint(fov / np.asarray(new_spacing)).astype(int).tolist())
""",
        },
    },
    "array_to_image": {
        "wrong": {
            "reversed_spacing": """
def array_to_image(array, spacing, origin, direction=None):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing([float(s) for s in spacing][::-1])
    image.SetOrigin([float(o) for o in origin])
    if direction is not None:
        image.SetDirection([float(d) for d in direction])
    return image
""",
            "transposed_array": """
def array_to_image(array, spacing, origin, direction=None):
    image = sitk.GetImageFromArray(np.ascontiguousarray(array.T))
    image.SetSpacing([float(s) for s in spacing])
    image.SetOrigin([float(o) for o in origin])
    if direction is not None:
        image.SetDirection([float(d) for d in direction])
    return image
""",
            "forgets_direction": """
def array_to_image(array, spacing, origin, direction=None):
    image = sitk.GetImageFromArray(array)
    image.SetSpacing([float(s) for s in spacing])
    image.SetOrigin([float(o) for o in origin])
    return image
""",
            "casts_to_float": """
def array_to_image(array, spacing, origin, direction=None):
    image = sitk.GetImageFromArray(np.asarray(array, dtype=np.float32))
    image.SetSpacing([float(s) for s in spacing])
    image.SetOrigin([float(o) for o in origin])
    if direction is not None:
        image.SetDirection([float(d) for d in direction])
    return image
""",
        },
        "correct": {
            "explicit_identity": """
def array_to_image(array, spacing, origin, direction=None):
    image = sitk.GetImageFromArray(np.asarray(array), isVector=False)
    dim = image.GetDimension()
    matrix = np.eye(dim).ravel() if direction is None else direction
    image.SetDirection(tuple(float(v) for v in matrix))
    image.SetOrigin(tuple(map(float, origin)))
    image.SetSpacing(tuple(map(float, spacing)))
    return image
""",
        },
    },
}
DIAGNOSES["ps01_images_in_space"] = {
    "index_to_world": {
        "transposed_direction": "transposed direction matrix",
        "spacing_after_direction": "spacing was applied after the direction",
        "ignores_spacing": "the spacing was ignored",
    },
    "world_to_index": {
        "direction_not_inverted": "instead of its inverse",
        "multiplies_spacing": "multiplied by the spacing instead of dividing",
        "wrong_order": "undo the direction first",
    },
    "field_of_view": {"centre_to_centre": "first to the last sample centre"},
    "resampled_size": {
        "floor": "you used floor",
        "ceil": "you rounded up",
        "inverted_ratio": "multiplied by the new spacing",
    },
    "array_to_image": {
        "reversed_spacing": "do not reverse it",
        "transposed_array": "transposed",
    },
}

# ---------------------------------------------------------------------------------------------
# ps02_sampling_quantization
# ---------------------------------------------------------------------------------------------
VARIANTS["ps02_sampling_quantization"] = {
    "sample_positions": {
        "wrong": {
            "starts_at_one": '''
def sample_positions(size, spacing, origin=0.0):
    return origin + spacing * np.arange(1, size + 1, dtype=float)
''',
            "linspace_to_fov": '''
def sample_positions(size, spacing, origin=0.0):
    return np.linspace(origin, origin + size * spacing, size)
''',
            "float_arange": '''
def sample_positions(size, spacing, origin=0.0):
    return np.arange(origin, origin + size * spacing, spacing, dtype=float)
''',
            "ignores_origin": '''
def sample_positions(size, spacing, origin=0.0):
    return spacing * np.arange(size, dtype=float)
''',
        },
        "correct": {
            "comprehension": '''
def sample_positions(size, spacing, origin=0.0):
    return np.array([origin + i * spacing for i in range(size)], dtype=float)
''',
            "linspace": '''
def sample_positions(size, spacing, origin=0.0):
    return np.linspace(origin, origin + (size - 1) * spacing, size)
''',
        },
    },
    "quantize": {
        "wrong": {
            "rounds": '''
def quantize(values, step):
    return np.round(np.asarray(values, dtype=float) / step) * step
''',
            "truncates": '''
def quantize(values, step):
    return (np.asarray(values, dtype=float) / step).astype(int) * step
''',
            "bin_numbers": '''
def quantize(values, step):
    return np.floor(np.asarray(values, dtype=float) / step)
''',
        },
        "correct": {
            "modulo": '''
def quantize(values, step):
    values = np.asarray(values, dtype=float)
    return values - np.mod(values, step)
''',
            "floor_divide": '''
def quantize(values, step):
    return (np.asarray(values, dtype=float) // step) * step
''',
        },
    },
    "quantize_levels": {
        "wrong": {
            "n_minus_one": '''
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * (n_levels - 1)
    return np.clip(np.floor(scaled), 0, n_levels - 1).astype(int)
''',
            "no_top_clip": '''
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * n_levels
    return np.maximum(np.floor(scaled), 0).astype(int)
''',
            "rounds": '''
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * n_levels
    return np.clip(np.round(scaled), 0, n_levels - 1).astype(int)
''',
            "float_result": '''
def quantize_levels(values, n_levels, vmin, vmax):
    scaled = (np.asarray(values, dtype=float) - vmin) / (vmax - vmin) * n_levels
    return np.clip(np.floor(scaled), 0, n_levels - 1)
''',
        },
        "correct": {
            "clip_values_first": '''
def quantize_levels(values, n_levels, vmin, vmax):
    width = (vmax - vmin) / n_levels
    levels = np.floor((np.asarray(values, dtype=float) - vmin) / width)
    levels[levels < 0] = 0
    levels[levels > n_levels - 1] = n_levels - 1
    return levels.astype(np.int64)
''',
        },
    },
    "downsample": {
        "wrong": {
            "first_axis_only": '''
def downsample(array, factor):
    return array[::factor]
''',
            "starts_at_factor_minus_one": '''
def downsample(array, factor):
    return array[tuple(slice(factor - 1, None, factor) for _ in range(array.ndim))]
''',
            "two_axes_only": '''
def downsample(array, factor):
    return array[::factor, ::factor]
''',
            "block_mean": '''
def downsample(array, factor):
    h, w = array.shape[0] // factor, array.shape[1] // factor
    return array[: h * factor, : w * factor].reshape(h, factor, w, factor).mean(axis=(1, 3))
''',
        },
        "correct": {
            "take_along_axes": '''
def downsample(array, factor):
    result = np.asarray(array)
    for axis in range(result.ndim):
        result = np.take(result, np.arange(0, result.shape[axis], factor), axis=axis)
    return result
''',
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
