"""Wrong, correct and alias implementations of the graded functions of ps02_images_in_space (see assignment_variants)."""

from assignment_course import CELL_SEPARATOR

VARIANTS: dict = {}
DIAGNOSES: dict = {}

VARIANTS["ps02_images_in_space"] = {
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
            "einsum_comment": """
def index_to_world(index, origin, spacing, direction):
    # same as image.TransformContinuousIndexToPhysicalPoint in SimpleITK
    # (and medimg.geometry.index_to_world), written with einsum
    i = np.array(index, dtype=np.float64)
    d = i.shape[0]
    m = np.reshape(np.array(direction, dtype=np.float64), (d, d))
    return np.add(origin, np.einsum("ij,j->i", m, np.multiply(spacing, i)))
""",
            "helper_in_another_cell": f"""
def as_matrix(flat, d):
    rows = [list(flat[r * d:(r + 1) * d]) for r in range(d)]
    return np.array(rows, dtype=float)
{CELL_SEPARATOR}
def index_to_world(index, origin, spacing, direction):
    index = [float(v) for v in index]
    matrix = as_matrix([float(v) for v in direction], len(index))
    scaled = np.array([s * i for s, i in zip(spacing, index)])
    return np.array([float(o) for o in origin]) + matrix.dot(scaled)
""",
        },
        "alias": {
            "simpleitk_in_another_cell": f"""
def sitk_point(index, origin, spacing, direction):
    image = sitk.Image([1] * len(index), sitk.sitkUInt8)
    image.SetOrigin([float(v) for v in origin])
    image.SetSpacing([float(v) for v in spacing])
    image.SetDirection([float(v) for v in direction])
    return np.array(image.TransformContinuousIndexToPhysicalPoint([float(v) for v in index]))
{CELL_SEPARATOR}
def index_to_world(index, origin, spacing, direction):
    return sitk_point(index, origin, spacing, direction)
""",
            "medimg_wrapper": """
from medimg import geometry as g


def index_to_world(index, origin, spacing, direction):
    return g.index_to_world(index, origin=origin, spacing=spacing, direction=direction)
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
            "lstsq_helper": f"""
def solve_for_index(matrix, offset):
    # like TransformPhysicalPointToContinuousIndex; lstsq instead of inv
    return np.linalg.lstsq(matrix, offset, rcond=None)[0]
{CELL_SEPARATOR}
def world_to_index(point, origin, spacing, direction):
    offset = np.subtract(np.asarray(point, dtype=float), origin)
    d = offset.size
    matrix = np.asarray(direction, dtype=float).reshape(d, d) * np.asarray(spacing, float)
    return solve_for_index(matrix, offset)
""",
        },
        "alias": {
            "simpleitk": """
def world_to_index(point, origin, spacing, direction):
    image = sitk.Image([2] * len(point), sitk.sitkUInt8)
    image.SetOrigin([float(v) for v in origin])
    image.SetSpacing([float(v) for v in spacing])
    image.SetDirection([float(v) for v in direction])
    return np.array(image.TransformPhysicalPointToContinuousIndex([float(v) for v in point]))
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
            "multiply_dtype": """
def field_of_view(size, spacing):
    # n samples cover n * spacing (medimg.geometry.field_of_view does the same)
    return np.multiply(size, spacing, dtype=np.float64)
""",
            "helper_in_another_cell": f"""
def extent(n, s):
    return float(n) * float(s)
{CELL_SEPARATOR}
def field_of_view(size, spacing):
    return np.array(list(map(extent, size, spacing)))
""",
        },
        "alias": {
            "medimg_rebound": f"""
import medimg.geometry
{CELL_SEPARATOR}
field_of_view = medimg.geometry.field_of_view
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
            "add_half_helper": f"""
import math


def nearest(x):
    return int(math.floor(x + 0.5))
{CELL_SEPARATOR}
def resampled_size(size, spacing, new_spacing):
    out = []
    for n, s, t in zip(size, spacing, new_spacing):
        out.append(nearest(float(n) * float(s) / float(t)))
    return tuple(out)
""",
        },
        "alias": {
            "medimg_wrapper": """
def resampled_size(size, spacing, new_spacing):
    from medimg.geometry import resampled_size as reference

    return tuple(int(n) for n in reference(size, spacing, new_spacing))
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
            "helper_in_another_cell": f"""
def set_geometry(image, spacing, origin, direction):
    image.SetSpacing([float(v) for v in spacing])
    image.SetOrigin([float(v) for v in origin])
    if direction is not None:
        image.SetDirection([float(v) for v in direction])
    return image
{CELL_SEPARATOR}
def array_to_image(array, spacing, origin, direction=None):
    return set_geometry(sitk.GetImageFromArray(array), spacing, origin, direction)
""",
            "copy_of_array": """
def array_to_image(array, spacing, origin, direction=None):
    # GetImageFromArray copies; ascontiguousarray keeps the dtype
    img = sitk.GetImageFromArray(np.ascontiguousarray(array))
    img.SetOrigin(np.asarray(origin, dtype=float).tolist())
    img.SetSpacing(np.asarray(spacing, dtype=float).tolist())
    if direction is not None:
        img.SetDirection(np.asarray(direction, dtype=float).ravel().tolist())
    return img
""",
        },
        "no_alias_reason": "medimg has no function that builds an image from an array",
    },
}
DIAGNOSES["ps02_images_in_space"] = {
    "index_to_world": {
        "transposed_direction": "transposed direction matrix",
        "spacing_after_direction": "spacing was applied after the direction",
        "ignores_spacing": "the spacing was ignored",
        "ignores_direction": "the direction was ignored",
    },
    "world_to_index": {
        "direction_not_inverted": "instead of its inverse",
        "multiplies_spacing": "multiplied by the spacing instead of dividing",
        "wrong_order": "undo the direction first",
        "rounds_index": "do not round",
    },
    "field_of_view": {
        "centre_to_centre": "first to the last sample centre",
        "integer_result": "expected a float array",
    },
    "resampled_size": {
        "floor": "you rounded down",
        "ceil": "you rounded up",
        "inverted_ratio": "multiplied by the new spacing",
        "numpy_ints": "expected Python ints",
    },
    "array_to_image": {
        "reversed_spacing": "do not reverse it",
        "transposed_array": "transposed",
        "forgets_direction": "expected direction",
        "casts_to_float": "do not convert the array",
    },
}
