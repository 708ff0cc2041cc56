"""The importer on list shapes it has never seen: every entry-like item is a
paper or a report line, category markers are tags, links are repaired, and
nothing copied from a list can run or pull in a file."""

from __future__ import annotations

import textwrap

import pytest

from import_checks import assert_inert, options_and_body, paper_blocks
from papershelf.importer import parse, render_entry, render_pages
from papershelf.importer.lenient import marker_is_tag, take_markers


def read(text: str, title: str = "Notes"):
    return parse(textwrap.dedent(text).lstrip("\n"), title)


def titles(reading_list) -> list[str]:
    return [entry.title for entry in reading_list.entries()]


def kinds(reading_list) -> list[tuple[int, str]]:
    return [(problem.line, problem.kind) for problem in reading_list.problems]


def conserved(reading_list) -> None:
    papers = len(titles(reading_list))
    skipped = sum(1 for problem in reading_list.problems if problem.kind == "skipped")
    assert reading_list.entries_seen == papers + skipped


# -- every list shape: (source, the titles it holds, report lines it must have) --------

SHAPES = {
    "numbered under topics": ("""
        ## Topic
        1. **Alpha Paper** (ICLR 2024) [[paper]](https://arxiv.org/abs/2401.00001) notes
        2. **Beta Paper** (NeurIPS 2023)
    """, ["Alpha Paper", "Beta Paper"], []),
    "bold lines with bullet notes": ("""
        ## Topic
        **Alpha Paper** [paper](https://arxiv.org/pdf/2401.00001)
        * a note

        **Beta Paper [code](https://github.com/o/r)**
        * another note
    """, ["Alpha Paper", "Beta Paper"], []),
    "plain titles with venues": ("""
        ## Topic
        1. Alpha Paper: a method, CVPR2023
        2. Beta Paper, arxiv 2022
    """, ["Alpha Paper: a method", "Beta Paper"], []),
    "markdown table": ("""
        ## Topic

        | Title | Venue | Links |
        |---|---|---|
        | **Alpha Paper** | ICLR 2024 | [paper](https://arxiv.org/abs/2401.00001) |
        | **Beta Paper** | CVPR 2023 | |
    """, ["Alpha Paper", "Beta Paper"], []),
    "markdown table without bold titles": ("""
        ## Topic

        | Paper | Conference |
        |---|---|
        | Alpha Paper | ICLR 2024 |
        | Beta Paper | CVPR 2023 |
    """, ["Alpha Paper", "Beta Paper"], []),
    "html table": ("""
        ## Topic

        <table>
        <tr><th>Paper</th><th>Venue</th></tr>
        <tr><td><b>Alpha Paper</b></td><td>ICLR 2024</td></tr>
        <tr><td><a href="https://arxiv.org/abs/2401.00002">Beta Paper</a></td><td>ECCV 2024</td></tr>
        </table>
    """, ["Alpha Paper", "Beta Paper"], [(3, "lenient")]),
    "numbered list with no heading": ("""
        1. **Alpha Paper** (ICLR 2024)
        2. **Beta Paper**
    """, ["Alpha Paper", "Beta Paper"], [(1, "lenient")]),
    "entries under a group before its first topic": ("""
        # Group
        1. **Alpha Paper** (ICLR 2024)

        ## Topic
        1. **Beta Paper**
    """, ["Alpha Paper", "Beta Paper"], [(2, "lenient")]),
    "quoted entries": ("""
        ## Topic
        > 1. **Alpha Paper** (ICLR 2024)
        > 2. **Beta Paper**
    """, ["Alpha Paper", "Beta Paper"], [(2, "lenient")]),
    "numbered items inside bullets": ("""
        ## Topic
        - 1. **Alpha Paper** (ICLR 2024)
        - 2. **Beta Paper**
    """, ["Alpha Paper", "Beta Paper"], [(2, "lenient"), (3, "lenient")]),
    "bold bullets nested below an entry": ("""
        ## Topic
        1. **Alpha Paper** (ICLR 2024) parent notes
           - **Beta Paper** (ICML 2023) child notes
           - a plain note of Beta
    """, ["Alpha Paper", "Beta Paper"], []),
    "numbers without a space": ("""
        ## Topic
        1.**Alpha Paper** (ICLR 2024)
        2.**Beta Paper**
    """, ["Alpha Paper", "Beta Paper"], [(2, "lenient"), (3, "lenient")]),
    "a bullet entry after a bold-title entry": ("""
        ## Topic
        **Alpha Paper** [paper](https://arxiv.org/abs/2401.00001)
        - ReAct: Synergizing Reasoning and Acting in Language Models, ICLR2023
        - a note of ReAct
    """, ["Alpha Paper", "ReAct: Synergizing Reasoning and Acting in Language Models"], [(3, "lenient")]),
    "bold entries under a category bullet": ("""
        ## Topic
        - Vision encoders
          - **Alpha Paper** (ICLR 2024)
          - **Beta Paper**
        - Notes without entries
          1. a step
    """, ["Alpha Paper", "Beta Paper"], [(2, "lenient")]),
    "headings and entries inside code are code": ("""
        # Group
        ## Topic
        1. **Alpha Paper** (ICLR 2024)
           ```python
           # a comment, not a heading
           1. **Not An Entry**
           ```
        2. **Beta Paper**
    """, ["Alpha Paper", "Beta Paper"], []),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_list_shape_keeps_every_entry(shape):
    source, expected, lines = SHAPES[shape]
    reading_list = read(source)
    assert titles(reading_list) == expected
    assert reading_list.entries_seen == len(expected)
    conserved(reading_list)
    for line, kind in lines:
        assert (line, kind) in kinds(reading_list)
    # the pages hold each paper once, as a paper directive, and nothing active
    pages = render_pages(reading_list)
    written = [title for page in pages.values() for title, _ in paper_blocks(page)]
    assert sorted(written) == sorted(expected)


def test_the_shapes_details():
    """What each lenient reading keeps besides the title."""
    table = list(read(SHAPES["markdown table"][0]).entries())
    assert [(e.venue, e.links) for e in table] == [
        ("ICLR 2024", [("paper", "https://arxiv.org/abs/2401.00001")]), ("CVPR 2023", [])]
    html = list(read(SHAPES["html table"][0]).entries())
    assert [(e.venue, e.links) for e in html] == [
        ("ICLR 2024", []), ("ECCV 2024", [("paper", "https://arxiv.org/abs/2401.00002")])]
    nested = list(read(SHAPES["bold bullets nested below an entry"][0]).entries())
    assert [(e.summary, e.notes) for e in nested] == [("parent notes", []), ("child notes", ["- a plain note of Beta"])]
    bullet = list(read(SHAPES["a bullet entry after a bold-title entry"][0]).entries())
    # the bold entry is not given the next entry as its summary
    assert [(e.summary, e.venue) for e in bullet] == [("", ""), ("a note of ReAct", "ICLR2023")]
    code = list(read(SHAPES["headings and entries inside code are code"][0]).entries())
    assert code[0].notes == ["```python\n# a comment, not a heading\n1. **Not An Entry**\n```"]
    grouped = read(SHAPES["entries under a group before its first topic"][0])
    assert sorted(render_pages(grouped)) == ["group/group.md", "group/index.md", "group/topic.md", "index.md"]


def test_text_between_entries_stays_prose_and_empty_items_are_reported():
    reading_list = read("""
        ## Topic
        Some words about this topic.

        1. **Alpha Paper**
        2.
        3. **Beta Paper**
    """)
    assert titles(reading_list) == ["Alpha Paper", "Beta Paper"]
    assert (5, "skipped") in kinds(reading_list)
    conserved(reading_list)
    assert "Some words about this topic.\n" in render_pages(reading_list)["topic.md"]


# -- markers -----------------------------------------------------------------------

@pytest.mark.parametrize(("head", "title", "tags"), [
    ("【🚀RL】**Title A**", "Title A", ["🚀RL"]),
    ("【🔧SFT+🚀RL】 **Title A**", "Title A", ["🔧SFT", "🚀RL"]),
    ("【Latent CoT】**Title A**", "Title A", ["Latent CoT"]),
    ("【综述】**Title A**", "Title A", ["综述"]),
    ("[Survey] **Title A**", "Title A", ["Survey"]),
    ("(Dataset) **Title A**", "Title A", ["Dataset"]),
    ("（数据集，评测）**Title A**", "Title A", ["数据集", "评测"]),
    ("【**🚀RL**】**Title A**", "Title A", ["🚀RL"]),
    ("**【🔧SFT】Title A**", "Title A", ["🔧SFT"]),
    ("**【🔧SFT】**Title A", "Title A", ["🔧SFT"]),
    ("【A/B】【C, D】**Title A**", "Title A", ["A", "B", "C", "D"]),
    ("**(DPO) Direct Preference Optimization**", "(DPO) Direct Preference Optimization", []),
    ("**(LoRA) Low-Rank Adaptation of Large Language Models**",
     "(LoRA) Low-Rank Adaptation of Large Language Models", []),
    ("**[Re] Reproducing a Result**", "[Re] Reproducing a Result", []),
    ("**(Un)supervised Learning of Things**", "(Un)supervised Learning of Things", []),
    ("**[A very long remark that is really part of the title itself] Tail**",
     "[A very long remark that is really part of the title itself] Tail", []),
    ("**【Title only】**", "【Title only】", []),
])
def test_category_markers_become_tags(head, title, tags):
    reading_list = read(f"## T\n1. {head} (ICLR 2024) notes")
    entry = next(reading_list.entries())
    assert (entry.title, entry.tags, entry.venue) == (title, tags, "ICLR 2024")
    moved = [problem for problem in reading_list.problems if problem.kind == "tagged"]
    assert len(moved) == (head.count("【") if tags else 0) or (tags and len(moved) >= 1)
    assert all(problem.line == 2 for problem in moved)
    if tags:
        assert f":tags: {', '.join(tags)}\n" in render_entry(entry)
    else:
        assert ":tags:" not in render_entry(entry)


def test_marker_rule_pieces():
    assert marker_is_tag("【", "insight", "Title")
    assert not marker_is_tag("[", "Survey", "")                      # nothing after it
    assert not marker_is_tag("(", "RLHF", "Reinforcement Learning from Human Feedback")
    assert marker_is_tag("(", "RLHF", " Deep reinforcement learning from human preferences")
    assert not marker_is_tag("(", "LoRA", " Low-Rank Adaptation of Large Language Models")
    assert not marker_is_tag("[", "Survey", " (ICLR 2024)")             # only a venue after it
    assert take_markers("[link](https://x.org) **T**")[1] == []       # a link is no marker


def test_insight_remarks_in_notes_stay_notes():
    entry = next(read("## T\n1. **Title A** (ICLR 2024) 方法。【insight】一个想法。").entries())
    assert (entry.title, entry.tags, entry.summary, entry.notes) == ("Title A", [], "方法。", ["【insight】一个想法。"])


def test_a_remark_in_brackets_is_not_a_venue():
    reading_list = read("## T\n1. **Title A** （no special trick for images） more notes")
    entry = next(reading_list.entries())
    assert (entry.venue, entry.summary) == ("", "（no special trick for images） more notes")
    assert (2, "lenient") in kinds(reading_list)
    for venue in ("ongoing work", "Arxiv Jan 2024", "ICLR 2025 Ratings 8 6 6 5", "CVPR2024"):
        assert next(read(f"## T\n1. **A** ({venue}) x").entries()).venue == venue


# -- links ---------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "target", "url"), [
    ("paper", "arxiv.org/abs/2604.25850", "https://arxiv.org/abs/2604.25850"),
    ("paper", "https://arxiv.org/abs/2401.00001?utm_source=twitter&utm_medium=x", "https://arxiv.org/abs/2401.00001"),
    ("paper", "https://arxiv.org/html/2401.00001v2", "https://arxiv.org/abs/2401.00001v2"),
    ("paper", "https://arxiv.org/pdf/2401.00001.pdf?utm_campaign=y", "https://arxiv.org/abs/2401.00001"),
    ("pdf", "https://arxiv.org/pdf/2401.00001", "https://arxiv.org/pdf/2401.00001"),
    ("code", "github.com/owner/repo", "https://github.com/owner/repo"),
    ("blog", "https://blog.example.org/post?id=3&utm_source=rss", "https://blog.example.org/post?id=3"),
    ("paper", "https://dx.doi.org/10.1145/3292500.3330701", "https://doi.org/10.1145/3292500.3330701"),
])
def test_links_are_repaired_and_each_repair_reported(label, target, url):
    reading_list = read(f"## T\n1. **A** (ICLR 2024) [[{label}]]({target}) x")
    entry = next(reading_list.entries())
    assert entry.links == [(label, url)]
    repairs = [problem for problem in reading_list.problems if problem.kind == "repaired"]
    if url == target:
        assert repairs == []
    else:
        assert len(repairs) == 1 and repairs[0].line == 2 and url in repairs[0].message


def test_links_already_canonical_are_not_reported():
    reading_list = read("## T\n1. **A** [[paper]](https://arxiv.org/abs/2401.00001) [[code]](https://github.com/o/r)")
    assert reading_list.problems == []


# -- hostile lists ---------------------------------------------------------------------

HOSTILE = """
    ## Topic <img src=x onerror=alert(1)>
    1. **Include** ```{include} ../../../../etc/os-release``` <script>alert(1)</script>
    2. **Fence** notes
       ```{include} ../../../../etc/os-release
       ```
    3. **Roles** {eval-rst}`.. raw:: html` and {download}`../../secret.txt`
    4. **Colon** notes
       :::{include} ../../secret.txt
       :::
    5. **Comment and target**
       % a hidden comment
       (a-label)=
    6. **Links** [x](javascript:alert(1)) ![i](../../secret.txt) [f](file:///etc/passwd) [ok](https://x.org)
    7. **HTML** notes
       <details><summary>open</summary><iframe src="https://evil.example"></iframe></details>
    8. **Title with ``` and ```` backticks** notes with ````` five
"""


def test_hostile_text_reaches_the_page_as_text():
    reading_list = read(HOSTILE)
    assert titles(reading_list) == ["Include", "Fence", "Roles", "Colon", "Comment and target", "Links", "HTML",
                                     "Title with ``` and ```` backticks"]
    pages = render_pages(reading_list)
    (page,) = [text for name, text in pages.items() if name != "index.md"]
    assert "\\<img src=x onerror=alert(1)>" in page.split("\n")[0]
    blocks = paper_blocks(page)
    assert [title for title, _ in blocks] == titles(reading_list)
    for _, content in blocks:
        assert_inert(options_and_body(content)[1])
    # what was written is still there to read
    assert "../../../../etc/os-release" in page and "alert(1)" in page and "% a hidden comment" in page
    # each entry whose text was made inert says so, on its line
    inert_lines = {problem.line for problem in reading_list.problems if problem.kind == "made-inert"}
    assert {2, 3, 6, 10, 13, 14} <= inert_lines
    assert ":::{include} ../../secret.txt" in page
    # a title with backticks is fenced with tildes (a backtick fence cannot
    # hold one); otherwise the fence is longer than any backtick run inside
    last = render_entry(list(reading_list.entries())[-1])
    assert last.startswith("~~~{paper} Title with ``` and ```` backticks\n") and last.endswith("\n~~~\n")
    roles = render_entry(list(reading_list.entries())[2])
    assert roles.startswith("```{paper} Roles\n")
    tilde = render_entry(next(read("## T\n1. **A `b`** ~~~~ x").entries()))
    assert tilde.startswith("~~~~~{paper} A `b`\n")


def test_hostile_text_in_the_preface_and_headings():
    reading_list = read("""
        ## Preface <script>x()</script>

        Read <b>this</b> first. ```{include} /etc/passwd```

        ```{include} /etc/passwd
        ```

        ## Topic
        1. **A**
    """)
    index = render_pages(reading_list)["index.md"]
    paper_blocks(index)   # asserts no directive but the toctree, no raw HTML
    assert "\\<script>x()\\</script>" in index and "/etc/passwd" in index


def test_the_seeds_stay_inert_and_whole():
    """Every page written from the seeds parses, with the site's MyST
    settings, into paper directives and text only."""
    from conftest import SEEDS

    for seed, count in (("000_5318163b812544db.txt", 182), ("002_693c5a4983cc91e3.txt", 23)):
        reading_list = parse((SEEDS / seed).read_text(encoding="utf-8"), "Seed")
        pages = render_pages(reading_list)
        blocks = [block for page in pages.values() for block in paper_blocks(page)]
        assert len(blocks) == count
        for _, content in blocks:
            assert_inert(options_and_body(content)[1])


# -- a list in the style of an awesome list, none of whose lines the seeds have --------

AWESOME = """
# Awesome Reasoning

A curated list. ![badge](https://img.shields.io/badge/x) <img src="logo.png">

## Contents
- [Papers](#papers)
- [Datasets](#datasets)

## Papers

### 2025.05

- 【🚀RL】**DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning** [[paper]](https://arxiv.org/abs/2501.12948) [[code]](https://github.com/deepseek-ai/DeepSeek-R1)
- 【🔧SFT+🚀RL】 [Kimi k1.5: Scaling Reinforcement Learning with LLMs](https://arxiv.org/abs/2501.12599)
- **[Survey]** A Survey on Large Reasoning Models. *arXiv 2025*. [[pdf]](https://arxiv.org/pdf/2502.00001)
- **【Latent CoT】Training Large Language Models to Reason in a Continuous Latent Space** (ICLR 2025 Rejected)
1.**s1: Simple test-time scaling** (Arxiv Jan 2025)

### Older

| Date | Title | Paper | Code |
|------|-------|-------|------|
| 2024.10 | Let's Verify Step by Step | [arXiv](https://arxiv.org/abs/2305.20050) | [GitHub](https://github.com/openai/prm800k) |
| 2024.09 | **Math-Shepherd**: Verify and Reinforce LLMs Step-by-step | [arXiv](https://arxiv.org/abs/2312.08935) | - |

## Datasets

* (Dataset) **GSM8K: Training Verifiers to Solve Math Word Problems** [paper](https://arxiv.org/abs/2110.14168)
* **MATH**: Measuring Mathematical Problem Solving With the MATH Dataset, NeurIPS 2021
"""


def test_an_awesome_list_arrives_whole():
    reading_list = parse(AWESOME, "Unseen")
    entries = list(reading_list.entries())
    assert [(e.title, e.tags, e.venue) for e in entries] == [
        ("DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning", ["🚀RL"], ""),
        ("Kimi k1.5: Scaling Reinforcement Learning with LLMs", ["🔧SFT", "🚀RL"], ""),
        ("A Survey on Large Reasoning Models", ["Survey"], "arXiv 2025"),
        ("Training Large Language Models to Reason in a Continuous Latent Space", ["Latent CoT"],
         "ICLR 2025 Rejected"),
        ("s1: Simple test-time scaling", [], "Arxiv Jan 2025"),
        ("Let's Verify Step by Step", [], ""),
        ("Math-Shepherd: Verify and Reinforce LLMs Step-by-step", [], ""),
        ("GSM8K: Training Verifiers to Solve Math Word Problems", ["Dataset"], ""),
        ("MATH: Measuring Mathematical Problem Solving With the MATH Dataset", [], "NeurIPS 2021"),
    ]
    assert entries[1].links == [("paper", "https://arxiv.org/abs/2501.12599")]
    assert entries[2].links == [("pdf", "https://arxiv.org/pdf/2502.00001")]
    assert entries[5].links == [("paper", "https://arxiv.org/abs/2305.20050"), ("code", "https://github.com/openai/prm800k")]
    conserved(reading_list)
    # the survey's link stays its own, not the entry's above it
    assert entries[0].links == [("paper", "https://arxiv.org/abs/2501.12948"),
                                ("code", "https://github.com/deepseek-ai/DeepSeek-R1")]


# -- a later, longer list in the style of the first seed, with markers ----------------

LATER = """
# LLM

## Reasoning

### 2025

1. 【🚀RL】**Title One** (Arxiv 2025.02) [[paper]](https://arxiv.org/html/2502.01234v1?utm_source=x) 总结一句。
2. **【🔧SFT】Title Two** （ICLR 2025）notes here
3. 【**综述**】**Title Three** (Arxiv Mar 2025) [[paper]](arxiv.org/abs/2503.00001)
   - 【insight】 一个想法
4. **Title Four** （没有特别的技巧）只是用了更多数据。
   1. **Nested Five** (ICML 2024)
6. **Title Six with $\\mathcal{O}(n)$ math** (NeurIPS 2024) 讨论 $a_{1}$。
7. 【RL】【Agent】**Title Seven**
8. **Title Eight** [[paper]](https://openreview.net/forum?id=abc123&referrer=%5Bthe%20profile%5D) [[code]](https://github.com/x/y?tab=readme-ov-file)
9. Title Nine: Plain words without venue
10. **Title Ten**(CVPR 2024)
"""


def test_a_later_list_in_the_seeds_style_arrives_whole():
    reading_list = parse(LATER, "Later")
    entries = list(reading_list.entries())
    assert [(e.title, e.tags, e.venue) for e in entries] == [
        ("Title One", ["🚀RL"], "Arxiv 2025.02"),
        ("Title Two", ["🔧SFT"], "ICLR 2025"),
        ("Title Three", ["综述"], "Arxiv Mar 2025"),
        ("Title Four", [], ""),
        ("Nested Five", [], "ICML 2024"),
        ("Title Six with $\\mathcal{O}(n)$ math", [], "NeurIPS 2024"),
        ("Title Seven", ["RL", "Agent"], ""),
        ("Title Eight", [], ""),
        ("Title Nine: Plain words without venue", [], ""),
        ("Title Ten", [], "CVPR 2024"),
    ]
    conserved(reading_list)
    # an insight remark under an entry stays a note of that entry
    assert (entries[2].summary, entries[2].notes) == ("", ["- 【insight】 一个想法"])
    assert (entries[3].summary, entries[5].summary) == ("（没有特别的技巧）只是用了更多数据。", "讨论 $a_{1}$。")
    assert entries[0].links == [("paper", "https://arxiv.org/abs/2502.01234v1")]
    assert entries[2].links == [("paper", "https://arxiv.org/abs/2503.00001")]


def test_text_among_notes_is_never_dropped():
    reading_list = read("""
        ## T
        1. **Alpha Paper** notes
           1.
           2. step two
           - **Beta Paper** (ICML 2024)
           - a note of Beta
           1.
           3. step three of Beta
    """)
    alpha, beta = reading_list.entries()
    # CommonMark: a number that cannot start a list continues the paragraph
    assert (alpha.summary, alpha.notes) == ("notes 1. 2. step two", [])
    # the text after a nested entry is that entry's; an empty item is nothing
    assert (beta.summary, beta.notes) == ("a note of Beta", ["3. step three of Beta"])
    # empty items among notes are no entries
    assert reading_list.entries_seen == 2 and not [p for p in reading_list.problems if p.kind == "skipped"]


def test_plain_titles_with_links_at_the_end_emphasis_and_a_linked_bold_title():
    reading_list = read("""
        ## Topic
        1. Plain title entry number one (ICLR 2020) [paper](https://arxiv.org/abs/2401.00006)
        2. Another plain title, NeurIPS 2021, [code](https://github.com/a/b)
        3. *Italic* (ICLR 2020) [[paper]](https://arxiv.org/abs/2401.00008)
        4. **[Bold link title entry here](https://arxiv.org/abs/2401.00009)** (ACL 2023)
        """)
    conserved(reading_list)
    entries = list(reading_list.entries())
    assert [(entry.title, entry.venue) for entry in entries] == [
        ("Plain title entry number one", "ICLR 2020"), ("Another plain title", "NeurIPS 2021"),
        ("Italic", "ICLR 2020"), ("Bold link title entry here", "ACL 2023")]
    assert [[url for _, url in entry.links] for entry in entries] == [
        ["https://arxiv.org/abs/2401.00006"], ["https://github.com/a/b"],
        ["https://arxiv.org/abs/2401.00008"], ["https://arxiv.org/abs/2401.00009"]]
