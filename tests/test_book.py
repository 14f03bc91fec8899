"""The executed book: it builds with warnings as errors, and every page shows its results."""

import re

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import ROOT

pytestmark = [pytest.mark.book, pytest.mark.slow]

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
PAGES = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part["chapters"]]
CHAPTERS = [p for p in PAGES if re.match(r"book/\d\d_", p)]


def _html(built_book, page):
    return (built_book.html / f"{page}.html").read_text(encoding="utf-8")


def test_book_builds_without_warnings(built_book):
    assert built_book.returncode == 0, built_book.log[-5000:]
    # Sphinx reports "file:line: WARNING: ..."; kernels print "[IPKernelApp] WARNING | ..." on
    # their own stderr about their transport, which is not a build problem.
    sphinx_problems = re.findall(
        r"(?m)^(?!\[IPKernelApp\]).*\b(?:WARNING|ERROR):.*$", built_book.log
    )
    assert not sphinx_problems, sphinx_problems[:20]


def test_toc_has_every_part_of_the_lecture():
    assert len(CHAPTERS) == 16  # 11 following the lecture, 5 beyond it
    assert "book/references" in PAGES and "book/glossary" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_built(built_book, page):
    assert (built_book.html / f"{page}.html").is_file()


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_is_executed_and_has_a_figure(built_book, page):
    html = _html(built_book, page)
    assert 'class="cell_output' in html, f"{page} shows no executed output"
    assert re.search(r'<img[^>]+src="[^"]*_images/[^"]+\.png"', html), f"{page} has no figure"
    assert "output traceback" not in html and "output stderr" not in html, (
        f"{page} shows an error or stderr"
    )


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_chapter_has_objectives_summary_and_self_check(built_book, page):
    text = re.sub(r"<[^>]+>", " ", _html(built_book, page))
    assert "Learning objectives" in text, page
    assert "Summary" in text, page
    assert "Answer" in text, f"{page} has no self-check answers"


@pytest.mark.parametrize(
    ("page", "fact"),
    [
        ("book/04_images_in_space", "100 px at 1 mm: 100 mm;  50 px at 2 mm: 100 mm"),
        ("book/04_images_in_space", "the head CT covers [245. 245.] mm"),
        ("book/03_digital_imaging", "[20, 30, 0, 10]"),
        ("book/05_resampling_interpolation", "341"),
    ],
)
def test_lecture_numbers_come_out_of_the_code(built_book, page, fact):
    soup = BeautifulSoup(_html(built_book, page), "html.parser")
    outputs = " ".join(div.get_text(" ") for div in soup.select("div.cell_output"))
    # numpy prints "[20. 30.  0. 10.]" where Python prints "[20, 30, 0, 10]": compare numbers.
    numbers = re.sub(r"\s+", " ", re.sub(r"(\d)\.(?!\d)", r"\1", outputs.replace(",", " ")))
    wanted = re.sub(r"\s+", " ", fact.replace(",", " "))
    assert fact in outputs or wanted in numbers, f"{fact!r} not in the outputs of {page}"


def test_figures_have_alt_text(built_book):
    missing = []
    for page in PAGES:
        for tag in re.findall(r"<img[^>]*>", _html(built_book, page)):
            alt = re.search(r'alt="([^"]*)"', tag)
            if "_images/" in tag and (alt is None or not alt.group(1).strip()):
                missing.append((page, tag[:120]))
    assert not missing, missing


def test_no_page_loads_a_script_or_stylesheet_from_the_internet(built_book):
    offenders = []
    for html_file in built_book.html.rglob("*.html"):
        html = html_file.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html):
            offenders.append((html_file.relative_to(built_book.html).as_posix(), url))
    assert not offenders, offenders[:20]


def test_pages_can_be_downloaded_as_notebooks_or_sources(built_book):
    html = _html(built_book, "book/04_images_in_space")
    assert "_sources/book/04_images_in_space" in html


def _published_lines(file):
    text = file.read_text(encoding="utf-8", errors="replace")
    if file.suffix == ".html":
        text = BeautifulSoup(text, "html.parser").get_text()
    elif file.name == "searchindex.js":
        text = text.replace("\\n", "\n")
    return {line.strip() for line in text.splitlines()}


def test_no_solution_or_hidden_test_line_reaches_the_built_book(built_book):
    """Pages, page sources, downloads and the search index never contain a protected line."""
    from medimg_grade.release import protected_lines

    secrets = set().union(*(protected_lines(p) for p in sorted(ROOT.glob("solutions/*/*.ipynb"))))
    assert secrets, "no solution lines found to look for"
    # The one idiom the workshop chapter teaches on purpose (numpy array -> image).
    secrets -= {"image = sitk.GetImageFromArray(array)"}
    html = built_book.html
    files = [*html.rglob("*.html"), *html.glob("_sources/**/*"), *html.glob("_downloads/**/*")]
    files += [html / "searchindex.js"]
    leaks = []
    for file in files:
        if file.is_file():
            leaks += [
                (file.relative_to(html).as_posix(), line)
                for line in secrets & _published_lines(file)
            ]
    assert not leaks, leaks[:20]


def _outputs(built_book, page):
    soup = BeautifulSoup(_html(built_book, page), "html.parser")
    return re.sub(
        r"\s+", " ", " ".join(div.get_text(" ") for div in soup.select("div.cell_output"))
    )


def test_field_of_view_is_not_the_width_of_the_head(built_book):
    outputs = _outputs(built_book, "book/04_images_in_space")
    fov = float(re.search(r"field of view along x: ([\d.]+) mm", outputs).group(1))
    width = float(re.search(r"head from x = \S+ to \S+ mm: (\d+) mm wide", outputs).group(1))
    assert fov == pytest.approx(245.0, abs=0.1)
    assert 125 <= width <= 145


def test_motor_peak_is_a_cluster_centre_inside_the_activation(built_book):
    outputs = _outputs(built_book, "book/04_images_in_space")
    match = re.search(
        r"centre of mass at world point \((\S+), (\S+), (\S+)\) mm, where z = ([\d.]+)", outputs
    )
    x, _, z_mm, value = (float(g) for g in match.groups())
    assert x < 0 and z_mm > 40  # the patient's right motor cortex, not the cerebellum
    assert value > 5  # inside the cluster


def test_photon_noise_is_worst_behind_bone(built_book):
    outputs = _outputs(built_book, "book/08_noise")
    for lung_counts, bone_counts, lung, bone in re.findall(
        r"mean counts lung\s+(\d+), behind bone\s+(\d+); relative noise lung ([\d.]+) %, "
        r"behind bone ([\d.]+) %",
        outputs,
    ):
        assert int(bone_counts) < int(lung_counts) / 4  # counts fall with attenuation
        assert float(bone) > 2 * float(lung)


def test_resampling_keeps_the_origin_on_the_page(built_book):
    outputs = _outputs(built_book, "book/05_resampling_interpolation")
    origins = re.findall(r"origin \(sample 0\) x = (\S+) mm, outer edge x = (\S+) mm", outputs)
    (o1, e1), (o2, e2) = [(float(o), float(e)) for o, e in origins]
    assert o1 == o2
    assert e1 - e2 == pytest.approx((1.5 - 0.478516) / 2, abs=1e-3)


@pytest.mark.parametrize("page", PAGES)
def test_built_pages_state_one_value_per_named_convention(built_book, page):
    from tests.test_conventions import snr_name_misuses, window_preset_disagreements

    text = BeautifulSoup(_html(built_book, page), "html.parser").get_text(" ")
    assert not window_preset_disagreements(text)
    assert not snr_name_misuses(text)
