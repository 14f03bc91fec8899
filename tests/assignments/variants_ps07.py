"""Wrong, correct and alias implementations of the graded functions of ps07_registration_segmentation (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

VARIANTS["ps07_registration_segmentation"] = {
    "jaccard": {
        "wrong": {
            "dice": """
def jaccard(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    total = a.sum() + b.sum()
    return 1.0 if total == 0 else float(2 * np.sum(a & b) / total)
""",
            "empty_is_zero": """
def jaccard(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    union = np.sum(a | b)
    return 0.0 if union == 0 else float(np.sum(a & b) / union)
""",
            "label_values_as_counts": """
def jaccard(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = np.sum(np.minimum(a, b))
    either = np.sum(np.maximum(a, b))
    return 1.0 if either == 0 else float(both / either)
""",
            "no_empty_case": """
def jaccard(a, b):
    a, b = np.asarray(a) != 0, np.asarray(b) != 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(np.sum(a & b) / np.sum(a | b))
""",
        },
        "correct": {
            "index_sets": """
def jaccard(a, b):
    set_a = set(np.flatnonzero(np.asarray(a)).tolist())
    set_b = set(np.flatnonzero(np.asarray(b)).tolist())
    union = set_a | set_b
    return 1.0 if not union else len(set_a & set_b) / len(union)
""",
            "helper_in_other_cell_and_comment": """
def _foreground(mask):
    return np.not_equal(mask, 0).ravel()
# ---- next cell ----
def jaccard(a, b):
    # same as sklearn.metrics.jaccard_score on the flattened masks, written by hand
    x, y = _foreground(a), _foreground(b)
    either = np.count_nonzero(x | y)
    if either == 0:
        return np.float64(1.0)
    return np.float64(np.count_nonzero(x & y)) / either
""",
            "from_own_dice": """
def _my_dice(a, b):
    a, b = np.asarray(a).astype(bool), np.asarray(b).astype(bool)
    total = np.count_nonzero(a) + np.count_nonzero(b)
    return 1.0 if total == 0 else 2.0 * np.count_nonzero(a & b) / total
# ---- next cell ----
def jaccard(a, b):
    d = _my_dice(a, b)  # J = D / (2 - D)
    return float(d / (2.0 - d))
""",
            "python_loop": """
def jaccard(a, b):
    both = either = 0
    for x, y in zip(np.ravel(a).tolist(), np.ravel(b).tolist()):
        both += bool(x) and bool(y)
        either += bool(x) or bool(y)
    return 1.0 if either == 0 else both / either
""",
        },
        "alias": {
            "wraps_medimg": """
from medimg.metrics import jaccard
""",
            "alias_sklearn_jaccard_score": """
from sklearn.metrics import jaccard_score


def jaccard(a, b):
    x, y = np.ravel(a) != 0, np.ravel(b) != 0
    return float(jaccard_score(x, y, zero_division=1.0))
""",
            "alias_in_other_cell": """
from medimg import metrics as m
# ---- next cell ----
def jaccard(a, b):
    return float(m.jaccard(a, b))
""",
        },
    },
    "hausdorff_distance_mm": {
        "wrong": {
            "one_direction": """
def hausdorff_distance_mm(a, b, spacing):
    pa = np.argwhere(np.asarray(a) != 0) * np.asarray(spacing, dtype=float)
    pb = np.argwhere(np.asarray(b) != 0) * np.asarray(spacing, dtype=float)
    d = np.sqrt(((pa[:, None] - pb[None]) ** 2).sum(-1))
    return float(d.min(axis=1).max())
""",
            "no_spacing": """
def hausdorff_distance_mm(a, b, spacing):
    pa = np.argwhere(np.asarray(a) != 0).astype(float)
    pb = np.argwhere(np.asarray(b) != 0).astype(float)
    d = np.sqrt(((pa[:, None] - pb[None]) ** 2).sum(-1))
    return float(max(d.min(axis=1).max(), d.min(axis=0).max()))
""",
            "spacing_reversed": """
def hausdorff_distance_mm(a, b, spacing):
    s = np.asarray(spacing, dtype=float)[::-1]  # (x, y) like SimpleITK
    pa = np.argwhere(np.asarray(a) != 0) * s
    pb = np.argwhere(np.asarray(b) != 0) * s
    d = np.sqrt(((pa[:, None] - pb[None]) ** 2).sum(-1))
    return float(max(d.min(axis=1).max(), d.min(axis=0).max()))
""",
            "mean_of_nearest": """
def hausdorff_distance_mm(a, b, spacing):
    pa = np.argwhere(np.asarray(a) != 0) * np.asarray(spacing, dtype=float)
    pb = np.argwhere(np.asarray(b) != 0) * np.asarray(spacing, dtype=float)
    d = np.sqrt(((pa[:, None] - pb[None]) ** 2).sum(-1))
    return float(max(d.min(axis=1).mean(), d.min(axis=0).mean()))
""",
            "largest_pairwise": """
def hausdorff_distance_mm(a, b, spacing):
    pa = np.argwhere(np.asarray(a) != 0) * np.asarray(spacing, dtype=float)
    pb = np.argwhere(np.asarray(b) != 0) * np.asarray(spacing, dtype=float)
    return float(np.sqrt(((pa[:, None] - pb[None]) ** 2).sum(-1)).max())
""",
        },
        "correct": {
            "python_loops": """
def hausdorff_distance_mm(a, b, spacing):
    def points(mask):
        idx = np.argwhere(np.asarray(mask) != 0)
        return [tuple(float(i) * float(s) for i, s in zip(row, spacing)) for row in idx]

    def directed(p, q):
        worst = 0.0
        for x in p:
            best = min(sum((u - v) ** 2 for u, v in zip(x, y)) for y in q)
            worst = max(worst, best)
        return worst ** 0.5

    pa, pb = points(a), points(b)
    return max(directed(pa, pb), directed(pb, pa))
""",
            "helper_in_other_cell_and_comment": """
def _mm_points(mask, spacing):
    # like scipy.spatial.distance.cdist would need: one row per foreground sample, in mm
    return np.nonzero(np.asarray(mask))[0:], np.asarray(spacing, dtype=np.float64)
# ---- next cell ----
def hausdorff_distance_mm(a, b, spacing):
    # scipy.spatial.distance.directed_hausdorff in both directions, written with numpy
    ia, s = _mm_points(a, spacing)
    ib, _ = _mm_points(b, spacing)
    pa = np.stack(ia, axis=1) * s
    pb = np.stack(ib, axis=1) * s
    d = np.linalg.norm(pa[:, np.newaxis, :] - pb[np.newaxis, :, :], axis=2)
    return np.float64(max(np.max(np.min(d, axis=1)), np.max(np.min(d, axis=0))))
""",
            "squared_then_root": """
def hausdorff_distance_mm(a, b, spacing):
    s2 = np.square(np.asarray(spacing, dtype=float))
    ia = np.argwhere(np.asarray(a) != 0).astype(float)
    ib = np.argwhere(np.asarray(b) != 0).astype(float)
    d2 = (((ia[:, None, :] - ib[None, :, :]) ** 2) * s2).sum(axis=-1)
    return float(np.sqrt(max(d2.min(axis=0).max(), d2.min(axis=1).max())))
""",
        },
        "alias": {
            "wraps_medimg": """
def hausdorff_distance_mm(a, b, spacing):
    from medimg.metrics import hausdorff_distance_mm as reference

    return reference(a, b, spacing=spacing)
""",
            "alias_scipy_directed_hausdorff": """
from scipy.spatial.distance import directed_hausdorff


def hausdorff_distance_mm(a, b, spacing):
    pa = np.argwhere(np.asarray(a) != 0) * np.asarray(spacing, dtype=float)
    pb = np.argwhere(np.asarray(b) != 0) * np.asarray(spacing, dtype=float)
    return float(max(directed_hausdorff(pa, pb)[0], directed_hausdorff(pb, pa)[0]))
""",
            "alias_simpleitk_filter": """
def hausdorff_distance_mm(a, b, spacing):
    images = []
    for mask in (a, b):
        image = sitk.GetImageFromArray((np.asarray(mask) != 0).astype(np.uint8))
        image.SetSpacing([float(s) for s in spacing][::-1])
        images.append(image)
    measure = sitk.HausdorffDistanceImageFilter()
    measure.Execute(images[0], images[1])
    return measure.GetHausdorffDistance()
""",
            "alias_edt_in_other_cell": """
from scipy import ndimage as ndi
# ---- next cell ----
def hausdorff_distance_mm(a, b, spacing):
    x, y = np.asarray(a) != 0, np.asarray(b) != 0
    to_y = ndi.distance_transform_edt(~y, sampling=spacing)
    to_x = ndi.distance_transform_edt(~x, sampling=spacing)
    return float(max(to_y[x].max(), to_x[y].max()))
""",
        },
    },
    "compose_affine": {
        "wrong": {
            "wrong_order": """
def compose_affine(first, second):
    return np.asarray(first, dtype=float) @ np.asarray(second, dtype=float)
""",
            "elementwise": """
def compose_affine(first, second):
    return np.asarray(second, dtype=float) * np.asarray(first, dtype=float)
""",
            "adds_translations": """
def compose_affine(first, second):
    first, second = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    result = second @ first
    result[:-1, -1] = first[:-1, -1] + second[:-1, -1]
    return result
""",
            "returns_list": """
def compose_affine(first, second):
    return (np.asarray(second, dtype=float) @ np.asarray(first, dtype=float)).tolist()
""",
        },
        "correct": {
            "einsum": """
def compose_affine(first, second):
    return np.einsum("ij,jk->ik", np.asarray(second, float), np.asarray(first, float))
""",
            "blocks": """
def compose_affine(first, second):
    # p -> A2 (A1 p + t1) + t2 = (A2 A1) p + (A2 t1 + t2)
    m1, m2 = np.array(first, dtype=float), np.array(second, dtype=float)
    d = m1.shape[0] - 1
    out = np.eye(d + 1)
    out[:d, :d] = m2[:d, :d] @ m1[:d, :d]
    out[:d, d] = m2[:d, :d] @ m1[:d, d] + m2[:d, d]
    return out
""",
            "loops_with_comment": """
def compose_affine(first, second):
    # the course has medimg.registration.compose_matrices; this is a hand-written product
    n = len(first)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            out[i, j] = sum(float(second[i][k]) * float(first[k][j]) for k in range(n))
    return out
""",
        },
        "alias": {
            "wraps_medimg": """
def compose_affine(first, second):
    from medimg.registration import compose_matrices

    return compose_matrices(first, second)
""",
            "alias_in_other_cell": """
from medimg.registration import compose_matrices as chain
# ---- next cell ----
compose_affine = chain
""",
        },
    },
    "apply_rigid_mm": {
        "wrong": {
            "rotation_transposed": """
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    t = np.deg2rad(angle_degrees)
    r = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
    p = np.asarray(points, dtype=float) - np.asarray(centre_mm, dtype=float)
    return p @ r.T + np.asarray(centre_mm, dtype=float) + np.asarray(translation_mm, dtype=float)
""",
            "about_origin": """
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    t = np.deg2rad(angle_degrees)
    r = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return np.asarray(points, dtype=float) @ r.T + np.asarray(translation_mm, dtype=float)
""",
            "translate_first": """
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    t = np.deg2rad(angle_degrees)
    r = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    c = np.asarray(centre_mm, dtype=float)
    p = np.asarray(points, dtype=float) + np.asarray(translation_mm, dtype=float) - c
    return p @ r.T + c
""",
            "degrees_as_radians": """
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    t = angle_degrees
    r = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    c = np.asarray(centre_mm, dtype=float)
    return (np.asarray(points, dtype=float) - c) @ r.T + c + np.asarray(translation_mm, dtype=float)
""",
        },
        "correct": {
            "complex_numbers": """
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    p = np.asarray(points, dtype=float)
    z = p[:, 0] + 1j * p[:, 1]
    c = complex(centre_mm[0], centre_mm[1])
    t = complex(translation_mm[0], translation_mm[1])
    w = (z - c) * np.exp(1j * np.radians(angle_degrees)) + c + t
    return np.column_stack([w.real, w.imag])
""",
            "homogeneous_helper_in_other_cell": """
def _rigid_matrix(angle_degrees, translation_mm, centre_mm):
    # the matrix SimpleITK's Euler2DTransform would use
    th = np.deg2rad(angle_degrees)
    r = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    c = np.asarray(centre_mm, dtype=float)
    m = np.eye(3)
    m[:2, :2] = r
    m[:2, 2] = c + np.asarray(translation_mm, dtype=float) - r @ c
    return m
# ---- next cell ----
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    m = _rigid_matrix(angle_degrees, translation_mm, centre_mm)
    p = np.hstack([np.asarray(points, dtype=float), np.ones((len(points), 1))])
    return (p @ m.T)[:, :2]
""",
            "per_point_loop": """
import math


def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    c, s = math.cos(math.radians(angle_degrees)), math.sin(math.radians(angle_degrees))
    out = []
    for x, y in points:
        dx, dy = x - centre_mm[0], y - centre_mm[1]
        out.append([c * dx - s * dy + centre_mm[0] + translation_mm[0],
                    s * dx + c * dy + centre_mm[1] + translation_mm[1]])
    return np.array(out, dtype=float)
""",
        },
        "alias": {
            "alias_simpleitk_euler": """
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    transform = sitk.Euler2DTransform(
        [float(v) for v in centre_mm], np.deg2rad(angle_degrees), [float(v) for v in translation_mm]
    )
    return np.array([transform.TransformPoint([float(v) for v in p]) for p in points])
""",
            "wraps_medimg": """
from medimg import registration
# ---- next cell ----
def apply_rigid_mm(points, angle_degrees, translation_mm, centre_mm):
    m = registration.affine_matrix(registration.rigid_2d(angle_degrees, translation_mm, centre_mm=centre_mm))
    return registration.apply_matrix(m, points)
""",
        },
    },
    "keep_largest_component": {
        "wrong": {
            "fully_connected": """
def keep_largest_component(mask):
    labels = sitk.RelabelComponent(sitk.ConnectedComponent(sitk.Cast(mask != 0, sitk.sitkUInt8), True))
    return sitk.Cast(labels == 1, sitk.sitkUInt8)
""",
            "first_label_not_largest": """
def keep_largest_component(mask):
    labels = sitk.ConnectedComponent(sitk.Cast(mask != 0, sitk.sitkUInt8))
    return sitk.Cast(labels == 1, sitk.sitkUInt8)
""",
            "numpy_without_geometry": """
def keep_largest_component(mask):
    labels = sitk.RelabelComponent(sitk.ConnectedComponent(sitk.Cast(mask != 0, sitk.sitkUInt8)))
    array = (sitk.GetArrayFromImage(labels) == 1).astype(np.uint8)
    return sitk.GetImageFromArray(array)
""",
            "returns_labels": """
def keep_largest_component(mask):
    return sitk.RelabelComponent(sitk.ConnectedComponent(sitk.Cast(mask != 0, sitk.sitkUInt8)))
""",
        },
        "correct": {
            "scipy_label": """
from scipy import ndimage


def keep_largest_component(mask):
    array = sitk.GetArrayFromImage(mask) != 0
    labels, n = ndimage.label(array)  # default structure: edge/face neighbours only
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    out = sitk.GetImageFromArray((labels == np.argmax(sizes)).astype(np.uint8))
    out.CopyInformation(mask)
    return out
""",
            "shape_statistics": """
def keep_largest_component(mask):
    labels = sitk.ConnectedComponent(mask != 0, False)
    stats = sitk.LabelShapeStatisticsImageFilter()
    stats.Execute(labels)
    biggest = max(stats.GetLabels(), key=stats.GetNumberOfPixels)
    return sitk.Cast(sitk.BinaryThreshold(labels, biggest, biggest, 1, 0), sitk.sitkUInt8)
""",
            "helper_in_other_cell_and_comment": """
def _as_binary(image):
    # medimg.regions has a largest_component; this one uses SimpleITK directly
    return sitk.Cast(sitk.NotEqual(image, 0), sitk.sitkUInt8)
# ---- next cell ----
def keep_largest_component(mask):
    filt = sitk.ConnectedComponentImageFilter()
    filt.FullyConnectedOff()
    labels = filt.Execute(_as_binary(mask))
    ordered = sitk.RelabelComponentImageFilter()
    ordered.SortByObjectSizeOn()
    return sitk.Cast(sitk.Equal(ordered.Execute(labels), 1), sitk.sitkUInt8)
""",
        },
        "alias": {
            "wraps_medimg": """
def keep_largest_component(mask):
    from medimg.regions import largest_component

    return largest_component(mask)
""",
            "alias_in_other_cell": """
from medimg.regions import largest_component
# ---- next cell ----
keep_largest_component = largest_component
""",
        },
    },
}
DIAGNOSES["ps07_registration_segmentation"] = {
    "jaccard": {
        "dice": "this is the Dice coefficient",
        "empty_is_zero": "two empty masks agree perfectly",
        "label_values_as_counts": "label values are not counts",
    },
    "hausdorff_distance_mm": {
        "one_direction": "you computed only one directed distance",
        "no_spacing": "that is the distance in samples",
        "spacing_reversed": "the spacing is in numpy order",
        "mean_of_nearest": "you averaged the nearest distances",
        "largest_pairwise": "to the *nearest* sample",
    },
    "compose_affine": {
        "wrong_order": "the transform applied first stands on the right",
    },
    "apply_rigid_mm": {
        "rotation_transposed": "the rotation goes the wrong way",
        "about_origin": "you rotated about the origin",
        "translate_first": "you translated before rotating",
    },
    "keep_largest_component": {
        "fully_connected": "pixels touching only at a corner are not connected",
        "numpy_without_geometry": "copy the geometry with CopyInformation",
    },
}
