"""Wrong, correct and alias implementations of the graded functions of ps03_resampling_interpolation (see assignment_variants)."""

from assignment_course import CELL_SEPARATOR

VARIANTS: dict = {}
DIAGNOSES: dict = {}

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
            "int16_output": """
def nearest_neighbour(array, points, fill=0.0):
    array = np.asarray(array)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    col = np.floor(pts[:, 0] + 0.5).astype(int)
    row = np.floor(pts[:, 1] + 0.5).astype(int)
    inside = (col >= 0) & (col < array.shape[1]) & (row >= 0) & (row < array.shape[0])
    values = np.full(len(pts), fill, dtype=array.dtype)
    values[inside] = array[row[inside], col[inside]]
    return values
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
            "helper_in_another_cell": f"""
def nearest_index(coordinate, n):
    # like scipy.ndimage.map_coordinates(order=0), but with an explicit border rule
    k = int(np.floor(coordinate + 0.5))
    return k if 0 <= k < n else None
{CELL_SEPARATOR}
def nearest_neighbour(array, points, fill=0.0):
    h, w = np.shape(array)
    result = np.empty(len(points), dtype=np.float64)
    for n, (x, y) in enumerate(points):
        col, row = nearest_index(x, w), nearest_index(y, h)
        result[n] = fill if col is None or row is None else array[row][col]
    return result
""",
        },
        "alias": {
            "map_coordinates_in_another_cell": f"""
from scipy import ndimage
{CELL_SEPARATOR}

def nearest_neighbour(array, points, fill=0.0):
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    h, w = np.shape(array)
    inside = (pts[:, 0] >= -0.5) & (pts[:, 0] < w - 0.5) & (pts[:, 1] >= -0.5) & (pts[:, 1] < h - 0.5)
    coords = np.clip(np.floor(pts[:, ::-1] + 0.5), 0, [h - 1, w - 1]).T
    values = ndimage.map_coordinates(np.asarray(array, dtype=float), coords, order=0)
    return np.where(inside, values, fill)
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
            "integer_output": """
def bilinear(array, points, fill=0.0):
    a = np.asarray(array)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    h, w = a.shape
    inside = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    x0 = np.clip(np.floor(x), 0, w - 2).astype(int)
    y0 = np.clip(np.floor(y), 0, h - 2).astype(int)
    fx, fy = x - x0, y - y0
    v = (1 - fx) * (1 - fy) * a[y0, x0] + fx * (1 - fy) * a[y0, x0 + 1] + (1 - fx) * fy * a[y0 + 1, x0] + fx * fy * a[y0 + 1, x0 + 1]
    out = np.full(len(pts), fill).astype(a.dtype)
    out[inside] = v[inside]
    return out
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
            "take_comment": """
def bilinear(array, points, fill=0.0):
    # the same as scipy.ndimage.map_coordinates(order=1) inside the grid
    a = np.asarray(array, dtype=np.float64)
    p = np.array(points, dtype=np.float64, ndmin=2)
    h, w = a.shape
    x, y = p[:, 0], p[:, 1]
    ok = (x >= 0) & (x <= w - 1) & (y >= 0) & (y <= h - 1)
    x0 = np.minimum(np.floor(x), w - 2).astype(int)
    y0 = np.minimum(np.floor(y), h - 2).astype(int)
    x0, y0 = np.maximum(x0, 0), np.maximum(y0, 0)
    fx, fy = x - x0, y - y0
    flat = a.ravel()
    corner = lambda dy, dx: np.take(flat, np.clip((y0 + dy) * w + x0 + dx, 0, flat.size - 1))
    top = corner(0, 0) * (1 - fx) + corner(0, 1) * fx
    bottom = corner(1, 0) * (1 - fx) + corner(1, 1) * fx
    return np.where(ok, top * (1 - fy) + bottom * fy, float(fill))
""",
            "lerp_helper_in_another_cell": f"""
def lerp(a, b, t):
    return a + (b - a) * t
{CELL_SEPARATOR}
def bilinear(array, points, fill=0.0):
    a = np.asarray(array).astype(float)
    h, w = a.shape
    values = []
    for x, y in points:
        if x < 0 or y < 0 or x > w - 1 or y > h - 1:
            values.append(fill)
            continue
        x0 = int(np.floor(x)) if x < w - 1 else w - 2
        y0 = int(np.floor(y)) if y < h - 1 else h - 2
        top = lerp(a[y0, x0], a[y0, x0 + 1], x - x0)
        bottom = lerp(a[y0 + 1, x0], a[y0 + 1, x0 + 1], x - x0)
        values.append(lerp(top, bottom, y - y0))
    return np.asarray(values, dtype=float)
""",
        },
        "alias": {
            "map_coordinates": """
def bilinear(array, points, fill=0.0):
    from scipy.ndimage import map_coordinates
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    h, w = np.shape(array)
    inside = (pts[:, 0] >= 0) & (pts[:, 0] <= w - 1) & (pts[:, 1] >= 0) & (pts[:, 1] <= h - 1)
    values = map_coordinates(np.asarray(array, dtype=float), pts[:, ::-1].T, order=1, mode="nearest")
    return np.where(inside, values, fill)
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
            "size_helper_in_another_cell": f"""
def new_size(image, spacing):
    # medimg.resampling.resample_to_spacing computes the same size
    return [int(round(n * s / t)) for n, s, t in zip(image.GetSize(), image.GetSpacing(), spacing)]
{CELL_SEPARATOR}
def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    f = sitk.ResampleImageFilter()
    f.SetReferenceImage(image)
    f.SetSize(new_size(image, new_spacing))
    f.SetOutputSpacing(tuple(float(s) for s in new_spacing))
    f.SetInterpolator(interpolator)
    return f.Execute(image)
""",
        },
        "alias": {
            "medimg_wrapper": """
from medimg.resampling import resample_to_spacing as course_resample


def resample_to_spacing(image, new_spacing, interpolator=sitk.sitkLinear):
    return course_resample(image, new_spacing, interpolator=interpolator)
""",
        },
    },
    "rotate": {
        "wrong": {
            "degrees_as_radians": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2.0 for n in image.GetSize()])
    transform = sitk.Euler2DTransform(centre, -angle_degrees)
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "about_origin": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    transform = sitk.Euler2DTransform()
    transform.SetAngle(-np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "forward_angle": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2.0 for n in image.GetSize()])
    transform = sitk.Euler2DTransform(centre, np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "centre_in_index_units": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = [(n - 1) / 2.0 for n in image.GetSize()]
    transform = sitk.Euler2DTransform(centre, -np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, image.GetPixelID())
""",
            "float_output": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2.0 for n in image.GetSize()])
    transform = sitk.Euler2DTransform(centre, -np.deg2rad(angle_degrees))
    return sitk.Resample(image, image, transform, interpolator, 0.0, sitk.sitkFloat32)
""",
        },
        "correct": {
            "affine_matrix": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    a = np.deg2rad(angle_degrees)
    transform = sitk.AffineTransform(2)
    # output -> input: the inverse rotation, i.e. the transposed matrix
    transform.SetMatrix([np.cos(a), np.sin(a), -np.sin(a), np.cos(a)])
    size = np.array(image.GetSize(), dtype=float)
    transform.SetCenter(image.TransformContinuousIndexToPhysicalPoint(tuple((size - 1) / 2)))
    resampler = sitk.ResampleImageFilter()
    resampler.SetReferenceImage(image)
    resampler.SetTransform(transform)
    resampler.SetInterpolator(interpolator)
    resampler.SetDefaultPixelValue(0)
    return resampler.Execute(image)
""",
            "inverse_of_forward": """
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    # build the rotation we want, then hand Resample its inverse (as medimg.resampling.rotate does)
    centre = image.TransformContinuousIndexToPhysicalPoint([(n - 1) / 2 for n in image.GetSize()])
    forward = sitk.Euler2DTransform(centre, np.radians(angle_degrees))
    return sitk.Resample(image, image, forward.GetInverse(), interpolator, 0, image.GetPixelID())
""",
            "setters_helper_in_another_cell": f"""
def centre_of(image):
    size = image.GetSize()
    return image.TransformContinuousIndexToPhysicalPoint([(size[0] - 1) / 2, (size[1] - 1) / 2])
{CELL_SEPARATOR}
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    t = sitk.Euler2DTransform()
    t.SetCenter(centre_of(image))
    t.SetAngle(-angle_degrees * np.pi / 180)
    f = sitk.ResampleImageFilter()
    f.SetReferenceImage(image)
    f.SetTransform(t)
    f.SetInterpolator(interpolator)
    f.SetOutputPixelType(image.GetPixelID())
    return f.Execute(image)
""",
        },
        "alias": {
            "medimg_rotate_in_another_cell": f"""
from medimg import resampling
{CELL_SEPARATOR}
def rotate(image, angle_degrees, interpolator=sitk.sitkLinear):
    return resampling.rotate(image, angle_degrees, interpolator=interpolator)
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
        "int16_output": "the fill value was truncated",
    },
    "bilinear": {
        "row_column_swapped": "(row, column) instead of (x, y)",
        "swapped_weights": "the weights are swapped",
        "last_row_outside": "are inside the image",
        "nearest_instead": "nearest-neighbour values",
        "integer_output": "compute in floating point",
    },
    "resample_to_spacing": {
        "floor_size": "you rounded down",
        "always_linear": "use the interpolator argument",
        "identity_direction": "expected the oblique direction",
        "float_output": "expected pixel type 16-bit signed integer",
    },
    "rotate": {
        "degrees_as_radians": "convert with np.deg2rad",
        "about_origin": "not about the origin",
        "forward_angle": "the content turned the other way",
        "centre_in_index_units": "not about the origin or an index",
        "float_output": "expected the input pixel type UInt8",
    },
}
