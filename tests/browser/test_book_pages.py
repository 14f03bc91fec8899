"""Every page of the book, opened in Chromium from a local server.

Each page is visited once (session fixture ``audits``); the tests below check one property
of that visit each. The axe-core results of all pages are written to ``_build/axe-report.json``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from book_site import BLOCKING_IMPACTS, PAGES, SCREENSHOT_PAGES
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.book]


def _show(items: list[str], limit: int = 20) -> str:
    shown = "\n  ".join(items[:limit])
    more = f"\n  ... and {len(items) - limit} more" if len(items) > limit else ""
    return f"\n  {shown}{more}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_was_built(site: Path, docname: str) -> None:
    assert (site / f"{docname}.html").is_file(), f"{docname}.html missing from {site}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_requests_nothing_outside_the_site(audits: dict, docname: str) -> None:
    if docname not in audits:
        pytest.fail(f"{docname}.html was not built", pytrace=False)
    outside = audits[docname].outside
    assert not outside, f"{docname} requested other hosts:{_show(outside)}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_console_errors(audits: dict, docname: str) -> None:
    if docname not in audits:
        pytest.fail(f"{docname}.html was not built", pytrace=False)
    audit = audits[docname]
    problems = audit.console_errors + [f"failed request: {item}" for item in audit.failed]
    assert not problems, f"{docname} logged errors:{_show(problems)}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_images_load(audits: dict, docname: str) -> None:
    if docname not in audits:
        pytest.fail(f"{docname}.html was not built", pytrace=False)
    broken = [image["src"] for image in audits[docname].images if not image["ok"]]
    assert not broken, f"{docname}: images that did not load:{_show(broken)}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_math_renders(audits: dict, docname: str) -> None:
    if docname not in audits:
        pytest.fail(f"{docname}.html was not built", pytrace=False)
    math = audits[docname].math
    if math["expected"]:
        assert math["mathjax"], f"{docname} has math but MathJax did not load"
    assert math["rendered"] == math["expected"], (
        f"{docname}: {math['rendered']} of {math['expected']} formulas typeset by MathJax"
    )
    assert not math["errors"], f"{docname}: MathJax errors:{_show(math['errors'])}"


@pytest.mark.parametrize("docname", PAGES)
def test_page_widgets_render(audits: dict, docname: str) -> None:
    if docname not in audits:
        pytest.fail(f"{docname}.html was not built", pytrace=False)
    widgets = audits[docname].widgets
    assert widgets["rendered"] == widgets["expected"], (
        f"{docname}: {widgets['rendered']} of {widgets['expected']} Jupyter widgets rendered"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_serious_accessibility_violations(audits: dict, docname: str) -> None:
    if docname not in audits:
        pytest.fail(f"{docname}.html was not built", pytrace=False)
    blocking = [
        f"{violation['impact']}: {violation['id']} ({violation['help']}) at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in audits[docname].axe
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"{docname} (details in _build/axe-report.json):{_show(blocking)}"


def test_axe_report_and_screenshots_written(reports: Path, audits: dict) -> None:
    assert (reports / "axe-report.json").is_file()
    for docname in SCREENSHOT_PAGES:
        if docname in audits:
            shot = reports / "screenshots" / f"{docname.replace('/', '_')}.png"
            assert shot.is_file() and shot.stat().st_size > 10_000, shot


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


ANIMATION = re.compile(r"""<div[^>]*class="[^"]*\banimation\b""")

MOVE_CONTROL_JS = """(animation) => {
    // a slider (matplotlib jshtml or a pre-rendered demo), else a drop-down list
    const slider = animation.querySelector('input[type=range]');
    if (slider) {
        const min = Number(slider.min || 0), max = Number(slider.max || 100);
        const value = Number(slider.value);
        slider.value = String(value < max ? max : min);
        slider.dispatchEvent(new Event('input', {bubbles: true}));
        return max > min;
    }
    const select = animation.querySelector('select');
    if (select && select.options.length > 1) {
        select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
        select.dispatchEvent(new Event('input', {bubbles: true}));
        select.dispatchEvent(new Event('change', {bubbles: true}));
        return true;
    }
    return false;
}"""


def test_animations_respond_to_their_control(site: Path, open_page: object) -> None:
    """Every animation / pre-rendered demo shows another picture when its control moves."""
    pages = [
        docname
        for docname in PAGES
        if (site / f"{docname}.html").is_file()
        and ANIMATION.search((site / f"{docname}.html").read_text(encoding="utf-8"))
    ]
    assert pages, "no page of the book has an animation demo"
    unchanged = []
    for docname in pages:
        page, _ = open_page(f"{docname}.html")
        animations = page.locator("div.animation")
        assert animations.count() > 0, f"{docname}: animation not in the rendered page"
        for index in range(animations.count()):
            animation = animations.nth(index)
            animation.scroll_into_view_if_needed()
            before = _pixels(animation.screenshot())
            moved = animation.evaluate(MOVE_CONTROL_JS)
            assert moved, f"{docname}: animation {index} has no control with two values"
            page.wait_for_timeout(300)
            after = _pixels(animation.screenshot())
            if before.shape == after.shape and np.abs(before - after).max() == 0:
                unchanged.append(f"{docname}: animation {index}")
    assert not unchanged, f"animations that did not change:{_show(unchanged)}"


def test_next_links_follow_the_table_of_contents(site: Path, open_page: object) -> None:
    """Clicking 'next' from the start page walks through every page in toc order."""
    page, _ = open_page(f"{PAGES[0]}.html")
    visited = [PAGES[0]]
    for _ in range(len(PAGES) - 1):
        link = page.locator("a.right-next")
        if link.count() == 0:
            break
        with page.expect_navigation(wait_until="domcontentloaded"):
            link.first.click()
        path = page.url.split("/", 3)[3].split("#")[0]
        visited.append(path.removesuffix(".html"))
    assert visited == PAGES


def test_sidebar_link_opens_its_chapter(open_page: object) -> None:
    target = PAGES[len(PAGES) // 2]
    page, _ = open_page(f"{PAGES[0]}.html")
    name = target.rsplit("/", 1)[-1]
    link = page.locator(f'nav.bd-docs-nav a[href$="{name}.html"]')
    assert link.count() == 1, f"sidebar has {link.count()} links to {name}.html"
    title = link.inner_text().strip()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/{target}.html")
    heading = page.locator("article h1").first.inner_text()
    assert title.split(" ", 1)[-1].strip() in heading


def test_search_finds_the_hounsfield_scale(open_page: object) -> None:
    page, recorder = open_page("search.html?q=Hounsfield")
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any("06_intensity_transforms" in href for href in hrefs), hrefs
    assert not recorder.outside()
