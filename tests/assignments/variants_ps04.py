"""Wrong (including wrappers and aliases of banned functions) and correct implementations of the graded functions of ps04_intensity_thresholding_noise (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

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
            "comment_and_helper": """
def _scale(values, lower, width):
    # same numbers as sitk.IntensityWindowing / skimage.exposure.rescale_intensity
    return (np.asarray(values, dtype=np.float64) - lower) / width
# ---- next cell ----
def window_level(values, window, level):
    out = _scale(values, level - window / 2, window)
    return np.minimum(np.maximum(out, 0.0), 1.0)
""",
            "float32_where": """
def window_level(values, window, level):
    x = np.array(values, dtype=np.float32)
    low, high = level - window / 2, level + window / 2
    return np.where(x <= low, 0.0, np.where(x >= high, 1.0, (x - low) / np.float32(window))).astype(np.float32)
""",
            "python_loop": """
def window_level(values, window, level):
    flat = np.ravel(values).tolist()
    out = []
    for v in flat:
        t = (v - (level - window / 2)) / window
        out.append(0.0 if t < 0 else 1.0 if t > 1 else t)
    return np.array(out, dtype=float).reshape(np.shape(values))
""",
            "interp": """
def window_level(values, window, level):
    return np.interp(np.asarray(values, dtype=float), [level - window / 2, level + window / 2], [0.0, 1.0])
""",
        },
        "alias": {
            "wraps_medimg": """
from medimg.intensity import window_level as _reference


def window_level(values, window, level):
    return _reference(values, window, level)
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
            "comment_vectorize": """
def threshold(values, lower, upper):
    # what sitk.BinaryThreshold(image, lower, upper, 1, 0) does
    inside = np.vectorize(lambda v: 1 if lower <= v <= upper else 0, otypes=[np.uint8])
    return inside(np.asarray(values))
""",
            "multiply_masks": """
def threshold(values, lower, upper):
    v = np.array(values)
    return (np.greater_equal(v, lower) * np.less_equal(v, upper)).astype(np.uint8)
""",
            "where": """
def threshold(values, lower, upper):
    values = np.asarray(values)
    return np.where(np.logical_and(lower <= values, values <= upper), 1, 0).astype("uint8")
""",
        },
        "alias": {
            "alias_of_medimg": """
import medimg.segmentation as seg

threshold = lambda values, lower, upper: seg.threshold(values, lower, upper)
""",
            "helper_in_other_cell": """
import medimg.segmentation


def _mask(values, lower, upper):
    return medimg.segmentation.threshold(values, lower, upper)
# ---- next cell ----
def threshold(values, lower, upper):
    return _mask(values, lower, upper)
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
            "bin_centre": """
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
        if n0 * n1 * (mu0 - mu1) ** 2 > best:
            best, best_k = n0 * n1 * (mu0 - mu1) ** 2, k
    return float(centres[best_k])
""",
            "ties_to_last": """
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
        if n0 * n1 * (mu0 - mu1) ** 2 >= best:
            best, best_k = n0 * n1 * (mu0 - mu1) ** 2, k
    return float(edges[best_k + 1])
""",
        },
        "correct": {
            "comment_names_libraries": """
def otsu_threshold(values, bins=256):
    # checked against skimage.filters.threshold_otsu and sitk.OtsuThreshold, not called
    v = np.asarray(values, dtype=np.float64).ravel()
    counts, edges = np.histogram(v, bins=bins, range=(v.min(), v.max()))
    centres = (edges[1:] + edges[:-1]) / 2
    n0 = np.cumsum(counts)[:-1]
    n1 = counts.sum() - n0
    s0 = np.cumsum(counts * centres)[:-1]
    s1 = (counts * centres).sum() - s0
    score = np.full(n0.shape, -1.0)
    ok = (n0 > 0) & (n1 > 0)
    score[ok] = n0[ok] * n1[ok] * (s0[ok] / n0[ok] - s1[ok] / n1[ok]) ** 2
    return float(edges[1:-1][np.argmax(score)])
""",
            "helper_and_bincount": """
def _class_stats(counts, centres, k):
    lower, upper = counts[: k + 1], counts[k + 1 :]
    w0, w1 = lower.sum(), upper.sum()
    if w0 == 0 or w1 == 0:
        return 0.0
    mu0 = (lower * centres[: k + 1]).sum() / w0
    mu1 = (upper * centres[k + 1 :]).sum() / w1
    return w0 * w1 * (mu0 - mu1) ** 2
# ---- next cell ----
def otsu_threshold(values, bins=256):
    v = np.array(values, dtype=float).flatten()
    lo, hi = v.min(), v.max()
    width = (hi - lo) / bins
    index = np.minimum(((v - lo) / width).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    centres = lo + (np.arange(bins) + 0.5) * width
    scores = [_class_stats(counts, centres, k) for k in range(bins - 1)]
    k = scores.index(max(scores))
    return lo + (k + 1) * width
""",
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
    return float(edges[best_k + 1])
""",
        },
        "alias": {
            "uses_simpleitk": """
def otsu_threshold(values, bins=256):
    f = sitk.OtsuThresholdImageFilter()
    f.SetNumberOfHistogramBins(bins)
    f.Execute(sitk.GetImageFromArray(np.asarray(values, dtype=np.float32).reshape(1, -1)))
    return float(f.GetThreshold())
""",
            "wraps_medimg": """
from medimg import segmentation


def otsu_threshold(values, bins=256):
    return segmentation.otsu_threshold(values, bins)
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
            "comment_and_keywords": """
def add_gaussian_noise(values, sigma, seed):
    # not skimage.util.random_noise: that clips to [0, 1]
    generator = np.random.default_rng(seed=seed)
    data = np.array(values, dtype=np.float64)
    noise = generator.normal(loc=0.0, scale=sigma, size=data.shape)
    return np.add(data, noise)
""",
            "helper_function": """
def _noise(shape, sigma, seed):
    return np.random.default_rng(seed).normal(0.0, sigma, size=shape)
# ---- next cell ----
def add_gaussian_noise(values, sigma, seed):
    values = np.asarray(values).astype(float)
    return values + _noise(values.shape, sigma, seed)
""",
            "standard_normal": """
def add_gaussian_noise(values, sigma, seed):
    generator = np.random.default_rng(seed)
    return np.asarray(values, dtype=np.float64) + sigma * generator.standard_normal(np.shape(values))
""",
        },
        "alias": {
            "wraps_medimg": """
def add_gaussian_noise(values, sigma, seed):
    from medimg.noise import add_gaussian_noise as reference

    return reference(values, sigma, seed=seed)
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
            "manual_sums": """
def snr(signal, background):
    b = np.asarray(background, dtype=float).ravel()
    sigma = np.sqrt(((b - b.sum() / b.size) ** 2).sum() / b.size)  # population std, ddof=0
    return float(np.asarray(signal, dtype=float).mean() / sigma)
""",
            "numpy_scalar": """
def snr(signal, background):
    # like scipy.stats.tstd but with ddof=0
    return np.mean(signal, dtype=np.float64) / np.std(background, dtype=np.float64)
""",
            "statistics_module": """
def snr(signal, background):
    import statistics
    return statistics.fmean(np.ravel(signal).tolist()) / statistics.pstdev(np.ravel(background).astype(float).tolist())
""",
        },
        "alias": {
            "alias_of_medimg": """
from medimg.noise import snr
""",
            "alias_in_other_cell": """
from medimg import noise as helpers
# ---- next cell ----
def snr(signal, background):
    return helpers.snr(signal, background)
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
        "boolean_result": "got booleans",
        "or_instead_of_and": "not one of them (or)",
    },
    "otsu_threshold": {
        "mean_value": "you returned the mean intensity",
        "bin_number": "you returned the bin number",
        "forgets_minimum": "missing the minimum",
        "bin_centre": "not its centre",
        "ties_to_last": "return the lowest one",
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
