"""The project's own site builds cleanly."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site, warnings_of


def test_site_builds_without_warnings(make_app, tmp_path):
    srcdir = copy_site(tmp_path / "site")
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
