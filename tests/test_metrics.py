import math

import numpy as np
import pytest

from medimg.metrics import confusion_counts, dice, sensitivity_specificity


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
