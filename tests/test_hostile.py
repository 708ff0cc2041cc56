"""Entries written to harm: nothing they hold runs in a browser, reads a file
of the build machine, or breaks papers.bib; every change is a warning with
its file and line, and every entry is still on the page."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pybtex.database
import pybtex.errors
import pytest

from conftest import copy_root, warnings_of
from test_bibtex import decode, person_text
from test_sanitize import served_page

#: (line, words of the message): each change the site makes to the hostile page
EXPECTED = [
    (6, "HTML removed from the notes: <script> element"),
    (6, "HTML removed from the notes: </script> tag"),
    (12, "HTML removed from the notes: onerror attribute on <img>"),
    (12, "HTML removed from the notes: onclick attribute on <b>"),
    (14, "HTML removed from the notes: <svg> element"),
    (14, "HTML removed from the notes: <circle> element"),
    (14, "HTML removed from the notes: </svg> tag"),
    (22, "HTML removed from the notes: <iframe> element"),
    (24, "HTML removed from the notes: <style> element"),
    (26, "HTML removed from the notes: javascript: URL in href"),
    (34, "HTML removed from the notes: <script> element"),
    (39, "a javascript: link is not allowed in notes; it is shown as text"),
    (45, "HTML removed from the notes: javascript: URL in href"),
    (56, "math with \\href with a javascript: URL is shown as text"),
    # the notes read a file: they are shown as their source text, not run
    (59, "the notes read '"),
]


def build(make_apps, tmp_path, **overrides):
    srcdir = copy_root(tmp_path, "hostile")
    app = make_apps("html", srcdir=srcdir, freshenv=True, confoverrides=overrides)
    app.build()
    return app, Path(app.outdir)


def test_every_change_is_a_warning_with_its_line_and_every_entry_stays(make_apps, tmp_path):
    app, outdir = build(make_apps, tmp_path)
    found = []
    for line in warnings_of(app):
        match = re.match(r".*index\.md:(\d+): WARNING: (.*) \[papershelf\.html\]$", line)
        assert match, line
        found.append((int(match.group(1)), match.group(2)))
    assert len(found) == len(EXPECTED), found
    for (line, message), (expected_line, words) in zip(sorted(found), sorted(EXPECTED)):
        assert line == expected_line and message.startswith(words), (line, message)
    page = (outdir / "index.html").read_text(encoding="utf-8")
    assert page.count('<article class="ps-paper"') == 10
    body = page[page.index('<article'):page.rindex('</article>')]
    # nothing that runs, nothing of the build machine
    assert "<script" not in body and "<iframe" not in body and "<style" not in body and "<svg" not in body
    assert not re.search(r"\son\w+\s*=", body)
    assert not re.search(r"""(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):""", body, re.I)
    assert "TOP-SECRET" not in "".join(path.read_text(encoding="utf-8", errors="replace")
                                       for path in outdir.rglob("*") if path.is_file())
    # harmless markup people use in notes stays as written
    for kept in ("H<sub>2</sub>O", "x<sup>2</sup>", "<kbd>Ctrl</kbd>", "<br>a line",
                 '<img src="https://example.org/figure.png" alt="figure">', "<b>bold</b>",
                 '<p class="kept">kept paragraph</p>'):
        assert kept in body, kept


def test_a_site_that_trusts_its_authors_can_say_so(make_apps, tmp_path):
    app, outdir = build(make_apps, tmp_path, papershelf_trust_html=True)
    assert not [line for line in warnings_of(app) if "papershelf.html" in line]
    page = (outdir / "index.html").read_text(encoding="utf-8")
    assert '<script>alert("raw")</script>' in page
    assert "TOP-SECRET-LINE-OF-THE-BUILD-MACHINE" in page


def test_papers_bib_parses_strictly_and_gives_back_what_papers_json_says(make_apps, tmp_path):
    _, outdir = build(make_apps, tmp_path)
    bib = (outdir / "papers.bib").read_text(encoding="utf-8")
    papers = json.loads((outdir / "papers.json").read_text(encoding="utf-8"))["papers"]
    before = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        entries = pybtex.database.parse_string(bib, "bibtex").entries
    finally:
        pybtex.errors.set_strict_mode(before)
    assert len(entries) == len(papers) == 10
    for paper in papers:
        entry = entries[paper["key"]]
        assert decode(entry.fields["title"]) == paper["title"]
        assert [person_text(person) for person in entry.persons.get("author", [])] == paper["authors"]
        if "paper" in paper["links"]:
            # a URL BibTeX could not carry as written is percent-encoded: the same address
            assert unquote(entry.fields["url"]) == unquote(paper["links"]["paper"])
    hostile = {paper["title"]: paper for paper in papers}
    assert "A title that ends in a backslash \\" in hostile
    assert hostile["A title that ends in a backslash \\"]["authors"] == ["Tom and Jerry", "Ada Lovelace"]


def test_no_script_runs_and_no_script_link_exists_in_chromium(make_apps, tmp_path):
    _, outdir = build(make_apps, tmp_path)
    with served_page(str(outdir)) as page:
        page.goto(page.base + "index.html")
        # the page has math: MathJax, served by the site with its safe extension, typesets it
        page.wait_for_function("window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("MathJax.startup.promise")
        assert page.query_selector("mjx-container") is not None
        for details in page.query_selector_all("details"):
            details.evaluate("node => node.open = true")
        page.wait_for_timeout(300)
        unsafe = page.evaluate("""() => [...document.querySelectorAll('[href], [src], [action], [formaction]')]
            .map(node => node.href || node.src || node.action || '')
            .filter(url => /^\\s*(javascript|vbscript|data):/i.test(String(url)))""")
        assert unsafe == []
        # every element of the entries is hovered, focused and its inline
        # handlers (none should be left) would fire now
        handlers = page.evaluate("""() => [...document.querySelectorAll('article *')]
            .flatMap(node => [...node.attributes].map(attribute => attribute.name))
            .filter(name => name.startsWith('on'))""")
        assert handlers == []
        page.evaluate("""() => document.querySelectorAll('article *').forEach(node => {
            for (const type of ['mouseover', 'focus', 'load', 'error']) node.dispatchEvent(new Event(type));
        })""")
        page.wait_for_timeout(300)
        assert page.dialogs == []


def test_one_bad_option_line_costs_no_other_option(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "basic")
    (srcdir / "options.md").write_text(
        "# Options\n\n"
        "```{paper} Careless options\n"
        ":venue:ICLR 2024\n"          # no space after the colon
        ":tags:\tone, two\t\n"        # tabs
        ":status: 'read\n"            # an unterminated quote
        ":venue: NeurIPS 2023\n"      # a duplicate
        ":code: https://github.com/o/r\n"
        "\n"
        "A summary.\n\n"
        ":paper: https://arxiv.org/abs/2310.15213\n"   # in the body
        "```\n", encoding="utf-8")
    (srcdir / "index.md").write_text((srcdir / "index.md").read_text(encoding="utf-8")
                                     .replace("other\n", "other\noptions\n"), encoding="utf-8")
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    app.build()
    html = (Path(app.outdir) / "options.html").read_text(encoding="utf-8")
    assert 'data-venue="ICLR"' in html and 'data-tags="one|two"' in html
    assert 'href="https://github.com/o/r"' in html
    assert "arxiv.org/abs/2310.15213" not in html.split("ps-links", 1)[1].split("</p>", 1)[0]
    lines = sorted(int(re.search(r"options\.md:(\d+):", line).group(1))
                   for line in warnings_of(app) if "options.md" in line and "papershelf.option" in line)
    # every line not read exactly as written is named: 4, 5, 6, 7 and the body's line 12
    assert set(lines) == {4, 5, 6, 7, 12}, warnings_of(app)
