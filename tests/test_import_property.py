"""Property tests of the importer: lists generated in every shape a real
reading list takes, with markers, venues, notes and hostile text, and the
promises checked on each: every entry is a paper with its title and tags or a
report line, entries seen = papers written + entries reported, and the pages
hold nothing that could run."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from import_checks import assert_inert, options_and_body, paper_blocks
from papershelf.importer import parse, render_pages

WORDS = ["Sparse", "Visual", "Tokens", "Reasoning", "Latent", "Steering", "Memory", "Agents", "Diffusion",
         "Preference", "Scaling", "Probing", "Retrieval", "Grounded", "Policy", "Models", "多模态", "推理",
         "Ünïcode", "Learning", "of", "for", "with"]
HOSTILE_TITLE_BITS = ["`code`", "<b>bold</b>", "{role}`x`", "$x^2$", "~tilde~", "α-β", "A & B"]
HOSTILE_NOTES = [
    "```{include} ../../../../etc/os-release\n```",
    "<script>alert(1)</script>",
    "{eval-rst}`.. raw:: html`",
    "[x](javascript:alert(1)) and ![i](../../secret.txt)",
    "% a comment line",
    ":::{include} ../../secret.txt\n:::",
    "```\n# not a heading\n1. **Not An Entry**\n```",
    "<details><summary>s</summary>text</details>",
    "plain words with `code` and $math$",
]
# (marker as written, the tags it holds)
MARKERS = [("【🚀RL】", ["🚀RL"]), ("【🔧SFT+🚀RL】", ["🔧SFT", "🚀RL"]), ("[Survey]", ["Survey"]),
           ("(Dataset)", ["Dataset"]), ("【Latent CoT】", ["Latent CoT"]), ("【综述，评测】", ["综述", "评测"]),
           ("[LLM/Agents]", ["LLM", "Agents"])]
VENUES = ["", "ICLR 2024", "NeurIPS 2023 Oral", "Arxiv Jan 2024", "CVPR2023", "ICLR 2025 Ratings 8 6 6 5"]


@dataclass
class Paper:
    title: str
    tags: list[str] = field(default_factory=list)


@dataclass
class Generated:
    lines: list[str] = field(default_factory=list)
    papers: list[Paper] = field(default_factory=list)
    empty: int = 0


@st.composite
def titles(draw, number: int) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
    bit = draw(st.sampled_from(["", "", ""] + HOSTILE_TITLE_BITS))
    # a number word keeps titles apart; it starts with a capital so no rule
    # reads it as the rest of a marker or a venue
    return " ".join([f"Paper{number}", *words, *([bit] if bit else [])])


@st.composite
def heads(draw, number: int, plain: bool = False) -> tuple[str, Paper]:
    """An entry's first line as written: markers, bold title, venue, link, notes."""
    title = draw(titles(number))
    marker = draw(st.sampled_from([None, None, *MARKERS]))
    place = draw(st.sampled_from(["before", "inside", "bold-marker"]))
    venue = draw(st.sampled_from(VENUES))
    tags = list(marker[1]) if marker else []
    # an ASCII bracket right before a letter is part of the title ("(Un)supervised"):
    # a marker in one is followed by a space
    spaced = marker[0] + (" " if marker[0][0] in "[(" else "") if marker else ""
    if plain:
        # "Title, VENUE": the shape of a bullet that is an entry of its own
        head = f"{marker[0] + ' ' if marker else ''}{title}, {venue or 'ICML 2024'}"
        return head, Paper(title, tags)
    if marker and place == "inside":
        head = f"**{spaced}{title}**"
    elif marker and place == "bold-marker":
        head = f"**{marker[0]}** **{title}**"
    elif marker:
        head = f"{marker[0]}**{title}**"
    else:
        head = f"**{title}**"
    if venue:
        head += f" ({venue})"
    if draw(st.booleans()):
        head += f" [[paper]](https://arxiv.org/abs/24{number % 12 + 1:02d}.{10000 + number})"
    if draw(st.booleans()):
        head += " " + draw(st.sampled_from(["one line summary.", "总结一句。", "see `x`", "<i>x</i>"]))
    return head, Paper(title, tags)


def indent(text: str, by: int) -> list[str]:
    return [(" " * by + line) if line else "" for line in text.split("\n")]


@st.composite
def blocks(draw, start: int) -> Generated:
    """One block of entries in one of the shapes real lists use."""
    shape = draw(st.sampled_from(["numbered", "numbered-nospace", "bold-lines", "bold-bullets", "nested",
                                  "quoted", "dash-numbered", "table", "html-table", "bullet-after-bold",
                                  "empty-item", "under-category"]))
    out = Generated()
    count = draw(st.integers(min_value=1, max_value=3))
    number = start
    for position in range(count):
        number += 1
        head, paper = draw(heads(number))
        notes = draw(st.sampled_from(["", "", *HOSTILE_NOTES]))
        if shape == "numbered":
            out.lines.append(f"{position + 1}. {head}")
            if notes:
                out.lines.extend(["", *indent(notes, 3)])
        elif shape == "numbered-nospace":
            out.lines.append(f"{position + 1}.{head}")
        elif shape == "bold-lines":
            out.lines.extend([head, "* a first note", *(["* " + notes.split(chr(10))[0]] if notes else []), ""])
        elif shape == "bold-bullets":
            out.lines.append(f"- {head}")
        elif shape == "nested":
            child_head, child = draw(heads(number + 1000))
            out.lines.extend([f"1. {head}", f"   - {child_head}", "   - a plain note"])
            out.papers.append(paper)
            paper = child
        elif shape == "quoted":
            out.lines.append(f"> {position + 1}. {head}")
        elif shape == "dash-numbered":
            out.lines.append(f"- {position + 1}. {head}")
        elif shape == "table":
            if position == 0:
                out.lines.extend(["| Title | Venue |", "| --- | --- |"])
            out.lines.append(f"| {head.replace('|', '/')} | ICLR 2024 |")
            paper.title = paper.title.replace("|", "/")
        elif shape == "html-table":
            if position == 0:
                out.lines.extend(["<table>", "<tr><th>Paper</th><th>Venue</th></tr>"])
            title = paper.title
            if any(char in title for char in "<>&`{$~"):
                # markup in an HTML cell is the HTML's, not the title's
                title = f"Paper{number} Html Title"
                paper = Paper(title, paper.tags)
            marker = next((written for written, tags in MARKERS if tags == paper.tags), "")
            out.lines.append(f"<tr><td>{marker}<b>{title}</b></td><td>ECCV 2024</td></tr>")
            if position == count - 1:
                out.lines.append("</table>")
        elif shape == "bullet-after-bold":
            plain_head, plain = draw(heads(number + 2000, plain=True))
            out.lines.extend([head, f"- {plain_head}", "- a note of the bullet entry", ""])
            out.papers.append(paper)
            paper = plain
        elif shape == "under-category":
            if position == 0:
                out.lines.append("- Category words")
            out.lines.append(f"  - {head}")
        elif shape == "empty-item":
            out.lines.extend([f"{position + 1}. {head}", f"{position + 2}."])
            out.empty += 1
        out.papers.append(paper)
    out.lines.append("")
    return out


@st.composite
def reading_lists(draw) -> Generated:
    layout = draw(st.sampled_from(["no-heading", "topics", "groups", "group-then-topic"]))
    result = Generated()
    number = 0
    if layout == "groups":
        result.lines.extend(["# Group One", "", "## Topic A", ""])
    elif layout == "group-then-topic":
        result.lines.extend(["# Group One", ""])
    elif layout == "topics":
        result.lines.extend(["Some preface words.", "", "## Topic A", ""])
    for index in range(draw(st.integers(min_value=1, max_value=4))):
        if index and layout != "no-heading" and draw(st.booleans()):
            result.lines.extend([f"## Topic {index}", ""])
        block = draw(blocks(number))
        number += 10
        result.lines.extend(block.lines + [""])
        result.papers.extend(block.papers)
        result.empty += block.empty
    if layout == "group-then-topic":
        result.lines.extend(["## Topic Z", "", "1. **Closing Paper**", ""])
        result.papers.append(Paper("Closing Paper"))
    return result


def _clean(title: str) -> str:
    return " ".join(title.split())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reading_lists())
def test_every_generated_entry_is_a_paper_or_a_report_line(generated):
    reading_list = parse("\n".join(generated.lines), "Generated")
    entries = list(reading_list.entries())
    skipped = [problem for problem in reading_list.problems if problem.kind == "skipped"]
    # the invariant, and nothing counted twice
    assert reading_list.entries_seen == len(entries) + len(skipped)
    assert reading_list.entries_seen == len(generated.papers) + generated.empty
    assert len(skipped) == generated.empty
    # each paper with its clean title and its markers as tags
    assert [(_clean(entry.title), entry.tags) for entry in entries] == \
        [(_clean(paper.title), paper.tags) for paper in generated.papers]
    # the pages hold exactly these papers, and nothing that runs
    pages = render_pages(reading_list)
    written = [paper_block for page in pages.values() for paper_block in paper_blocks(page)]
    assert sorted(title for title, _ in written) == sorted(_clean(entry.title) for entry in entries)
    for _, content in written:
        options, body = options_and_body(content)
        assert_inert(body)
        assert ("tags" in options) == bool(options.get("tags"))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_text_imports_without_error_and_stays_inert(text):
    """Whatever the text, the importer finishes, conserves its entries and
    writes pages with nothing active in them."""
    reading_list = parse(text, "Anything")
    skipped = sum(1 for problem in reading_list.problems if problem.kind == "skipped")
    assert reading_list.entries_seen == sum(1 for _ in reading_list.entries()) + skipped
    for page in render_pages(reading_list).values():
        for _, content in paper_blocks(page):
            assert_inert(options_and_body(content)[1])


MARKDOWN_PIECES = [*"#*-+1.)>|[]()【】（）`~{}<>:%!_ \n\n\nabcXY🚀，,/\\$=", "**", "1. ", "- ", "## ", "   ", "```",
                   "<script>", "{include}", "| --- |", "https://arxiv.org/abs/2401.00001", "(ICLR 2024)",
                   ", CVPR2023", "<table><tr><td><b>T</b></td></tr></table>", "[x](../a)", "![i](b.png)", "(t)=",
                   ":::", "【🚀RL】"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=80).map("".join))
def test_markdown_fragments_import_and_stay_inert(text):
    """Fragments of the syntax lists and MyST use, in any order: the same
    promises as for any text, on the inputs most likely to break them."""
    reading_list = parse(text, "Fragments")
    skipped = sum(1 for problem in reading_list.problems if problem.kind == "skipped")
    assert reading_list.entries_seen == sum(1 for _ in reading_list.entries()) + skipped
    for page in render_pages(reading_list).values():
        for _, content in paper_blocks(page):
            assert_inert(options_and_body(content)[1])
