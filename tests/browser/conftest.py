"""Fixtures for the tests of the published book: the built site, a local server and Chromium.

The site is the HTML that ``jupyter-book build`` writes to ``_build/html`` (session fixture
``built_book`` in ``tests/conftest.py``). To check an already built site without rebuilding,
point ``MEDIMG_BOOK_HTML`` at its ``html`` directory (and ``MEDIMG_BOOK_TOC`` at the table of
contents it was built from, if not ``_toc.yml``).

Chromium is the system one (``/usr/bin/chromium`` or ``MEDIMG_CHROMIUM``); every request to a
host other than 127.0.0.1 is recorded and aborted, so the tests never use the network.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_site import (
    AXE_JS,
    BLOCKING_IMPACTS,
    BUILD,
    CHROMIUM,
    LAUNCH_ARGS,
    LOCK,
    PAGES,
    SCREENSHOT_PAGES,
    PageAudit,
    Recorder,
    audit_page,
    log_tail,
    open_context,
    serve_directory,
    settle,
)


@pytest.fixture(scope="session")
def reports() -> Path:
    """Where the axe report and the screenshots go: ``_build`` (next to the built ``html``)."""
    override = os.environ.get("MEDIMG_BOOK_HTML")
    folder = Path(override).parent if override else BUILD
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built HTML book (built once per session unless ``MEDIMG_BOOK_HTML`` is set).

    The tests read a copy taken under the build lock, so that another build of the book
    writing ``_build/html`` meanwhile cannot change the site under test.
    """
    override = os.environ.get("MEDIMG_BOOK_HTML")
    if override:
        html = Path(override)
    else:
        build = request.getfixturevalue("built_book")
        if build.returncode != 0:
            pytest.fail(
                f"the book build failed (exit {build.returncode}):\n{log_tail(build.log)}",
                pytrace=False,
            )
        html = tmp_path_factory.mktemp("site") / "html"
        LOCK.touch(exist_ok=True)
        with LOCK.open() as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            shutil.copytree(build.html, html)
    if not (html / "index.html").is_file():
        pytest.fail(f"no built book in {html}", pytrace=False)
    return html


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """Serve the built book on 127.0.0.1 (free port); yield its base URL ending in '/'."""
    with serve_directory(site, name="book-server") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless system Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser: object, server: str) -> Iterator[object]:
    """Factory: ``open_page(path)`` -> (page, recorder), each in a fresh context, settled."""
    contexts = []

    def _open(path: str) -> tuple[object, Recorder]:
        context, recorder = open_context(browser, (server,))
        contexts.append(context)
        page = context.new_page()
        page.goto(server + path, wait_until="load")
        settle(page)
        return page, recorder

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def audits(browser: object, server: str, site: Path, reports: Path) -> dict[str, PageAudit]:
    """Visit every page of the toc once; write the axe report and three screenshots."""
    results: dict[str, PageAudit] = {}
    for docname in PAGES:
        if not (site / f"{docname}.html").is_file():
            continue  # reported by test_page_was_built
        shot = None
        if docname in SCREENSHOT_PAGES:
            shot = reports / "screenshots" / f"{docname.replace('/', '_')}.png"
        context, recorder = open_context(browser, (server,))
        try:
            page = context.new_page()
            page.goto(f"{server}{docname}.html", wait_until="load")
            settle(page)
            results[docname] = audit_page(docname, page, recorder, screenshot=shot)
        except Exception as error:  # a page that hangs or crashes fails its own tests only
            problem = f"the page could not be checked: {type(error).__name__}: {error}"
            results[docname] = PageAudit(
                page=docname,
                title="",
                requests=recorder.requests,
                outside=recorder.outside(),
                console_errors=[*recorder.console_errors, problem],
                failed=recorder.failed,
                images=[{"src": problem, "ok": False}],
                math={"expected": 1, "rendered": 0, "errors": [problem], "mathjax": False},
                widgets={"expected": 1, "rendered": 0},
                axe=[{"id": "not-run", "impact": "critical", "help": problem, "nodes": []}],
            )
        finally:
            context.close()
    report = {
        "axe-core": json.loads((AXE_JS.parents[1] / "VERSIONS.json").read_text(encoding="utf-8"))[
            "axe-core"
        ],
        "blocking_impacts": list(BLOCKING_IMPACTS),
        "pages": {name: result.axe for name, result in results.items()},
    }
    (reports / "axe-report.json").write_text(json.dumps(report, indent=2) + "\n")
    return results
