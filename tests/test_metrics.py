import math

import numpy as np
import pytest
import SimpleITK as sitk

from medimg.metrics import (
    confusion_counts,
    dice,
    hausdorff_distance_mm,
    jaccard,
    mean_surface_distance_mm,
    sensitivity_specificity,
    surface,
)


def random_masks(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.random(shape) < 0.3, rng.random(shape) < 0.4


@pytest.mark.parametrize("shape", [(50, 60), (10, 20, 30)])
def test_dice_matches_definition(shape):
    a, b = random_masks(shape, 0)
    expected = 2 * np.logical_and(a, b).sum() / (a.sum() + b.sum())
    assert dice(a, b) == pytest.approx(expected)


def test_dice_identical_disjoint_and_empty():
    a = np.array([1, 0, 1, 0])
    assert dice(a, a) == 1.0
    assert dice(a, 1 - a) == 0.0
    assert dice(np.zeros(4), np.zeros(4)) == 1.0


def test_dice_is_symmetric_and_accepts_labels():
    a, b = random_masks((40, 40), 1)
    assert dice(a, b) == dice(b, a)
    assert dice(a.astype(np.uint8) * 255, b) == dice(a, b)


def test_dice_equals_sklearn_f1():
    from sklearn.metrics import f1_score

    a, b = random_masks((30, 30), 2)
    assert dice(a, b) == pytest.approx(f1_score(b.ravel(), a.ravel()))


def test_confusion_counts_match_sklearn():
    from sklearn.metrics import confusion_matrix

    pred, truth = random_masks((25, 35), 3)
    tn, fp, fn, tp = confusion_matrix(truth.ravel(), pred.ravel()).ravel()
    counts = confusion_counts(pred, truth)
    assert counts == {"tp": tp, "fp": fp, "tn": tn, "fn": fn}
    assert all(type(v) is int for v in counts.values())
    assert sum(counts.values()) == pred.size


def test_sensitivity_specificity_match_sklearn_recall():
    from sklearn.metrics import recall_score

    pred, truth = random_masks((25, 35), 4)
    sens, spec = sensitivity_specificity(pred, truth)
    assert sens == pytest.approx(recall_score(truth.ravel(), pred.ravel()))
    assert spec == pytest.approx(recall_score(~truth.ravel(), ~pred.ravel()))


def test_sensitivity_undefined_without_reference_foreground():
    sens, spec = sensitivity_specificity([0, 1], [0, 0])
    assert math.isnan(sens)
    assert spec == 0.5


@pytest.mark.parametrize("func", [dice, confusion_counts, sensitivity_specificity])
def test_shape_mismatch_is_rejected(func):
    with pytest.raises(ValueError, match="same shape"):
        func(np.zeros((2, 3)), np.zeros((3, 2)))


# Jaccard, Hausdorff and mean surface distance ---------------------------------------------


@pytest.mark.parametrize("shape", [(50, 60), (10, 20, 30)])
def test_jaccard_matches_dice_relation(shape):
    a, b = random_masks(shape, 4)
    d = dice(a, b)
    assert jaccard(a, b) == pytest.approx(d / (2 - d))
    assert jaccard(a, b) == pytest.approx(np.logical_and(a, b).sum() / np.logical_or(a, b).sum())


def test_jaccard_edge_cases():
    assert jaccard(np.zeros(3), np.zeros(3)) == 1.0
    assert jaccard([1, 0], [0, 1]) == 0.0
    assert jaccard([2, 0, 7], [1, 0, 1]) == 1.0  # label values are not counts
    with pytest.raises(ValueError, match="same shape"):
        jaccard([1, 0], [1, 0, 0])


def _sitk_hausdorff(a, b, spacing):
    images = []
    for m in (a, b):
        image = sitk.GetImageFromArray(m.astype(np.uint8))
        image.SetSpacing(tuple(float(s) for s in spacing[::-1]))  # numpy order -> (x, y, z)
        images.append(image)
    f = sitk.HausdorffDistanceImageFilter()
    f.Execute(*images)
    return f.GetHausdorffDistance()


@pytest.mark.parametrize(
    ("shape", "spacing"),
    [((40, 50), (1.0, 1.0)), ((40, 50), (0.7, 2.5)), ((12, 20, 16), (3.0, 0.5, 1.1))],
)
def test_hausdorff_matches_simpleitk(shape, spacing):
    a, b = random_masks(shape, 5)
    a &= np.random.default_rng(6).random(shape) < 0.02
    expected = _sitk_hausdorff(a, b, spacing)
    assert hausdorff_distance_mm(a, b, spacing=spacing) == pytest.approx(expected)
    assert hausdorff_distance_mm(b, a, spacing=spacing) == pytest.approx(expected)


def test_one_stray_voxel_moves_hausdorff_not_dice():
    a = np.zeros((100, 100), dtype=bool)
    a[20:60, 20:60] = True
    b = a.copy()
    b[95, 95] = True
    assert dice(a, b) > 0.999
    assert hausdorff_distance_mm(a, b, spacing=0.5) == pytest.approx(0.5 * np.hypot(36, 36))
    assert mean_surface_distance_mm(a, b, spacing=0.5) < 1.0


def test_mean_surface_distance_of_shifted_squares():
    a = np.zeros((30, 30), dtype=bool)
    a[5:15, 5:15] = True
    assert mean_surface_distance_mm(a, a, spacing=(1.0, 1.0)) == 0.0
    b = np.roll(a, 3, axis=1)  # 3 columns of 0.8 mm
    msd = mean_surface_distance_mm(a, b, spacing=(2.0, 0.8))
    assert 0.0 < msd <= 3 * 0.8
    assert hausdorff_distance_mm(a, b, spacing=(2.0, 0.8)) == pytest.approx(3 * 0.8)


def test_surface_of_a_cube_is_its_shell():
    cube = np.zeros((7, 7, 7), dtype=bool)
    cube[1:6, 1:6, 1:6] = True
    assert surface(cube).sum() == 5**3 - 3**3


@pytest.mark.parametrize("func", [hausdorff_distance_mm, mean_surface_distance_mm])
def test_distance_metrics_name_bad_inputs(func):
    with pytest.raises(ValueError, match="empty"):
        func(np.zeros((3, 3)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="spacing"):
        func(np.ones((3, 3)), np.ones((3, 3)), spacing=(1.0, -1.0))
