"""The built HTML files of the book, checked without a browser.

- every internal link, image and script resolves to a file, and every ``#anchor`` to an id;
- no page loads a script, style sheet, image or frame from another host;
- every external link of the site is listed on the references page (or is one of the
  theme's repository / launch links), so the list of outside resources lives in one place;
  external links are never fetched here;
- every notebook page offers its executed ``.ipynb`` for download and a Binder launch link;
- the released assignments are downloadable from the book.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from book_site import PAGES, ROOT, host_of
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book

REFERENCES_PAGE = "book/references"
ASSET_ATTRIBUTES = {
    "script": "src",
    "link": "href",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}
SKIPPED_SCHEMES = ("mailto:", "javascript:", "data:", "tel:")
# addresses of the reader's own machine (e.g. "make serve"): not outside resources
LOOPBACK = ("127.0.0.1", "localhost")


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def allowed_external_prefixes() -> tuple[str, ...]:
    """Links the theme adds to every page: the repository, its issues and the Binder launcher."""
    config = _config()
    repository = config["repository"]["url"].rstrip("/")
    owner_repo = urlsplit(repository).path.strip("/")
    binder = config.get("launch_buttons", {}).get("binderhub_url", "").rstrip("/")
    prefixes = [repository]
    if binder:
        prefixes.append(f"{binder}/v2/gh/{owner_repo}/")
    hub = config.get("launch_buttons", {}).get("jupyterhub_url", "").rstrip("/")
    if hub:
        prefixes.append(f"{hub}/hub/user-redirect/git-pull?")
    return tuple(prefixes)


def html_files(site: Path) -> list[Path]:
    """The site's pages (theme templates under ``_static`` are not pages)."""
    return sorted(
        path
        for path in site.rglob("*.html")
        if not path.relative_to(site).parts[0].startswith(("_static", "_images", "_sources"))
    )


@functools.cache
def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@functools.cache
def anchors(path: Path) -> frozenset[str]:
    soup = parse(path)
    ids = {element["id"] for element in soup.find_all(id=True)}
    names = {element["name"] for element in soup.find_all("a", attrs={"name": True})}
    return frozenset(ids | names)


def links(path: Path) -> list[tuple[str, str]]:
    """(tag name, URL) of every link and asset reference of a page."""
    soup = parse(path)
    found = [("a", element["href"]) for element in soup.find_all("a", href=True)]
    for tag, attribute in ASSET_ATTRIBUTES.items():
        found += [(tag, element[attribute]) for element in soup.find_all(tag, **{attribute: True})]
    return [(tag, url.strip()) for tag, url in found]


def is_external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") or url.startswith("//")


def normalise(url: str) -> str:
    """Compare external URLs without their fragment and trailing slash."""
    return url.split("#", 1)[0].rstrip("/")


def broken_internal_links(site: Path) -> list[str]:
    broken = []
    for page in html_files(site):
        where = page.relative_to(site)
        for _, url in links(page):
            if not url or url.startswith(SKIPPED_SCHEMES) or is_external(url):
                continue
            parts = urlsplit(url)
            target = page
            if parts.path:
                if parts.path.startswith("/"):
                    broken.append(f"{where}: root-relative link {url} breaks on a project site")
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            if not target.is_file():
                broken.append(f"{where}: {url} (no file {target})")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in anchors(target):
                    broken.append(f"{where}: {url} (no id {parts.fragment!r})")
    return broken


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    broken = broken_internal_links(site)
    assert not broken, f"{len(broken)} broken links:\n  " + "\n  ".join(broken[:50])


def test_link_checker_finds_a_broken_anchor(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<p id="here"></p><a href="#here">ok</a><a href="#gone">bad</a>')
    (tmp_path / "index.html").write_text('<a href="page.html#here">ok</a><a href="x.html">bad</a>')
    broken = broken_internal_links(tmp_path)
    assert broken == ["index.html: x.html (no file " + str(tmp_path / "x.html") + ")",
                      "page.html: #gone (no id 'gone')"]  # fmt: skip


def test_pages_load_nothing_from_other_hosts(site: Path) -> None:
    remote = [
        f"{page.relative_to(site)}: <{tag}> {url}"
        for page in html_files(site)
        for tag, url in links(page)
        if tag != "a" and is_external(url)
    ]
    assert not remote, "remote assets:\n  " + "\n  ".join(remote[:50])


def _strip_css_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def test_style_sheets_load_nothing_from_other_hosts(site: Path) -> None:
    pattern = re.compile(r"""(?:url\(|@import)\s*['"]?\s*(?:https?:)?//""", re.IGNORECASE)
    remote = [
        str(css.relative_to(site))
        for css in site.rglob("*.css")
        if pattern.search(_strip_css_comments(css.read_text(encoding="utf-8", errors="replace")))
    ]
    assert not remote, f"style sheets importing remote resources: {remote}"


def test_external_links_are_listed_on_the_references_page(site: Path) -> None:
    references = site / f"{REFERENCES_PAGE}.html"
    assert references.is_file(), f"{REFERENCES_PAGE}.html is missing"
    listed = {normalise(url) for tag, url in links(references) if tag == "a" and is_external(url)}
    allowed = allowed_external_prefixes()
    unlisted = sorted(
        {
            f"{normalise(url)}  (on {page.relative_to(site)})"
            for page in html_files(site)
            if page != references
            for tag, url in links(page)
            if tag == "a"
            and is_external(url)
            and host_of(url) not in LOOPBACK
            and normalise(url) not in listed
            and not url.startswith(allowed)
        }
    )
    assert not unlisted, f"external links missing from {REFERENCES_PAGE}.md:\n  " + "\n  ".join(
        unlisted[:50]
    )


def _front_matter(source: Path) -> dict:
    text = source.read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    return yaml.safe_load(text.split("---", 2)[1]) or {}


NOTEBOOK_PAGES = [
    page
    for page in PAGES
    if (ROOT / f"{page}.md").is_file() and "kernelspec" in _front_matter(ROOT / f"{page}.md")
]


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_notebook_page_offers_its_ipynb_and_binder(site: Path, docname: str) -> None:
    page = site / f"{docname}.html"
    assert page.is_file(), f"{docname}.html was not built"
    hrefs = [url for tag, url in links(page) if tag == "a"]
    downloads = [url for url in hrefs if url.endswith(f"_sources/{docname}.ipynb")]
    assert downloads, f"{docname}: no .ipynb download button"
    notebook = json.loads((page.parent / downloads[0]).resolve().read_text(encoding="utf-8"))
    assert notebook["nbformat"] == 4
    assert notebook["cells"], f"{docname}: the downloadable notebook is empty"
    binder = [url for url in hrefs if "/v2/gh/" in url and f"urlpath=lab/tree/{docname}" in url]
    assert binder, f"{docname}: no Binder launch link"


def test_released_assignments_are_downloadable(site: Path) -> None:
    released = sorted(path.name for path in (ROOT / "exercises").rglob("*.ipynb"))
    assert released, "no released assignment in exercises/"
    offered = {
        unquote(url.rsplit("/", 1)[-1])
        for page in html_files(site)
        for tag, url in links(page)
        if tag == "a" and "_downloads/" in url and url.endswith(".ipynb")
    }
    missing = sorted(set(released) - offered)
    assert not missing, f"released notebooks not downloadable from the book: {missing}"


def test_pages_link_to_the_repository_and_its_issues(site: Path) -> None:
    repository = _config()["repository"]["url"].rstrip("/")
    missing = []
    for docname in PAGES:
        page = site / f"{docname}.html"
        hrefs = [url for tag, url in links(page) if tag == "a"] if page.is_file() else []
        if repository not in hrefs or not any(
            url.startswith(f"{repository}/issues/new") for url in hrefs
        ):
            missing.append(docname)
    assert not missing, f"pages without repository / issue buttons: {missing}"
