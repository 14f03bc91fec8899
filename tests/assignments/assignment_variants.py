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

# ---------------------------------------------------------------------------------------------
# ps03_resampling_interpolation
# ---------------------------------------------------------------------------------------------
VARIANTS["ps03_resampling_interpolation"] = {
    "nearest_neighbour": {
        "wrong": {
            "row_column_swapped": """
def nearest_neighbour(array, points, fill=0.0):
    array = np.asarray(array)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    first = np.floor(pts[:, 0] + 0.5).astype(int)
    second = np.floor(pts[:, 1] + 0.5).astype(int)
    inside = (first >= 0) & (first < array.shape[0]) & (second >= 0) & (second < array.shape[1])
    values = np.full(len(pts), fill, dtype=float)
    values[inside] = array[first[inside], second[inside]]
    return values
""",
            "floor": """
def nearest_neighbour(array, points, fill=0.0):
    array = np.asarray(array)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    col = np.floor(pts[:, 0]).astype(int)
    row = np.floor(pts[:, 1]).astype(int)
    inside = (col >= 0) & (col < array.shape[1]) & (row >= 0) & (row < array.shape[0])
    values = np.full(len(pts), fill, dtype=float)
    values[inside] = array[row[inside], col[inside]]
    return values
""",
            "strict_border": """
def nearest_neighbour(array, points, fill=0.0):
    array = np.asarray(array)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    h, w = array.shape
    inside = (pts[:, 0] >= 0) & (pts[:, 0] <= w - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= h - 1)
    col = np.clip(np.floor(pts[:, 0] + 0.5).astype(int), 0, w - 1)
    row = np.clip(np.floor(pts[:, 1] + 0.5).astype(int), 0, h - 1)
    return np.where(inside, array[row, col], fill).astype(float)
""",
            "clips_instead_of_fill": """
def nearest_neighbour(array, points, fill=0.0):
    array = np.asarray(array)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    h, w = array.shape
    col = np.clip(np.floor(pts[:, 0] + 0.5).astype(int), 0, w - 1)
    row = np.clip(np.floor(pts[:, 1] + 0.5).astype(int), 0, h - 1)
    return array[row, col].astype(float)
""",
            "uses_map_coordinates": """
def nearest_neighbour(array, points, fill=0.0):
    from scipy import ndimage
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    h, w = np.shape(array)
    inside = (pts[:, 0] >= -0.5) & (pts[:, 0] < w - 0.5) & (pts[:, 1] >= -0.5) & (pts[:, 1] < h - 0.5)
    coords = np.clip(np.floor(pts[:, ::-1] + 0.5), 0, [h - 1, w - 1]).T
    values = ndimage.map_coordinates(np.asarray(array, dtype=float), coords, order=0)
    return np.where(inside, values, fill)
""",
        },
        "correct": {
            "loops": """
def nearest_neighbour(array, points, fill=0.0):
    h, w = np.shape(array)
    values = []
    for x, y in np.asarray(points, dtype=float).reshape(-1, 2):
        col, row = int(np.floor(x + 0.5)), int(np.floor(y + 0.5))
        values.append(float(array[row, col]) if 0 <= col < w and 0 <= row < h else float(fill))
    return np.array(values)
""",
            "rint": """
def nearest_neighbour(array, points, fill=0.0):
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    col, row = np.rint(pts[:, 0]).astype(int), np.rint(pts[:, 1]).astype(int)
    h, w = np.shape(array)
    ok = (0 <= col) & (col < w) & (0 <= row) & (row < h)
    out = np.full(pts.shape[0], float(fill))
    out[ok] = np.asarray(array)[row[ok], col[ok]]
    return out
""",
        },
    },
    "bilinear": {
        "wrong": {
            "row_column_swapped": """
def bilinear(array, points, fill=0.0):
    a = np.asarray(array, dtype=float)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    r, c = pts[:, 0], pts[:, 1]
    inside = (r >= 0) & (r <= a.shape[0] - 1) & (c >= 0) & (c <= a.shape[1] - 1)
    r0 = np.clip(np.floor(r), 0, a.shape[0] - 2).astype(int)
    c0 = np.clip(np.floor(c), 0, a.shape[1] - 2).astype(int)
    fr, fc = r - r0, c - c0
    v = (1 - fr) * (1 - fc) * a[r0, c0] + (1 - fr) * fc * a[r0, c0 + 1] + fr * (1 - fc) * a[r0 + 1, c0] + fr * fc * a[r0 + 1, c0 + 1]
    return np.where(inside, v, fill)
""",
            "swapped_weights": """
def bilinear(array, points, fill=0.0):
    a = np.asarray(array, dtype=float)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    h, w = a.shape
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    x0 = np.clip(np.floor(x), 0, w - 2).astype(int)
    y0 = np.clip(np.floor(y), 0, h - 2).astype(int)
    fx, fy = x - x0, y - y0
    v = fx * fy * a[y0, x0] + (1 - fx) * fy * a[y0, x0 + 1] + fx * (1 - fy) * a[y0 + 1, x0] + (1 - fx) * (1 - fy) * a[y0 + 1, x0 + 1]
    return np.where(inside, v, fill)
""",
            "last_row_outside": """
def bilinear(array, points, fill=0.0):
    a = np.asarray(array, dtype=float)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    h, w = a.shape
    inside = (x >= 0) & (x < w - 1) & (y >= 0) & (y < h - 1)
    x0 = np.clip(np.floor(x), 0, w - 2).astype(int)
    y0 = np.clip(np.floor(y), 0, h - 2).astype(int)
    fx, fy = x - x0, y - y0
    v = (1 - fx) * (1 - fy) * a[y0, x0] + fx * (1 - fy) * a[y0, x0 + 1] + (1 - fx) * fy * a[y0 + 1, x0] + fx * fy * a[y0 + 1, x0 + 1]
    return np.where(inside, v, fill)
""",
            "nearest_instead": """
def bilinear(array, points, fill=0.0):
    a = np.asarray(array, dtype=float)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    h, w = a.shape
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    col = np.clip(np.floor(x + 0.5), 0, w - 1).astype(int)
    row = np.clip(np.floor(y + 0.5), 0, h - 1).astype(int)
    return np.where(inside, a[row, col], fill)
""",
            "uses_map_coordinates": """
def bilinear(array, points, fill=0.0):
    from scipy.ndimage import map_coordinates
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    h, w = np.shape(array)
    inside = (pts[:, 0] >= 0) & (pts[:, 0] <= w - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= h - 1)
    values = map_coordinates(np.asarray(array, dtype=float), pts[:, ::-1].T, order=1, mode="nearest")
    return np.where(inside, values, fill)
""",
        },
        "correct": {
            "loops_two_lerps": """
def bilinear(array, points, fill=0.0):
    a = np.asarray(array, dtype=float)
    h, w = a.shape
    out = []
    for x, y in np.asarray(points, dtype=float).reshape(-1, 2):
        if not (0 <= x <= w - 1 and 0 <= y <= h - 1):
            out.append(float(fill))
            continue
        x0, y0 = min(int(x), w - 2), min(int(y), h - 2)
        fx, fy = x - x0, y - y0
        top = a[y0, x0] + fx * (a[y0, x0 + 1] - a[y0, x0])
        bottom = a[y0 + 1, x0] + fx * (a[y0 + 1, x0 + 1] - a[y0 + 1, x0])
        out.append(top + fy * (bottom - top))
    return np.array(out)
""",
        },
    },
    "resample_to_spacing": {
        "wrong": {
            "floor_size": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    size = [int(n * s / t) for n, s, t in zip(image.GetSize(), image.GetSpacing(), new_spacing)]
    return sitk.Resample(image, size, sitk.Transform(), interpolator, image.GetOrigin(), [float(s) for s in new_spacing], image.GetDirection(), 0.0, image.GetPixelID())
""",
            "keeps_size": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    return sitk.Resample(image, image.GetSize(), sitk.Transform(), interpolator, image.GetOrigin(), [float(s) for s in new_spacing], image.GetDirection(), 0.0, image.GetPixelID())
""",
            "identity_direction": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    size = [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), new_spacing)]
    eye = tuple(np.eye(image.GetDimension()).ravel())
    return sitk.Resample(image, size, sitk.Transform(), interpolator, image.GetOrigin(), [float(s) for s in new_spacing], eye, 0.0, image.GetPixelID())
""",
            "always_linear": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    size = [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), new_spacing)]
    return sitk.Resample(image, size, sitk.Transform(), sitk.sitkLinear, image.GetOrigin(), [float(s) for s in new_spacing], image.GetDirection(), 0.0, image.GetPixelID())
""",
            "float_output": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    size = [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), new_spacing)]
    return sitk.Resample(image, size, sitk.Transform(), interpolator, image.GetOrigin(), [float(s) for s in new_spacing], image.GetDirection(), 0.0, sitk.sitkFloat32)
""",
        },
        "correct": {
            "filter_object": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    resampler = sitk.ResampleImageFilter()
    resampler.SetOutputSpacing([float(s) for s in new_spacing])
    resampler.SetSize([round(n * s / t) for n, s, t in zip(image.GetSize(), image.GetSpacing(), new_spacing)])
    resampler.SetOutputOrigin(image.GetOrigin())
    resampler.SetOutputDirection(image.GetDirection())
    resampler.SetInterpolator(interpolator)
    resampler.SetDefaultPixelValue(0)
    resampler.SetOutputPixelType(image.GetPixelID())
    return resampler.Execute(image)
""",
            "reference_image": """
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    size = np.rint(np.multiply(image.GetSize(), image.GetSpacing()) / np.asarray(new_spacing, float))
    reference = sitk.Image([int(n) for n in size], image.GetPixelID())
    reference.SetSpacing([float(s) for s in new_spacing])
    reference.SetOrigin(image.GetOrigin())
    reference.SetDirection(image.GetDirection())
    return sitk.Resample(image, reference, sitk.Transform(), interpolator, 0)
""",
        },
    },
    "rotate": {
        "wrong": {
            "degrees_as_radians": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2.0 for n in image.GetSize()])
    transform = sitk.Euler2DTransform(centre, angle_degrees)
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "about_origin": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    transform = sitk.Euler2DTransform()
    transform.SetAngle(np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "negated_angle": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2.0 for n in image.GetSize()])
    transform = sitk.Euler2DTransform(centre, -np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "centre_in_index_units": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = [(n - 1) / 2.0 for n in image.GetSize()]
    transform = sitk.Euler2DTransform(centre, np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
        },
        "correct": {
            "affine_matrix": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    a = np.deg2rad(angle_degrees)
    transform = sitk.AffineTransform(2)
    transform.SetMatrix([np.cos(a), -np.sin(a), np.sin(a), np.cos(a)])
    size = np.array(image.GetSize(), dtype=float)
    transform.SetCenter(image.TransformContinuousIndexToPhysicalPoint(tuple((size - 1) / 2)))
    resampler = sitk.ResampleImageFilter()
    resampler.SetReferenceImage(image)
    resampler.SetTransform(transform)
    resampler.SetInterpolator(interpolator)
    resampler.SetDefaultPixelValue(0)
    return resampler.Execute(image)
""",
        },
    },
}
DIAGNOSES["ps03_resampling_interpolation"] = {
    "nearest_neighbour": {
        "row_column_swapped": "(row, column) instead of (x, y)",
        "floor": "you truncated (floor)",
        "strict_border": "less than half a pixel beyond the border",
        "clips_instead_of_fill": "must get the fill value",
        "uses_map_coordinates": "expected an implementation with numpy",
    },
    "bilinear": {
        "row_column_swapped": "(row, column) instead of (x, y)",
        "swapped_weights": "the weights are swapped",
        "last_row_outside": "are inside the image",
        "nearest_instead": "nearest-neighbour values",
        "uses_map_coordinates": "expected an implementation with numpy",
    },
    "resample_to_spacing": {
        "floor_size": "you used floor",
        "always_linear": "was the interpolator argument used",
    },
    "rotate": {
        "degrees_as_radians": "the angle was used as radians",
        "about_origin": "not about its centre",
        "negated_angle": "the rotation goes the wrong way",
        "centre_in_index_units": "the centre was given as an index",
    },
}

# ---------------------------------------------------------------------------------------------
# ps04_intensity_thresholding_noise
# ---------------------------------------------------------------------------------------------
VARIANTS["ps04_intensity_thresholding_noise"] = {
    "window_level": {
        "wrong": {
            "no_clip": """
def window_level(values, window, level):
    return (np.asarray(values, dtype=float) - (level - window / 2.0)) / window
""",
            "level_as_lower_end": """
def window_level(values, window, level):
    return np.clip((np.asarray(values, dtype=float) - level) / window, 0.0, 1.0)
""",
            "half_window": """
def window_level(values, window, level):
    return np.clip((np.asarray(values, dtype=float) - (level - window / 2.0)) / (window / 2.0), 0.0, 1.0)
""",
            "scaled_to_255": """
def window_level(values, window, level):
    return 255.0 * np.clip((np.asarray(values, dtype=float) - (level - window / 2.0)) / window, 0.0, 1.0)
""",
        },
        "correct": {
            "interp": """
def window_level(values, window, level):
    return np.interp(np.asarray(values, dtype=float), [level - window / 2, level + window / 2], [0.0, 1.0])
""",
        },
    },
    "threshold": {
        "wrong": {
            "strict_bounds": """
def threshold(values, lower, upper):
    values = np.asarray(values)
    return ((values > lower) & (values < upper)).astype(np.uint8)
""",
            "lower_only": """
def threshold(values, lower, upper):
    return (np.asarray(values) >= lower).astype(np.uint8)
""",
            "boolean_result": """
def threshold(values, lower, upper):
    values = np.asarray(values)
    return (values >= lower) & (values <= upper)
""",
            "or_instead_of_and": """
def threshold(values, lower, upper):
    values = np.asarray(values)
    return ((values >= lower) | (values <= upper)).astype(np.uint8)
""",
        },
        "correct": {
            "where": """
def threshold(values, lower, upper):
    values = np.asarray(values)
    return np.where(np.logical_and(lower <= values, values <= upper), 1, 0).astype("uint8")
""",
        },
    },
    "otsu_threshold": {
        "wrong": {
            "mean_value": """
def otsu_threshold(values, bins=256):
    return float(np.mean(values))
""",
            "bin_number": """
def otsu_threshold(values, bins=256):
    v = np.asarray(values, dtype=float).ravel()
    counts, edges = np.histogram(v, bins=bins, range=(v.min(), v.max()))
    centres = (edges[:-1] + edges[1:]) / 2
    p = counts / counts.sum()
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centres)
    ok = (w0 > 1e-12) & (w0 < 1 - 1e-12)
    between = np.zeros_like(w0)
    between[ok] = (m0[-1] * w0[ok] - m0[ok]) ** 2 / (w0[ok] * (1 - w0[ok]))
    return float(np.argmax(between))
""",
            "forgets_minimum": """
def otsu_threshold(values, bins=256):
    v = np.asarray(values, dtype=float).ravel()
    counts, edges = np.histogram(v, bins=bins, range=(v.min(), v.max()))
    centres = (edges[:-1] + edges[1:]) / 2
    p = counts / counts.sum()
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centres)
    ok = (w0 > 1e-12) & (w0 < 1 - 1e-12)
    between = np.zeros_like(w0)
    between[ok] = (m0[-1] * w0[ok] - m0[ok]) ** 2 / (w0[ok] * (1 - w0[ok]))
    width = (v.max() - v.min()) / bins
    return float((np.argmax(between) + 1) * width)
""",
            "minimises": """
def otsu_threshold(values, bins=256):
    v = np.asarray(values, dtype=float).ravel()
    counts, edges = np.histogram(v, bins=bins, range=(v.min(), v.max()))
    centres = (edges[:-1] + edges[1:]) / 2
    p = counts / counts.sum()
    w0 = np.cumsum(p)
    m0 = np.cumsum(p * centres)
    ok = (w0 > 1e-12) & (w0 < 1 - 1e-12)
    between = np.full_like(w0, np.inf)
    between[ok] = (m0[-1] * w0[ok] - m0[ok]) ** 2 / (w0[ok] * (1 - w0[ok]))
    return float(edges[np.argmin(between) + 1])
""",
            "uses_simpleitk": """
def otsu_threshold(values, bins=256):
    f = sitk.OtsuThresholdImageFilter()
    f.SetNumberOfHistogramBins(bins)
    f.Execute(sitk.GetImageFromArray(np.asarray(values, dtype=np.float32).reshape(1, -1)))
    return float(f.GetThreshold())
""",
        },
        "correct": {
            "loop_over_bins": """
def otsu_threshold(values, bins=256):
    v = np.asarray(values, dtype=float).ravel()
    counts, edges = np.histogram(v, bins=bins, range=(v.min(), v.max()))
    centres = 0.5 * (edges[1:] + edges[:-1])
    best, best_k = -1.0, 0
    for k in range(bins - 1):
        n0, n1 = counts[: k + 1].sum(), counts[k + 1 :].sum()
        if n0 == 0 or n1 == 0:
            continue
        mu0 = (counts[: k + 1] * centres[: k + 1]).sum() / n0
        mu1 = (counts[k + 1 :] * centres[k + 1 :]).sum() / n1
        between = n0 * n1 * (mu0 - mu1) ** 2
        if between > best:
            best, best_k = between, k
    return float(centres[best_k])
""",
        },
    },
    "add_gaussian_noise": {
        "wrong": {
            "legacy_random": """
def add_gaussian_noise(values, sigma, seed):
    np.random.seed(seed)
    values = np.asarray(values, dtype=float)
    return values + np.random.normal(0.0, sigma, size=values.shape)
""",
            "variance_as_scale": """
def add_gaussian_noise(values, sigma, seed):
    values = np.asarray(values, dtype=float)
    return values + np.random.default_rng(seed).normal(0.0, sigma**2, size=values.shape)
""",
            "multiplicative": """
def add_gaussian_noise(values, sigma, seed):
    values = np.asarray(values, dtype=float)
    return values * (1.0 + np.random.default_rng(seed).normal(0.0, sigma, size=values.shape))
""",
            "ignores_seed": """
def add_gaussian_noise(values, sigma, seed):
    values = np.asarray(values, dtype=float)
    return values + np.random.default_rng().normal(0.0, sigma, size=values.shape)
""",
        },
        "correct": {
            "standard_normal": """
def add_gaussian_noise(values, sigma, seed):
    generator = np.random.default_rng(seed)
    return np.asarray(values, dtype=np.float64) + sigma * generator.standard_normal(np.shape(values))
""",
        },
    },
    "snr": {
        "wrong": {
            "sample_std": """
def snr(signal, background):
    return float(np.mean(signal) / np.std(background, ddof=1))
""",
            "mean_background": """
def snr(signal, background):
    return float(np.mean(signal) / np.mean(background))
""",
            "variance": """
def snr(signal, background):
    return float(np.mean(signal) / np.var(background))
""",
            "std_of_signal": """
def snr(signal, background):
    return float(np.std(signal) / np.std(background))
""",
        },
        "correct": {
            "statistics_module": """
def snr(signal, background):
    import statistics
    return statistics.fmean(np.ravel(signal).tolist()) / statistics.pstdev(np.ravel(background).astype(float).tolist())
""",
        },
    },
}
DIAGNOSES["ps04_intensity_thresholding_noise"] = {
    "window_level": {
        "no_clip": "must be clipped",
        "level_as_lower_end": "the level is the centre of the window",
        "half_window": "you divided by half the window",
        "scaled_to_255": "you scaled to 0..255",
    },
    "threshold": {
        "strict_bounds": "both bounds are included",
        "lower_only": "the upper bound was not applied",
    },
    "otsu_threshold": {
        "mean_value": "you returned the mean intensity",
        "bin_number": "you returned the bin number",
        "forgets_minimum": "missing the minimum",
        "uses_simpleitk": "expected your own implementation",
    },
    "add_gaussian_noise": {
        "legacy_random": "legacy np.random.seed",
        "variance_as_scale": "you used the variance",
        "multiplicative": "must be added, not multiplied",
    },
    "snr": {
        "sample_std": "ddof=1",
        "mean_background": "divided by the mean of the background",
        "variance": "divided by the variance",
        "std_of_signal": "standard deviation of the signal",
    },
}

# ---------------------------------------------------------------------------------------------
# ps05_convolution_filtering
# ---------------------------------------------------------------------------------------------
# The blur variants carry their own (correct) kernel so that they do not depend on the
# gaussian_kernel_1d variant graded in the same notebook.
_KERNEL = """
    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()
"""
VARIANTS["ps05_convolution_filtering"] = {
    "gaussian_kernel_1d": {
        "wrong": {
            "density_not_normalised": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    return np.exp(-(x**2) / (2 * sigma**2)) / (np.sqrt(2 * np.pi) * sigma)
""",
            "missing_factor_two": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / sigma**2)
    return weights / weights.sum()
""",
            "truncated_radius": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2 * sigma**2))
    return weights / weights.sum()
""",
            "even_length": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius, dtype=float)
    weights = np.exp(-(x**2) / (2 * sigma**2))
    return weights / weights.sum()
""",
        },
        "correct": {
            "scipy_window": """
def gaussian_kernel_1d(sigma, radius=None):
    from scipy.signal.windows import gaussian
    r = int(3 * sigma + 0.5) if radius is None else radius
    weights = gaussian(2 * r + 1, std=sigma)
    return weights / np.sum(weights)
""",
            "loop": """
def gaussian_kernel_1d(sigma, radius=None):
    import math
    r = int(3 * sigma + 0.5) if radius is None else int(radius)
    weights = [math.exp(-(i * i) / (2 * sigma * sigma)) for i in range(-r, r + 1)]
    total = sum(weights)
    return np.array([w / total for w in weights])
""",
        },
    },
    "convolve2d": {
        "wrong": {
            "correlation": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)
    kh, kw = weights.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    result = np.zeros_like(image)
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * padded[i : i + image.shape[0], j : j + image.shape[1]]
    return result
""",
            "flip_one_axis": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)[::-1, :]
    kh, kw = weights.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    result = np.zeros_like(image)
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * padded[i : i + image.shape[0], j : j + image.shape[1]]
    return result
""",
            "edge_padding": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw = weights.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="edge")
    result = np.zeros_like(image)
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * padded[i : i + image.shape[0], j : j + image.shape[1]]
    return result
""",
            "valid_only": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw = weights.shape
    h, w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    result = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * image[i : i + h, j : j + w]
    return result
""",
            "uses_scipy": """
def convolve2d(array, kernel):
    from scipy import ndimage
    return ndimage.convolve(np.asarray(array, dtype=float), np.asarray(kernel, dtype=float), mode="constant", cval=0.0)
""",
            "uses_course_package": """
def convolve2d(array, kernel):
    from medimg.filtering import convolve2d as reference
    return reference(array, kernel)
""",
        },
        "correct": {
            "four_loops": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    k = np.asarray(kernel, dtype=float)
    h, w = image.shape
    kh, kw = k.shape
    out = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    yy, xx = y - (i - kh // 2), x - (j - kw // 2)
                    if 0 <= yy < h and 0 <= xx < w:
                        total += k[i, j] * image[yy, xx]
            out[y, x] = total
    return out
""",
            "sliding_windows": """
def convolve2d(array, kernel):
    k = np.asarray(kernel, dtype=float)
    ry, rx = k.shape[0] // 2, k.shape[1] // 2
    padded = np.pad(np.asarray(array, dtype=float), ((ry, ry), (rx, rx)), constant_values=0.0)
    windows = np.lib.stride_tricks.sliding_window_view(padded, k.shape)
    return np.einsum("yxij,ij->yx", windows, k[::-1, ::-1])
""",
        },
    },
    "gaussian_blur": {
        "wrong": {
            "zero_padding": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        pad = [(0, 0)] * result.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(result, pad)
        blurred = np.zeros_like(result)
        for i, w in enumerate(weights):
            window = [slice(None)] * result.ndim
            window[axis] = slice(i, i + result.shape[axis])
            blurred += w * padded[tuple(window)]
        result = blurred
    return result
""",
            "last_axis_only": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    result = np.asarray(array, dtype=float)
    padded = np.pad(result, [(0, 0)] * (result.ndim - 1) + [(radius, radius)], mode="edge")
    blurred = np.zeros_like(result)
    for i, w in enumerate(weights):
        blurred += w * padded[..., i : i + result.shape[-1]]
    return blurred
""",
            "two_axes_only": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    result = np.asarray(array, dtype=float)
    for axis in (0, 1):
        pad = [(0, 0)] * result.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(result, pad, mode="edge")
        blurred = np.zeros_like(result)
        for i, w in enumerate(weights):
            window = [slice(None)] * result.ndim
            window[axis] = slice(i, i + result.shape[axis])
            blurred += w * padded[tuple(window)]
        result = blurred
    return result
""",
            "sigma_as_radius": """
def gaussian_blur(array, sigma):
    radius = max(1, int(sigma))
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()
    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        pad = [(0, 0)] * result.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(result, pad, mode="edge")
        blurred = np.zeros_like(result)
        for i, w in enumerate(weights):
            window = [slice(None)] * result.ndim
            window[axis] = slice(i, i + result.shape[axis])
            blurred += w * padded[tuple(window)]
        result = blurred
    return result
""",
            "calls_gaussian_filter": """
def gaussian_blur(array, sigma):
    return ndimage.gaussian_filter(np.asarray(array, dtype=float), sigma, mode="nearest", truncate=3.0)
""",
        },
        "correct": {
            "convolve1d": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        result = ndimage.convolve1d(result, weights, axis=axis, mode="nearest")
    return result
""",
            "apply_along_axis": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    def smooth(line):
        return np.convolve(np.pad(line, radius, mode="edge"), weights, mode="valid")

    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        result = np.apply_along_axis(smooth, axis, result)
    return result
""",
        },
    },
    "gradient_magnitude": {
        "wrong": {
            "integer_arithmetic": """
def gradient_magnitude(array):
    return np.hypot(ndimage.sobel(array, axis=1), ndimage.sobel(array, axis=0))
""",
            "abs_sum": """
def gradient_magnitude(array):
    image = np.asarray(array, dtype=float)
    return np.abs(ndimage.sobel(image, axis=1)) + np.abs(ndimage.sobel(image, axis=0))
""",
            "x_only": """
def gradient_magnitude(array):
    image = np.asarray(array, dtype=float)
    return np.abs(ndimage.sobel(image, axis=1))
""",
            "central_differences": """
def gradient_magnitude(array):
    gy, gx = np.gradient(np.asarray(array, dtype=float))
    return np.hypot(gx, gy)
""",
        },
        "correct": {
            "own_sobel": """
def gradient_magnitude(array):
    image = np.pad(np.asarray(array, dtype=float), 1, mode="symmetric")
    h, w = np.shape(array)

    def s(dy, dx):
        return image[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]

    gx = (s(-1, 1) + 2 * s(0, 1) + s(1, 1)) - (s(-1, -1) + 2 * s(0, -1) + s(1, -1))
    gy = (s(1, -1) + 2 * s(1, 0) + s(1, 1)) - (s(-1, -1) + 2 * s(-1, 0) + s(-1, 1))
    return np.sqrt(gx**2 + gy**2)
""",
            "convolve_kernels": """
def gradient_magnitude(array):
    kx = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    image = np.asarray(array, dtype=np.float64)
    gx = ndimage.convolve(image, kx, mode="reflect")
    gy = ndimage.convolve(image, kx.T, mode="reflect")
    return np.sqrt(gx * gx + gy * gy)
""",
        },
    },
}
DIAGNOSES["ps05_convolution_filtering"] = {
    "gaussian_kernel_1d": {
        "density_not_normalised": "divide by the sum of the weights",
        "missing_factor_two": "the factor 2 is missing",
        "truncated_radius": "not int(3 * sigma)",
    },
    "convolve2d": {
        "correlation": "did you flip the kernel?",
        "flip_one_axis": "flipped along one axis only",
        "edge_padding": "pad with zeros",
        "valid_only": "pad the image with zeros so the output keeps its size",
        "uses_scipy": "expected an implementation with numpy",
        "uses_course_package": "found 'medimg' in your function",
    },
    "gaussian_blur": {
        "zero_padding": "repeat the border sample",
        "last_axis_only": "only the last axis (x) was blurred",
        "calls_gaussian_filter": "found gaussian_filter in your function",
    },
    "gradient_magnitude": {
        "integer_arithmetic": "filter a float copy",
        "abs_sum": "you added |gx| + |gy|",
        "x_only": "only one direction",
        "central_differences": "central differences",
    },
}

# ---------------------------------------------------------------------------------------------
# ps06_machine_learning
# ---------------------------------------------------------------------------------------------
VARIANTS["ps06_machine_learning"] = {
    "dice": {
        "wrong": {
            "jaccard": """
def dice(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    union = np.sum(a | b)
    return 1.0 if union == 0 else float(np.sum(a & b) / union)
""",
            "empty_is_zero": """
def dice(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    total = a.sum() + b.sum()
    return 0.0 if total == 0 else float(2 * np.sum(a & b) / total)
""",
            "label_values_as_counts": """
def dice(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    total = a.sum() + b.sum()
    return 1.0 if total == 0 else float(2 * np.sum(a * b) / total)
""",
            "no_empty_case": """
def dice(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(2 * np.sum(a & b) / (a.sum() + b.sum()))
""",
        },
        "correct": {
            "index_sets": """
def dice(a, b):
    set_a = set(np.flatnonzero(np.asarray(a)).tolist())
    set_b = set(np.flatnonzero(np.asarray(b)).tolist())
    if not set_a and not set_b:
        return 1.0
    return 2 * len(set_a & set_b) / (len(set_a) + len(set_b))
""",
            "from_counts": """
def dice(a, b):
    a, b = np.asarray(a).astype(bool), np.asarray(b).astype(bool)
    tp = np.count_nonzero(a & b)
    fp = np.count_nonzero(a & ~b)
    fn = np.count_nonzero(~a & b)
    return 1.0 if tp + fp + fn == 0 else float(2 * tp / (2 * tp + fp + fn))
""",
        },
    },
    "confusion_counts": {
        "wrong": {
            "fp_fn_swapped": """
def confusion_counts(pred, truth):
    pred, truth = np.asarray(pred) != 0, np.asarray(truth) != 0
    return {"tp": int(np.sum(pred & truth)), "fp": int(np.sum(~pred & truth)), "tn": int(np.sum(~pred & ~truth)), "fn": int(np.sum(pred & ~truth))}
""",
            "integer_bitwise_and": """
def confusion_counts(pred, truth):
    pred, truth = np.asarray(pred), np.asarray(truth)
    tp = int(np.sum((pred & truth) != 0))
    fp = int(np.sum((pred != 0) & (truth == 0)))
    fn = int(np.sum((pred == 0) & (truth != 0)))
    return {"tp": tp, "fp": fp, "tn": pred.size - tp - fp - fn, "fn": fn}
""",
            "numpy_integers": """
def confusion_counts(pred, truth):
    pred, truth = np.asarray(pred) != 0, np.asarray(truth) != 0
    return {"tp": np.sum(pred & truth), "fp": np.sum(pred & ~truth), "tn": np.sum(~pred & ~truth), "fn": np.sum(~pred & truth)}
""",
            "tn_as_rest_of_pred": """
def confusion_counts(pred, truth):
    pred, truth = np.asarray(pred) != 0, np.asarray(truth) != 0
    tp = int(np.sum(pred & truth))
    return {"tp": tp, "fp": int(np.sum(pred & ~truth)), "tn": int(pred.size - tp), "fn": int(np.sum(~pred & truth))}
""",
        },
        "correct": {
            "bincount": """
def confusion_counts(pred, truth):
    code = 2 * (np.ravel(truth) != 0) + (np.ravel(pred) != 0)
    tn, fp, fn, tp = np.bincount(code.astype(int), minlength=4).tolist()
    return {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
""",
            "loop": """
def confusion_counts(pred, truth):
    counts = {"tp": 0, "fp": 0, "tn": 0, "fn": 0}
    for p, t in zip(np.ravel(pred), np.ravel(truth)):
        key = ("t" if bool(p) == bool(t) else "f") + ("p" if p else "n")
        counts[key] += 1
    return counts
""",
        },
    },
    "sensitivity_specificity": {
        "wrong": {
            "swapped_order": """
def sensitivity_specificity(pred, truth):
    pred, truth = np.asarray(pred) != 0, np.asarray(truth) != 0
    return float(np.sum(~pred & ~truth) / np.sum(~truth)), float(np.sum(pred & truth) / np.sum(truth))
""",
            "precision": """
def sensitivity_specificity(pred, truth):
    pred, truth = np.asarray(pred) != 0, np.asarray(truth) != 0
    return float(np.sum(pred & truth) / np.sum(pred)), float(np.sum(~pred & ~truth) / np.sum(~truth))
""",
            "specificity_wrong_denominator": """
def sensitivity_specificity(pred, truth):
    pred, truth = np.asarray(pred) != 0, np.asarray(truth) != 0
    tn, fn = np.sum(~pred & ~truth), np.sum(~pred & truth)
    return float(np.sum(pred & truth) / np.sum(truth)), float(tn / (tn + fn))
""",
        },
        "correct": {
            "means_of_masks": """
def sensitivity_specificity(pred, truth):
    pred, truth = np.asarray(pred).astype(bool), np.asarray(truth).astype(bool)
    return float(pred[truth].mean()), float((~pred[~truth]).mean())
""",
        },
    },
    "nearest_centroid_segment": {
        "wrong": {
            "centroid_values": """
def nearest_centroid_segment(values, centroids):
    c = np.asarray(centroids, dtype=float)
    return c[np.argmin(np.abs(np.asarray(values, dtype=float)[..., None] - c), axis=-1)]
""",
            "ties_to_higher": """
def nearest_centroid_segment(values, centroids):
    c = np.asarray(centroids, dtype=float)[::-1]
    d = np.abs(np.asarray(values, dtype=float)[..., None] - c)
    return len(c) - 1 - np.argmin(d, axis=-1)
""",
            "sorted_midpoints": """
def nearest_centroid_segment(values, centroids):
    c = np.sort(np.asarray(centroids, dtype=float))
    return np.digitize(np.asarray(values, dtype=float), (c[1:] + c[:-1]) / 2, right=True)
""",
            "integer_values": """
def nearest_centroid_segment(values, centroids):
    v = np.asarray(values).astype(int)
    return np.argmin(np.abs(v[..., None] - np.asarray(centroids)), axis=-1)
""",
        },
        "correct": {
            "loop_strict_less": """
def nearest_centroid_segment(values, centroids):
    v = np.asarray(values, dtype=float)
    labels = np.zeros(v.shape, dtype=int)
    best = np.full(v.shape, np.inf)
    for k, c in enumerate(centroids):
        d = (v - c) ** 2
        closer = d < best
        labels[closer] = k
        best[closer] = d[closer]
    return labels
""",
        },
    },
}
DIAGNOSES["ps06_machine_learning"] = {
    "dice": {
        "jaccard": "Jaccard index",
        "empty_is_zero": "two empty masks agree perfectly",
        "label_values_as_counts": "label values are not counts",
    },
    "confusion_counts": {
        "fp_fn_swapped": "false positives and false negatives are swapped",
        "integer_bitwise_and": "2 & 1 == 0",
    },
    "sensitivity_specificity": {
        "swapped_order": "the order is (sensitivity, specificity)",
        "precision": "that is the precision",
        "specificity_wrong_denominator": "not TN / (TN + FN)",
    },
    "nearest_centroid_segment": {
        "centroid_values": "return the index of the nearest centroid",
        "ties_to_higher": "ties go to the lower index",
        "sorted_midpoints": "sorted centroids",
        "integer_values": "do not convert the values to integers",
    },
}
