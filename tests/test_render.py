"""The HTML a paper entry renders to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import read_html, search_index, warnings_of


def entry(html: str, key: str) -> str:
    match = re.search(rf'<article class="ps-paper"[^>]*id="paper-{re.escape(key)}">.*?</article>',
                      html, re.S)
    assert match, f"no entry with key {key!r}"
    return match.group(0)


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_example_entry(app):
    app.build()
    assert warnings_of(app) == []
    html = entry(read_html(app), "2310.15213")
    # the title, with a permalink to the entry's own anchor
    assert '<span class="ps-title-text">Function Vectors in Large Language Models</span>' in html
    assert 'class="headerlink" href="#paper-2310.15213"' in html
    # the data a reader's filter uses
    for attribute in ('data-key="2310.15213"', 'data-venue="ICLR"', 'data-venue-kind="conference"',
                      'data-year="2024"', 'data-status="read"',
                      'data-tags="task vectors|interpretability"'):
        assert attribute in html
    # badges: venue coloured by kind, year, status, tags
    assert '<span class="ps-badge ps-venue ps-kind-conference" title="ICLR 2024 (conference)">ICLR</span>' in html
    assert '<span class="ps-badge ps-year" title="Year">2024</span>' in html
    # "read", the status most papers have, is the quiet default: no badge, the data stays
    assert "ps-status-read" not in html and 'data-status="read"' in html
    assert '>task vectors</span>' in html and '>interpretability</span>' in html
    # link buttons are real links
    assert re.search(r'<a class="ps-link ps-link-paper reference external" '
                     r'href="https://arxiv.org/abs/2310.15213">paper</a>', html)
    assert 'href="https://github.com/ericwtodd/function_vectors">code</a>' in html
    # the summary is visible, the notes are collapsed in <details> (closed: no "open")
    assert '<p class="ps-summary">One-line summary that is always visible.</p>' in html
    notes = re.search(r"<details class=\"ps-notes\">\s*<summary>Notes</summary>(.*?)</details>", html, re.S)
    assert notes, html
    assert "Longer notes" in notes.group(1)
    assert '<span class="math notranslate nohighlight">' in notes.group(1)
    assert "<li><p>a point</p></li>" in notes.group(1)
    assert "One-line summary" not in notes.group(1)


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_entry_with_every_kind_of_option(app):
    app.build()
    html = entry(read_html(app), "bhattamishra2024")
    assert ('<p class="ps-authors"><span class="ps-author">Satwik Bhattamishra</span>, '
            '<span class="ps-author">Arkil Patel</span>, <span class="ps-author">Phil Blunsom</span>, '
            '<span class="ps-author">Varun Kanade</span></p>') in html
    assert '<span class="ps-badge ps-extra">Oral</span>' in html
    assert 'title="Reviewer ratings, mean 7.33">8 / 8 / 6</span>' in html
    assert '<span class="ps-badge ps-status ps-status-skimmed"' in html
    labels = re.findall(r'<a class="ps-link[^"]*" href="([^"]+)">([^<]+)</a>', html)
    assert labels == [
        ("https://arxiv.org/abs/2310.03016", "paper"),
        ("https://openreview.net/forum?id=ekeyCgeRfC", "openreview"),
        ("https://example.org/talk", "Talk"),
        ("https://example.org/poster.pdf", "Poster PDF"),
    ]


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_title_only_entry_is_unread_and_has_no_notes(app):
    app.build()
    html = entry(read_html(app), "batch-icl-effective-efficient-and-order-agnostic-in-context")
    assert 'data-status="unread"' in html
    assert "ps-status-unread" in html
    assert "<details" not in html and "ps-summary" not in html
    assert 'title="Arxiv Jan 2024 (preprint)">arXiv</span>' in html


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_titles_tags_and_venues_are_escaped(app):
    app.build()
    page = read_html(app)
    assert "<script>alert(1)</script>" not in page
    assert "<b>Bold</b>" not in page and "<i>x</i>" not in page
    assert "大语言模型的幻觉：一项综述 &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;i&gt;x&lt;/i&gt;" in page
    assert "Workshop on &lt;b&gt;Bold&lt;/b&gt; Things" in page


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_papers_do_not_enter_the_navigation(app):
    app.build()
    toc = app.env.tocs["index"].astext()
    assert "Function Vectors" not in toc
    assert "<section" not in entry(read_html(app), "2310.15213")


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_cross_references_show_the_title(app):
    app.build()
    html = read_html(app, "other")
    assert re.search(r'<a class="reference internal" href="index.html#paper-2310.15213" '
                     r'title="Function Vectors in Large Language Models"><span class="xref paper paper-ref">'
                     r"Function Vectors in Large Language Models</span></a>", html)
    # the short role and an explicit title
    assert 'href="index.html#paper-bhattamishra2024"' in html
    assert ">the batch paper</span></a>" in html
    # an arXiv id finds the paper whose own key is something else
    assert html.count('href="index.html#paper-bhattamishra2024"') == 2


@pytest.mark.sphinx("text", testroot="basic", freshenv=True)
def test_other_builders_render_the_entries(app):
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert "Function Vectors in Large Language Models" in text
    assert "ICLR 2024 task vectors interpretability" in text
    assert "Longer notes" in text
    assert warnings_of(app) == []


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_stylesheet_is_shipped(app):
    app.build()
    assert (app.outdir / "_static" / "papershelf.css").is_file()
    assert 'href="_static/papershelf.css' in read_html(app)


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_domain_objects_feed_the_inventory(app):
    app.build()
    objects = sorted(app.env.domains["paper"].get_objects())
    assert ("2310.15213", "Function Vectors in Large Language Models", "entry", "index",
            "paper-2310.15213", 1) in objects
    assert (app.outdir / "objects.inv").is_file()


@pytest.mark.sphinx("html", testroot="basic", freshenv=True)
def test_search_results_for_papers_link_to_their_entries(app):
    """The search page rebuilds an object's anchor from the index: a shortened
    anchor is "" (the name) or "-" (type, "-", displayed name).  Every paper's
    rebuilt anchor must be an id on its page."""
    app.build()
    index = search_index(app.outdir)
    checked = 0
    for prefix, objects in index["objects"].items():
        for file_index, type_index, _priority, anchor, name in objects:
            domain, object_type, _ = index["objnames"][str(type_index)]
            if domain != "paper":
                continue
            shown = f"{prefix}.{name}" if prefix else name
            anchor = {"": shown, "-": f"{object_type}-{shown}"}.get(anchor, anchor)
            html = (app.outdir / f"{index['docnames'][file_index]}.html").read_text(encoding="utf-8")
            assert f'id="{anchor}"' in html, (shown, anchor)
            checked += 1
    assert checked == len({key.casefold() for key, *_ in app.env.domains["paper"].get_objects()}) > 3


def test_year_headings_say_the_year_once_and_catch_a_paper_of_another_year(make_apps, tmp_path):
    from conftest import copy_root, warnings_of

    srcdir = copy_root(tmp_path, "basic")
    (srcdir / "years.md").write_text(
        "# Years\n\n## 2024\n\n"
        "```{paper} A paper of its heading's year\n:venue: ICLR 2024\n```\n\n"
        "```{paper} A paper filed under the wrong year\n:venue: ICLR 2025\n```\n", encoding="utf-8")
    (srcdir / "index.md").write_text((srcdir / "index.md").read_text(encoding="utf-8")
                                     .replace("other\n", "other\nyears\n"), encoding="utf-8")
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    app.build()
    html = (Path(app.outdir) / "years.html").read_text(encoding="utf-8")
    right, wrong = html.split('data-key="a-paper-filed-under-the-wrong-year"')
    assert "ps-year" not in right.split("<article", 2)[-1]      # the heading says 2024
    assert '<span class="ps-badge ps-year" title="Year">2025</span>' in wrong
    assert [line.split("years.md:", 1)[1] for line in warnings_of(app) if "years.md" in line] == [
        "9: WARNING: the paper's year is 2025 but it is under the heading 2024: move it, or correct "
        "its :year: or :venue: [papershelf.year]"]


def test_authors_link_to_their_group_and_the_lab_is_highlighted(make_apps, tmp_path):
    from conftest import copy_root, warnings_of

    srcdir = copy_root(tmp_path, "basic")
    (srcdir / "people.md").write_text(
        "# People\n\n```{paper-index}\n:by: author\n```\n\n"
        "```{paper} A paper by two people\n:authors: Lovelace, Ada; Alan Turing\n:venue: ICLR 2024\n```\n\n"
        "```{paper} A third paper by Ada\n:authors: Ada Lovelace\n```\n",
        encoding="utf-8")
    (srcdir / "other.md").write_text((srcdir / "other.md").read_text(encoding="utf-8") +
                                     "\n```{paper} Another paper by Ada\n:authors: ada lovelace\n```\n",
                                     encoding="utf-8")
    (srcdir / "index.md").write_text((srcdir / "index.md").read_text(encoding="utf-8")
                                     .replace("other\n", "other\npeople\n"), encoding="utf-8")
    app = make_apps("html", srcdir=srcdir, freshenv=True,
                    confoverrides={"papershelf_highlight_authors": ["Ada Lovelace"]})
    app.build()
    people = (Path(app.outdir) / "people.html").read_text(encoding="utf-8")
    other = (Path(app.outdir) / "other.html").read_text(encoding="utf-8")
    # one group for the three spellings of one person
    ada = re.search(r'id="(group-[^"]*)"[^>]*>Ada Lovelace <span class="ps-count">\((\d+)\)', people)
    assert ada and ada.group(2) == "3", people
    # each name on an entry links to its group, the lab's own names marked
    assert re.search(rf'<a class="ps-author ps-author-highlight reference internal" href="people.html#{ada.group(1)}">'
                     r"ada lovelace</a>", other), other
    assert 'class="ps-author reference internal" href="#group-alan-turing">Alan Turing</a>' in people
    assert not [line for line in warnings_of(app) if "people.md" in line]


def test_the_fast_escaping_is_the_translators_own():
    """The Copy BibTeX button's attribute is escaped by replacements, not by
    docutils' ``str.translate``: the same text for any input, and no fast
    path for a table where a replacement could be replaced again."""
    import random

    from docutils.writers._html_base import HTMLTranslator

    from papershelf.html import _replacing

    table = HTMLTranslator.special_characters
    replace = _replacing(table)
    pieces = ["&", "<", ">", '"', "@", "'", "#", ";", "a", "1", " ", "\n", "中", "&amp;", "&#64;"]
    randomly = random.Random(7)
    for _ in range(5000):
        text = "".join(randomly.choice(pieces) for _ in range(randomly.randint(0, 40)))
        assert replace(text) == text.translate(table)
    assert _replacing({ord("&"): "&amp;", ord("x"): "&#120;", ord("1"): "one"}) is None
