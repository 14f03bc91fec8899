"""One rule per concept: every page and module states a named convention with the same values.

The window presets live in one table, `medimg.intensity.WINDOW_PRESETS`; a page or module that
types a preset's numbers must type the library's. "SNR" names only the region ratio of
`medimg.noise.snr`; the full-reference measure in dB is the signal-to-error ratio. The
resampling grid keeps the origin everywhere. These tests read the sources; `test_book.py`
runs the same checks on the built pages.
"""

import re
from pathlib import Path

import pytest

from medimg import intensity

ROOT = Path(__file__).resolve().parents[1]
BOOK_SOURCES = sorted((ROOT / "book").glob("*.md"))
CODE = sorted((ROOT / "src" / "medimg").rglob("*.py"))
PROBLEM_SETS = sorted((ROOT / "solutions").glob("*/*.ipynb"))


def _problem_set_text(path: Path) -> str:
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(cell["source"]) for cell in cells)


_NAME = r"(brain|bone|lung|soft[- ]tissue)"
# "brain 80/40", "bone window 2000/500", "soft-tissue (W 400, L 40)", "lung: W 1500, L -600"
_PAIRS = (
    re.compile(_NAME + r"[^.\n]{0,25}?\b(\d+(?:\.\d+)?)\s*/\s*(-?\d+(?:\.\d+)?)\b", re.I),
    re.compile(_NAME + r"[^.\n]{0,25}?\bW\s*(\d+(?:\.\d+)?),?\s*L\s*(-?\d+(?:\.\d+)?)\b", re.I),
)
# "soft-tissue window (-160 to 240 HU)", "brain window, 0 to 80 HU"
_RANGE = re.compile(
    _NAME + r"[- ]window[^.\n]{0,12}?\(?(-?\d+(?:\.\d+)?) to (-?\d+(?:\.\d+)?) HU", re.I
)
_UNICODE_MINUS = str.maketrans({"−": "-", "–": "-"})


def _preset(name: str) -> intensity.Window:
    return intensity.WINDOW_PRESETS[name.lower().replace("-", " ")]


def window_preset_disagreements(text: str) -> list[str]:
    """Window presets stated in ``text`` whose numbers differ from the library's table."""
    text = text.translate(_UNICODE_MINUS)
    problems = []
    for match in (m for pattern in _PAIRS for m in pattern.finditer(text)):
        name, width, level = match.group(1), float(match.group(2)), float(match.group(3))
        expected = _preset(name)
        if (width, level) != (expected.width, expected.level):
            problems.append(f"{match.group(0)!r}: the library says {expected}")
    for match in _RANGE.finditer(text):
        name, low, high = match.group(1), float(match.group(2)), float(match.group(3))
        expected = intensity.window_range(*_preset(name))
        if (low, high) != expected:
            problems.append(f"{match.group(0)!r}: the library's window is {expected} HU")
    return problems


def snr_name_misuses(text: str) -> list[str]:
    """Sentences that give an "SNR" in dB (a sentence that names both measures may contrast them)."""
    text = re.sub(r"\s+", " ", text)
    sentences = re.split(r"(?<=[.!?])\s", text)
    return [
        s[:160]
        for s in sentences
        if re.search(r"\bSNR\b", s) and re.search(r"\bdB\b", s) and "signal-to-error" not in s
    ]


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("presets: brain 80/40, bone 2000/500", False),
        ("the bone window 1800/400 shows", True),
        ("soft-tissue (W 400, L 40)", False),
        ("a soft-tissue window (-160 to 240 HU)", False),
        ("a soft-tissue window (−100 to 200 HU)", True),
        ("brain W 70, L 35", True),
    ],
)
def test_the_preset_check_itself(text, bad):
    assert bool(window_preset_disagreements(text)) is bad


def test_the_snr_check_itself():
    assert snr_name_misuses("The SNR rises to 12 dB after filtering.")
    assert not snr_name_misuses("The SNR is 45. The signal-to-error ratio is 12 dB.")
    assert not snr_name_misuses("Beside the SNR, the signal-to-error ratio in dB.")


@pytest.mark.parametrize("path", BOOK_SOURCES + CODE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_window_presets_agree_with_the_one_table(path):
    assert not window_preset_disagreements(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", BOOK_SOURCES + CODE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_snr_names_only_the_region_ratio(path):
    text = path.read_text(encoding="utf-8")
    assert not snr_name_misuses(text)
    assert "snr_db" not in text


def test_no_page_or_module_defines_its_own_window_table():
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in BOOK_SOURCES + CODE
        if p.name != "intensity.py" and re.search(r"\bPRESETS\s*=", p.read_text(encoding="utf-8"))
    ]
    assert not offenders


@pytest.mark.parametrize("path", PROBLEM_SETS, ids=lambda p: p.name)
def test_problem_sets_follow_the_same_conventions(path):
    text = _problem_set_text(path)
    assert not window_preset_disagreements(text)
    assert not snr_name_misuses(text)
