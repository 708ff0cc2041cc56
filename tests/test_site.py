"""The project's own site builds cleanly."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import TESTS, warnings_of

PROJECT = TESTS.parent
SITE_PARTS = ("conf.py", "index.md", "papers", "_static")


def test_site_builds_without_warnings(make_app, tmp_path):
    srcdir = tmp_path / "site"
    srcdir.mkdir()
    for part in SITE_PARTS:
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, srcdir / part)
        else:
            shutil.copy2(source, srcdir / part)
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", freshenv=True)
    app.build()
    assert warnings_of(app) == []
    outdir = Path(app.outdir)
    pages = sorted((srcdir / "papers").rglob("*.md"))
    assert len(pages) > 20
    # every page is built, and every entry of every page is rendered
    for page in pages:
        html = outdir / page.relative_to(srcdir).with_suffix(".html")
        assert html.is_file(), html
        written = page.read_text(encoding="utf-8").count("```{paper}")
        assert html.read_text(encoding="utf-8").count('<article class="ps-paper"') == written, page
