"""Wrong, correct and alias implementations of the graded functions of ps05_convolution_filtering (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

VARIANTS["ps05_convolution_filtering"] = {
    "gaussian_kernel_1d": {
        "wrong": {
            "density_not_normalised": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    return np.exp(-(x**2) / (2 * sigma**2)) / (np.sqrt(2 * np.pi) * sigma)
""",
            "missing_factor_two": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / sigma**2)
    return weights / weights.sum()
""",
            "truncated_radius": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2 * sigma**2))
    return weights / weights.sum()
""",
            "even_length": """
def gaussian_kernel_1d(sigma, radius=None):
    if radius is None:
        radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius, dtype=float)
    weights = np.exp(-(x**2) / (2 * sigma**2))
    return weights / weights.sum()
""",
        },
        "correct": {
            "comment_names_scipy": """
def gaussian_kernel_1d(sigma, radius=None):
    # the same weights as scipy.ndimage.gaussian_filter(truncate=3.0) or scipy.signal.windows.gaussian
    r = int(3 * sigma + 0.5) if radius is None else radius
    offsets = np.arange(2 * r + 1) - r
    weights = np.exp(-0.5 * (offsets / sigma) ** 2)
    return weights / np.sum(weights)
""",
            "float32_linspace": """
def gaussian_kernel_1d(sigma, radius=None):
    r = int(3 * sigma + 0.5) if radius is None else radius
    x = np.linspace(-r, r, 2 * r + 1, dtype=np.float32)
    w = np.exp(-(x * x) / np.float32(2 * sigma * sigma))
    return w / w.sum()
""",
            "loop": """
def gaussian_kernel_1d(sigma, radius=None):
    import math
    r = int(3 * sigma + 0.5) if radius is None else int(radius)
    weights = [math.exp(-(i * i) / (2 * sigma * sigma)) for i in range(-r, r + 1)]
    total = sum(weights)
    return np.array([w / total for w in weights])
""",
        },
        "alias": {
            "uses_scipy_window": """
def gaussian_kernel_1d(sigma, radius=None):
    from scipy.signal.windows import gaussian
    r = int(3 * sigma + 0.5) if radius is None else radius
    weights = gaussian(2 * r + 1, std=sigma)
    return weights / np.sum(weights)
""",
            "wraps_medimg": """
from medimg.filtering import gaussian_kernel_1d
""",
        },
    },
    "convolve2d": {
        "wrong": {
            "correlation": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)
    kh, kw = weights.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    result = np.zeros_like(image)
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * padded[i : i + image.shape[0], j : j + image.shape[1]]
    return result
""",
            "flip_one_axis": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)[::-1, :]
    kh, kw = weights.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)))
    result = np.zeros_like(image)
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * padded[i : i + image.shape[0], j : j + image.shape[1]]
    return result
""",
            "edge_padding": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw = weights.shape
    padded = np.pad(image, ((kh // 2, kh // 2), (kw // 2, kw // 2)), mode="edge")
    result = np.zeros_like(image)
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * padded[i : i + image.shape[0], j : j + image.shape[1]]
    return result
""",
            "valid_only": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    weights = np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw = weights.shape
    h, w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    result = np.zeros((h, w))
    for i in range(kh):
        for j in range(kw):
            result += weights[i, j] * image[i : i + h, j : j + w]
    return result
""",
        },
        "correct": {
            "four_loops": """
def convolve2d(array, kernel):
    image = np.asarray(array, dtype=float)
    k = np.asarray(kernel, dtype=float)
    h, w = image.shape
    kh, kw = k.shape
    out = np.zeros((h, w))
    for y in range(h):
        for x in range(w):
            total = 0.0
            for i in range(kh):
                for j in range(kw):
                    yy, xx = y - (i - kh // 2), x - (j - kw // 2)
                    if 0 <= yy < h and 0 <= xx < w:
                        total += k[i, j] * image[yy, xx]
            out[y, x] = total
    return out
""",
            "comment_says_correlate": """
def _shifted(padded, i, j, shape):
    return padded[i : i + shape[0], j : j + shape[1]]
# ---- next cell ----
def convolve2d(array, kernel):
    # convolution = correlate with the flipped kernel (scipy.ndimage.correlate would do this)
    image = np.array(array, dtype=float)
    flipped = np.flip(np.array(kernel, dtype=float))
    ry, rx = flipped.shape[0] // 2, flipped.shape[1] // 2
    padded = np.pad(image, ((ry, ry), (rx, rx)), mode="constant")
    out = np.zeros(image.shape)
    for i in range(flipped.shape[0]):
        for j in range(flipped.shape[1]):
            out = out + flipped[i, j] * _shifted(padded, i, j, image.shape)
    return out
""",
            "sliding_windows": """
def convolve2d(array, kernel):
    k = np.asarray(kernel, dtype=float)
    ry, rx = k.shape[0] // 2, k.shape[1] // 2
    padded = np.pad(np.asarray(array, dtype=float), ((ry, ry), (rx, rx)), constant_values=0.0)
    windows = np.lib.stride_tricks.sliding_window_view(padded, k.shape)
    return np.einsum("yxij,ij->yx", windows, k[::-1, ::-1])
""",
        },
        "alias": {
            "uses_scipy": """
def convolve2d(array, kernel):
    from scipy import ndimage
    return ndimage.convolve(np.asarray(array, dtype=float), np.asarray(kernel, dtype=float), mode="constant", cval=0.0)
""",
            "alias_scipy_signal": """
from scipy.signal import convolve2d as _library


def convolve2d(array, kernel):
    return _library(np.asarray(array, dtype=float), np.asarray(kernel, dtype=float), mode="same")
""",
            "uses_course_package": """
def convolve2d(array, kernel):
    from medimg.filtering import convolve2d as reference
    return reference(array, kernel)
""",
            "numpy_convolve_other_cell": """
def _rows(image, kernel):
    # one np.convolve per row and column pair: numpy's own convolution
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    ry, rx = kernel.shape[0] // 2, kernel.shape[1] // 2
    padded = np.pad(image, ((ry, ry), (0, 0)))
    out = np.zeros(image.shape)
    for i in range(kernel.shape[0]):
        rows = padded[kernel.shape[0] - 1 - i : kernel.shape[0] - 1 - i + image.shape[0]]
        for y in range(image.shape[0]):
            out[y] += np.convolve(rows[y], kernel[i], mode='full')[rx : rx + image.shape[1]]
    return out
# ---- next cell ----
def convolve2d(array, kernel):
    return _rows(array, kernel)
""",
        },
    },
    "gaussian_blur": {
        "wrong": {
            "zero_padding": """
def gaussian_blur(array, sigma):

    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()

    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        pad = [(0, 0)] * result.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(result, pad)
        blurred = np.zeros_like(result)
        for i, w in enumerate(weights):
            window = [slice(None)] * result.ndim
            window[axis] = slice(i, i + result.shape[axis])
            blurred += w * padded[tuple(window)]
        result = blurred
    return result
""",
            "last_axis_only": """
def gaussian_blur(array, sigma):

    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()

    result = np.asarray(array, dtype=float)
    padded = np.pad(result, [(0, 0)] * (result.ndim - 1) + [(radius, radius)], mode="edge")
    blurred = np.zeros_like(result)
    for i, w in enumerate(weights):
        blurred += w * padded[..., i : i + result.shape[-1]]
    return blurred
""",
            "two_axes_only": """
def gaussian_blur(array, sigma):

    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()

    result = np.asarray(array, dtype=float)
    for axis in (0, 1):
        pad = [(0, 0)] * result.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(result, pad, mode="edge")
        blurred = np.zeros_like(result)
        for i, w in enumerate(weights):
            window = [slice(None)] * result.ndim
            window[axis] = slice(i, i + result.shape[axis])
            blurred += w * padded[tuple(window)]
        result = blurred
    return result
""",
            "sigma_as_radius": """
def gaussian_blur(array, sigma):
    radius = max(1, int(sigma))
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()
    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        pad = [(0, 0)] * result.ndim
        pad[axis] = (radius, radius)
        padded = np.pad(result, pad, mode="edge")
        blurred = np.zeros_like(result)
        for i, w in enumerate(weights):
            window = [slice(None)] * result.ndim
            window[axis] = slice(i, i + result.shape[axis])
            blurred += w * padded[tuple(window)]
        result = blurred
    return result
""",
        },
        "correct": {
            "uses_own_kernel": """
def gaussian_blur(array, sigma):
    weights = gaussian_kernel_1d(sigma)
    r = weights.size // 2
    out = np.asarray(array).astype(float)
    for axis in range(out.ndim):
        moved = np.moveaxis(out, axis, -1)
        padded = np.pad(moved, [(0, 0)] * (moved.ndim - 1) + [(r, r)], mode="edge")
        acc = sum(w * padded[..., k : k + moved.shape[-1]] for k, w in enumerate(weights[::-1]))
        out = np.moveaxis(acc, -1, axis)
    return out
""",
            "comment_names_gaussian_filter": """
def gaussian_blur(array, sigma):
    # equals scipy.ndimage.gaussian_filter(array, sigma, mode="nearest", truncate=3.0)

    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()

    result = np.array(array, dtype=np.float64)
    for axis in reversed(range(result.ndim)):
        index = np.clip(np.arange(result.shape[axis])[:, None] + np.arange(-radius, radius + 1), 0, result.shape[axis] - 1)
        gathered = np.take(result, index, axis=axis)
        result = np.tensordot(gathered, weights[::-1], axes=([axis + 1], [0]))
    return result
""",
            "apply_along_axis": """
def gaussian_blur(array, sigma):

    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()

    def smooth(line):
        return np.convolve(np.pad(line, radius, mode="edge"), weights, mode="valid")

    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        result = np.apply_along_axis(smooth, axis, result)
    return result
""",
        },
        "alias": {
            "uses_convolve1d": """
def gaussian_blur(array, sigma):

    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()

    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        result = ndimage.convolve1d(result, weights, axis=axis, mode="nearest")
    return result
""",
            "wraps_medimg": """
def gaussian_blur(array, sigma):
    import medimg.filtering

    return medimg.filtering.gaussian_blur(array, sigma)
""",
            "calls_gaussian_filter": """
def gaussian_blur(array, sigma):
    return ndimage.gaussian_filter(np.asarray(array, dtype=float), sigma, mode="nearest", truncate=3.0)
""",
        },
    },
    "gradient_magnitude": {
        "wrong": {
            "integer_arithmetic": """
def gradient_magnitude(array):
    return np.hypot(ndimage.sobel(array, axis=1), ndimage.sobel(array, axis=0))
""",
            "abs_sum": """
def gradient_magnitude(array):
    image = np.asarray(array, dtype=float)
    return np.abs(ndimage.sobel(image, axis=1)) + np.abs(ndimage.sobel(image, axis=0))
""",
            "x_only": """
def gradient_magnitude(array):
    image = np.asarray(array, dtype=float)
    return np.abs(ndimage.sobel(image, axis=1))
""",
            "central_differences": """
def gradient_magnitude(array):
    gy, gx = np.gradient(np.asarray(array, dtype=float))
    return np.hypot(gx, gy)
""",
        },
        "correct": {
            "own_sobel": """
def gradient_magnitude(array):
    image = np.pad(np.asarray(array, dtype=float), 1, mode="symmetric")
    h, w = np.shape(array)

    def s(dy, dx):
        return image[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]

    gx = (s(-1, 1) + 2 * s(0, 1) + s(1, 1)) - (s(-1, -1) + 2 * s(0, -1) + s(1, -1))
    gy = (s(1, -1) + 2 * s(1, 0) + s(1, 1)) - (s(-1, -1) + 2 * s(-1, 0) + s(-1, 1))
    return np.sqrt(gx**2 + gy**2)
""",
            "float32_generator": """
def gradient_magnitude(array):
    # sobel keeps the dtype, so convert first
    image = np.asarray(array).astype(np.float32)
    return np.sqrt(sum(ndimage.sobel(image, axis=a) ** 2 for a in (0, 1)))
""",
            "convolve_kernels": """
def gradient_magnitude(array):
    kx = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    image = np.asarray(array, dtype=np.float64)
    gx = ndimage.convolve(image, kx, mode="reflect")
    gy = ndimage.convolve(image, kx.T, mode="reflect")
    return np.sqrt(gx * gx + gy * gy)
""",
        },
        "alias": {
            "wraps_medimg": """
from medimg import filtering as _f

gradient_magnitude = _f.gradient_magnitude
""",
            "alias_in_other_cell": """
from medimg.filtering import gradient_magnitude as sobel_magnitude
# ---- next cell ----
def gradient_magnitude(array):
    return sobel_magnitude(array)
""",
        },
    },
}
DIAGNOSES["ps05_convolution_filtering"] = {
    "gaussian_kernel_1d": {
        "density_not_normalised": "divide by the sum of the weights",
        "missing_factor_two": "the factor 2 is missing",
        "truncated_radius": "not int(3 * sigma)",
    },
    "convolve2d": {
        "correlation": "did you flip the kernel?",
        "flip_one_axis": "flipped along one axis only",
        "edge_padding": "pad with zeros",
        "valid_only": "so the output keeps its size",
    },
    "gaussian_blur": {
        "zero_padding": "repeat the border sample",
        "last_axis_only": "only the last axis (x) was blurred",
        "two_axes_only": "only two of the three axes were blurred",
    },
    "gradient_magnitude": {
        "integer_arithmetic": "filter a float copy",
        "abs_sum": "you added |gx| + |gy|",
        "x_only": "only one direction",
        "central_differences": "central differences",
    },
}
