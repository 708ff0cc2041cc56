"""Turn a Markdown reading list into topic pages of ``paper`` directives.

The reader understands the shapes real lists take (see the README): ``#``
groups, ``##`` topics, deeper headings (years) kept as sections, numbered
entries ``**Title** (Venue) [[paper]](url) notes``, bold-title lines followed by
bullet notes, entries with no bold title (``Title, CVPR2023``), nested items,
empty items.  Nothing is dropped silently: every entry becomes a paper or a
line of the report, and every repair is reported with its source line.

Pure Python, no Sphinx: the same code runs from the command line and in tests.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import model
from .model import LINK_LABELS, Link
from .venues import get_parser

REPORT_VERSION = 1

# How link labels that people write map to the directive's link options.
LABEL_ALIASES = {
    "arxiv": "paper", "article": "paper", "abs": "paper",
    "github": "code", "repo": "code", "git": "code",
    "homepage": "project", "page": "project", "website": "project", "site": "project",
    "dataset": "data", "benchmark": "data",
    "or": "openreview",
}

_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBERED_RE = re.compile(r"^(\s*)\d{1,4}[.)](?:\s+(.*))?$")
_BULLET_RE = re.compile(r"^(\s*)[*+\-]\s+(.*)$")
_BOLD_RE = re.compile(r"^\*\*(.+?)\*\*")
_DOUBLE_LINK_RE = re.compile(r"\[\[\s*([^\[\]]*?)\s*\]\s*\]\(\s*([^()]*?)\s*\)")
_LINK_RE = re.compile(r"(?<!!)\[([^\[\]]+)\]\(\s*([^()]*?)\s*\)")
_ANCHOR_LINK_RE = re.compile(r"\[[^\[\]]*\]\(#[^()]*\)")
_OPEN_PARENS = "(（"
_CLOSE_PARENS = ")）"
_MATH_RE = re.compile(r"\$[^$]+\$")
# a sentence ends at a full stop of either script, outside math
_SENTENCE_END_RE = re.compile(r"(。|！|？|[.!?](?=\s))")
_MARKER_RE = re.compile(r"【[^】]{1,20}】")
_MOJIBAKE_RE = re.compile(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                          r"\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}")

# problems of these kinds are repairs whose intent is clear; the terminal
# summary counts them instead of listing each
ROUTINE = frozenset({"repaired"})
SUMMARY_LIMIT = 150
_TOC = "table of contents left out"   # characters; a longer first paragraph is split after its first sentence


# -- the parsed list ---------------------------------------------------------

@dataclass
class Problem:
    line: int
    kind: str      # repaired, text-repaired, link-dropped, skipped, duplicate-link, differs, dropped-text
    message: str

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


@dataclass
class Entry:
    line: int
    title: str
    venue: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)   # (label, url), labels may repeat
    summary: str = ""
    notes: list[str] = field(default_factory=list)              # Markdown blocks
    key: str = ""


@dataclass
class Section:
    """A heading inside a topic page (a year, usually) and what follows it."""

    level: int                 # 2 for the first level below the page title
    title: str
    items: list[Entry | str] = field(default_factory=list)   # entries and prose blocks


@dataclass
class Topic:
    title: str
    line: int
    slug: str = ""
    sections: list[Section] = field(default_factory=list)

    def entries(self) -> Iterable[Entry]:
        for section in self.sections:
            for item in section.items:
                if isinstance(item, Entry):
                    yield item


@dataclass
class Group:
    title: str
    line: int
    slug: str = ""
    intro: list[str] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)


@dataclass
class ReadingList:
    title: str
    intro: list[str] = field(default_factory=list)            # Markdown lines
    groups: list[Group] = field(default_factory=list)         # a group with title "" holds ungrouped topics
    problems: list[Problem] = field(default_factory=list)
    entries_seen: int = 0

    def topics(self) -> Iterable[Topic]:
        for group in self.groups:
            yield from group.topics

    def entries(self) -> Iterable[Entry]:
        for topic in self.topics():
            yield from topic.entries()


# -- text repairs ------------------------------------------------------------

def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 (``LLMâ€™s`` -> ``LLM’s``), run by run,
    leaving any run alone that does not decode cleanly."""
    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        try:
            fixed = run.encode("cp1252").decode("utf-8")
        except UnicodeError:
            return run
        return fixed
    return _MOJIBAKE_RE.sub(fix, text)


def repair_link(target: str, title: str) -> tuple[str | None, str | None]:
    """A usable URL for a written link target, and what was done or wrong.

    Returns ``(url, None)`` for a good link, ``(url, note)`` for a repaired one
    and ``(None, reason)`` for a target that cannot be a link."""
    text = target.strip().strip("<>").strip()
    if not text:
        return None, "empty link target"
    if re.match(r"^http://(www\.)?arxiv\.org/", text, re.IGNORECASE):
        return "https://" + text[len("http://"):], f"http arXiv link {text} now uses https"
    if text.lower().startswith("www."):
        text = "https://" + text
    checked = model.check_url(text)
    if checked.value is None:
        if model.normal_title(text) == model.normal_title(title):
            return None, "the paper's title is written where its URL should be"
        return None, "; ".join(checked.problems)
    url = str(checked.value)
    if url != text:
        return url, f"{text} written as {url}"
    return url, None


def link_kind(label: str) -> tuple[str | None, bool]:
    """The link option a written label maps to, and whether it was a guess.
    ``None``: the label names something else (kept as a named link)."""
    name = " ".join(label.split()).casefold()
    if name in LINK_LABELS:
        return name, False
    if name in LABEL_ALIASES:
        return LABEL_ALIASES[name], False
    # a typo ("papaer") is written in lower case; "Codex" or "PICa" is a name
    close = difflib.get_close_matches(name, LINK_LABELS, n=1, cutoff=0.75) if label.islower() else []
    if close:
        return close[0], True
    return None, False


# -- reading -----------------------------------------------------------------

@dataclass
class _Line:
    number: int
    text: str


class _Reader:
    def __init__(self, text: str, title: str) -> None:
        self.result = ReadingList(title=title)
        self.lines: list[_Line] = []
        self._heading_lines: dict[str, int] = {}
        self._toc_end = 0
        for number, raw in enumerate(text.splitlines(), start=1):
            fixed = repair_mojibake(raw)
            if fixed != raw:
                self._problem(number, "text-repaired", f"mis-decoded text repaired: {raw.strip()[:60]!r} "
                                                       f"now reads {fixed.strip()[:60]!r}")
            self.lines.append(_Line(number, fixed.rstrip()))
        #: each line's heading level, 0 for a line that is not a heading
        self.levels = [len(m.group(1)) if (m := _HEADING_RE.match(line.text)) else 0 for line in self.lines]

    def _problem(self, line: int, kind: str, message: str) -> None:
        self.result.problems.append(Problem(line, kind, message))

    # structure

    def read(self) -> ReadingList:
        headings = [(index, level) for index, level in enumerate(self.levels) if level]
        starts = {index for index, line in enumerate(self.lines) if self._starts_entry(line.text)}
        # heading levels whose sections hold entries
        levels_with_entries = {level for index, level in headings if self._section_has_entries(index, level, starts)}
        if not levels_with_entries:
            levels_with_entries = {min((level for _, level in headings), default=2)}
        top = min(levels_with_entries)
        grouped = top == 1 and len(levels_with_entries) > 1
        topic_level = min(levels_with_entries - {1}) if grouped else top

        result = self.result
        group: Group | None = None if grouped else Group("", 0)
        if group is not None:
            result.groups.append(group)
        topic: Topic | None = None
        section: Section | None = None
        seen_entries = False
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            heading = _HEADING_RE.match(line.text)
            if heading:
                level, text = len(heading.group(1)), heading.group(2).strip()
                if grouped and level < topic_level:
                    group = Group(text, line.number)
                    result.groups.append(group)
                    topic = section = None
                elif level == topic_level and (group is not None) and (
                        seen_entries or self._section_has_entries(index, level, starts)
                        or not self._section_has_prose(index, level)):
                    topic = Topic(text, line.number)
                    section = Section(1, "")
                    topic.sections.append(section)
                    group.topics.append(topic)
                elif topic is not None and level > topic_level:
                    section = Section(level - topic_level + 1, text)
                    topic.sections.append(section)
                else:
                    # a heading outside any topic: part of the introduction
                    depth = level if group is None else level - (topic_level - 2)
                    written = "#" * max(2, depth) + " " + text
                    self._heading_lines.setdefault(written, line.number)
                    self._intro(group).append(written)
                    topic = section = None
                index += 1
                continue
            if index in starts and topic is not None and section is not None:
                seen_entries = True
                end = index + 1
                while end < len(self.lines) and end not in starts and not _HEADING_RE.match(self.lines[end].text):
                    end += 1
                entry = self._entry(self.lines[index:end])
                result.entries_seen += 1
                if entry is not None:
                    section.items.append(entry)
                index = end
                continue
            if line.text.strip():
                if topic is not None and section is not None:
                    section.items.append(line.text.strip())
                else:
                    self._intro_line(group, line)
            elif topic is None:
                intro = self._intro(group)
                if intro and intro[-1] != "":
                    intro.append("")
            index += 1
        self._drop_empty_headings(result.intro)
        for group in result.groups:
            self._drop_empty_headings(group.intro)
        return result

    def _drop_empty_headings(self, lines: list[str]) -> None:
        """A heading left with nothing under it (its table of contents was
        left out) goes too."""
        kept: list[str] = []
        for position, text in enumerate(lines):
            heading = _HEADING_RE.match(text)
            if heading:
                level = len(heading.group(1))
                following = next((other for other in lines[position + 1:] if other.strip()), None)
                nested = following is not None and (following_heading := _HEADING_RE.match(following)) \
                    and len(following_heading.group(1)) > level
                if following is None or (_HEADING_RE.match(following) and not nested):
                    self._problem(self._heading_lines.get(text, 0), "dropped-text",
                                  f"heading {heading.group(2)!r} left out: nothing under it")
                    continue
            kept.append(text)
        lines[:] = kept

    def _intro(self, group: Group | None) -> list[str]:
        return group.intro if group is not None and group.title else self.result.intro

    def _intro_line(self, group: Group | None, line: _Line) -> None:
        text = line.text.strip()
        if text == "[TOC]":
            self._problem(line.number, "dropped-text", "[TOC] marker left out: the site has its own navigation")
            return
        if _BULLET_RE.match(line.text) and _ANCHOR_LINK_RE.search(text) and \
                not _ANCHOR_LINK_RE.sub("", _BULLET_RE.match(line.text).group(2)).strip(" ⭐*"):
            last = self.result.problems[-1] if self.result.problems else None
            if last is not None and last.kind == "dropped-text" and last.message.startswith(_TOC) \
                    and self._toc_end == line.number - 1:
                first = last.line
            else:
                first = line.number
                last = Problem(first, "dropped-text", "")
                self.result.problems.append(last)
            self._toc_end = line.number
            count = line.number - first + 1
            last.message = (f"{_TOC} ({count} line{'s' if count > 1 else ''}, to line {line.number}): "
                            "the site has its own navigation")
            return
        self._intro(group).append(line.text)

    def _section(self, index: int, level: int) -> range:
        """The lines under the heading on line ``index``, up to the next
        heading of the same or a higher level."""
        end = next((other for other in range(index + 1, len(self.lines)) if 0 < self.levels[other] <= level),
                   len(self.lines))
        return range(index + 1, end)

    def _section_has_entries(self, index: int, level: int, starts: set[int]) -> bool:
        return any(other in starts for other in self._section(index, level))

    def _section_has_prose(self, index: int, level: int) -> bool:
        return any(self.lines[other].text.strip() and not self.levels[other]
                   for other in self._section(index, level))

    @staticmethod
    def _starts_entry(text: str) -> bool:
        numbered = _NUMBERED_RE.match(text)
        if numbered:
            indent, rest = len(numbered.group(1).expandtabs(4)), (numbered.group(2) or "").strip()
            return indent < 2 or rest.startswith("**")
        return text.startswith("**")

    # entries

    def _entry(self, lines: list[_Line]) -> Entry | None:
        first = lines[0]
        numbered = _NUMBERED_RE.match(first.text)
        head = ((numbered.group(2) or "") if numbered else first.text).strip()
        continuation = [line for line in lines[1:] if line.text.strip()]
        if not head and not continuation:
            self._problem(first.number, "skipped", "empty numbered item")
            return None
        if not head:
            head, continuation = continuation[0].text.strip(), continuation[1:]

        entry = Entry(line=first.number, title="")
        bold = _BOLD_RE.match(head)
        if bold:
            inside, rest = bold.group(1), head[bold.end():]
            inside = self._take_links(inside, entry, first.number, single=True)
            entry.title = " ".join(inside.split()).strip()
        else:
            entry.title, rest = self._plain_title(head)
        rest = self._take_links(rest, entry, first.number, single=True)
        rest, entry.venue = self._take_venue(rest)
        if not entry.title:
            self._problem(first.number, "skipped", f"entry has no title: {head[:60]!r}")
            return None

        text_blocks: list[str] = [rest.strip()] if rest.strip() else []
        bullets: list[str] = []
        for line in continuation:
            text = self._take_links(line.text, entry, line.number, single=False)
            bullet = _BULLET_RE.match(text)
            if bullet:
                bullets.append(f"- {bullet.group(2).strip()}")
            elif text.strip():
                if bullets:
                    bullets[-1] += " " + text.strip()
                elif text_blocks:
                    text_blocks[-1] += " " + text.strip()
                else:
                    text_blocks.append(text.strip())
        self._notes(entry, " ".join(text_blocks), bullets)
        return entry

    def _plain_title(self, head: str) -> tuple[str, str]:
        """``MaPLe: Multi-modal Prompt Learning, CVPR2023`` -> title and the rest,
        the rest holding the venue in brackets when one was found."""
        links_removed = _DOUBLE_LINK_RE.sub("", head).strip()
        title, comma, tail = links_removed.rpartition(",")
        if comma and tail.strip() and _looks_like_venue(tail.strip()):
            return title.strip(), f"({tail.strip()})" + head[len(links_removed):]
        for opening in _OPEN_PARENS:
            position = links_removed.rfind(opening)
            if position > 0 and links_removed.endswith(tuple(_CLOSE_PARENS)) and \
                    _looks_like_venue(links_removed[position + 1:-1]):
                return links_removed[:position].strip(), links_removed[position:]
        return links_removed, head[len(links_removed):]

    def _take_links(self, text: str, entry: Entry, line: int, single: bool) -> str:
        """Move the links of ``text`` into ``entry.links``; return the rest.

        ``[[label]](url)`` is always a link of the paper; ``[label](url)`` only
        on the entry's first line (the English list's style), since in notes
        it is part of the prose."""
        def take(match: re.Match[str]) -> str:
            label, target = match.group(1), match.group(2)
            url, note = repair_link(target, entry.title or match.string[:match.start()])
            if url is None:
                self._problem(line, "link-dropped", f"[{label}] link left out: {note}"
                              + (f" ({target.strip()[:60]!r})" if target.strip() else ""))
                return ""
            if note:
                self._problem(line, "repaired", note)
            kind, guessed = link_kind(label)
            if guessed:
                self._problem(line, "repaired", f"link label [{label}] read as {kind}")
            entry.links.append((kind or " ".join(label.split()), url))
            return ""
        text = _DOUBLE_LINK_RE.sub(take, text)
        return _LINK_RE.sub(take, text) if single else text

    @staticmethod
    def _take_venue(rest: str) -> tuple[str, str]:
        stripped = rest.lstrip()
        if not stripped or stripped[0] not in _OPEN_PARENS:
            return rest, ""
        depth = 0
        for position, char in enumerate(stripped):
            if char in _OPEN_PARENS:
                depth += 1
            elif char in _CLOSE_PARENS:
                depth -= 1
                if depth == 0:
                    return stripped[position + 1:], " ".join(stripped[1:position].split())
        return rest, ""

    def _notes(self, entry: Entry, text: str, bullets: list[str]) -> None:
        text = " ".join(text.split())
        marker = _MARKER_RE.search(text)
        later: list[str] = []
        if marker and marker.start() > 0:
            later.append(text[marker.start():].strip())
            text = text[:marker.start()].strip()
        if not text and bullets:
            text = bullets.pop(0)[2:]
        if len(text) > SUMMARY_LIMIT:
            end = _sentence_end(text)
            if end:
                later.insert(0, text[end:].strip())
                text = text[:end].strip()
        entry.summary = text
        entry.notes = [block for block in later if block]
        if bullets:
            entry.notes.append("\n".join(bullets))


def _sentence_end(text: str) -> int | None:
    """Where the first sentence of ``text`` ends, if it ends early enough to
    leave a real remainder; never inside ``$math$``."""
    maths = [match.span() for match in _MATH_RE.finditer(text)]
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        if any(start <= match.start() < stop for start, stop in maths):
            continue
        if end < 12:
            continue
        if len(text) - end < 20:
            return None
        return end
    return None


def _looks_like_venue(text: str) -> bool:
    venue = get_parser().parse(text)
    return bool(venue.name) and (venue.kind != "unknown" or venue.year is not None) and len(text) < 40


# -- keys --------------------------------------------------------------------

def assign_keys(reading_list: ReadingList) -> None:
    """One key per paper across the whole list: entries with the same title
    share it; each paper gets its arXiv id (or DOI, or title slug) as key, and
    two different titles never share one."""
    clusters: dict[str, list[Entry]] = {}
    for entry in reading_list.entries():
        clusters.setdefault(model.normal_title(entry.title), []).append(entry)
    used: dict[str, Entry] = {}
    for members in clusters.values():
        links = [Link(label, url) for entry in members for label, url in entry.links]
        key = model.derive_key(members[0].title, links)
        if key.casefold() in used:
            other = used[key.casefold()]
            reading_list.problems.append(Problem(
                members[0].line, "duplicate-link",
                f"{members[0].title!r} links to the same paper ({key}) as {other.title!r} "
                f"on line {other.line}; check the link. Its key is taken from its title"))
            key = model.derive_key(members[0].title, [])
            base, number = key, 1
            while key.casefold() in used:
                number += 1
                key = f"{base}-{number}"
        used[key.casefold()] = members[0]
        for entry in members:
            entry.key = key
        for entry in members[1:]:
            if entry.venue and members[0].venue and entry.venue != members[0].venue:
                reading_list.problems.append(Problem(
                    entry.line, "differs",
                    f"{entry.title!r} is also on line {members[0].line} with venue "
                    f"{members[0].venue!r}; here {entry.venue!r}"))


def parse(text: str, title: str) -> ReadingList:
    reading_list = _Reader(text, title).read()
    _assign_slugs(reading_list)
    assign_keys(reading_list)
    reading_list.problems.sort(key=lambda problem: problem.line)
    return reading_list


def _assign_slugs(reading_list: ReadingList) -> None:
    group_slugs: set[str] = set()
    for group in reading_list.groups:
        if group.title:
            group.slug = model.unique_name(model.slugify(group.title) or "group", group_slugs)
        topic_slugs: set[str] = {"index"}
        for topic in group.topics:
            topic.slug = model.unique_name(model.slugify(topic.title) or "topic", topic_slugs)


# -- writing -----------------------------------------------------------------

def render_entry(entry: Entry) -> str:
    options: list[tuple[str, str]] = [("key", entry.key)]
    if entry.venue:
        options.append(("venue", entry.venue))
    extras: list[str] = []
    used: set[str] = set()
    for label, url in entry.links:
        if label in LINK_LABELS and label not in used:
            used.add(label)
            options.append((label, url))
        else:
            extras.append(f"{label} <{url}>")
    if extras:
        options.append(("links", ", ".join(extras)))
    body = [block for block in (entry.summary, *entry.notes) if block]
    text = "\n".join(f":{name}: {value}" for name, value in options)
    if body:
        text += "\n\n" + "\n\n".join(body)
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{{paper}} {entry.title}\n{text}\n{fence}\n"


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def render_topic(topic: Topic) -> str:
    parts = [f"# {topic.title}\n"]
    count = sum(1 for _ in topic.entries())
    if not count:
        parts.append("No papers on this topic yet.\n")
    for section in topic.sections:
        if section.title:
            parts.append(f"{'#' * section.level} {section.title}\n")
        for item in section.items:
            parts.append(render_entry(item) if isinstance(item, Entry) else item + "\n")
    return "\n".join(parts)


def _toctree(names: list[str], maxdepth: int) -> str:
    return "```{toctree}\n" + f":maxdepth: {maxdepth}\n\n" + "\n".join(names) + "\n```\n"


def _intro_text(lines: list[str]) -> str:
    text = "\n".join(lines).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text + "\n" if text else ""


def render_pages(reading_list: ReadingList) -> dict[str, str]:
    """Every page of the import, by path relative to the output folder."""
    pages: dict[str, str] = {}
    top: list[str] = []
    for group in reading_list.groups:
        if group.title:
            names = [topic.slug for topic in group.topics]
            parts = [f"# {group.title}\n"]
            if group.intro:
                parts.append(_intro_text(group.intro))
            parts.append(_toctree(names, 1))
            pages[f"{group.slug}/index.md"] = "\n".join(parts)
            top.append(f"{group.slug}/index")
            for topic in group.topics:
                pages[f"{group.slug}/{topic.slug}.md"] = render_topic(topic)
        else:
            for topic in group.topics:
                pages[f"{topic.slug}.md"] = render_topic(topic)
                top.append(topic.slug)
    parts = [f"# {reading_list.title}\n"]
    if reading_list.intro:
        parts.append(_intro_text(reading_list.intro))
    parts.append(_toctree(top, 2))
    pages["index.md"] = "\n".join(parts)
    return dict(sorted(pages.items()))


def report(reading_list: ReadingList, source: str, pages: dict[str, str]) -> dict[str, object]:
    papers = sum(1 for _ in reading_list.entries())
    by_kind: dict[str, int] = {}
    for problem in reading_list.problems:
        by_kind[problem.kind] = by_kind.get(problem.kind, 0) + 1
    skipped = by_kind.get("skipped", 0)
    return {
        "version": REPORT_VERSION,
        "source": source,
        "entries": reading_list.entries_seen,
        "papers": papers,
        "skipped": skipped,
        "unique_papers": len({entry.key for entry in reading_list.entries()}),
        "links": sum(len(entry.links) for entry in reading_list.entries()),
        "groups": sum(1 for group in reading_list.groups if group.title),
        "topics": sum(1 for _ in reading_list.topics()),
        "empty_topics": [topic.title for topic in reading_list.topics() if not any(topic.entries())],
        "pages": sorted(pages),
        "problems_by_kind": dict(sorted(by_kind.items())),
        "problems": [problem.as_dict() for problem in reading_list.problems],
    }


def summary_text(data: dict[str, object], verbose: bool = False) -> str:
    kinds = ", ".join(f"{count} {kind}" for kind, count in data["problems_by_kind"].items())  # type: ignore[union-attr]
    lines = [
        f"{data['source']}: {data['entries']} entries -> {data['papers']} papers "
        f"({data['unique_papers']} distinct), {data['skipped']} skipped; "
        f"{data['topics']} topics in {data['groups']} groups, {len(data['pages'])} pages",  # type: ignore[arg-type]
        f"problems: {kinds or 'none'}",
    ]
    routine = 0
    for problem in data["problems"]:  # type: ignore[union-attr]
        if problem["kind"] in ROUTINE and not verbose:
            routine += 1
            continue
        lines.append(f"  line {problem['line']}: [{problem['kind']}] {problem['message']}")
    if routine:
        lines.append(f"  ({routine} routine repairs not listed: see the JSON report or use --verbose)")
    return "\n".join(lines)


def import_list(source: Path, out: Path, title: str | None = None,
                force: bool = False) -> dict[str, object]:
    """Read ``source``, write its pages under ``out``, return the report."""
    text = source.read_text(encoding="utf-8-sig")
    reading_list = parse(text, title or _title_from_name(source))
    pages = render_pages(reading_list)
    if not force and out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty; pass --force to write over the pages it holds")
    for relative, content in pages.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
    return report(reading_list, source.name, pages)


def _title_from_name(source: Path) -> str:
    words = re.sub(r"[_\-]+", " ", source.stem).strip()
    return words[:1].upper() + words[1:] if words else "Papers"
