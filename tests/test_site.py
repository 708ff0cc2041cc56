"""The project's own site builds cleanly."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from conftest import unexpected_warnings, copy_root, copy_site, search_index, warnings_of


def test_site_builds_without_warnings(make_app, tmp_path):
    srcdir = copy_site(tmp_path / "site")
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", freshenv=True)
    app.build()
    assert unexpected_warnings(app) == []
    outdir = Path(app.outdir)
    pages = sorted((srcdir / "papers").rglob("*.md"))
    assert len(pages) > 20
    # every page is built, and every entry of every page is rendered
    for page in pages:
        html = outdir / page.relative_to(srcdir).with_suffix(".html")
        assert html.is_file(), html
        written = page.read_text(encoding="utf-8").count("```{paper}")
        assert html.read_text(encoding="utf-8").count('<article class="ps-paper"') == written, page


def search_terms(outdir: Path):
    index = search_index(outdir)
    pages = index["docnames"]

    def found(term: str) -> set[str]:
        """Pages with ``term`` in their text or their title."""
        hits = set()
        for table in ("terms", "titleterms"):
            entry = index[table].get(term, [])
            hits |= {pages[hit] for hit in ([entry] if isinstance(entry, int) else entry)}
        return hits
    return found


def test_site_search_mathjax_and_copy_buttons(make_app, tmp_path):
    srcdir = copy_site(tmp_path / "site")
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", freshenv=True)
    app.build()
    outdir = Path(app.outdir)
    found = search_terms(outdir)
    # Chinese words, split by jieba, and English words, stemmed, are both indexed
    assert {"papers/llm-vlm/vlm/hallucination-of-vlms", "papers/llm-vlm/llm/in-context-learning"} <= found("幻觉")
    assert "papers/llm-vlm/vlm/hallucination-of-vlms" in found("hallucin")
    assert "papers/llm-vlm/vlm/multimodal-icl" in found("cvpr")
    # the search page's script names a stemmer class its code defines
    language_data = (outdir / "_static" / "language_data.js").read_text(encoding="utf-8")
    stemmer = re.search(r"window\.Stemmer = (\w+);", language_data).group(1)
    assert re.search(rf"\b(var|let|const|class|function) {stemmer}\b", language_data), stemmer
    # MathJax comes from the site itself, fonts included
    page = (outdir / "papers/llm-vlm/vlm/hallucination-of-vlms.html").read_text(encoding="utf-8")
    assert re.search(r'src="../../../_static/mathjax/tex-chtml.js\?v=\w+"', page)
    assert "cdn.jsdelivr" not in page
    assert (outdir / "_static/mathjax/tex-chtml.js").stat().st_size > 500_000
    assert len(list((outdir / "_static/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))) > 10
    # the reader's script is on every page, a copy button in every entry
    assert 'src="../../../_static/papershelf.js' in page
    assert page.count('class="ps-copy-bib"') == page.count('<article class="ps-paper"') > 5


def test_chinese_search_without_jieba_warns(make_app, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "jieba", None)  # import jieba now fails
    srcdir = copy_root(tmp_path, "basic")
    app = make_app("html", srcdir=srcdir, freshenv=True, confoverrides={"html_search_language": "zh"})
    app.build()
    assert any("jieba is not installed" in line and "[papershelf.config]" in line
               for line in warnings_of(app))


def test_mathjax_from_its_cdn_when_asked(make_app, tmp_path):
    srcdir = copy_root(tmp_path, "basic")
    (srcdir / "math.md").write_text("# Math\n\nInline $x^2$.\n", encoding="utf-8")
    app = make_app("html", srcdir=srcdir, freshenv=True, confoverrides={"papershelf_local_mathjax": False})
    app.build()
    assert "https://cdn.jsdelivr.net/npm/mathjax" in (Path(app.outdir) / "math.html").read_text(encoding="utf-8")
    assert not (Path(app.outdir) / "_static" / "mathjax").exists()
