"""Similarity report: planted copies are found, independent correct solutions are not flagged."""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from course_fixture import grade_env
from medimg_grade import similarity
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "sim01"
SIGNATURES = {
    "window": "def window_level(image, center, width):",
    "histogram": "def histogram(values, bins, lo, hi):",
    "otsu": "def otsu_threshold(values, bins=64):",
}
GIVEN = "import numpy as np"

# Four students who solved the set on their own, in their own styles.
INDEPENDENT = {
    "ind1": {
        "window": """
def window_level(image, center, width):
    lo = center - width / 2
    hi = center + width / 2
    clipped = np.clip(np.asarray(image, dtype=float), lo, hi)
    return (clipped - lo) / (hi - lo)
""",
        "histogram": """
def histogram(values, bins, lo, hi):
    counts = [0] * bins
    step = (hi - lo) / bins
    for v in values:
        if lo <= v < hi:
            counts[int((v - lo) // step)] += 1
        elif v == hi:
            counts[-1] += 1
    return np.array(counts)
""",
        "otsu": """
def class_stats(p, centers, k):
    w0 = p[:k].sum()
    w1 = p[k:].sum()
    if w0 == 0 or w1 == 0:
        return 0.0
    m0 = (p[:k] * centers[:k]).sum() / w0
    m1 = (p[k:] * centers[k:]).sum() / w1
    return w0 * w1 * (m0 - m1) ** 2

def otsu_threshold(values, bins=64):
    values = np.asarray(values, dtype=float)
    counts, edges = np.histogram(values, bins=bins)
    p = counts / counts.sum()
    centers = (edges[:-1] + edges[1:]) / 2
    best = max(range(1, bins), key=lambda k: class_stats(p, centers, k))
    return edges[best]
""",
    },
    "ind2": {
        "window": """
def window_level(image, center, width):
    image = np.array(image, dtype=np.float64)
    out = (image - (center - 0.5 * width)) / width
    out[out < 0] = 0.0
    out[out > 1] = 1.0
    return out
""",
        "histogram": """
def histogram(values, bins, lo, hi):
    values = np.asarray(values, dtype=float)
    inside = values[(values >= lo) & (values <= hi)]
    index = np.floor((inside - lo) / (hi - lo) * bins).astype(int)
    index = np.minimum(index, bins - 1)
    return np.bincount(index, minlength=bins)
""",
        "otsu": """
def otsu_threshold(values, bins=64):
    hist, edges = np.histogram(np.ravel(values), bins)
    hist = hist.astype(float)
    mids = 0.5 * (edges[1:] + edges[:-1])
    weight_below = np.cumsum(hist)
    weight_above = weight_below[-1] - weight_below
    sum_below = np.cumsum(hist * mids)
    mean_below = sum_below / np.maximum(weight_below, 1e-12)
    mean_above = (sum_below[-1] - sum_below) / np.maximum(weight_above, 1e-12)
    between = weight_below * weight_above * (mean_below - mean_above) ** 2
    return edges[int(np.argmax(between[:-1])) + 1]
""",
    },
    "ind3": {
        "window": """
def window_level(image, center, width):
    result = []
    bottom = center - width / 2.0
    for row in np.atleast_2d(image):
        line = []
        for value in row:
            scaled = (float(value) - bottom) / width
            line.append(min(1.0, max(0.0, scaled)))
        result.append(line)
    return np.array(result).reshape(np.shape(image))
""",
        "histogram": """
def histogram(values, bins, lo, hi):
    edges = np.linspace(lo, hi, bins + 1)
    result = np.zeros(bins, dtype=int)
    for i in range(bins):
        upper_ok = values <= edges[i + 1] if i == bins - 1 else values < edges[i + 1]
        result[i] = np.count_nonzero((np.asarray(values) >= edges[i]) & upper_ok)
    return result
""",
        "otsu": """
def otsu_threshold(values, bins=64):
    data = np.sort(np.asarray(values, dtype=float).ravel())
    candidates = np.linspace(data[0], data[-1], bins + 1)[1:-1]
    scores = []
    for t in candidates:
        low, high = data[data < t], data[data >= t]
        if low.size == 0 or high.size == 0:
            scores.append(-1.0)
            continue
        scores.append(low.size * high.size * (low.mean() - high.mean()) ** 2)
    return candidates[int(np.argmax(scores))]
""",
    },
    "ind4": {
        "window": """
def window_level(image, center, width):
    a = np.asarray(image, float)
    low_edge, high_edge = center - width / 2, center + width / 2
    return np.interp(a, [low_edge, high_edge], [0.0, 1.0])
""",
        "histogram": """
def bin_index(x, lo, width, bins):
    return min(bins - 1, int((x - lo) / width))

def histogram(values, bins, lo, hi):
    from collections import Counter
    width = (hi - lo) / bins
    tally = Counter()
    for x in np.ravel(values):
        if x < lo or x > hi:
            continue
        tally[bin_index(x, lo, width, bins)] += 1
    return np.array([tally.get(b, 0) for b in range(bins)])
""",
        "otsu": """
def otsu_threshold(values, bins=64):
    x = np.asarray(values, dtype=float).ravel()
    hist, edges = np.histogram(x, bins=bins)
    total = x.size
    best_t, best_var = edges[1], -np.inf
    for k in range(1, bins):
        n0 = hist[:k].sum()
        n1 = total - n0
        if n0 == 0 or n1 == 0:
            continue
        mu0 = x[x < edges[k]].mean()
        mu1 = x[x >= edges[k]].mean()
        var = n0 * n1 * (mu0 - mu1) ** 2 / total**2
        if var > best_var:
            best_t, best_var = edges[k], var
    return best_t
""",
    },
}

# Planted copies: ind1 with every name changed; ind2 re-commented with docstrings and new
# layout; ind4 renamed, reordered (helper moved), re-commented.
PLANTED = {
    "copy_renamed": {
        "window": """
def window_level(image, center, width):
    bottom_value = center - width / 2
    top_value = center + width / 2
    cut = np.clip(np.asarray(image, dtype=float), bottom_value, top_value)
    return (cut - bottom_value) / (top_value - bottom_value)
""",
        "histogram": """
def histogram(values, bins, lo, hi):
    tallies = [0] * bins
    bin_width = (hi - lo) / bins
    for sample in values:
        if lo <= sample < hi:
            tallies[int((sample - lo) // bin_width)] += 1
        elif sample == hi:
            tallies[-1] += 1
    return np.array(tallies)
""",
        "otsu": """
def between_variance(prob, mids, split):
    wa = prob[:split].sum()
    wb = prob[split:].sum()
    if wa == 0 or wb == 0:
        return 0.0
    mean_a = (prob[:split] * mids[:split]).sum() / wa
    mean_b = (prob[split:] * mids[split:]).sum() / wb
    return wa * wb * (mean_a - mean_b) ** 2

def otsu_threshold(values, bins=64):
    values = np.asarray(values, dtype=float)
    freq, bounds = np.histogram(values, bins=bins)
    prob = freq / freq.sum()
    mids = (bounds[:-1] + bounds[1:]) / 2
    winner = max(range(1, bins), key=lambda split: between_variance(prob, mids, split))
    return bounds[winner]
""",
    },
    "copy_recommented": {
        "window": '''
def window_level(image, center, width):
    """Map the window [center - width/2, center + width/2] to [0, 1]."""
    # work in double precision
    image = np.array(image, dtype=np.float64)
    out = (image - (center - 0.5 * width)) / width   # linear ramp
    out[out < 0] = 0.0  # below the window: black
    out[out > 1] = 1.0  # above the window: white
    return out
''',
        "histogram": '''
def histogram(values, bins, lo, hi):
    """Count values per bin; hi belongs to the last bin."""
    values = np.asarray(values, dtype=float)
    # keep what falls in [lo, hi]
    inside = values[(values >= lo) & (values <= hi)]
    index = np.floor((inside - lo) / (hi - lo) * bins).astype(int)
    index = np.minimum(index, bins - 1)   # hi itself
    return np.bincount(index, minlength=bins)
''',
        "otsu": '''
def otsu_threshold(values, bins=64):
    """Otsu: maximise the between-class variance."""
    hist, edges = np.histogram(np.ravel(values), bins)
    hist = hist.astype(float)
    mids = 0.5 * (edges[1:] + edges[:-1])
    # class weights
    weight_below = np.cumsum(hist)
    weight_above = weight_below[-1] - weight_below
    # class means
    sum_below = np.cumsum(hist * mids)
    mean_below = sum_below / np.maximum(weight_below, 1e-12)
    mean_above = (sum_below[-1] - sum_below) / np.maximum(weight_above, 1e-12)
    between = weight_below * weight_above * (mean_below - mean_above) ** 2
    return edges[int(np.argmax(between[:-1])) + 1]
''',
    },
    "copy_reordered": {
        "window": """
def window_level(image, center, width):
    arr = np.asarray(image, float)
    w_lo, w_hi = center - width / 2, center + width / 2   # the window
    return np.interp(arr, [w_lo, w_hi], [0.0, 1.0])
""",
        "histogram": """
def histogram(values, bins, lo, hi):
    from collections import Counter
    step = (hi - lo) / bins
    counter = Counter()
    for item in np.ravel(values):
        # outside the range: skip
        if item < lo or item > hi:
            continue
        counter[_bin_of(item, lo, step, bins)] += 1
    return np.array([counter.get(j, 0) for j in range(bins)])

def _bin_of(x, lo, step, bins):
    '''Index of the bin of x.'''
    return min(bins - 1, int((x - lo) / step))
""",
        "otsu": '''
def otsu_threshold(values, bins=64):
    """Otsu's threshold."""
    v = np.asarray(values, dtype=float).ravel()
    counts, bounds = np.histogram(v, bins=bins)
    size = v.size
    thr, top = bounds[1], -np.inf
    for j in range(1, bins):
        c0 = counts[:j].sum()
        c1 = size - c0
        if c0 == 0 or c1 == 0:
            continue
        m0 = v[v < bounds[j]].mean()
        m1 = v[v >= bounds[j]].mean()
        score = c0 * c1 * (m0 - m1) ** 2 / size**2
        if score > top:
            thr, top = bounds[j], score
    return thr
''',
    },
}
PLANT_OF = {"copy_renamed": "ind1", "copy_recommented": "ind2", "copy_reordered": "ind4"}


def meta(gid: str, solution: bool) -> dict:
    return {
        "nbgrader": {
            "grade": False,
            "grade_id": gid,
            "locked": not solution,
            "schema_version": 3,
            "solution": solution,
        }
    }


def notebook(answers: dict[str, str]) -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Similarity fixture"),
        new_code_cell(GIVEN, metadata=meta("imports", False)),
    ]
    for gid, code in answers.items():
        cells.append(new_code_cell(code.strip(), metadata=meta(gid, True)))
    return new_notebook(cells=cells)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("similarity")
    source = {
        gid: f"{sig}\n    ### BEGIN SOLUTION\n    raise ValueError('model answer here')\n"
        "    ### END SOLUTION"
        for gid, sig in SIGNATURES.items()
    }
    (root / "solutions" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(notebook(source), root / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for student, answers in {**INDEPENDENT, **PLANTED}.items():
        folder = root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook(answers), folder / f"{ASSIGNMENT}.ipynb")
    # A student who changed nothing: only template code, never compared.
    folder = root / "submitted" / "blank" / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(
        notebook(
            {
                g: f"{s}\n    # YOUR CODE HERE\n    raise NotImplementedError()"
                for g, s in SIGNATURES.items()
            }
        ),
        folder / f"{ASSIGNMENT}.ipynb",
    )
    return root


def test_solutions_are_correct():
    """The fixture's solutions are real, working, different answers (not strawmen)."""
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(40, 5, 400), rng.normal(120, 10, 600)])
    image = np.array([[-200.0, 0.0, 40.0], [80.0, 300.0, 1000.0]])
    for student, answers in {**INDEPENDENT, **PLANTED}.items():
        ns: dict = {"np": np}
        for code in answers.values():
            exec(code, ns)
        np.testing.assert_allclose(
            ns["window_level"](image, 40, 400), np.clip((image + 160) / 400, 0, 1), err_msg=student
        )
        np.testing.assert_array_equal(
            ns["histogram"](values, 8, 0, 160),
            np.histogram(values, 8, (0, 160))[0],
            err_msg=student,
        )
        assert 50 < ns["otsu_threshold"](values) < 100, student


def test_normalisation_ignores_names_order_comments():
    a = "def f(x):\n    # c\n    y = x + 1\n    return y\n\ndef g(z):\n    '''doc'''\n    return f(z) * 2\n"
    b = "def twice(q):\n    return inc(q) * 2\n\ndef inc(w):\n    out = w + 1  # other\n    return out\n"
    assert similarity.normalise(a) == similarity.normalise(b)
    assert similarity.normalise(a) != similarity.normalise(a.replace("+ 1", "- 1"))


def test_every_plant_found_and_no_independent_flagged(course):
    csv_path, html_path, pairs = similarity.report(course, ASSIGNMENT)
    flagged = {frozenset((p.student_a, p.student_b)) for p in pairs if p.flagged}
    expected = {frozenset((plant, original)) for plant, original in PLANT_OF.items()}
    assert flagged == expected, [(p.student_a, p.student_b, round(p.similarity, 2)) for p in pairs]
    by_pair = {frozenset((p.student_a, p.student_b)): p.similarity for p in pairs}
    independent = [by_pair[frozenset(pair)] for pair in itertools.combinations(INDEPENDENT, 2)]
    assert max(independent) < 0.5
    # the blank (template-only) submission has nothing to compare
    assert not any("blank" in (p.student_a, p.student_b) for p in pairs)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert list(rows[0]) == list(similarity.CSV_COLUMNS)
    assert {
        frozenset((r["student_a"], r["student_b"])) for r in rows if r["flagged"] == "True"
    } == expected
    page = html_path.read_text(encoding="utf-8")
    assert "copy_renamed" in page and "bottom_value" in page and "lo = center - width / 2" in page


def test_cli_never_touches_grades(course):
    before = {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "medimg_grade.cli",
            "similarity",
            "--assignment",
            ASSIGNMENT,
            "--course-root",
            str(course),
        ],
        capture_output=True,
        text=True,
        env=grade_env(),
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "3 flagged" in proc.stderr
    after = {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()}
    assert before == after
    assert not (course / "grades.csv").exists() and not (course / "gradebook.db").exists()


def test_cli_names_bad_arguments(course, capsys):
    with pytest.raises(SystemExit):
        similarity.main(["--assignment", "nope", "--course-root", str(course)])
    assert "argument --assignment" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        similarity.main(
            ["--assignment", ASSIGNMENT, "--course-root", str(course), "--threshold", "2"]
        )
    assert "argument --threshold" in capsys.readouterr().err
