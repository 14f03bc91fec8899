"""Wrong, correct and alias implementations of the graded functions of ps05_convolution_filtering (see assignment_variants)."""

VARIANTS: dict = {}
DIAGNOSES: dict = {}

# The blur variants carry their own (correct) kernel so that they do not depend on the
# gaussian_kernel_1d variant graded in the same notebook.
_KERNEL = """
    radius = int(3 * sigma + 0.5)
    x = np.arange(-radius, radius + 1, dtype=float)
    weights = np.exp(-(x**2) / (2.0 * sigma**2))
    weights /= weights.sum()
"""
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
            "scipy_window": """
def gaussian_kernel_1d(sigma, radius=None):
    from scipy.signal.windows import gaussian
    r = int(3 * sigma + 0.5) if radius is None else radius
    weights = gaussian(2 * r + 1, std=sigma)
    return weights / np.sum(weights)
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
            "uses_scipy": """
def convolve2d(array, kernel):
    from scipy import ndimage
    return ndimage.convolve(np.asarray(array, dtype=float), np.asarray(kernel, dtype=float), mode="constant", cval=0.0)
""",
            "uses_course_package": """
def convolve2d(array, kernel):
    from medimg.filtering import convolve2d as reference
    return reference(array, kernel)
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
            "sliding_windows": """
def convolve2d(array, kernel):
    k = np.asarray(kernel, dtype=float)
    ry, rx = k.shape[0] // 2, k.shape[1] // 2
    padded = np.pad(np.asarray(array, dtype=float), ((ry, ry), (rx, rx)), constant_values=0.0)
    windows = np.lib.stride_tricks.sliding_window_view(padded, k.shape)
    return np.einsum("yxij,ij->yx", windows, k[::-1, ::-1])
""",
        },
    },
    "gaussian_blur": {
        "wrong": {
            "zero_padding": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
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
"""
            + _KERNEL
            + """
    result = np.asarray(array, dtype=float)
    padded = np.pad(result, [(0, 0)] * (result.ndim - 1) + [(radius, radius)], mode="edge")
    blurred = np.zeros_like(result)
    for i, w in enumerate(weights):
        blurred += w * padded[..., i : i + result.shape[-1]]
    return blurred
""",
            "two_axes_only": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
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
            "calls_gaussian_filter": """
def gaussian_blur(array, sigma):
    return ndimage.gaussian_filter(np.asarray(array, dtype=float), sigma, mode="nearest", truncate=3.0)
""",
        },
        "correct": {
            "convolve1d": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        result = ndimage.convolve1d(result, weights, axis=axis, mode="nearest")
    return result
""",
            "apply_along_axis": """
def gaussian_blur(array, sigma):
"""
            + _KERNEL
            + """
    def smooth(line):
        return np.convolve(np.pad(line, radius, mode="edge"), weights, mode="valid")

    result = np.asarray(array, dtype=float)
    for axis in range(result.ndim):
        result = np.apply_along_axis(smooth, axis, result)
    return result
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
            "convolve_kernels": """
def gradient_magnitude(array):
    kx = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    image = np.asarray(array, dtype=np.float64)
    gx = ndimage.convolve(image, kx, mode="reflect")
    gy = ndimage.convolve(image, kx.T, mode="reflect")
    return np.sqrt(gx * gx + gy * gy)
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
        "valid_only": "pad the image with zeros so the output keeps its size",
        "uses_scipy": "expected an implementation with numpy",
        "uses_course_package": "found 'medimg' in your function",
    },
    "gaussian_blur": {
        "zero_padding": "repeat the border sample",
        "last_axis_only": "only the last axis (x) was blurred",
        "calls_gaussian_filter": "found gaussian_filter in your function",
    },
    "gradient_magnitude": {
        "integer_arithmetic": "filter a float copy",
        "abs_sum": "you added |gx| + |gy|",
        "x_only": "only one direction",
        "central_differences": "central differences",
    },
}
