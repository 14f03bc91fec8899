"""The book as a downloaded archive: unzipped anywhere and opened from disk (file://)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from book_site import PAGES, SCREENSHOT_PAGES, open_context, settle

pytestmark = [pytest.mark.browser, pytest.mark.book]


@pytest.fixture(scope="module")
def unzipped(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site zipped and unzipped into a fresh directory."""
    work = tmp_path_factory.mktemp("offline")
    archive = shutil.make_archive(str(work / "book"), "zip", root_dir=site)
    target = work / "unzipped"
    shutil.unpack_archive(archive, target)
    return target


def test_start_page_opens_from_disk(browser: object, unzipped: Path) -> None:
    context, recorder = open_context(browser, ("file://",))
    try:
        page = context.new_page()
        page.goto((unzipped / "index.html").as_uri(), wait_until="load")
        page.wait_for_url(f"**/{PAGES[0]}.html")
        settle(page)
        assert page.locator("article h1").first.is_visible()
        assert page.locator("nav.bd-docs-nav a").count() >= len(PAGES) - 1
        assert not recorder.outside(), recorder.outside()
        assert any(url.endswith(f"{PAGES[0]}.html") for url in recorder.requests)
    finally:
        context.close()


@pytest.mark.parametrize("docname", [p for p in SCREENSHOT_PAGES[1:] if p in PAGES] or PAGES[1:2])
def test_chapter_opens_from_disk_with_its_figures(
    browser: object, unzipped: Path, docname: str
) -> None:
    context, recorder = open_context(browser, ("file://",))
    try:
        page = context.new_page()
        page.goto((unzipped / f"{docname}.html").as_uri(), wait_until="load")
        settle(page)
        assert page.locator("article h1").first.is_visible()
        broken = page.evaluate(
            "() => Array.from(document.images).filter((i) => !(i.naturalWidth > 0))"
            ".map((i) => i.src)"
        )
        assert not broken, broken
        assert not recorder.outside(), recorder.outside()
    finally:
        context.close()
