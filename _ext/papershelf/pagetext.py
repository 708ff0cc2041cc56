"""Editing topic pages as text: find the ``paper`` entries, add one, change option lines.

The block structure comes from markdown-it-py (with the colon-fence plugin
MyST uses), so a ```` ```{paper} ```` inside a code block is not an entry and
a ``#`` inside an entry is not a heading.  Every edit touches only the lines
it must: an entry appended under a section, or an option line replaced or
added in place.  Line endings are kept.  No Sphinx import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

from .model import LINK_LABELS, arxiv_id_of, check_url, doi_of, normal_title, parse_extra_links


# -- writing an entry ----------------------------------------------------------------

def longest_run(text: str, char: str) -> int:
    """The longest run of ``char`` in ``text``."""
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def list_option(items: Iterable[str]) -> str:
    """A list option (``authors``, ``tags``): comma-separated, or separated by
    ``;`` when an item holds a comma; spacing folded."""
    items = [" ".join(item.split()) for item in items]
    separator = "; " if any("," in item for item in items) else ", "
    return separator.join(items)


def paper_directive(title: str, options: Iterable[tuple[str, str]], body: str = "") -> str:
    """A ``paper`` directive as a page holds it: its fence longer than any
    run of the fence's character inside it.  CommonMark allows no backtick in
    a backtick fence's info string (the title), so a title with one is fenced
    with tildes."""
    text = "\n".join(f":{name}: {value}" for name, value in options)
    if body:
        text += "\n\n" + body
    mark = "~" if "`" in title else "`"
    fence = mark * max(3, longest_run(title + "\n" + text, mark) + 1)
    return f"{fence}{{paper}} {title}\n{text}\n{fence}\n"

_OPTION_RE = re.compile(r"^:([\w-]+):(?:[ \t]+(.*?))?[ \t]*$")
_NOT_PAGES = frozenset({"_build", "node_modules", "__pycache__"})
_DIRECTIVE_RE = re.compile(r"^\{paper\}\s*(.*)$")


@dataclass
class EntryText:
    """One ``paper`` entry of a page, where it is and what its options say."""

    path: Path
    line: int                      # 1-based line of the opening fence
    title: str
    options: dict[str, str] = field(default_factory=dict)
    option_lines: dict[str, int] = field(default_factory=dict)   # 0-based
    options_end: int = 0           # 0-based index where a new option line goes

    def urls(self) -> list[str]:
        """The entry's links, as the directive reads them."""
        found = []
        for name, value in self.options.items():
            if name in LINK_LABELS:
                checked = check_url(value)
                if checked.value:
                    found.append(checked.value)
            elif name == "links":
                found.extend(url for _, _, url in parse_extra_links(value).value if url)
        return found

    @property
    def arxiv_ids(self) -> set[str]:
        return {ident for ident in map(arxiv_id_of, self.urls()) if ident}

    @property
    def dois(self) -> set[str]:
        return {doi.lower() for doi in map(doi_of, self.urls()) if doi}

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").use(colon_fence_plugin)


def split_lines(text: str) -> list[str]:
    """Lines with their endings."""
    return text.splitlines(keepends=True)


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def find_entries(text: str, path: Path) -> list[EntryText]:
    """The ``paper`` entries of a page, in order."""
    lines = split_lines(text)
    entries = []
    for token in _parser().parse(text):
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        match = _DIRECTIVE_RE.match(token.info.strip())
        if not match:
            continue
        start, end = token.map
        entry = EntryText(path=path, line=start + 1, title=" ".join(match.group(1).split()))
        index = start + 1
        closing = end - 1 if end - 1 > start and lines[end - 1].strip().startswith(token.markup[:3]) else end
        while index < min(closing, len(lines)):
            option = _OPTION_RE.match(lines[index].rstrip("\r\n"))
            if not option:
                break
            entry.options.setdefault(option.group(1), option.group(2) or "")
            entry.option_lines.setdefault(option.group(1), index)
            index += 1
        entry.options_end = index
        entries.append(entry)
    return entries


def headings(text: str) -> list[tuple[int, int, str]]:
    """``(level, 0-based line, text)`` of each heading, outside code and entries."""
    found = []
    tokens = _parser().parse(text)
    for position, token in enumerate(tokens):
        if token.type == "heading_open" and token.map:
            inline = tokens[position + 1]
            found.append((int(token.tag[1:]), token.map[0], " ".join(inline.content.split())))
    return found


def _fold(text: str) -> str:
    return " ".join(text.lstrip("#").split()).casefold()


def section_end(text: str, heading: str) -> int:
    """The 0-based line after the last non-blank line of a section.

    Raises ``LookupError`` naming the page's headings when there is no such one.
    """
    lines = split_lines(text)
    found = headings(text)
    for position, (level, line, title) in enumerate(found):
        if _fold(title) == _fold(heading):
            end = next((other_line for other_level, other_line, _ in found[position + 1:]
                        if other_level <= level), len(lines))
            while end > line + 1 and not lines[end - 1].strip():
                end -= 1
            return end
    names = ", ".join(repr(title) for _, _, title in found) or "none"
    raise LookupError(f"no section {heading!r} (headings: {names})")


def append_entry(text: str, entry: str, section: str | None = None) -> str:
    """The page with ``entry`` (text ending with a newline) added at the end of
    the page or of a section.  Nothing else changes."""
    newline = newline_of(text)
    lines = split_lines(text)
    entry_lines = [line + newline for line in entry.rstrip("\n").split("\n")]
    if section is None:
        position = len(lines)
        while position > 0 and not lines[position - 1].strip():
            position -= 1
    else:
        position = section_end(text, section)
    before, after = lines[:position], lines[position:]
    if before and not before[-1].endswith(("\n", "\r")):
        before[-1] += newline
    block = ([newline] if before else []) + entry_lines
    if after and after[0].strip():
        block.append(newline)
    if not after:
        # the page ended in blank lines after its last text: they go, the entry ends it
        return "".join(before + block)
    return "".join(before + block + after)


def set_options(text: str, entry: EntryText, values: Mapping[str, str],
                order: Iterable[str] = ()) -> str:
    """The page with the entry's option lines set to ``values``: an existing
    line is replaced where it is, a new one is added after the entry's last
    option line.  ``entry`` must come from this text."""
    newline = newline_of(text)
    lines = split_lines(text)
    added = []
    rank = {name: position for position, name in enumerate(order)}
    for name in sorted(values, key=lambda name: rank.get(name, len(rank))):
        line = f":{name}: {values[name]}{newline}"
        if name in entry.option_lines:
            index = entry.option_lines[name]
            ending = newline if lines[index].endswith(("\n", "\r")) else ""
            lines[index] = line[: -len(newline)] + ending
        else:
            added.append(line)
    lines[entry.options_end: entry.options_end] = added
    return "".join(lines)


# -- the site's entries ------------------------------------------------------

def site_pages(site: Path) -> list[Path]:
    """The topic pages of a site: ``papers/**/*.md``, or every page under a folder."""
    folder = site / "papers" if (site / "papers").is_dir() else site
    return sorted(path for path in folder.rglob("*.md") if path.is_file()
                  # not the build, the virtualenv, the cache or other hidden folders
                  and not any(part.startswith(".") or part in _NOT_PAGES
                              for part in path.relative_to(folder).parts[:-1]))


def read_page(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def write_page(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8"))


def site_entries(pages: Iterable[Path]) -> tuple[list[EntryText], list[str]]:
    """Every entry of these pages, and a message for each page that cannot be read."""
    entries: list[EntryText] = []
    problems = []
    for path in pages:
        try:
            entries.extend(find_entries(read_page(path), path))
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{path}: cannot read: {error}")
    return entries, problems


def find_duplicate(entries: Iterable[EntryText], title: str, arxiv: str = "", doi: str = "") -> tuple[EntryText, str] | None:
    """The first entry that is this paper (same arXiv id, DOI or title), and why."""
    wanted_title = normal_title(title)
    for entry in entries:
        if arxiv and (arxiv in entry.arxiv_ids or entry.options.get("key") == arxiv.replace("/", "-")):
            return entry, f"arXiv {arxiv}"
        if doi and doi.lower() in entry.dois:
            return entry, f"DOI {doi}"
        if wanted_title and normal_title(entry.title) == wanted_title:
            return entry, "same title"
    return None
