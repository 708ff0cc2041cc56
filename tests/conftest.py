"""Shared fixtures: Sphinx's own testing fixtures, with our test roots."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

TESTS = Path(__file__).parent
ROOTS = TESTS / "roots"
SEEDS = TESTS / "data" / "seeds"
PROJECT = TESTS.parent
#: what a build of the project's own site needs
SITE_PARTS = ("conf.py", "index.md", "papers", "indexes", "_static")


def bib_entries(text: str) -> set[str]:
    """The entries of a ``papers.bib``, each as written, with its final newline."""
    return {"@" + chunk.strip() + "\n" for chunk in ("\n" + text).split("\n@")[1:]}


def search_index(outdir: Path) -> dict:
    """The data of a built site's ``searchindex.js``."""
    import json

    text = (outdir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def copy_site(destination: Path) -> Path:
    """A copy of the project's own site, to build without touching the clone."""
    destination.mkdir(parents=True)
    for part in SITE_PARTS:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


OUTPUTS = ("*.html", "searchindex.js", "objects.inv", "papers.json", "papers.bib")


def copy_root(tmp_path: Path, name: str) -> Path:
    srcdir = tmp_path / name
    shutil.copytree(ROOTS / f"test-{name}", srcdir)
    return srcdir


def outputs(outdir: Path) -> dict[str, bytes]:
    return {str(path.relative_to(outdir)): path.read_bytes()
            for pattern in OUTPUTS for path in sorted(outdir.rglob(pattern))}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    # a later mtime than the last build, whatever the clock's resolution
    later = path.stat().st_mtime + 5
    os.utime(path, (later, later))


def snapshot(outdir: Path) -> dict[str, int]:
    """The modification time of each page, to tell afterwards which were written."""
    return {path.stem: path.stat().st_mtime_ns for path in outdir.rglob("*.html")}


def written(outdir: Path, before: dict[str, int]) -> set[str]:
    after = snapshot(outdir)
    return {page for page, mtime in after.items() if before.get(page) != mtime} - {"genindex", "search"}


def rebuilder(make_apps, srcdir: Path):
    """A function that builds ``srcdir`` again (incrementally) and returns the app."""
    def build():
        app = make_apps("html", srcdir=srcdir)
        app.build()
        return app
    return build


def warnings_of(app) -> list[str]:
    """The warning lines of a build, without colour codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


def read_html(app, docname: str = "index") -> str:
    return (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")


@pytest.fixture
def make_apps(make_app):
    """Like ``make_app``, for tests that build more than once: each new
    application first cleans up the global state (registered nodes, roles)
    that the one before left, as a separate ``sphinx-build`` run would."""
    made = []

    def make(*args, **kwargs):
        if made:
            made[-1].cleanup()
        app = make_app(*args, **kwargs)
        made.append(app)
        return app

    return make


#: A year heading the owner's notes contradict: an ICLR 2025 paper filed under
#: "2024", say.  The site says so; these are the only warnings it may give.
YEAR_HEADING = re.compile(r"WARNING: the paper's year is \d{4} but it is under the heading \d{4}: .* \[papershelf\.year\]$")


def unexpected_warnings(app) -> list[str]:
    """The build's warnings, but for year headings the seed notes contradict."""
    return [line for line in warnings_of(app) if not YEAR_HEADING.search(line)]


@contextlib.contextmanager
def served(srcdir: Path, outdir: Path):
    """``srcdir`` built with sphinx-build into ``outdir`` and served on
    127.0.0.1; yields the base address (``http://127.0.0.1:PORT/``)."""
    import functools
    import subprocess
    import sys
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", str(srcdir), str(outdir)],
                   check=True, cwd=srcdir, capture_output=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(outdir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
