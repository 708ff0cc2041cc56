"""The papers' search index (_static/papershelf-search.js), against papers.json
and against the word cutting of Sphinx's own search."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import snowballstemmer

from conftest import copy_root, read_html, search_index, warnings_of
from papershelf import papersearch


def load_index(outdir: Path) -> dict:
    text = (outdir / papersearch.INDEX_FILE).read_text(encoding="utf-8")
    body = text[text.index("=") + 1:].strip().rstrip(";")
    return json.loads(body)


def rows(index: dict) -> list[dict]:
    return [dict(zip(index["fields"], row)) for row in index["papers"]]


@pytest.fixture
def built(make_apps, tmp_path):
    """The test site, searched in Chinese like the project's own."""
    srcdir = copy_root(tmp_path, "site")
    with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('html_search_language = "zh"\n')
    app = make_apps("html", srcdir=srcdir)
    app.build()
    return app


def papers_of(app) -> list[dict]:
    return json.loads((Path(app.outdir) / "papers.json").read_text(encoding="utf-8"))["papers"]


def test_every_paper_is_in_the_index(built):
    papers = papers_of(built)
    index = load_index(Path(built.outdir))
    assert index["language"] == "zh"
    found = {row["key"]: row for row in rows(index)}
    assert set(found) == {p["key"] for p in papers}
    for paper in papers:
        row = found[paper["key"]]
        assert row["title"] == paper["title"]
        assert row["url"] == paper["locations"][0]["url"]
        assert paper["venue"]["name"] in row["badges"] if paper["venue"]["name"] else True
        assert str(paper["year"]) in row["badges"] if paper["year"] else True
        if paper["summary"]:
            assert paper["summary"].splitlines()[0].strip() in row["lines"]
        for tag in paper["tags"]:
            assert tag in row["meta"]


def test_words_are_cut_and_stemmed_like_the_sites_search(built):
    import jieba

    papers = papers_of(built)
    index = load_index(Path(built.outdir))
    number = {row["key"]: n for n, row in enumerate(rows(index))}
    stemmer = snowballstemmer.stemmer("english")
    checked = 0
    for paper in papers:
        text = paper["summary"]
        chinese = [w for w in jieba.cut_for_search(text) if any("\u4e00" <= c <= "\u9fff" for c in w)]
        for word in chinese:
            assert number[paper["key"]] in index["terms"][word], word
            checked += 1
        for word in paper["title"].split():
            word = word.strip(":,.$()").lower()
            if word.isascii() and word.isalpha() and len(word) > 2:
                assert number[paper["key"]] in index["terms"][stemmer.stemWord(word)], word
                checked += 1
    assert checked > 50
    # Sphinx's own index of the same pages holds the same Chinese words
    sphinx_terms = set(search_index(Path(built.outdir))["terms"])
    ours = {term for term in index["terms"] if any("\u4e00" <= c <= "\u9fff" for c in term)}
    assert ours and ours <= sphinx_terms


def test_only_the_search_page_loads_the_index(built):
    assert 'src="_static/papershelf-search.js' in read_html(built, "search")
    assert "papershelf-search.js" not in read_html(built, "index")
    assert "papershelf-search.js" not in read_html(built, "hallucination")


def test_the_index_is_written_only_when_papers_change(built):
    outdir = Path(built.outdir)
    target = outdir / papersearch.INDEX_FILE
    before = target.stat().st_mtime_ns
    papersearch.write_index_from(built, (outdir / "papers.json").read_bytes())
    assert target.stat().st_mtime_ns == before
    data = json.loads((outdir / "papers.json").read_text(encoding="utf-8"))
    data["papers"][0]["notes"] = "降低幻觉的一种办法\nA second line about chain-of-thought."
    data["papers"][0]["abstract"] = "We study hallucinations."
    papersearch.write_index_from(built, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert target.stat().st_mtime_ns != before
    row = rows(load_index(outdir))[0]
    assert row["key"] == data["papers"][0]["key"]
    assert "降低幻觉的一种办法" in row["lines"] and "We study hallucinations." in row["lines"]
    terms = load_index(outdir)["terms"]
    assert 0 in terms["降低"] and 0 in terms["幻觉"] and 0 in terms["hallucin"]


def test_text_from_notes_cannot_end_the_script():
    paper = {"key": "k", "title": "</script><script>alert(1)</script>", "summary": "a\u2028b",
             "locations": [{"url": "p.html#paper-k"}]}
    text = papersearch.build_index([paper], papersearch.Words())
    assert "</script" not in text.lower()
    assert "\u2028" not in text
    data = json.loads(text[text.index("=") + 1:].strip().rstrip(";"))
    assert data["papers"][0][1] == paper["title"]


def test_missing_and_odd_fields_are_taken_as_empty():
    text = papersearch.build_index([{"key": "a"}, {"key": "b", "authors": None, "venue": "x", "tags": [1, "t"],
                                                   "notes": 5, "locations": ["bad"]}], papersearch.Words())
    data = json.loads(text[text.index("=") + 1:].strip().rstrip(";"))
    assert [row[0] for row in data["papers"]] == ["a", "b"]
    assert data["papers"][1][5] == "t · b"


def test_unreadable_papers_json_is_a_warning(built):
    outdir = Path(built.outdir)
    papersearch.write_index_from(built, b"[1, 2")
    assert any("papers.json cannot be read" in w and "papershelf.search" in w for w in warnings_of(built))


def test_rows_and_words_are_kept_for_the_next_build(built):
    """Each paper's row and words are kept with its other parts; the next
    build takes them for the papers whose entries were not read again, and
    takes the words of a paper read again whose text did not change."""
    from papershelf.exports import KeptParts, export_stamp, kept_path

    kept = KeptParts.load(kept_path(built.env), export_stamp(built))
    part = papersearch.search_part("zh")
    made = [parts[part] for parts in kept.kept_parts() if part in parts]
    assert len(made) == len(papers_of(built))
    papers = sorted(papers_of(built), key=lambda p: p["key"].casefold())
    # a kept row is taken as it is
    parts = [{} for _ in papers]
    first = papersearch.build_index(papers, papersearch.Words(), "zh", parts)
    row_text, keys, digest = parts[0][part]
    parts[0][part] = (row_text.replace(papers[0]["key"].encode(), b"kept-from-before"), keys, digest)
    assert '"kept-from-before"' in papersearch.build_index(papers, papersearch.Words(), "zh", parts)
    # a paper read again (no parts) whose text is the same takes the known words
    known = {digest: "kept-word"}
    index = papersearch.build_index(papers, papersearch.Words(), "zh", [{} for _ in papers], known)
    assert '"kept-word":[0]' in index and index != first
    # a changed text is cut again
    changed = dict(papers[0], title="Changed")
    index = papersearch.build_index([changed] + papers[1:], papersearch.Words(), "zh",
                                    [{} for _ in papers], known)
    assert '"kept-word"' not in index and '"changed":[0' in index


def test_the_fast_stemmer_gives_the_stems_of_the_page_s_stemmer():
    """snowballstemmer hands out PyStemmer's C stemmers when they are
    installed; the search page stems queries with the Snowball algorithm in
    JavaScript, so the two must agree word for word."""
    import re

    import snowballstemmer
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.porter_stemmer import PorterStemmer

    from conftest import PROJECT

    words = set()
    for page in (PROJECT / "papers").rglob("*.md"):
        words |= set(re.findall(r"[a-z]+", page.read_text(encoding="utf-8").lower()))
    assert len(words) > 1000
    for name, pure in (("porter", PorterStemmer()), ("english", EnglishStemmer())):
        fast = snowballstemmer.stemmer(name)
        assert [word for word in sorted(words) if fast.stemWord(word) != pure.stemWord(word)] == []


def test_words_counted_again_only_where_papers_changed_give_the_same_index(built):
    """Kept from build to build, the index's words are changed only for the
    papers whose words changed: the text is the one counting every word gives,
    whatever changed (words added, dropped, new to the site, a paper with none)."""
    import random

    papers = sorted(papers_of(built), key=lambda p: p["key"].casefold())
    words = papersearch.Words()
    last, parts = papersearch.Terms(), [{} for _ in papers]
    assert papersearch.build_index(papers, words, "zh", parts, None, last) == \
        papersearch.build_index(papers, words, "zh")
    randomly = random.Random(11)
    vocabulary = ["alpha", "beta", "models", "幻觉", "降低幻觉", "x", "newword"]
    for _ in range(40):
        papers, parts = [dict(p) for p in papers], [dict(made) for made in parts]
        for index in randomly.sample(range(len(papers)), 3):
            papers[index]["summary"] = " ".join(randomly.choice(vocabulary) for _ in range(randomly.randint(0, 5)))
            papers[index]["title"] = randomly.choice(["", "Title"])
            parts[index] = {}
        assert papersearch.build_index(papers, words, "zh", parts, None, last) == \
            papersearch.build_index(papers, words, "zh")
    # another order of papers: every word is counted again
    papers[0] = dict(papers[0], key="zzz-last")
    assert papersearch.build_index(papers, words, "zh", [{} for _ in papers], None, last) == \
        papersearch.build_index(papers, words, "zh")
