"""Wrong, correct and alias implementations of the graded functions of ps01_images_in_space (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

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
