"""Wrong, correct and alias implementations of the graded functions of ps06_machine_learning (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

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
            "comment_names_sklearn": """
def dice(a, b):
    # the F1 score of sklearn.metrics.f1_score, computed here without it
    a = np.asarray(a).astype(bool).ravel()
    b = np.asarray(b).astype(bool).ravel()
    both = np.count_nonzero(a & b)
    size = np.count_nonzero(a) + np.count_nonzero(b)
    return np.float64(1.0) if size == 0 else np.float64(2 * both) / size
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
        "alias": {
            "wraps_medimg": """
from medimg.metrics import dice
""",
            "alias_sklearn_f1": """
def dice(a, b):
    from sklearn.metrics import f1_score

    a, b = np.ravel(a) != 0, np.ravel(b) != 0
    return float(f1_score(a, b, zero_division=1.0))
""",
            "alias_in_other_cell": """
from medimg.metrics import dice as overlap
# ---- next cell ----
dice = overlap
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
            "helper_and_comment": """
def _count(mask):
    return int(np.count_nonzero(mask))
# ---- next cell ----
def confusion_counts(pred, truth):
    # sklearn.metrics.confusion_matrix would give [[tn, fp], [fn, tp]]
    p = np.not_equal(pred, 0)
    t = np.not_equal(truth, 0)
    return {"tn": _count(~p & ~t), "fn": _count(~p & t), "fp": _count(p & ~t), "tp": _count(p & t)}
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
        "alias": {
            "wraps_medimg": """
import medimg.metrics


def confusion_counts(pred, truth):
    return dict(medimg.metrics.confusion_counts(pred, truth))
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
            "uses_own_confusion_counts": """
def sensitivity_specificity(pred, truth):
    c = confusion_counts(pred, truth)  # my function from Part B
    return c["tp"] / (c["tp"] + c["fn"]), c["tn"] / (c["tn"] + c["fp"])
""",
            "python_lists": """
def sensitivity_specificity(pred, truth):
    # recall_score in sklearn; here by counting
    pairs = list(zip(np.ravel(pred).tolist(), np.ravel(truth).tolist()))
    positives = [p != 0 for p, t in pairs if t != 0]
    negatives = [p == 0 for p, t in pairs if t == 0]
    return (sum(positives) / len(positives), sum(negatives) / len(negatives))
""",
        },
        "alias": {
            "alias_sklearn_recall": """
from sklearn.metrics import recall_score


def sensitivity_specificity(pred, truth):
    p, t = np.ravel(pred) != 0, np.ravel(truth) != 0
    return float(recall_score(t, p)), float(recall_score(~t, ~p))
""",
            "wraps_medimg": """
from medimg.metrics import sensitivity_specificity as _reference

sensitivity_specificity = _reference
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
            "ties_to_smaller_centroid": """
def nearest_centroid_segment(values, centroids):
    c = np.asarray(centroids, dtype=float)
    order = np.argsort(c)
    nearest = np.argmin(np.abs(np.asarray(values, dtype=float)[..., None] - c[order]), axis=-1)
    return order[nearest]
""",
            "integer_values": """
def nearest_centroid_segment(values, centroids):
    v = np.asarray(values).astype(int)
    return np.argmin(np.abs(v[..., None] - np.asarray(centroids)), axis=-1)
""",
        },
        "correct": {
            "comment_and_stack": """
def nearest_centroid_segment(values, centroids):
    # like sklearn.neighbors.NearestCentroid on one feature; argmin keeps the first on ties
    values = np.asarray(values, dtype=np.float64)
    distances = np.stack([np.abs(values - c) for c in centroids])
    return distances.argmin(axis=0)
""",
            "python_loop": """
def nearest_centroid_segment(values, centroids):
    centroids = list(centroids)
    flat = np.ravel(values).tolist()
    labels = [min(range(len(centroids)), key=lambda k: abs(v - centroids[k])) for v in flat]
    return np.array(labels, dtype=np.int64).reshape(np.shape(values))
""",
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
        "alias": {
            "wraps_medimg": """
def nearest_centroid_segment(values, centroids):
    from medimg.learning import nearest_centroid_segment as reference

    return reference(values, centroids).astype(int)
""",
            "kmeans_labels_other_cell": """
from medimg import learning
# ---- next cell ----
def nearest_centroid_segment(values, centroids):
    return learning.nearest_centroid_segment(values, centroids).astype(np.int64)
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
        "ties_to_smaller_centroid": "not to the smaller centroid",
    },
}
