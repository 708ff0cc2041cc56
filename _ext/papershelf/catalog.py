"""The site's papers: entries of one paper joined across pages, and the
queries the indexes and the overview ask of them.

Pure Python over :class:`~papershelf.model.Entry` values; this is the one
place that decides what "the same paper" means.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from .model import STATUSES, Entry, Link, first_arxiv_id, first_doi, unique_name
from .venues import NO_VENUE, Venue

#: What ``paper-index`` can group by, and how it can be drawn.
GROUPINGS = ("year", "venue", "tag", "status", "topic", "author")
INDEX_VIEWS = ("list", "table")
# the status a paper has when its entries disagree: the furthest along wins
_STATUS_RANK = {status: rank for rank, status in enumerate(reversed(STATUSES))}


@dataclass(frozen=True)
class Paper:
    """One paper of the site, however many entries (pages) it has.

    Fields come from the first entry (pages in name order, then line order);
    a field that entry leaves empty is taken from the next entry that has it.
    """

    key: str
    entries: tuple[Entry, ...]
    title: str = ""
    venue: Venue = Venue("")
    year: int | None = None
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "unread"
    rating: tuple[int, ...] = ()
    summary: str = ""
    notes: str = ""
    abstract: str = ""
    added: str = ""

    @property
    def first(self) -> Entry:
        return self.entries[0]

    @property
    def venue_kind(self) -> str:
        return self.venue.kind if self.venue.name else NO_VENUE

    @functools.cached_property
    def arxiv_id(self) -> str | None:
        return first_arxiv_id(self.links)

    @functools.cached_property
    def doi(self) -> str | None:
        return first_doi(self.links)

    @functools.cached_property
    def memo(self) -> tuple:
        """What the paper is made from: its key and the entries it joins, as
        made (an entry's stamp is drawn when it is made, so an entry read
        again is a new one; entries keep their stamps in the saved
        environment).  Equal memos in two builds mean the same paper."""
        return (self.key, *(entry.stamp for entry in self.entries))

    @functools.cached_property
    def pages(self) -> tuple[Entry, ...]:
        """The first entry on each page the paper is on, in entry order."""
        if len(self.entries) == 1:
            return self.entries
        first: dict[str, Entry] = {}
        for entry in self.entries:
            first.setdefault(entry.docname, entry)
        return tuple(first.values())

    def docnames(self) -> list[str]:
        return [entry.docname for entry in self.pages]


@dataclass(frozen=True)
class Conflict:
    """Two entries of one paper that disagree on ``field``."""

    field: str
    first: Entry
    second: Entry
    first_value: str
    second_value: str
    #: both entries gave the same key by hand: two papers may be hiding behind it
    same_key: bool = False


@dataclass
class Catalog:
    papers: list[Paper]
    conflicts: list[Conflict] = field(default_factory=list)
    by_entry: dict[tuple[str, str], Paper] = field(default_factory=dict)  # (docname, key) -> paper
    #: pages with a paper that has entries on other pages too
    shared_pages: set[str] = field(default_factory=set)

    @functools.cached_property
    def by_key(self) -> dict[str, Paper]:
        return {paper.key: paper for paper in self.papers}


def build(entries: Iterable[Entry]) -> Catalog:
    """Join the entries that are one paper: the same key, the same normalised
    title, or the same arXiv id or DOI.  Entries whose keys were both written
    by hand and differ are never joined: the owner has said they are two
    papers."""
    entries = list(entries)
    parent = list(range(len(entries)))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def union(one: int, two: int) -> None:
        one, two = find(one), find(two)
        if one != two:
            # never join two groups that hold different hand-given keys
            keys_one = hand_keys[one]
            keys_two = hand_keys[two]
            if keys_one and keys_two and keys_one != keys_two:
                return
            parent[max(one, two)] = min(one, two)
            hand_keys[min(one, two)] = keys_one | keys_two

    hand_keys = [frozenset({entry.key.casefold()}) if entry.explicit_key else frozenset() for entry in entries]
    # entries by each value that can join them, per kind of value
    by_key: dict[str, list[int]] = {}
    by_id: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        key = entry.key.casefold()
        if key:
            by_key.setdefault(key, []).append(index)
        title = entry.title_key
        if title:
            by_title.setdefault(title, []).append(index)
        for link in entry.links:
            identifier = link.arxiv_id or link.doi
            if identifier:
                by_id.setdefault(identifier.casefold(), []).append(index)
    # keys first: entries that share a key are one paper before titles decide;
    # a key written by hand and one derived from a title or link are equal by
    # chance, so they join nothing (the title or a shared link may still do)
    for indexes in by_key.values():
        if len(indexes) > 1:
            for explicit in (True, False):
                alike = [index for index in indexes if entries[index].explicit_key is explicit]
                for index in alike[1:]:
                    union(alike[0], index)
    for found in (by_id, by_title):
        for indexes in found.values():
            for index in indexes[1:]:
                union(indexes[0], index)

    groups: dict[int, list[Entry]] = {}
    for index, entry in enumerate(entries):
        groups.setdefault(find(index), []).append(entry)
    catalog = Catalog(papers=[])
    used_keys: set[str] = set()
    for members in groups.values():
        paper = _merge(members, catalog.conflicts)
        key = unique_name(paper.key, used_keys, fold=str.casefold)
        if key != paper.key:
            paper = replace(paper, key=key)
        catalog.papers.append(paper)
        for entry in members:
            catalog.by_entry[entry.docname, entry.key] = paper
        if len(members) > 1 and len(paper.pages) > 1:
            catalog.shared_pages.update(paper.docnames())
    catalog.papers.sort(key=lambda paper: (paper.first.docname, paper.first.lineno))
    return catalog


def _merge(members: list[Entry], conflicts: list[Conflict]) -> Paper:
    first = members[0]
    if len(members) == 1:
        # most papers are on one page: their entry is the paper
        links = {}
        for link in first.links:
            links.setdefault(link.label, link)
        return Paper(key=first.key, entries=(first,), title=first.title, venue=first.venue, year=first.year,
                     authors=first.authors, links=tuple(links.values()), tags=first.tags, status=first.status,
                     rating=first.rating, summary=first.summary, notes=first.notes, abstract=first.abstract,
                     added=first.added)
    venue: Venue | None = None
    year = None
    authors: tuple[str, ...] = ()
    rating: tuple[int, ...] = ()
    summary = notes = abstract = added = ""
    status = "unread"
    links: dict[str, Link] = {}
    tags: dict[str, None] = {}
    for entry in members:
        if venue is None and entry.venue.name:
            venue = entry.venue
        year = year or entry.year
        authors = authors or entry.authors
        rating = rating or entry.rating
        summary = summary or entry.summary
        notes = notes or entry.notes
        abstract = abstract or entry.abstract
        # the paper was added when its first entry was
        if entry.added and (not added or entry.added < added):
            added = entry.added
        if _STATUS_RANK[entry.status] > _STATUS_RANK[status]:
            status = entry.status
        for link in entry.links:
            links.setdefault(link.label, link)
        for tag in entry.tags:
            tags.setdefault(tag)
    for entry in members[1:]:
        same_key = first.explicit_key and entry.explicit_key and first.key.casefold() == entry.key.casefold()
        for name, mine, theirs in _disagreements(first, entry, same_key):
            conflicts.append(Conflict(name, first, entry, mine, theirs, same_key))
    return Paper(key=first.key, entries=tuple(members), title=first.title, venue=venue or first.venue,
                 year=year, authors=authors, links=tuple(links.values()), tags=tuple(tags), status=status,
                 rating=rating, summary=summary, notes=notes, abstract=abstract, added=added)


def _disagreements(first: Entry, other: Entry, same_key: bool) -> Iterable[tuple[str, str, str]]:
    """What two entries of one paper say differently, where both say something.
    Venue and year always count.  For two entries under one hand-given key the
    title and the authors count too, since a reused key may hide two different
    papers: titles differ when neither contains the other once case and
    punctuation are ironed out ("(DPO) Direct Preference ..." is the same
    title).  Summaries are not compared: one paper on several pages has a
    summary per page, and papers.json keeps each of them with its page."""
    pairs = [("venue", first.venue.name, other.venue.name),
             ("year", str(first.year or ""), str(other.year or ""))]
    if same_key:
        pairs += [("authors", ", ".join(first.authors), ", ".join(other.authors))]
        mine, theirs = first.title_key, other.title_key
        if mine and theirs and mine not in theirs and theirs not in mine:
            yield "title", first.title, other.title
    for name, mine, theirs in pairs:
        if mine and theirs and mine != theirs:
            yield name, mine, theirs


# -- selecting and grouping --------------------------------------------------

@dataclass(frozen=True)
class Query:
    """What an index shows: papers grouped ``by`` one field, after filters."""

    by: str = "year"
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    years: tuple[int | None, int | None] = (None, None)
    tags: tuple[str, ...] = ()
    venues: tuple[str, ...] = ()
    #: how the index is drawn: a list of papers per group, or a table per group
    view: str = "list"

    def accepts(self, paper: Paper) -> bool:
        if self.kinds and paper.venue_kind not in self.kinds:
            return False
        if self.statuses and paper.status not in self.statuses:
            return False
        low, high = self.years
        if (low is not None or high is not None) and paper.year is None:
            return False
        if low is not None and paper.year < low:
            return False
        if high is not None and paper.year > high:
            return False
        if self.tags and not {tag.casefold() for tag in paper.tags} & {tag.casefold() for tag in self.tags}:
            return False
        if self.venues and paper.venue.name.casefold() not in {v.casefold() for v in self.venues}:
            return False
        return True


@dataclass(frozen=True)
class Group:
    label: str
    slug: str
    papers: tuple[Paper, ...]


NO_YEAR, NO_VENUE_LABEL, NO_TAG, NO_AUTHOR = "No year", "No venue", "No tags", "No authors"


def author_key(name: str) -> str:
    """The form two spellings of one author's name share: case and accents
    ignored, and "Last, First" read as "First Last"."""
    import unicodedata

    if "," in name:
        last, _, first = name.partition(",")
        name = f"{first} {last}"
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w]+", " ", plain.casefold()).split())


def select(catalog: Catalog, query: Query, topic_title: Callable[[str], str]) -> list[Group]:
    """The groups an index shows, in display order, each sorted within."""
    papers = [paper for paper in catalog.papers if query.accepts(paper)]
    buckets: dict[tuple, tuple[str, list[Paper]]] = {}
    spellings: dict[str, Counter] = {}   # an author's names as written

    def add(sort_key: tuple, label: str, paper: Paper) -> None:
        buckets.setdefault(sort_key, (label, []))[1].append(paper)

    for paper in papers:
        venue = paper.venue
        if query.by == "year":
            add((0, -paper.year) if paper.year else (1, 0), str(paper.year or NO_YEAR), paper)
        elif query.by == "venue":
            if venue.name:
                add((0, venue.name.casefold(), -(paper.year or 0)),
                    f"{venue.name} {paper.year}" if paper.year else venue.name, paper)
            else:
                add((1, "", 0), NO_VENUE_LABEL, paper)
        elif query.by == "tag":
            for tag in paper.tags:
                add((0, tag.casefold()), tag, paper)
            if not paper.tags:
                add((1, ""), NO_TAG, paper)
        elif query.by == "status":
            add((STATUSES.index(paper.status),), paper.status.capitalize(), paper)
        elif query.by == "topic":
            for docname in paper.docnames():
                add((0, docname), topic_title(docname), paper)
        elif query.by == "author":
            keys = {author_key(name): name for name in paper.authors if author_key(name)}
            for key, name in keys.items():
                spellings.setdefault(key, Counter())[name] += 1
                add((0, key), "", paper)
            if not keys:
                add((1, ""), NO_AUTHOR, paper)
        else:  # pragma: no cover - the directive checks ``by``
            raise ValueError(query.by)
    groups = []
    slugs: set[str] = set()
    for sort_key in sorted(buckets):
        label, members = buckets[sort_key]
        if query.by == "author" and sort_key[0] == 0:
            # the spelling written most often names the group; "First Last" with
            # capitals before "Last, First" or all lower case
            label = max(spellings[sort_key[1]].items(),
                        key=lambda item: (item[1], "," not in item[0], item[0] != item[0].lower(), item[0]))[0]
        members.sort(key=_paper_order)
        groups.append(Group(label, _unique_slug(label, slugs), tuple(members)))
    return groups


def _paper_order(paper: Paper) -> tuple:
    return (-(paper.year or 0), paper.first.title_key, paper.key)


def _unique_slug(label: str, taken: set[str]) -> str:
    return unique_name("group-" + (re.sub(r"[^\w]+", "-", label.casefold()).strip("-") or "x"), taken)


# -- the overview ------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    papers: int
    entries: int
    topics: int
    venues: int
    by_status: tuple[tuple[str, int], ...]
    by_year_kind: tuple[tuple[int, tuple[tuple[str, int], ...]], ...]  # year -> kind -> count
    no_year: int
    top_venues: tuple[tuple[str, int], ...]


def overview(catalog: Catalog, top: int = 10) -> Overview:
    by_year: dict[int, Counter] = {}
    venues: Counter = Counter()
    statuses: Counter = Counter()
    no_year = 0
    for paper in catalog.papers:
        if paper.year:
            by_year.setdefault(paper.year, Counter())[paper.venue_kind] += 1
        else:
            no_year += 1
        if paper.venue.name:
            venues[paper.venue.name] += 1
        statuses[paper.status] += 1
    return Overview(
        papers=len(catalog.papers),
        entries=sum(len(paper.entries) for paper in catalog.papers),
        topics=len({docname for paper in catalog.papers for docname in paper.docnames()}),
        venues=len(venues),
        by_status=tuple((status, statuses[status]) for status in STATUSES),
        by_year_kind=tuple((year, tuple(sorted(by_year[year].items()))) for year in sorted(by_year)),
        no_year=no_year,
        top_venues=tuple(sorted(venues.items(), key=lambda item: (-item[1], item[0].casefold()))[:top]),
    )


def recent(catalog: Catalog, count: int) -> list[Paper]:
    """The papers added last (by ``:added:``), newest first."""
    dated = [paper for paper in catalog.papers if paper.added]
    dated.sort(key=lambda paper: (paper.added, paper.key), reverse=True)
    return dated[:count]
