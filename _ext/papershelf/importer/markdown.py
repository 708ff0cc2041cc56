"""A Markdown reading list read as Markdown: the block structure (headings,
lists and their nesting, tables, quotes, code) is what markdown-it-py's
CommonMark parser says it is; ``lenient.py`` adds what a real list needs on
top, each lenient reading reported."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it.tree import SyntaxTreeNode

from .lenient import NUMBER_NO_SPACE_RE, HeadReader, compose_notes, head_is_entry
from .structure import Entry, Group, ReadingList, Section, Topic
from .text import inert, markdown, plain, repair_mojibake

_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ANCHOR_LINK_RE = re.compile(r"\[[^\[\]]*\]\(#[^()]*\)")
_TOC = "table of contents left out"
_QUOTE_RE = re.compile(r"^\s{0,3}> ?")
_LISTS = ("bullet_list", "ordered_list")
# table columns, by the words people head them with
TITLE_HEADERS = frozenset({"title", "paper", "papers", "name", "论文", "标题", "题目", "文章"})
VENUE_HEADERS = frozenset({"venue", "conference", "conf", "journal", "published", "publication", "会议", "期刊",
                           "发表"})


@dataclass
class Heading:
    level: int
    title: str
    line: int


@dataclass
class Unit:
    """A piece of a section: an entry (with the text after its head and the
    blocks under it), an entry-like item that became no paper, or a block of
    text."""

    kind: str                       # entry, skip, text
    line: int
    entry: Entry | None = None
    text: str = ""                  # entry: text after the head; text: Markdown source; skip: reason
    blocks: list[str] = field(default_factory=list)
    toc: bool = False


class _HTMLTable(HTMLParser):
    """Rows of an HTML table, each cell as inline Markdown (bold and links kept)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, list[str], bool]] = []    # line, cells, header row
        self._cell: list[str] | None = None
        self._href: list[str | None] = []
        self._header = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append((self.getpos()[0], [], False))
        elif tag in ("td", "th") and self.rows:
            self._cell = []
            self._header = tag == "th"
        elif self._cell is not None and tag in ("b", "strong"):
            self._cell.append("**")
        elif self._cell is not None and tag == "a":
            self._href.append(dict(attrs).get("href"))
            self._cell.append("[")

    def handle_endtag(self, tag: str) -> None:
        if self._cell is None:
            return
        if tag in ("b", "strong"):
            self._cell.append("**")
        elif tag == "a" and self._href:
            href = self._href.pop()
            self._cell.append(f"]({href})" if href else "]")
        elif tag in ("td", "th"):
            line, cells, header = self.rows[-1]
            cells.append(" ".join("".join(self._cell).split()))
            self.rows[-1] = (line, cells, header or self._header)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


class MarkdownReader:
    def __init__(self, text: str, title: str) -> None:
        self.result = ReadingList(title=title)
        self.heads = HeadReader(self.result)
        lines = []
        for number, raw in enumerate(text.splitlines(), start=1):
            fixed = repair_mojibake(raw)
            if fixed != raw:
                self.result.problem(number, "text-repaired", f"mis-decoded text repaired: {raw.strip()[:60]!r} "
                                                             f"now reads {fixed.strip()[:60]!r}")
            lines.append(fixed.rstrip())
        self.lines = self._numbers_without_space(lines)
        self.tree = SyntaxTreeNode(markdown().parse("\n".join(self.lines)))
        self._heading_lines: dict[str, int] = {}
        self._toc_end = 0

    def _numbers_without_space(self, lines: list[str]) -> list[str]:
        """``1.**Title**`` is a numbered entry in its owner's eyes, though
        CommonMark sees a paragraph: give it its space (outside code)."""
        code: set[int] = set()
        for token in markdown().parse("\n".join(lines)):
            if token.map and token.type in ("fence", "code_block", "html_block"):
                code.update(range(*token.map))
        fixed = list(lines)
        for index, line in enumerate(lines):
            match = NUMBER_NO_SPACE_RE.match(line)
            if match and index not in code:
                fixed[index] = line[:match.end()] + " " + line[match.end():]
                self.result.problem(index + 1, "lenient", f"{match.group(2)} with no space before the title "
                                                          "read as a numbered entry")
        return fixed

    # -- source text -------------------------------------------------------------

    def source(self, node: SyntaxTreeNode, quote: int, start: int | None = None, end: int | None = None) -> str:
        first, last = node.map if node.map else (0, 0)
        lines = self.lines[first if start is None else start: last if end is None else end]
        if quote:
            stripped = []
            for line in lines:
                for _ in range(quote):
                    line = _QUOTE_RE.sub("", line, count=1)
                stripped.append(line)
            lines = stripped
        return textwrap.dedent("\n".join(lines)).strip("\n")

    # -- blocks to units ---------------------------------------------------------

    def units(self, node: SyntaxTreeNode, quote: int) -> list[Unit]:
        kind = node.type
        line = (node.map[0] + 1) if node.map else 0
        if kind == "paragraph":
            content = node.children[0].content if node.children else ""
            head, _, continuation = content.partition("\n")
            if head_is_entry(head, plain=False):
                return self.entry_units(head, continuation, line, [])
            return [Unit("text", line, text=self.source(node, quote))]
        if kind in _LISTS:
            return self.list_units(node, quote, top=True)
        if kind == "blockquote":
            units = [unit for child in node.children for unit in self.units(child, quote + 1)]
            if any(unit.kind != "text" for unit in units):
                self.result.problem(line, "lenient", "entries inside a quote (>) read as entries")
            return units
        if kind == "table":
            return self.table_units(node, quote)
        if kind == "html_block" and "<table" in node.content.lower():
            return self.html_table_units(node, quote)
        if kind == "hr":
            return []
        if kind == "heading":      # a heading inside a quote: its text
            return [Unit("text", line, text=self.source(node, quote).lstrip("> "))]
        return [Unit("text", line, text=self.source(node, quote))]

    def entry_units(self, head: str, continuation: str, line: int, blocks: list[str]) -> list[Unit]:
        entry, rest = self.heads.entry(head, line)
        if not entry.title:
            return [Unit("skip", line, text=f"entry has no title: {head[:60]!r}")]
        continued = self.heads.take_links(continuation, entry, line + 1, single=False) if continuation else ""
        return [Unit("entry", line, entry=entry, text=" ".join((rest + " " + continued).split()), blocks=blocks)]

    def list_units(self, node: SyntaxTreeNode, quote: int, top: bool) -> list[Unit]:
        ordered = node.type == "ordered_list"
        units: list[Unit] = []
        pending: list[SyntaxTreeNode] = []       # consecutive items that are text, kept as one block

        def flush() -> None:
            if pending:
                text = self.source(node, quote, pending[0].map[0], pending[-1].map[1])
                toc = all(self._is_toc_item(item) for item in pending)
                units.append(Unit("text", pending[0].map[0] + 1, text=text, toc=toc))
                pending.clear()

        for item in node.children:
            line = item.map[0] + 1
            children = item.children
            first = children[0] if children else None
            if first is None or (first.type == "paragraph" and not first.children[0].content.strip()):
                # an empty numbered entry; an empty item among notes is nothing
                if ordered and top:
                    flush()
                    units.append(Unit("skip", line, text="empty numbered item"))
                continue
            if first.type in _LISTS and not (first.type == "bullet_list" and ordered):
                # "- 1. **Title**": the item is only a holder of the list inside it
                inner = self.list_units(first, quote, top)
                if any(unit.kind != "text" for unit in inner):
                    flush()
                    self.result.problem(line, "lenient", "a list item holding only a numbered item: "
                                                         "its entry read as an entry")
                    units.extend(inner)
                    units.extend(self._block_units(children[1:], quote))
                    continue
            if first.type == "paragraph":
                content = first.children[0].content
                head, _, continuation = content.partition("\n")
                # a marked item is an entry only where notes are not expected
                bold_or_venue = head_is_entry(head, marked=top)
                if (ordered and top) or bold_or_venue:
                    flush()
                    if not (ordered and top) and not head_is_entry(head, plain=False):
                        self.result.problem(line, "lenient", f"bullet {head[:60]!r} read as an entry "
                                                             "of its own (a title and its venue)")
                    blocks, nested = self._children(children[1:], quote)
                    units.extend(self.entry_units(head, continuation, line, blocks))
                    units.extend(nested)
                    continue
            # an item that is no entry may hold entries: "- Category" over bold-title items
            nested = [unit for child in children[1:] for unit in
                      (self.list_units(child, quote, top=False) if child.type in _LISTS else self.units(child, quote))]
            if any(unit.kind != "text" for unit in nested):
                flush()
                self.result.problem(line, "lenient", "entries nested under an item that is not an entry "
                                                     "read as entries")
                units.append(Unit("text", line, text=self.source(first, quote) if first.map else ""))
                units.extend(nested)
                continue
            pending.append(item)
        flush()
        return units

    def _children(self, children: list[SyntaxTreeNode], quote: int) -> tuple[list[str], list[Unit]]:
        """The note blocks of an entry from the blocks of its item, and the
        nested entries among them (an item with a bold title)."""
        blocks: list[str] = []
        nested: list[Unit] = []
        owner = blocks          # text after a nested entry is that entry's
        for child in children:
            made = self.list_units(child, quote, top=False) if child.type in _LISTS else self.units(child, quote)
            for unit in made:
                if unit.kind == "text":
                    owner.append(unit.text)
                else:
                    nested.append(unit)
                    owner = unit.blocks if unit.kind == "entry" else blocks
        return blocks, nested

    def _block_units(self, children: list[SyntaxTreeNode], quote: int) -> list[Unit]:
        return [unit for child in children for unit in self.units(child, quote)]

    @staticmethod
    def _is_toc_item(item: SyntaxTreeNode) -> bool:
        for child in item.children:
            if child.type == "paragraph":
                text = child.children[0].content
                if not _ANCHOR_LINK_RE.search(text) or _ANCHOR_LINK_RE.sub("", text).strip(" ⭐*"):
                    return False
            elif child.type in _LISTS:
                if not all(MarkdownReader._is_toc_item(grand) for grand in child.children):
                    return False
            else:
                return False
        return True

    # tables

    def table_units(self, node: SyntaxTreeNode, quote: int) -> list[Unit]:
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        for part in node.children:
            for row in part.children:
                cells = [cell.children[0].content if cell.children else "" for cell in row.children]
                if part.type == "thead":
                    header = cells
                else:
                    rows.append((row.map[0] + 1, cells))
        return self._row_units(header, rows, self.source(node, quote), (node.map[0] + 1))

    def html_table_units(self, node: SyntaxTreeNode, quote: int) -> list[Unit]:
        parser = _HTMLTable()
        source = self.source(node, quote)
        parser.feed(source)
        parser.close()
        first = node.map[0]
        header: list[str] = []
        rows: list[tuple[int, list[str]]] = []
        for line, cells, is_header in parser.rows:
            if is_header and not rows and not header:
                header = cells
            else:
                rows.append((first + line, cells))
        units = self._row_units(header, rows, source, first + 1)
        if any(unit.kind != "text" for unit in units):
            self.result.problem(first + 1, "lenient", "rows of an HTML table read as entries")
        return units

    def _row_units(self, header: list[str], rows: list[tuple[int, list[str]]], source: str,
                   line: int) -> list[Unit]:
        names = [plain(name).casefold().strip(" :") for name in header]
        title_columns = [index for index, name in enumerate(names) if name in TITLE_HEADERS]
        units: list[Unit] = []
        for row_line, cells in rows:
            column = next((index for index, cell in enumerate(cells) if head_is_entry(cell, plain=False)), None)
            if column is None:
                column = next((index for index in title_columns if index < len(cells) and cells[index].strip()),
                              None)
            if column is None:
                continue
            made = self.entry_units(cells[column], "", row_line, [])
            unit = made[0]
            if unit.entry is not None:
                notes = []
                for index, cell in enumerate(cells):
                    if index == column or not cell.strip():
                        continue
                    cell = self.heads.take_links(cell, unit.entry, row_line, single=True).strip()
                    name = names[index] if index < len(names) else ""
                    if not cell:
                        continue
                    if name in VENUE_HEADERS and not unit.entry.venue:
                        unit.entry.venue = plain(cell)
                    else:
                        label = plain(header[index]) if index < len(header) and header[index].strip() else ""
                        notes.append(f"- {label}: {cell}" if label else f"- {cell}")
                if notes:
                    unit.blocks.append("\n".join(notes))
            units.append(unit)
        if not units:
            return [Unit("text", line, text=source)]
        return units

    # -- the sections ------------------------------------------------------------

    def read(self) -> ReadingList:
        items: list[Heading | Unit] = []
        for node in self.tree.children:
            if node.type == "heading":
                text = node.children[0].content if node.children else ""
                items.append(Heading(int(node.tag[1]), " ".join(text.split()), node.map[0] + 1))
            else:
                items.extend(self.units(node, 0))
        headings = [(index, item.level) for index, item in enumerate(items) if isinstance(item, Heading)]
        levels_with_entries = {level for index, level in headings if self._has(items, index, level, entries=True)}
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
        last: Unit | None = None
        entry_units: list[Unit] = []
        for index, item in enumerate(items):
            if isinstance(item, Heading):
                last = None
                level, text = item.level, item.title
                if grouped and level < topic_level:
                    group = Group(text, item.line)
                    result.groups.append(group)
                    topic = section = None
                elif level == topic_level and group is not None and (
                        seen_entries or self._has(items, index, level, entries=True)
                        or not self._has(items, index, level, entries=False)):
                    topic = Topic(text, item.line)
                    section = Section(1, "")
                    topic.sections.append(section)
                    group.topics.append(topic)
                elif topic is not None and level > topic_level:
                    section = Section(level - topic_level + 1, text)
                    topic.sections.append(section)
                else:
                    # a heading outside any topic: part of the introduction
                    depth = level if group is None else level - (topic_level - 2)
                    written = "#" * max(2, depth) + " " + inert(text)[0]
                    self._heading_lines.setdefault(written, item.line)
                    self._intro(group).append(written)
                    topic = section = None
                continue
            if item.kind in ("entry", "skip"):
                result.seen.append(item.line)
                if item.kind == "skip":
                    result.problem(item.line, "skipped", item.text)
                    last = None
                    continue
                seen_entries = True
                if topic is None or section is None:
                    if group is None:
                        group = Group("", 0)
                        result.groups.append(group)
                    name = group.title or result.title
                    topic = Topic(name, item.line)
                    section = Section(1, "")
                    topic.sections.append(section)
                    group.topics.append(topic)
                    result.problem(item.line, "lenient", f"entries outside any topic heading: "
                                                         f"put on a page of their own, {name!r}")
                assert item.entry is not None
                section.items.append(item.entry)
                entry_units.append(item)
                last = item
                continue
            if last is not None:
                last.blocks.append(item.text)
            elif topic is not None and section is not None:
                section.items.append(self._inert(item.text, item.line))
            else:
                self._intro_unit(group, item)
        for unit in entry_units:
            self._finish(unit)
        self._drop_empty_headings(result.intro)
        for group in result.groups:
            self._drop_empty_headings(group.intro)
        return result

    def _finish(self, unit: Unit) -> None:
        entry = unit.entry
        assert entry is not None
        blocks = [self.heads.take_links(block, entry, unit.line, single=False) for block in unit.blocks]
        compose_notes(entry, unit.text, blocks)
        found: set[str] = set()
        entry.summary, kinds = inert(entry.summary)
        found.update(kinds)
        notes = []
        for block in entry.notes:
            block, kinds = inert(block)
            found.update(kinds)
            notes.append(block)
        entry.notes = notes
        if found:
            self.result.problem(unit.line, "made-inert",
                                f"{entry.title[:60]!r}: kept as text: {', '.join(sorted(found))}")

    def _inert(self, text: str, line: int) -> str:
        block, kinds = inert(text)
        if kinds:
            self.result.problem(line, "made-inert", f"kept as text: {', '.join(kinds)}")
        return block

    @staticmethod
    def _has(items: list[Heading | Unit], index: int, level: int, entries: bool) -> bool:
        """Whether the section under the heading at ``index`` holds entries
        (or, with ``entries`` false, text)."""
        for item in items[index + 1:]:
            if isinstance(item, Heading):
                if item.level <= level:
                    return False
                continue
            if (item.kind != "text") == entries:
                return True
        return False

    def _intro(self, group: Group | None) -> list[str]:
        return group.intro if group is not None and group.title else self.result.intro

    def _intro_unit(self, group: Group | None, unit: Unit) -> None:
        text = unit.text.strip()
        if text == "[TOC]":
            self.result.problem(unit.line, "dropped-text", "[TOC] marker left out: the site has its own navigation")
            return
        if unit.toc:
            end = unit.line + text.count("\n")
            count = end - unit.line + 1
            self.result.problem(unit.line, "dropped-text",
                                f"{_TOC} ({count} line{'s' if count > 1 else ''}, to line {end}): "
                                "the site has its own navigation")
            return
        self._intro(group).append(self._inert(unit.text, unit.line))

    def _drop_empty_headings(self, blocks: list[str]) -> None:
        """A heading left with nothing under it (its table of contents was
        left out) goes too."""
        kept: list[str] = []
        for position, text in enumerate(blocks):
            heading = _HEADING_RE.match(text)
            if heading and text in self._heading_lines:
                level = len(heading.group(1))
                following = next((other for other in blocks[position + 1:] if other.strip()), None)
                following_heading = _HEADING_RE.match(following) if following is not None else None
                nested = following_heading is not None and len(following_heading.group(1)) > level
                if following is None or (following_heading and not nested):
                    self.result.problem(self._heading_lines.get(text, 0), "dropped-text",
                                        f"heading {heading.group(2)!r} left out: nothing under it")
                    continue
            kept.append(text)
        blocks[:] = kept
