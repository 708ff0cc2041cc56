"""Indexes, the overview and "also in" are the same in every builder.

Builders that assemble one document from many pages (singlehtml, latex)
resolve every page as the root page; placeholders keep their own page, so
what they show must not depend on which builder drew them.  Each test counts
what a reader sees (paper titles, "Also in", the overview's totals, index
group labels) in the whole output and compares it with the HTML build.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import copy_root

#: titles in the test root free of LaTeX specials, so every builder writes them as they are
TITLES = (
    "Function Vectors in Large Language Models",
    "Symbol tuning improves in-context learning",
    "Larger language models do in-context learning differently",
    "Visual Instruction Tuning",
)
PHRASES = ("Also in:", "5 papers on 2 topic pages", "Most frequent venues", "No venue", "Unread")
OUTPUT_SUFFIXES = {"html": ".html", "dirhtml": ".html", "singlehtml": ".html", "epub": ".xhtml",
                   "latex": ".tex", "text": ".txt", "json": ".fjson"}


def seen(outdir: Path, builder: str) -> dict[str, int]:
    """How often each title and phrase appears in the readable text of the output."""
    text = []
    for path in sorted(outdir.rglob(f"*{OUTPUT_SUFFIXES[builder]}")):
        if path.name in ("search.html", "genindex.html", "genindex.xhtml", "nav.xhtml"):
            continue
        content = path.read_text(encoding="utf-8")
        if builder == "json":
            content = json.loads(content).get("body") or ""
        if builder == "latex":
            content = content.replace("\\sphinxhyphen{}", "-")
            content = re.sub(r"\\(?:sphinxhref|href)\{[^}]*\}", " ", content)   # URLs, not text
            content = re.sub(r"\\[a-zA-Z@]+\*?|[{}]", " ", content)
        elif builder != "text":
            content = re.sub(r"<(script|style|head)\b.*?</\1>", " ", content, flags=re.S)
            content = html.unescape(re.sub(r"<[^>]+>", " ", content))
        text.append(content)
    words = " ".join(" ".join(text).split())
    return {needle: words.count(needle) for needle in (*TITLES, *PHRASES)}


@pytest.fixture(scope="module")
def reference(tmp_path_factory, make_app_module):
    return make_app_module("html")


@pytest.fixture(scope="module")
def make_app_module(tmp_path_factory):
    from sphinx.testing.util import SphinxTestApp

    made = []

    def make(builder: str) -> dict[str, int]:
        tmp_path = tmp_path_factory.mktemp(builder)
        srcdir = copy_root(tmp_path, "indexes")
        app = SphinxTestApp(builder, srcdir=srcdir, builddir=tmp_path / "_build", freshenv=True)
        made.append(app)
        app.build()
        return seen(Path(app.outdir), builder)

    yield make
    for app in made:
        app.cleanup()


def test_the_html_build_shows_every_part(reference):
    # each title: its entry, and its items in the four indexes that list it
    assert all(reference[title] >= 3 for title in TITLES), reference
    assert reference["Also in:"] == 4   # two papers on two pages each
    assert reference["5 papers on 2 topic pages"] == 1


@pytest.mark.parametrize("builder", ["dirhtml", "singlehtml", "epub", "latex", "text", "json"])
def test_every_builder_shows_what_html_shows(builder, reference, make_app_module):
    assert make_app_module(builder) == reference


def test_singlehtml_links_land_on_anchors_of_the_one_page(tmp_path, make_apps):
    srcdir = copy_root(tmp_path, "indexes")
    app = make_apps("singlehtml", srcdir=srcdir, freshenv=True)
    app.build()
    page = Path(app.outdir, "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', page))
    targets = re.findall(r'href="#([^"]+)"', page)
    assert len(targets) > 20
    assert [target for target in targets if target not in ids] == []


def test_the_chart_is_a_table_where_svg_cannot_be_shown(tmp_path, make_apps):
    srcdir = copy_root(tmp_path, "indexes")
    app = make_apps("text", srcdir=srcdir, freshenv=True)
    app.build()
    overview = Path(app.outdir, "overview.txt").read_text(encoding="utf-8")
    assert "<svg" not in overview
    assert re.search(r"Year\s+\|\s+Conference", overview)
    assert re.search(r"2024\s+\|\s+\d", overview)
