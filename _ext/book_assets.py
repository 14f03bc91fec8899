"""Sphinx extension for the course book: emit each inline ``<script>`` of a page once.

Sphinx 7.4 re-adds, before writing, every JavaScript asset registered after the builder
started; inline scripts (``filename=None``) are then listed twice, because the second copy is
registered as ``filename=''``. sphinx-thebe's inline script declares ``const THEBE_JS_URL``,
so its second copy raises "Identifier 'THEBE_JS_URL' has already been declared" in every
browser console. This extension drops such duplicates from each page's script list.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Remove repeated entries (same file or inline body, same attributes) from ``script_files``."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension (after the extensions that add page-specific scripts)."""
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
