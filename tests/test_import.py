"""``python -m papershelf import``: reading lists become topic pages, nothing lost."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import unexpected_warnings, PROJECT, SEEDS, copy_site, warnings_of
from papershelf import importer
from papershelf.importer import import_list, parse, render_entry, render_pages, repair_mojibake

NOTES = SEEDS / "000_5318163b812544db.txt"
READING_LIST = SEEDS / "002_693c5a4983cc91e3.txt"
# how the site's own content was imported (the Makefile's import-seeds target)
SITE_IMPORTS = [(NOTES, "llm-vlm", "LLM and VLM notes"), (READING_LIST, "reading-list", "Reading list")]


def read(text: str, title: str = "Notes"):
    return parse(textwrap.dedent(text).lstrip("\n"), title)


def only_entry(text: str):
    entries = list(read(text).entries())
    assert len(entries) == 1, entries
    return entries[0]


def problems(reading_list, kind=None):
    return [(p.line, p.kind, p.message) for p in reading_list.problems if kind in (None, p.kind)]


# -- the seeds ----------------------------------------------------------------

@pytest.mark.parametrize(("source", "folder", "title"), SITE_IMPORTS)
def test_site_content_is_exactly_what_the_importer_writes(tmp_path, source, folder, title):
    """The committed pages are the importer's output, untouched by hand, and a
    second import writes the same bytes."""
    first, second = tmp_path / "first", tmp_path / "second"
    import_list(source, first, title=title)
    import_list(source, second, title=title)
    written = sorted(p.relative_to(first) for p in first.rglob("*.md"))
    assert written == sorted(p.relative_to(second) for p in second.rglob("*.md"))
    committed = PROJECT / "papers" / folder
    assert written == sorted(p.relative_to(committed) for p in committed.rglob("*.md"))
    for relative in written:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative
        assert (first / relative).read_bytes() == (committed / relative).read_bytes(), relative


@pytest.mark.parametrize(("source", "entries", "papers", "skipped", "topics", "groups"), [
    (NOTES, 184, 182, 2, 16, 2),
    (READING_LIST, 23, 23, 0, 10, 0),
])
def test_report_counts_add_up(tmp_path, source, entries, papers, skipped, topics, groups):
    report = import_list(source, tmp_path / "out")
    assert (report["entries"], report["papers"], report["skipped"]) == (entries, papers, skipped)
    assert report["entries"] == report["papers"] + report["skipped"]
    assert (report["topics"], report["groups"]) == (topics, groups)
    assert sum(report["problems_by_kind"].values()) == len(report["problems"])
    assert report["problems_by_kind"].get("skipped", 0) == skipped
    assert all(problem["line"] > 0 for problem in report["problems"])
    # the pages hold exactly the papers counted
    pages = [(tmp_path / "out" / page).read_text(encoding="utf-8") for page in report["pages"]]
    assert sum(page.count("```{paper}") for page in pages) == papers


def seed_titles(path: Path) -> list[tuple[int, str]]:
    """Every entry title of a seed, found independently of the importer: a
    bold title, or the text of a top-level numbered item before its comma."""
    titles = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        bold = re.match(r"^\s*(?:\d+\.\s+)?\*\*(.+?)\*\*", line)
        plain = re.match(r"^\d+\.\s+([^*\s].*?),\s*\w+\s*\d{4}\s*$", line)
        if bold:
            title = re.sub(r"\[[^\]]*\]\([^)]*\)", "", bold.group(1))
            titles.append((number, " ".join(title.split())))
        elif plain:
            titles.append((number, plain.group(1).strip()))
    return titles


def seed_links(path: Path) -> set[str]:
    """Every link target of a paper in a seed that is a URL (or an arXiv id or
    DOI), in the form the site must show it."""
    urls = set()
    text = path.read_text(encoding="utf-8")
    for target in re.findall(r"\]\s*\]\(([^)]*)\)", text) + re.findall(r"\*\*.*?\[[^\]]+\]\(([^)]*)\)", text):
        target = target.strip()
        if target.startswith("http://arxiv.org"):
            target = "https://" + target[len("http://"):]
        elif target.startswith("arXiv:"):
            target = "https://arxiv.org/abs/" + target[len("arXiv:"):]
        elif target.startswith("10."):
            target = "https://doi.org/" + target
        # the site shows arXiv's abstract page for a paper link, never the PDF
        target = re.sub(r"^https://arxiv\.org/pdf/(.+?)(\.pdf)?$", r"https://arxiv.org/abs/\1", target)
        if target.startswith("https://"):
            urls.add(target)
    return urls


def test_every_seed_entry_is_on_the_built_site(make_app, tmp_path):
    srcdir = copy_site(tmp_path / "site")
    app = make_app("html", srcdir=srcdir, builddir=tmp_path / "build", freshenv=True)
    app.build()
    assert unexpected_warnings(app) == []
    # the site's own papers.json follows the schema it ships
    import jsonschema

    outdir = Path(app.outdir)
    jsonschema.validate(json.loads((outdir / "papers.json").read_text(encoding="utf-8")),
                        json.loads((outdir / "papers.schema.json").read_text(encoding="utf-8")))
    papers = [paper for paper in app.env.domains["paper"].all_entries()]
    on_site = {" ".join(repair_mojibake(paper.title).split()) for paper in papers}
    # a category marker in front of a title is on the site as a tag
    on_site |= {f"({tag}) {paper.title}" for paper in papers for tag in paper.tags}
    site_links = {link.url for paper in papers for link in paper.links}

    expected_total = 0
    for seed in (NOTES, READING_LIST):
        titles = seed_titles(seed)
        expected_total += len(titles)
        missing = [(line, title) for line, title in titles if repair_mojibake(title) not in on_site]
        assert missing == [], seed.name
        assert seed_links(seed) <= site_links, seed_links(seed) - site_links
    # the oracle finds every entry but the two empty items of the first seed
    assert len(papers) == expected_total == 182 + 23
    # each paper's HTML is on its page
    for docname in {paper.docname for paper in papers}:
        html = (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")
        for paper in papers:
            if paper.docname == docname:
                assert f'id="{paper.anchor}"' in html


# -- each defect the seeds' README lists ----------------------------------------

def test_venue_strings_pass_through_untouched():
    entry = only_entry("""
        ## T
        1. **A** (ICLR 2025 Ratings 8 6 6 5) [[paper]](https://arxiv.org/abs/2410.09695) x
    """)
    assert entry.venue == "ICLR 2025 Ratings 8 6 6 5"
    assert ":venue: ICLR 2025 Ratings 8 6 6 5\n" in render_entry(entry)
    # a venue after the link, a full-width bracket, a venue with commentary
    assert only_entry("## T\n1. **A** [[paper]](https://x.org/a) (ICLR 2024)").venue == "ICLR 2024"
    assert only_entry("## T\n1. **A** （ICLR 2025) note").venue == "ICLR 2025"
    assert only_entry("## T\n1. **A** (COCONUT Arxiv Dec 2024, ICLR 2025 被拒，因为X) y").venue == \
        "COCONUT Arxiv Dec 2024, ICLR 2025 被拒，因为X"
    assert only_entry("## T\n1. **A** [[paper]](https://x.org/a)").venue == ""


@pytest.mark.parametrize(("target", "url", "kind"), [
    ("arXiv:2305.19420", "https://arxiv.org/abs/2305.19420", "repaired"),
    ("10.48550/arXiv.2501.07542", "https://doi.org/10.48550/arXiv.2501.07542", "repaired"),
    ("http://arxiv.org/abs/2311.08648", "https://arxiv.org/abs/2311.08648", "repaired"),
    ("https://openreview.net/forum?id=bGGYcvw8mp", "https://openreview.net/forum?id=bGGYcvw8mp", None),
    ("The Paper Title", None, "link-dropped"),
    ("", None, "link-dropped"),
])
def test_link_targets_are_repaired_or_reported(target, url, kind):
    reading_list = read(f"## T\n1. **The Paper Title** (ICLR 2024) [[paper]]({target}) notes")
    entry = next(reading_list.entries())
    assert entry.links == ([("paper", url)] if url else [])
    found = problems(reading_list)
    assert [k for _, k, _ in found] == ([kind] if kind else [])
    assert all(line == 2 for line, _, _ in found)
    if target == "The Paper Title":
        assert "title is written where its URL should be" in found[0][2]
    # the key follows the repaired link: arXiv id, also through arXiv's DOI
    if url and "2501.07542" in url:
        assert entry.key == "2501.07542"


def test_link_labels_map_to_kinds():
    entry = only_entry("""
        ## T
        1. **A** [[papaer]](https://arxiv.org/abs/2408.09503) [[code]](https://github.com/o/r) x [[blog]](https://b.org/p) y
    """)
    assert entry.links == [("paper", "https://arxiv.org/abs/2408.09503"),
                           ("code", "https://github.com/o/r"), ("blog", "https://b.org/p")]
    assert entry.summary == "x y"
    # a label that names the method is kept as a named link, even one that
    # looks like a link kind ("Codex" is not a typo of "code")
    codex = only_entry("## T\n**Evaluating Large Language Models Trained on Code [Codex](https://arxiv.org/pdf/2107.03374)**")
    assert codex.links == [("Codex", "https://arxiv.org/abs/2107.03374")]
    named = only_entry("## T\n**Efficient Serving with PagedAttention [vllm](https://arxiv.org/pdf/2309.06180)**")
    assert named.title == "Efficient Serving with PagedAttention"
    assert named.links == [("vllm", "https://arxiv.org/abs/2309.06180")]
    assert ":links: vllm <https://arxiv.org/abs/2309.06180>" in render_entry(named)
    assert named.key == "2309.06180"


def test_entries_without_bold_titles():
    reading_list = read("""
        ## Prompt Learning
        ### For DA:
        1. Domain Adaptation via Prompt Learning, arxiv 2022
        2. MaPLe: Multi-modal Prompt Learning, CVPR2023
        3. A title, with a comma inside
    """)
    entries = list(reading_list.entries())
    assert [(e.title, e.venue) for e in entries] == [
        ("Domain Adaptation via Prompt Learning", "arxiv 2022"),
        ("MaPLe: Multi-modal Prompt Learning", "CVPR2023"),
        ("A title, with a comma inside", ""),
    ]


def test_empty_items_are_skipped_and_counted():
    reading_list = read("""
        ## T
        1. **A** (ICLR 2024)
        1.
        1. **B** (ICLR 2024)
    """)
    assert [e.title for e in reading_list.entries()] == ["A", "B"]
    assert reading_list.entries_seen == 3
    assert problems(reading_list) == [(3, "skipped", "empty numbered item")]


def test_nested_items_and_continuation_lines():
    entries = list(read("""
        ## Other
        1. **Parent paper** (Arxiv Mar 2024) [[paper]](https://arxiv.org/abs/2403.20330) parent notes
           1. **Visual Instruction Tuning** (NeurIPS 2023) LLaVA
        2. **Spatial** (NeurIPS 2024)
           在三个合成的空间理解任务上评测。
    """).entries())
    assert [(e.title, e.summary) for e in entries] == [
        ("Parent paper", "parent notes"),
        ("Visual Instruction Tuning", "LLaVA"),
        ("Spatial", "在三个合成的空间理解任务上评测。"),
    ]


def test_math_insight_markers_and_long_notes():
    long_text = "第一句话说明了方法的核心。" + "后面的内容很长，" * 30 + "$a.b = c$。"
    reading_list = read(f"""
        ## T
        1. **A** (ICLR 2024) 提出 $y=\\text{{softmax}}(x)$ 的方法。【insight】认为之前的工作不够全面。
        2. **B** (ICLR 2024) {long_text}
    """)
    first, second = reading_list.entries()
    assert first.summary == "提出 $y=\\text{softmax}(x)$ 的方法。"
    assert first.notes == ["【insight】认为之前的工作不够全面。"]
    # a long paragraph: its first sentence is the summary, the rest the notes
    assert second.summary == "第一句话说明了方法的核心。"
    assert second.notes == [long_text[len("第一句话说明了方法的核心。"):]]


def test_bold_title_with_bullet_notes():
    first, second = read("""
        ## Multimodal
        **ConceptAttention: Diffusion Transformers [paper](https://arxiv.org/pdf/2502.04320)**
        * One note.

        **Interpreting and Editing [paper](https://arxiv.org/pdf/2410.02762)**
        * First point.
        * Second point.
    """).entries()
    assert (first.title, first.summary, first.notes) == ("ConceptAttention: Diffusion Transformers", "One note.", [])
    assert (second.summary, second.notes) == ("First point.", ["* Second point."])
    # the site shows arXiv's abstract page for a paper link
    assert first.links == [("paper", "https://arxiv.org/abs/2502.04320")]


def test_same_paper_under_two_topics_keeps_one_key():
    reading_list = read("""
        # LLM
        ## A
        1. **Can Models Learn?** (Arxiv Sep 2024) [[paper]](https://arxiv.org/abs/2406.02537)
        2. **Other Paper** (Arxiv June 2024) [[paper]](http://arxiv.org/abs/2406.02537)
        # VLM
        ## B
        1. **Can models learn** (NeurIPS 2024)
    """)
    a, b, c = reading_list.entries()
    assert a.key == c.key == "2406.02537"
    # two different titles never share a key, and the shared link is reported
    assert b.key == "other-paper"
    assert [(line, kind) for line, kind, _ in problems(reading_list) if kind != "repaired"] == [
        (4, "duplicate-link"), (7, "differs")]


def test_same_topic_name_in_two_groups_stays_apart(tmp_path):
    reading_list = read("""
        # LLM
        ## Alignment
        1. **A** (ICLR 2024)
        # VLM
        ## Alignment
        1. **B** (ICLR 2024)
        ## Empty topic
    """, title="Notes")
    pages = render_pages(reading_list)
    assert sorted(pages) == ["index.md", "llm/alignment.md", "llm/index.md",
                             "vlm/alignment.md", "vlm/empty-topic.md", "vlm/index.md"]
    assert "{paper} A\n" in pages["llm/alignment.md"] and "{paper} B\n" in pages["vlm/alignment.md"]
    assert "No papers on this topic yet." in pages["vlm/empty-topic.md"]
    assert "llm/index\nvlm/index" in pages["index.md"]


def test_mis_decoded_text_is_repaired():
    assert repair_mojibake("Multimodal LLMâ€™s Magic") == "Multimodal LLM’s Magic"
    assert repair_mojibake("café 中文 naïve") == "café 中文 naïve"   # real accents stay
    reading_list = read("## T\n**Shikra: LLMâ€™s Magic [paper](https://arxiv.org/pdf/2306.15195)**\n* n")
    assert next(reading_list.entries()).title == "Shikra: LLM’s Magic"
    assert problems(reading_list, "text-repaired")[0][0] == 2


def test_preface_updates_and_table_of_contents():
    reading_list = read("""
        ## Preface

        本仓库记录关于LLM的文章。

        ###  🔥 Updates

        - 2024-12 关注hallucination。

        ## Directory

        * [LLM](#llm)
          * ⭐[In-Context Learning](#in-context-learning)

        # LLM

        ## In-Context Learning

        ### 2024

        1. **A** (ICLR 2024)
    """)
    pages = render_pages(reading_list)
    index = pages["index.md"]
    assert "## Preface\n\n本仓库记录关于LLM的文章。" in index
    assert "### 🔥 Updates\n\n- 2024-12 关注hallucination。" in index
    assert "Directory" not in index and "#llm" not in index
    assert [kind for _, kind, _ in problems(reading_list)] == ["dropped-text", "dropped-text"]
    assert "## 2024\n" in pages["llm/in-context-learning.md"]


def test_notes_with_backticks_get_a_longer_fence():
    entry = only_entry("## T\n1. **A** (ICLR 2024) uses ```code``` in notes")
    rendered = render_entry(entry)
    assert rendered.startswith("````{paper} A\n") and rendered.endswith("\n````\n")


def test_import_command_and_report(tmp_path):
    out = tmp_path / "papers"
    report_path = tmp_path / "report.json"
    run = [sys.executable, "-m", "papershelf", "import", str(READING_LIST), "--out", str(out),
           "--report", str(report_path)]
    result = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "23 entries -> 23 papers" in result.stdout
    assert "invariant: entries seen = papers written + entries reported: 23 = 23 + 0" in result.stdout
    # outside a site, the command says what to add to a toctree
    assert result.stdout.rstrip().endswith(f"list {out}/index in a toctree of your site")
    assert "line 1: [dropped-text] [TOC] marker left out" in result.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["version"] == importer.REPORT_VERSION
    assert report["invariant"] == "entries seen = papers written + entries reported"
    assert report["entries"] == report["papers"] + report["skipped"]
    assert report["empty_topics"] == ["Reasoning", "Agent", "Robotics, Embodied AI"]
    # a folder that is not empty is not written over without --force
    again = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "--force" in again.stderr
    assert subprocess.run([*run, "--force"], capture_output=True, timeout=60).returncode == 0
