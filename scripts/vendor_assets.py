"""Copy the browser assets the book loads from ``node_modules`` into ``book/_static/vendor``.

The published book must not load anything from a CDN, so the few JavaScript files and fonts
it needs are committed under ``book/_static/vendor`` together with their licences; building
the book therefore needs no npm. Re-run this script after changing ``package.json``::

    npm ci
    python scripts/vendor_assets.py

Only the files the pages actually load are copied:

- RequireJS and ``@jupyter-widgets/html-manager``'s ``embed-amd.js`` (pages with widget
  state; the bundle contains ``@jupyter-widgets/base``, ``controls`` and ``output``, so
  nothing is fetched at run time), plus the Font Awesome ``woff2`` fonts its CSS refers to.
- MathJax 3 (``tex-mml-chtml.js``, its CHTML fonts and the TeX packages it autoloads).

``axe-core`` (used by the browser tests only) is copied to ``tests/browser/vendor``, outside
the published site.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"
SITE_VENDOR = ROOT / "book" / "_static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "browser" / "vendor"

HTML_MANAGER = "@jupyter-widgets/html-manager"
FONT_AWESOME = "@fortawesome/fontawesome-free"
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"

# (destination root, destination sub-directory, npm package, glob patterns inside the package)
COPIES: list[tuple[Path, str, str, list[str]]] = [
    (SITE_VENDOR, "requirejs", "requirejs", ["require.js"]),
    (SITE_VENDOR, "html-manager", HTML_MANAGER, ["dist/embed-amd.js", "dist/*.woff2"]),
    (SITE_VENDOR, "mathjax", "mathjax", ["es5/tex-mml-chtml.js"]),
    (SITE_VENDOR, f"mathjax/{MATHJAX_FONTS}", "mathjax", [f"es5/{MATHJAX_FONTS}/*"]),
    # TeX packages that MathJax loads on demand (e.g. \boldsymbol, \cancel, \ce)
    (SITE_VENDOR, "mathjax/input/tex/extensions", "mathjax", ["es5/input/tex/extensions/*.js"]),
    (TEST_VENDOR, "axe-core", "axe-core", ["axe.min.js"]),
]

# Files matched above but never loaded by the book
SKIP = {"all-packages.js"}

# Licence files copied next to the assets: (destination root, sub-directory, package, file, name)
LICENCES: list[tuple[Path, str, str, str, str]] = [
    (SITE_VENDOR, "mathjax", "mathjax", "LICENSE", "LICENSE"),
    # html-manager ships no LICENSE file; ipywidgets' packages share one BSD-3-Clause licence.
    (SITE_VENDOR, "html-manager", "@jupyter-widgets/base7", "LICENSE", "LICENSE"),
    (SITE_VENDOR, "html-manager", HTML_MANAGER, "dist/embed.js.LICENSE.txt", "THIRD-PARTY.txt"),
    (SITE_VENDOR, "html-manager", FONT_AWESOME, "LICENSE.txt", "LICENSE-fontawesome.txt"),
    (TEST_VENDOR, "axe-core", "axe-core", "LICENSE", "LICENSE"),
]

# RequireJS ships its MIT licence only as a header comment in require.js.
REQUIREJS_LICENCE = """RequireJS {version}
Copyright jQuery Foundation and other contributors, https://jquery.org/

Released under the MIT license (see the header of require.js and
https://github.com/requirejs/requirejs/blob/master/LICENSE):

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def package_version(package: str) -> str:
    """Return the installed version of an npm package from its ``package.json``."""
    return json.loads((NODE_MODULES / package / "package.json").read_text(encoding="utf-8"))[
        "version"
    ]


def vendor(*, clean: bool = True) -> list[Path]:
    """Copy the assets and licences; return the written files (sorted)."""
    if not NODE_MODULES.is_dir():
        raise FileNotFoundError(f"{NODE_MODULES} not found: run `npm ci` first")
    if clean:
        for root in (SITE_VENDOR, TEST_VENDOR):
            shutil.rmtree(root, ignore_errors=True)
    written: list[Path] = []
    versions: dict[str, str] = {}
    for root, subdir, package, patterns in COPIES:
        versions[package] = package_version(package)
        for pattern in patterns:
            sources = sorted((NODE_MODULES / package).glob(pattern))
            if not sources:
                raise FileNotFoundError(f"no file matches {package}/{pattern}")
            for source in sources:
                if source.name in SKIP:
                    continue
                target = root / subdir / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                written.append(target)
    for root, subdir, package, name, new_name in LICENCES:
        target = root / subdir / new_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE_MODULES / package / name, target)
        written.append(target)
    licence = SITE_VENDOR / "requirejs" / "LICENSE"
    licence.write_text(REQUIREJS_LICENCE.format(version=versions["requirejs"]))
    written.append(licence)
    for root in (SITE_VENDOR, TEST_VENDOR):
        manifest = root / "VERSIONS.json"
        used = {package: versions[package] for (r, _, package, _) in COPIES if r == root}
        manifest.write_text(json.dumps(used, indent=2, sort_keys=True) + "\n")
        written.append(manifest)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: vendor the assets and print their total size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-clean", action="store_true", help="keep files already vendored")
    args = parser.parse_args(argv)
    files = vendor(clean=not args.no_clean)
    for root in (SITE_VENDOR, TEST_VENDOR):
        size = sum(f.stat().st_size for f in files if root in f.parents)
        count = sum(1 for f in files if root in f.parents)
        print(f"{root.relative_to(ROOT)}: {count} files, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
