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
    topics = sorted((srcdir / "papers").glob("*.md"))
    assert topics
    for topic in topics:
        page = outdir / "papers" / f"{topic.stem}.html"
        assert page.is_file(), page
    # every entry of every topic page is rendered
    for topic in topics:
        written = topic.read_text(encoding="utf-8").count("```{paper}")
        html = (outdir / "papers" / f"{topic.stem}.html").read_text(encoding="utf-8")
        assert html.count('<article class="ps-paper"') == written, topic.name
