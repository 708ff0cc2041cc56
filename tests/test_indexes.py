"""Indexes across topics, the overview, one paper on many pages, the exports,
and how all of them follow incremental and parallel builds."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from conftest import bib_entries, copy_root, edit, outputs, rebuilder, snapshot, warnings_of, written
from papershelf import catalog, exports
from papershelf.model import Entry, Link
from papershelf.venues import parse_venue

CONFLICTS = [
    "vlm.md:9: WARNING: 'Larger Language Models Do In-Context Learning Differently' is also on "
    "icl.md:18 with venue 'NeurIPS'; here it is 'ICML' (one paper shows the first entry's data) "
    "[papershelf.conflict]",
    "vlm.md:9: WARNING: 'Larger Language Models Do In-Context Learning Differently' is also on "
    "icl.md:18 with year '2023'; here it is '2024' (one paper shows the first entry's data) "
    "[papershelf.conflict]",
]


#: the toctree parent of every page: Sphinx rewrites it when a child changes
PARENT = "index"


def groups(html: str) -> list[tuple[str, int]]:
    return [(label, int(count)) for label, count in
            re.findall(r'<p class="[^"]*rubric" id="group-[^"]*">(.*?) <span class="ps-count">\((\d+)\)', html)]


def items(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'data-([\w-]+)="([^"]*)"', attributes))
            for attributes in re.findall(r'<li class="ps-index-item"([^>]*)>', html)]


def read(outdir: Path, name: str) -> str:
    return (outdir / name).read_text(encoding="utf-8")


def short(warnings: list[str]) -> list[str]:
    return [line.split("/test-indexes/", 1)[-1].split("/indexes/", 1)[-1] for line in warnings]


@pytest.fixture
def built(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "indexes")
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    app.build()
    return srcdir, Path(app.outdir), app


def test_year_index_lists_each_paper_once_with_its_topics(built):
    _, outdir, app = built
    html = read(outdir, "years.html")
    assert groups(html) == [("2024", 1), ("2023", 3), ("2022", 1)]
    listed = items(html)
    assert [item["key"] for item in listed] == [
        "2310.15213", "2303.03846", "2305.08298", "visual-instruction-tuning",
        "transformers-statisticians-100-of-it"]
    # the paper on two pages: linked to its first entry, both topics named
    entry = html[html.index('data-key="2310.15213"'):]
    entry = entry[: entry.index("</li>")]
    assert 'href="icl.html#paper-2310.15213"' in entry
    assert 'href="vlm.html#paper-function-vectors-in-large-language-models">VLM</a>' in entry
    assert 'class="ps-badge ps-venue ps-kind-conference"' in entry
    assert "5 papers in 3 groups" in html


def test_venue_index_uses_canonical_venues(built):
    _, outdir, _ = built
    assert groups(read(outdir, "venues.html")) == [
        ("EMNLP 2023", 1), ("ICLR 2024", 1), ("NeurIPS 2023", 1), ("NeurIPS Workshop 2023", 1),
        ("TMLR 2022", 1)]


def test_filters_and_backlog(built):
    _, outdir, _ = built
    assert groups(read(outdir, "backlog.html")) == [("ICL", 1), ("VLM", 1)]
    assert {item["status"] for item in items(read(outdir, "backlog.html"))} == {"unread"}
    filtered = read(outdir, "filtered.html")
    # two indexes on one page: conference papers of 2023-2024 by tag, 2022 by status
    assert groups(filtered) == [("task vectors", 1), ("tuning", 1), ("No tags", 1), ("Skimmed", 1)]


def test_also_in_links_each_entry_to_its_other_pages(built):
    _, outdir, _ = built
    icl, vlm = read(outdir, "icl.html"), read(outdir, "vlm.html")
    assert re.findall(r'<p class="ps-also-in">(.*?)</p>', icl) == [
        'Also in: <a class="reference internal" href="vlm.html#paper-function-vectors-in-large-language-models">VLM</a>',
        'Also in: <a class="reference internal" href="vlm.html#paper-2303.03846">VLM</a>',
    ]
    assert re.findall(r'<p class="ps-also-in">(.*?)</p>', vlm) == [
        'Also in: <a class="reference internal" href="icl.html#paper-2310.15213">ICL</a>',
        'Also in: <a class="reference internal" href="icl.html#paper-2303.03846">ICL</a>',
    ]


def test_conflicting_entries_warn_with_both_files_and_lines(built):
    _, _, app = built
    assert short(warnings_of(app)) == CONFLICTS


def test_overview_totals_chart_and_top_venues(built):
    _, outdir, _ = built
    html = read(outdir, "overview.html")
    assert "5 papers on 2 topic pages, from 5 venues. Read: 2 · Skimmed: 1 · Unread: 2." in html
    svg = re.search(r"<svg class=\"ps-chart\".*?</svg>", html).group(0)
    bars = re.findall(r'<rect class="ps-chart-bar ps-kind-(\w+)"[^>]*><title>(\d{4}): (\d+)', svg)
    assert sorted(bars) == [("conference", "2023", "2"), ("conference", "2024", "1"),
                            ("journal", "2022", "1"), ("workshop", "2023", "1")]
    assert "<script" not in svg
    top = re.findall(r'<ul class="ps-top-venues[^"]*">(.*?)</ul>', html, re.S)[0]
    assert top.count("<li>") == 3
    # each venue links to its latest group on the page indexed by venue
    assert '<a class="reference internal" href="venues.html#group-emnlp-2023">EMNLP</a> (1)' in top


def test_exports(built):
    _, outdir, _ = built
    data = json.loads(read(outdir, "papers.json"))
    assert (data["version"], data["count"]) == (exports.JSON_VERSION, 5)
    # the file follows the schema shipped in the package, which is copied beside it
    import jsonschema

    schema = json.loads(read(outdir, exports.SCHEMA_NAME))
    assert data["$schema"] == "https://notes.example.org/papers.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    by_key = {paper["key"]: paper for paper in data["papers"]}
    vectors = by_key["2310.15213"]
    assert vectors["venue"] == {"raw": "ICLR 2024", "name": "ICLR", "kind": "conference", "extras": []}
    assert vectors["authors"] == ["Eric Todd", "David Bau"]
    assert vectors["links"] == {"paper": "https://arxiv.org/abs/2310.15213"}
    assert (vectors["year"], vectors["status"], vectors["tags"]) == (2024, "read", ["task vectors"])
    assert vectors["summary"] == "Heads that carry the task."
    assert vectors["locations"] == [
        {"page": "icl", "title": "ICL", "url": "https://notes.example.org/icl.html#paper-2310.15213", "line": 3,
         "summary": "Heads that carry the task."},
        {"page": "vlm", "title": "VLM",
         "url": "https://notes.example.org/vlm.html#paper-function-vectors-in-large-language-models", "line": 3,
         "summary": "The same paper, written again under another topic."},
    ]
    bib = read(outdir, "papers.bib")
    entries = re.findall(r"^@(\w+)\{([^,]+),", bib, re.M)
    assert entries == [("inproceedings", "2303.03846"), ("inproceedings", "2305.08298"),
                       ("inproceedings", "2310.15213"), ("article", "transformers-statisticians-100-of-it"),
                       ("inproceedings", "visual-instruction-tuning")]
    # the title's own braces are text, not BibTeX grouping
    assert ("  title = {{Transformers \\& Statisticians: 100\\% of \\textbraceleft{}it\\textbraceright{}}},\n"
            "  journal = {TMLR},") in bib
    assert "  author = {Eric Todd and David Bau},\n  booktitle = {ICLR 2024}," in bib
    assert bib.count("{") == bib.count("}")


def test_arxiv_preprint_is_misc_with_eprint():
    paper = Entry(key="2502.05171", title="Scaling up Test-Time Compute", docname="a", lineno=1,
                  venue=parse_venue("Arxiv 2025.02"), year=2025,
                  links=(Link("paper", "https://arxiv.org/abs/2502.05171"),))
    entry = exports.bibtex_entry(catalog.build([paper]).papers[0])
    assert entry == ("@misc{2502.05171,\n  title = {{Scaling up Test-Time Compute}},\n  year = {2025},\n"
                     "  eprint = {2502.05171},\n  archiveprefix = {arXiv},\n"
                     "  url = {https://arxiv.org/abs/2502.05171}\n}\n")


def test_bad_index_options_warn_and_the_build_goes_on(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "indexes")
    (srcdir / "filtered.md").write_text(
        "# Filtered\n\n```{paper-index}\n:by: month\n:kind: magazine\n:status: done\n:years: soon\n```\n",
        encoding="utf-8")
    app = make_apps("html", srcdir=srcdir, freshenv=True)
    app.build()
    warnings = [line for line in short(warnings_of(app)) if "papershelf.index" in line]
    assert warnings == [
        "filtered.md:3: WARNING: unknown grouping :by: month; use one of year, venue, tag, status, "
        "topic, author (using year) [papershelf.index]",
        "filtered.md:3: WARNING: unknown venue kind in :kind: magazine; use conference, journal, "
        "workshop, findings, preprint, unknown, none [papershelf.index]",
        "filtered.md:3: WARNING: unknown status in :status: done; use read, skimmed, unread [papershelf.index]",
        "filtered.md:3: WARNING: cannot read :years: 'soon'; write 2024, 2023-2025, 2023- or -2024 "
        "(showing every year) [papershelf.index]",
    ]
    # the index is there, with every paper, by year
    assert groups(read(Path(app.outdir), "filtered.html")) == [("2024", 1), ("2023", 3), ("2022", 1)]


# -- incremental and parallel builds ----------------------------------------------

@pytest.fixture
def rebuild(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "indexes")
    build = rebuilder(make_apps, srcdir)
    first = build()
    return srcdir, Path(first.outdir), build


def export_mtimes(outdir: Path) -> tuple[int, int]:
    return tuple((outdir / name).stat().st_mtime_ns for name in ("papers.json", "papers.bib"))


def test_no_op_rebuild_rewrites_nothing(rebuild):
    _, outdir, build = rebuild
    before, exports = snapshot(outdir), export_mtimes(outdir)
    build()
    assert written(outdir, before) == set()
    assert export_mtimes(outdir) == exports


def test_changing_a_year_updates_indexes_overview_and_exports(rebuild):
    srcdir, outdir, build = rebuild
    before = snapshot(outdir)
    edit(srcdir / "icl.md", ":venue: EMNLP 2023", ":venue: EMNLP 2021")
    app = build()
    assert ("2021", 1) in groups(read(outdir, "years.html"))
    assert ("EMNLP 2021", 1) in groups(read(outdir, "venues.html"))
    assert "2021: 1" in read(outdir, "overview.html")
    symbol = next(p for p in json.loads(read(outdir, "papers.json"))["papers"] if p["key"] == "2305.08298")
    assert symbol["year"] == 2021
    assert "booktitle = {EMNLP 2021},\n  year = {2021}" in read(outdir, "papers.bib")
    # exactly the pages that show the paper's year (the backlog lists it with
    # its year; filtered shows 2023-2024 only), and the page's parent in the
    # toctree, which Sphinx itself rewrites
    assert written(outdir, before) == {"icl", "years", "venues", "backlog", "overview", "filtered", PARENT}
    # icl.md was read again: its conflicts with vlm.md are reported again
    assert short(warnings_of(app)) == CONFLICTS


def test_editing_notes_rewrites_only_that_page(rebuild):
    srcdir, outdir, build = rebuild
    before = snapshot(outdir)
    edit(srcdir / "icl.md", "Heads that carry the task.", "Heads that carry the task, read again.")
    build()
    assert written(outdir, before) == {"icl", PARENT}
    assert "read again" in read(outdir, "papers.json")  # the summary is exported


def copy_buttons(html: str) -> list[str]:
    return [unescape(payload) for payload in re.findall(r'<button [^>]*data-bibtex="([^"]*)"', html)]


def test_each_entry_copies_its_papers_bib_entry(built):
    _, outdir, _ = built
    bib = read(outdir, "papers.bib")
    entries = bib_entries(bib)
    for page in ("icl.html", "vlm.html"):
        html = read(outdir, page)
        payloads = copy_buttons(html)
        assert len(payloads) == html.count('<article class="ps-paper"') > 1
        assert set(payloads) <= entries
    # one paper on two pages: both copy the same, joined entry
    assert [p for p in copy_buttons(read(outdir, "icl.html")) if "2310.15213" in p] == \
        [p for p in copy_buttons(read(outdir, "vlm.html")) if "2310.15213" in p]


def test_editing_a_paper_rewrites_its_other_pages_bibtex(rebuild):
    srcdir, outdir, build = rebuild
    before = snapshot(outdir)
    edit(srcdir / "icl.md", ":authors: Eric Todd, David Bau", ":authors: Eric Todd, Millicent Li, David Bau")
    build()
    # vlm.md did not change, but its entry of the paper copies the new authors;
    # the indexes that list the paper carry its authors for the reader's filter
    assert written(outdir, before) == {"icl", "vlm", PARENT, "years", "venues", "filtered"}
    assert any("Eric Todd and Millicent Li and David Bau" in p for p in copy_buttons(read(outdir, "vlm.html")))
    assert {"key": "2310.15213", "authors": "Eric Todd, Millicent Li, David Bau"}.items() <= \
        next(item for item in items(read(outdir, "years.html")) if item["key"] == "2310.15213").items()


def test_deleting_a_paper_or_a_page_removes_it_everywhere(rebuild):
    srcdir, outdir, build = rebuild
    text = (srcdir / "vlm.md").read_text(encoding="utf-8")
    entry = text[text.index("```{paper} Visual Instruction Tuning"):]
    edit(srcdir / "vlm.md", entry, "")
    build()
    for page in ("years.html", "venues.html", "backlog.html", "papers.json", "papers.bib"):
        assert "Visual Instruction Tuning" not in read(outdir, page), page
    # now the whole page: its papers leave the indexes and the other page's "also in"
    (srcdir / "vlm.md").unlink()
    edit(srcdir / "index.md", "vlm\n", "")
    build()
    assert "Also in" not in read(outdir, "icl.html")
    assert groups(read(outdir, "backlog.html")) == [("ICL", 1)]
    assert json.loads(read(outdir, "papers.json"))["count"] == 4
    assert "vlm" not in read(outdir, "papers.json")


def test_parallel_build_is_byte_identical_with_indexes_and_exports(make_apps, tmp_path):
    srcdir = copy_root(tmp_path, "indexes")
    serial = make_apps("html", srcdir=srcdir, builddir=tmp_path / "serial", freshenv=True)
    serial.build()
    parallel = make_apps("html", srcdir=srcdir, builddir=tmp_path / "parallel", freshenv=True, parallel=2)
    parallel.build()
    assert short(warnings_of(serial)) == short(warnings_of(parallel)) == CONFLICTS
    one, two = outputs(Path(serial.outdir)), outputs(Path(parallel.outdir))
    assert {"papers.json", "papers.bib", "years.html", "overview.html"} <= one.keys()
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
