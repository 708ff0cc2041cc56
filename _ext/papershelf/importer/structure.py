"""What an imported list is made of: groups, topics, sections, entries, and
the problems met on the way.  Plain data, shared by the Markdown and BibTeX
readers and the page writer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

#: every kind of report line, and what it means
PROBLEM_KINDS = {
    "repaired": "a link repaired where its intent was clear",
    "text-repaired": "text decoded with the wrong encoding, repaired",
    "tagged": "a category marker moved from the title to the tags",
    "lenient": "a shape CommonMark does not see as an entry, read as one",
    "link-dropped": "a link target that cannot be a link, left out",
    "skipped": "an entry-like item that became no paper",
    "duplicate-link": "two titles link to the same paper",
    "differs": "the same paper written twice with different data",
    "dropped-text": "text left out of the pages (a table of contents, an empty heading)",
    "made-inert": "markup that would run or pull in a file, kept as text",
}


class SourceError(Exception):
    """A source the importer cannot read at all: a one-line message."""


@dataclass
class Problem:
    line: int
    kind: str
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
    notes: list[str] = field(default_factory=list)              # Markdown blocks, already inert
    tags: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    year: str = ""
    abstract: str = ""
    added: str = ""
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
    #: every entry-like item of the source, by line: each is a paper or a skipped report line
    seen: list[int] = field(default_factory=list)

    @property
    def entries_seen(self) -> int:
        return len(self.seen)

    def topics(self) -> Iterable[Topic]:
        for group in self.groups:
            yield from group.topics

    def entries(self) -> Iterable[Entry]:
        for topic in self.topics():
            yield from topic.entries()

    def problem(self, line: int, kind: str, message: str) -> None:
        self.problems.append(Problem(line, kind, message))
