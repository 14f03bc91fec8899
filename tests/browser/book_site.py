"""The published book as the browser tests see it: its pages, and how a visit is recorded.

Shared by ``conftest.py`` (fixtures) and the test modules of this directory.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BUILD = ROOT / "_build"
LOCK = Path("/tmp/medimg-book.lock")  # the lock every build of the book holds
AXE_JS = HERE / "vendor" / "axe-core" / "axe.min.js"
TOC_FILE = Path(os.environ.get("MEDIMG_BOOK_TOC", ROOT / "_toc.yml"))
CHROMIUM = os.environ.get("MEDIMG_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 90_000
# axe-core impacts that fail the accessibility test
BLOCKING_IMPACTS = ("serious", "critical")
# pages whose full-page screenshots are kept in _build/screenshots (if they are in the toc)
SCREENSHOT_PAGES = ("book/index", "book/04_images_in_space", "book/06_intensity_transforms")


def toc_pages(toc_file: Path = TOC_FILE) -> list[str]:
    """Return the docnames of a Jupyter Book ``_toc.yml`` in reading order (root first)."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []))
    walk(toc.get("chapters", []))
    return [page.removesuffix(".md").removesuffix(".ipynb") for page in pages]


PAGES = toc_pages()


def log_tail(log: str, lines: int = 30) -> str:
    """The warnings and errors of a build log, then its last lines."""
    problems = [
        line
        for line in log.splitlines()
        if re.search(r"WARNING|ERROR|Error|Exception", line) and "IPKernelApp" not in line
    ]
    tail = log.splitlines()[-lines:]
    return "\n".join([*problems[:40], "...", *tail])


class QuietHandler(SimpleHTTPRequestHandler):
    """Static file handler that does not log every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_directory(directory: Path, *, name: str) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (free port) in a thread; yield its base URL ending in '/'."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@dataclass
class Recorder:
    """What one browser context did: every request, the blocked ones, errors in the console."""

    allowed_prefixes: tuple[str, ...]
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def is_allowed(self, url: str) -> bool:
        """True for URLs of the site itself (and inline data: / blob: URLs)."""
        return url.startswith(("data:", "blob:", "about:", *self.allowed_prefixes))

    def attach(self, context: object) -> None:
        """Record the context's traffic and console; abort requests leaving the site."""

        def route(route: object) -> None:
            url = route.request.url
            if self.is_allowed(url):
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort("blockedbyclient")

        def on_page(page: object) -> None:
            page.on("request", lambda request: self.requests.append(request.url))
            page.on("console", self._on_console)
            page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))
            page.on(
                "requestfailed",
                lambda request: self.failed.append(f"{request.url} ({request.failure})"),
            )
            page.on(
                "response",
                lambda response: (
                    self.failed.append(f"{response.url} (HTTP {response.status})")
                    if response.status >= 400
                    else None
                ),
            )

        context.route("**/*", route)
        context.on("page", on_page)

    def _on_console(self, message: object) -> None:
        if message.type == "error":
            location = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"{message.text} [{location}]")

    def outside(self) -> list[str]:
        """Requests (made or attempted) to anything but the site itself."""
        return sorted({url for url in self.requests + self.blocked if not self.is_allowed(url)})


def open_context(browser: object, allowed_prefixes: tuple[str, ...]) -> tuple[object, Recorder]:
    """A fresh browser context (own cache and storage) whose traffic is recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    # generous: the machines that build the book are often busy executing notebooks
    context.set_default_timeout(TIMEOUT_MS)
    recorder = Recorder(allowed_prefixes=allowed_prefixes)
    recorder.attach(context)
    return context, recorder


def settle(page: object) -> None:
    """Wait until the network is idle and MathJax (if loaded) has typeset the page."""
    page.wait_for_load_state("networkidle")
    page.evaluate(
        """async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
            await document.fonts.ready;
        }"""
    )
    page.wait_for_load_state("networkidle")


# --- one visit per page, shared by the per-page tests ------------------------------------------

AXE_OPTIONS = {"resultTypes": ["violations"]}

IMAGES_JS = """async () => {
    const images = Array.from(document.images);
    for (const image of images) { image.loading = 'eager'; }
    await Promise.all(images.map((image) => image.decode().catch(() => null)));
    return images.map((image) => ({
        src: image.currentSrc || image.src, ok: image.complete && image.naturalWidth > 0,
    }));
}"""

MATH_JS = """() => {
    const math = Array.from(document.querySelectorAll('.math'));
    return {
        expected: math.length,
        rendered: math.filter((element) => element.querySelector('mjx-container')).length,
        errors: Array.from(document.querySelectorAll('mjx-merror'))
            .map((element) => element.getAttribute('data-mjx-error') || element.textContent),
        mathjax: typeof window.MathJax === 'object' && !!window.MathJax.version,
    };
}"""


WIDGETS_JS = """() => ({
    expected: document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]').length,
    rendered: Array.from(document.querySelectorAll('.widget-subarea'))
        .filter((area) => area.querySelector('.jupyter-widgets')).length,
})"""


@dataclass
class PageAudit:
    """Everything checked on one page after it has loaded."""

    page: str
    title: str
    requests: list[str]
    outside: list[str]
    console_errors: list[str]
    failed: list[str]
    images: list[dict]
    math: dict
    widgets: dict
    axe: list[dict]


def audit_page(
    docname: str, page: object, recorder: Recorder, *, screenshot: Path | None = None
) -> PageAudit:
    """Gather a loaded page's requests, console errors, images, math and axe results."""
    images = page.evaluate(IMAGES_JS)
    math = page.evaluate(MATH_JS)
    widgets = page.evaluate(WIDGETS_JS)
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
    title = page.title()
    page.add_script_tag(path=str(AXE_JS))
    axe = page.evaluate("async (options) => await axe.run(document, options)", AXE_OPTIONS)
    violations = [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "helpUrl": violation["helpUrl"],
            "nodes": [
                {
                    "target": node["target"],
                    "html": node["html"][:300],
                    "summary": node.get("failureSummary", ""),
                }
                for node in violation["nodes"]
            ],
        }
        for violation in axe["violations"]
    ]
    return PageAudit(
        page=docname,
        title=title,
        requests=recorder.requests,
        outside=recorder.outside(),
        console_errors=recorder.console_errors,
        failed=recorder.failed,
        images=images,
        math=math,
        widgets=widgets,
        axe=violations,
    )


def host_of(url: str) -> str:
    """Host name of a URL ('' for URLs without one)."""
    return urlsplit(url).hostname or ""
