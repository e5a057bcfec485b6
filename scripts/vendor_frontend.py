#!/usr/bin/env python3
"""Vendor the front-end libraries the pages use, from npm at the versions pinned in
``scripts/frontend/package.json`` (and its lock), into ``src/kg/api/static/vendor/`` (and axe-core,
which only the browser tests inject, into ``tests/browser/vendor/``).

    python3 scripts/vendor_frontend.py           # install the pins in a temp dir, copy, write notes
    python3 scripts/vendor_frontend.py --check   # the committed files match the manifest

The copies are committed: the service runs offline and CI needs no npm. Each library gets its
licence (and those of the packages its bundle contains), and ``MANIFEST.json`` plus
``README.md`` beside them record version, licence, and the size and sha256 of every file,
so that what each library costs is stated where it is shipped. ``npm ci --ignore-scripts``:
no install script of any package runs (swagger-ui-dist depends on an analytics package whose
install script phones home).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / "scripts" / "frontend"
STATIC = ROOT / "src" / "kg" / "api" / "static" / "vendor"
TESTS = ROOT / "tests" / "browser" / "vendor"
LICENCE_NAMES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "license", "LICENSE-MIT")

#: Upstream says MIT in package.json and its README ("This code is released under the MIT
#: license.") but ships no licence file in the package; this is the MIT text for it.
MIT_YASQE = """\
The MIT License (MIT)

Copyright (c) Triply B.V. and Zazuko GmbH (YASGUI: https://github.com/zazuko/Yasgui)

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


@dataclass(frozen=True)
class Library:
    package: str
    folder: str  # under the destination
    files: tuple[str, ...]  # paths inside the package: what a browser loads
    purpose: str
    extras: tuple[str, ...] = ()  # notices shipped beside them, not loaded
    bundled: tuple[str, ...] = ()  # packages inside the bundle, whose licences come along
    licence_text: str | None = None  # when the package ships none
    destination: Path = STATIC


LIBRARIES = (
    Library(
        "@zazuko/yasqe",
        "yasqe",
        ("build/yasqe.min.js", "build/yasqe.min.css"),
        "SPARQL editor of YASGUI (syntax highlighting, prefixes, syntax errors): /query",
        bundled=("codemirror",),
        licence_text=MIT_YASQE,
    ),
    Library(
        "swagger-ui-dist",
        "swagger-ui",
        ("swagger-ui-bundle.js", "swagger-ui.css"),
        "the OpenAPI documentation at /docs",
        extras=("swagger-ui-bundle.js.LICENSE.txt", "NOTICE"),
    ),
    Library("d3", "d3", ("dist/d3.min.js",), "what Observable Plot draws with: /fundings"),
    Library(
        "@observablehq/plot",
        "plot",
        ("dist/plot.umd.min.js",),
        "the chart and the map of who funds what where: /fundings",
        bundled=("interval-tree-1d", "isoformat", "binary-search-bounds"),
    ),
    Library(
        "topojson-client",
        "topojson-client",
        ("dist/topojson-client.min.js",),
        "reads the world TopoJSON for the map: /fundings",
    ),
    Library(
        "world-atlas",
        "world-atlas",
        ("countries-110m.json",),
        "Natural Earth 1:110m country shapes (public domain) as TopoJSON, ids are ISO 3166 "
        "numeric codes: the map of /fundings",
    ),
    Library(
        "cytoscape",
        "cytoscape",
        ("dist/cytoscape.min.js",),
        "the picture of an entity's neighbourhood: /id/{slug}",
    ),
    Library(
        "axe-core",
        "axe-core",
        ("axe.min.js",),
        "accessibility checks in the browser tests (not served)",
        destination=TESTS,
    ),
)


def _licence(package_dir: Path) -> Path | None:
    for name in LICENCE_NAMES:
        if (package_dir / name).is_file():
            return package_dir / name
    return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install(work: Path) -> Path:
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(PINS / name, work / name)
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=work,
        check=True,
    )
    return work / "node_modules"


def vendor(modules: Path) -> dict[str, dict[str, object]]:
    manifest: dict[str, dict[str, object]] = {}
    for lib in LIBRARIES:
        source = modules / lib.package
        meta = json.loads((source / "package.json").read_text())
        target = lib.destination / lib.folder
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in (*lib.files, *lib.extras):
            shutil.copy2(source / name, target / Path(name).name)
        licence = _licence(source)
        if licence is not None:
            shutil.copy2(licence, target / "LICENSE")
        elif lib.licence_text is not None:
            (target / "LICENSE").write_text(lib.licence_text)
        else:
            sys.exit(f"{lib.package} ships no licence file and none is given here")
        for inner in lib.bundled:
            inner_licence = _licence(modules / inner)
            if inner_licence is None:
                sys.exit(f"{inner} (bundled in {lib.package}) ships no licence file")
            inner_version = json.loads((modules / inner / "package.json").read_text())["version"]
            (target / f"LICENSE.{inner}").write_text(
                f"{inner} {inner_version}, bundled in {Path(lib.files[0]).name}:\n\n"
                + inner_licence.read_text()
            )
        files = {
            path.name: {"bytes": path.stat().st_size, "sha256": _sha256(path)}
            for path in sorted(target.iterdir())
        }
        manifest[lib.package] = {
            "version": meta["version"],
            "license": meta.get("license"),
            "folder": str(target.relative_to(ROOT)),
            "purpose": lib.purpose,
            "files": files,
            # What a browser loads; licences and notices left out.
            "bytes": sum(int(str(files[Path(name).name]["bytes"])) for name in lib.files),
        }
    return manifest


def write_notes(manifest: dict[str, dict[str, object]]) -> None:
    (STATIC / "MANIFEST.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    lines = [
        "# Vendored front-end libraries",
        "",
        "Copied from npm by `python3 scripts/vendor_frontend.py` at the versions pinned in",
        "`scripts/frontend/package.json` (and its lock); do not edit these files by hand.",
        "Bytes are what a browser downloads (uncompressed, licences left out).",
        "",
        "| package | version | licence | bytes | files | used for |",
        "|---|---|---|---:|---|---|",
    ]
    for package, entry in manifest.items():
        lib = next(lib for lib in LIBRARIES if lib.package == package)
        shipped = ", ".join(f"`{Path(f).name}`" for f in lib.files)
        lines.append(
            f"| {package} | {entry['version']} | {entry['license']} | {entry['bytes']:,} "
            f"| {shipped} | {entry['purpose']} |"
        )
    (STATIC / "README.md").write_text("\n".join(lines) + "\n")


def check() -> int:
    manifest = json.loads((STATIC / "MANIFEST.json").read_text())
    wrong = []
    for entry in manifest.values():
        folder = ROOT / entry["folder"]
        for name, info in entry["files"].items():
            path = folder / name
            if not path.is_file() or _sha256(path) != info["sha256"]:
                wrong.append(str(path.relative_to(ROOT)))
    for path in wrong:
        print(f"differs from MANIFEST.json: {path}", file=sys.stderr)
    return 1 if wrong else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the committed copies")
    args = parser.parse_args()
    if args.check:
        return check()
    with tempfile.TemporaryDirectory(prefix="coop-kg-npm-") as temp:
        manifest = vendor(install(Path(temp)))
    write_notes(manifest)
    for package, entry in manifest.items():
        print(f"{package}@{entry['version']}: {entry['bytes']:,} bytes -> {entry['folder']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
