"""The benchmark's synthetic papers and the sites written from them.

One list of papers, written five ways (``STYLES``):

- ``papershelf``: topic pages of ``paper`` directives;
- ``baseline``: the same papers by hand, plain MyST list items with
  sphinx-design badges and a dropdown of notes per paper;
- ``plain``: list items with the same words and links, no badges and no
  collapsible notes (the floor);
- ``papershelf_indexes``: the Papershelf topic pages plus two index pages,
  ``paper-index`` by year and by venue;
- ``needs``: the peer, sphinx-needs: a ``need`` per paper (venue and year as
  extra options, status, the summary, links and notes as its content) and the
  same two index pages as ``needtable`` directives, one table per group.
"""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# Venue strings in the seed lists' shapes, each with the canonical venue and
# year Papershelf reads from it (``python -m papershelf venue ...``).  The
# sphinx-needs site writes the canonical pair, as a user of sphinx-needs would.
VENUE_READINGS = {
    "ICLR 2024": ("ICLR", 2024), "ICLR 2025 Oral": ("ICLR", 2025), "ICLR 2025 Ratings 8 6 6 5": ("ICLR", 2025),
    "NeurIPS 2023": ("NeurIPS", 2023), "NIPS2023": ("NeurIPS", 2023),
    "NeurIPS 2024 Workshop on Adaptive Foundation Models": ("NeurIPS Workshop", 2024),
    "ICML 2024": ("ICML", 2024), "ICML 2024 ICL workshop": ("ICML Workshop", 2024), "ACL 2024": ("ACL", 2024),
    "Findings of ACL 2023": ("Findings of ACL", 2023), "EMNLP 2024 Findings": ("Findings of EMNLP", 2024),
    "CVPR2024": ("CVPR", 2024), "ECCV 2024": ("ECCV", 2024), "AAAI 2025": ("AAAI", 2025),
    "TMLR 2024": ("TMLR", 2024), "Arxiv Jan 2024": ("arXiv", 2024), "Arxiv 2025.02": ("arXiv", 2025),
    "arxiv 2023": ("arXiv", 2023),
}
VENUES = [*VENUE_READINGS, ""]
WORDS = ("in-context learning transformers language models vision reasoning hallucination alignment "
         "retrieval attention heads task vectors scaling laws chain-of-thought multimodal benchmark "
         "preference optimization mechanistic interpretability generalization distribution shift "
         "induction circuits reward models tokens decoding latent space steering").split()
CHINESE = ["发现模型对于demonstration的顺序很敏感。", "提出了一种新的解码策略来缓解幻觉。",
           "在合成任务上验证了理论结果。", "实验表明该方法在多个基准上都有提升。",
           "【insight】视觉信息在深层被逐渐忽略。"]
MATH = ["$y=\\text{softmax}((1+\\alpha) p_\\theta(y|c,x)-\\alpha p_\\theta(y|x))$", "$s_{T+1}=Ws_T$",
        "$\\mathcal{L} = -\\sum_i \\log p(y_i|x_i)$"]
STYLES = ("papershelf", "baseline", "plain", "papershelf_indexes", "needs")
# the styles that need only the site's own requirements
CORE_STYLES = ("papershelf", "baseline", "plain")
# Each site loads what its pages use: the baseline's badges and dropdowns are
# sphinx-design's; Papershelf draws its own (the site's conf.py does not load
# sphinx-design either).
EXTENSIONS = {"papershelf": ["myst_parser", "papershelf"],
              "baseline": ["myst_parser", "sphinx_design"],
              "plain": ["myst_parser"],
              "papershelf_indexes": ["myst_parser", "papershelf"],
              "needs": ["myst_parser", "sphinx_needs"]}
KIND_BADGE = {"ICLR": "primary", "NeurIPS": "primary", "ICML": "primary", "ACL": "primary",
              "CVPR": "primary", "ECCV": "primary", "AAAI": "primary", "TMLR": "secondary",
              "Arxiv": "light", "arxiv": "light", "EMNLP": "warning", "Findings": "warning"}
NO_VENUE = "no venue"
NEEDS_COLUMNS = "id;title;venue;year;status"


@dataclass
class Entry:
    number: int
    title: str
    venue: str
    year: int
    arxiv: str
    code: str
    summary: str
    notes: list[str] = field(default_factory=list)

    @property
    def need_id(self) -> str:
        return f"P_{self.number:05d}"

    @property
    def canonical_venue(self) -> str:
        return VENUE_READINGS[self.venue][0] if self.venue else NO_VENUE

    @property
    def shown_year(self) -> int:
        """The year Papershelf shows: the venue's, else the one written."""
        return VENUE_READINGS[self.venue][1] if self.venue else self.year


def generate(papers: int, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    entries = []
    for number in range(papers):
        words = rng.sample(WORDS, rng.randint(5, 10))
        title = " ".join(words).capitalize() + f" ({number})"
        venue = rng.choice(VENUES)
        year = 2017 + rng.randint(0, 8)
        month = rng.randint(1, 12)
        arxiv = f"{year % 100:02d}{month:02d}.{number:05d}"
        summary = rng.choice(CHINESE) + " " + " ".join(rng.sample(WORDS, 8)) + "."
        notes = []
        if rng.random() < 0.6:
            notes.append(rng.choice(CHINESE) + " " + rng.choice(MATH) + " " + " ".join(rng.sample(WORDS, 12)) + ".")
        if rng.random() < 0.3:
            notes.append("- " + "\n- ".join(rng.choice(CHINESE) for _ in range(3)))
        entries.append(Entry(number, title, venue, year, arxiv,
                             f"https://github.com/lab{number % 50}/repo{number}", summary, notes))
    return entries


def conf_py(style: str) -> str:
    text = (f'project = "Bench"\nextensions = {EXTENSIONS[style]!r}\nhtml_theme = "furo"\n'
            'myst_enable_extensions = ["dollarmath", "colon_fence"]\nexclude_patterns = ["_build"]\n'
            'suppress_warnings = ["papershelf.venue"]\nlinkcheck_timeout = 10\nlinkcheck_workers = 10\n'
            'linkcheck_anchors = False\n')
    if style == "needs":
        # status is one of sphinx-needs' own fields; venue and year are the
        # site's (needs_fields, which replaces needs_extra_options in 9.x)
        text += ('needs_fields = {"venue": {"description": "canonical venue", "nullable": False, "default": ""}, '
                 '"year": {"description": "year of the paper", "nullable": False, "default": ""}}\n'
                 'needs_table_style = "table"\n')
    return text


def write_site(root: Path, style: str, entries: list[Entry], pages: int, links_base: str | None = None) -> Path:
    """A site of ``entries`` over ``pages`` topic pages, written in ``style``."""
    if root.exists():
        shutil.rmtree(root)
    (root / "topics").mkdir(parents=True)
    (root / "conf.py").write_text(conf_py(style), encoding="utf-8")
    names = [f"topics/topic-{page:03d}" for page in range(pages)]
    indexes = index_pages(style, entries)
    if indexes:
        (root / "indexes").mkdir()
        for name, text in indexes.items():
            (root / f"{name}.md").write_text(text, encoding="utf-8")
    (root / "index.md").write_text("# Bench\n\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join([*names, *indexes])
                                   + "\n```\n", encoding="utf-8")
    per_page = -(-len(entries) // pages)
    for page, name in enumerate(names):
        chunk = entries[page * per_page:(page + 1) * per_page]
        body = [f"# Topic {page}\n"]
        for entry in chunk:
            body.append(render(entry, style, links_base))
        (root / f"{name}.md").write_text("\n".join(body), encoding="utf-8")
    return root


def index_pages(style: str, entries: list[Entry]) -> dict[str, str]:
    """The index pages of ``style`` by docname: by year (newest first) and by
    venue (canonical venue, then year), as Papershelf's ``indexes/`` has."""
    if style == "papershelf_indexes":
        return {f"indexes/by-{by}": f"# Papers by {by}\n\n```{{paper-index}}\n:by: {by}\n```\n"
                for by in ("year", "venue")}
    if style != "needs":
        return {}
    by_year: dict[int, int] = defaultdict(int)
    by_venue: dict[str, int] = defaultdict(int)
    for entry in entries:
        by_year[entry.shown_year] += 1
        by_venue[entry.canonical_venue] += 1
    year_page = ["# Papers by year\n"]
    for year in sorted(by_year, reverse=True):
        year_page.append(f"## {year} ({by_year[year]})\n\n" + needtable(f'year == "{year}"', "title"))
    venue_page = ["# Papers by venue\n"]
    # Papershelf lists the papers with no venue last
    for venue in sorted(by_venue, key=lambda name: (name == NO_VENUE, name.casefold())):
        condition = 'venue == ""' if venue == NO_VENUE else f'venue == "{venue}"'
        venue_page.append(f"## {venue} ({by_venue[venue]})\n\n" + needtable(condition, "year"))
    return {"indexes/by-year": "\n".join(year_page), "indexes/by-venue": "\n".join(venue_page)}


def needtable(condition: str, sort: str) -> str:
    return (f"```{{needtable}}\n:filter: {condition}\n:columns: {NEEDS_COLUMNS}\n:style: table\n"
            f":sort: {sort}\n```\n")


def render(entry: Entry, style: str, links_base: str | None = None) -> str:
    paper_url = f"{links_base}/{entry.number}/abs" if links_base else f"https://arxiv.org/abs/{entry.arxiv}"
    code_url = f"{links_base}/{entry.number}/code" if links_base else entry.code
    if style in ("papershelf", "papershelf_indexes"):
        options = f":venue: {entry.venue}\n" if entry.venue else ""
        options += f":year: {entry.year}\n" if not entry.venue else ""
        options += f":paper: {paper_url}\n:code: {code_url}\n"
        notes = "\n\n".join(entry.notes)
        return (f"```{{paper}} {entry.title}\n{options}\n{entry.summary}\n"
                + (f"\n{notes}\n" if notes else "") + "```\n")
    if style == "needs":
        options = f":id: {entry.need_id}\n:status: read\n:year: {entry.shown_year}\n"
        options += f":venue: {entry.canonical_venue}\n" if entry.venue else ""
        notes = "\n\n".join(entry.notes)
        return (f"```{{need}} {entry.title}\n{options}\n{entry.summary}\n\n"
                f"[paper]({paper_url}) · [code]({code_url})\n" + (f"\n{notes}\n" if notes else "") + "```\n")
    if style == "baseline":
        venue = entry.venue
        badge = KIND_BADGE.get(venue.split(" ")[0].rstrip("0123456789"), "info") if venue else "info"
        badges = (f"{{bdg-{badge}}}`{venue}` " if venue else "") + f"{{bdg-secondary-line}}`{entry.year}` " \
            + ("{bdg-success}`read`" if entry.summary else "{bdg-light}`unread`")
        lines = [f"- **{entry.title}** {badges}", "",
                 f"  [paper]({paper_url}) · [code]({code_url})", "", f"  {entry.summary}", ""]
        if entry.notes:
            lines += ["  :::{dropdown} Notes", ""]
            for note in entry.notes:
                lines += ["  " + line if line else "" for line in note.splitlines()] + [""]
            lines += ["  :::", ""]
        return "\n".join(lines)
    # plain: the same words and links, as a list item with no badges and no
    # collapsible notes
    lines = [f"- **{entry.title}** ({entry.venue or entry.year}) [paper]({paper_url}) · [code]({code_url})",
             "", f"  {entry.summary}", ""]
    for note in entry.notes:
        lines += ["  " + line if line else "" for line in note.splitlines()] + [""]
    return "\n".join(lines)
