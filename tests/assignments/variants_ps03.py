"""Wrong, correct and alias implementations of the graded functions of ps03_resampling_interpolation (see assignment_variants)."""

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
