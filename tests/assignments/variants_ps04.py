"""Wrong, correct and alias implementations of the graded functions of ps04_intensity_thresholding_noise (see assignment_variants)."""

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
