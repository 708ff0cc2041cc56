"""View models: what each cross-page output shows, as small frozen values.

An index, the overview, "recently added", an entry's "also in" links, its
Copy BibTeX button and a ``{paper:ref}`` are each computed here from the
catalogue, with no Sphinx import.  The renderer (:mod:`papershelf.render`)
draws exactly these values, and a page's incremental fingerprint is the digest
of the values it shows (:func:`page_models`), so what is shown and what is
fingerprinted cannot drift apart.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .catalog import Catalog, Overview, Paper, Query, author_key, overview, recent, select
from .model import Entry

if TYPE_CHECKING:
    from .exports import BibTeX
from .venues import NO_VENUE, Venue

#: The placeholder specs a page can hold: ``("index", Query)``,
#: ``("overview", top)``, ``("recent", count)``.
Spec = tuple


@dataclass(frozen=True)
class Badge:
    text: str
    classes: str
    tooltip: str = ""


@dataclass(frozen=True)
class Target:
    """A place on the site: a page, an anchor on it, and the page's title."""

    docname: str
    anchor: str
    title: str


@dataclass(frozen=True)
class Item:
    """One paper in an index or in "recently added"."""

    key: str
    title: str
    target: Target
    badges: tuple[Badge, ...]
    places: tuple[Target, ...]
    data: tuple[tuple[str, str], ...]
    #: the table view's columns: venue as written, year, status
    venue: str = ""
    year: str = ""
    status: str = ""


@dataclass(frozen=True)
class GroupView:
    label: str
    slug: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class IndexView:
    by: str
    groups: tuple[GroupView, ...]
    total: int
    view: str = "list"


@dataclass(frozen=True)
class OverviewView:
    data: Overview
    #: each top venue and where the site lists its papers (``None``: nowhere)
    venues: tuple[tuple[str, int, Target | None], ...]


@dataclass(frozen=True)
class RecentView:
    items: tuple[Item, ...]


@dataclass(frozen=True)
class EntryView:
    """What an entry shows of other pages: its "also in" places and its
    Copy BibTeX text (the same as in papers.bib)."""

    key: str
    also_in: tuple[Target, ...]
    bibtex: str
    #: each author's name and the author index's group for it, when the site has one
    authors: tuple[tuple[str, Target | None], ...] = ()


@dataclass(frozen=True)
class RefView:
    """What a ``{paper:ref}`` shows: the paper's title and where it is."""

    target: Target | None


# -- badges ------------------------------------------------------------------

#: The status most papers of a shelf have, shown by no badge: a badge says
#: something only where a paper is skimmed or still unread.
QUIET_STATUS = "read"

def badges(venue: Venue, year: int | None, status: str, rating: Sequence[int],
           tags: Sequence[str]) -> tuple[Badge, ...]:
    """Venue, extras, year, status, rating and tags, as badges."""
    shown: list[Badge] = []
    if venue.name:
        shown.append(Badge(venue.name, f"ps-venue ps-kind-{venue.kind}",
                           f"{venue.raw.strip()} ({venue.kind})" if venue.raw.strip() else venue.kind))
    shown.extend(Badge(extra, "ps-extra") for extra in venue.extras)
    if year:
        shown.append(Badge(str(year), "ps-year", "Year"))
    if status != QUIET_STATUS:
        shown.append(Badge(status, f"ps-status ps-status-{status}", "Reading status"))
    if rating:
        mean = sum(rating) / len(rating)
        shown.append(Badge(" / ".join(map(str, rating)), "ps-rating", f"Reviewer ratings, mean {mean:.2f}"))
    shown.extend(Badge(tag, "ps-tag", "Tag") for tag in tags)
    return tuple(shown)


def filter_data(key: str, venue: Venue, year: int | None, status: str, tags: Sequence[str],
                **extra: str) -> tuple[tuple[str, str], ...]:
    """The values a reader's script filters on, written as ``data-*`` attributes."""
    data = {
        "key": key,
        "status": status,
        "venue": venue.name,
        "venue-kind": venue.kind if venue.name else NO_VENUE,
        "year": str(year) if year else "",
        "tags": "|".join(tags),
        **extra,
    }
    return tuple((name, value) for name, value in data.items() if value)


def entry_badges(entry: Entry, year_heading: int | None = None) -> tuple[Badge, ...]:
    """An entry's badges; the year is left out under a heading that says it."""
    year = None if entry.year == year_heading else entry.year
    return badges(entry.venue, year, entry.status, entry.rating, entry.tags)


def entry_data(entry: Entry) -> tuple[tuple[str, str], ...]:
    return filter_data(entry.key, entry.venue, entry.year, entry.status, entry.tags,
                       added=entry.added)


# -- the models ------------------------------------------------------------------

class Views:
    """Every view model of one build, made once and kept: the fingerprints
    and the renderer ask for the same objects."""

    def __init__(self, catalog: Catalog, topic_title: Callable[[str], str],
                 specs: dict[str, Sequence[Spec]], bibtex: BibTeX) -> None:
        self.catalog = catalog
        self._title_of = topic_title
        self._titles: dict[str, str] = {}
        self.specs = specs
        self.bibtex = bibtex
        self._made: dict[tuple, object] = {}
        #: the export files' texts, made once (see papershelf.exports)
        self.exports: dict[str, object] = {}

    def title(self, docname: str) -> str:
        title = self._titles.get(docname)
        if title is None:
            title = self._titles[docname] = self._title_of(docname)
        return title

    def target(self, entry: Entry) -> Target:
        return Target(entry.docname, entry.anchor, self.title(entry.docname))

    def _once(self, key: tuple, make: Callable[[], object]):
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = make()
        return made

    # placeholders ---------------------------------------------------------------

    def placeholder(self, spec: Spec):
        kind, argument = spec
        if kind == "index":
            return self._once(spec, lambda: self._index(argument))
        if kind == "overview":
            return self._once(spec, lambda: self._overview(argument))
        if kind == "recent":
            return self._once(spec, lambda: RecentView(tuple(self._item(paper) for paper in
                                                             recent(self.catalog, argument))))
        raise ValueError(kind)

    def _index(self, query: Query) -> IndexView:
        groups = select(self.catalog, query, self.title)
        shown = tuple(GroupView(group.label, group.slug,
                                tuple(self._item(paper, query.by, group.label) for paper in group.papers))
                      for group in groups)
        total = len({paper.key for group in groups for paper in group.papers})
        return IndexView(query.by, shown, total, query.view)

    def _item(self, paper: Paper, by: str = "", group: str = "") -> Item:
        """A paper as an index lists it; what its group already says (its
        status, its year, its only topic) is not said again."""
        year = None if by == "year" else paper.year
        status = paper.status
        shown = badges(paper.venue, year, status, paper.rating, paper.tags)
        if by == "status":
            shown = tuple(badge for badge in shown if not badge.classes.startswith("ps-status"))
        if by == "tag":
            shown = tuple(badge for badge in shown if not (badge.classes == "ps-tag" and badge.text == group))
        places = tuple(self.target(entry) for entry in paper.pages)
        if by == "topic":
            places = tuple(place for place in places if place.title != group)
        data = filter_data(paper.key, paper.venue, paper.year, paper.status, paper.tags,
                           title=paper.title, authors=", ".join(paper.authors), added=paper.added)
        return Item(paper.key, paper.title, self.target(paper.first), shown, places, data,
                    paper.venue.label, str(paper.year or ""), paper.status)

    def _overview(self, top: int) -> OverviewView:
        data = overview(self.catalog, top)
        targets = self.venue_targets()
        return OverviewView(data, tuple((name, count, targets.get(name)) for name, count in data.top_venues))

    def venue_targets(self) -> dict[str, Target]:
        """Where the site lists each venue's papers: the first group of that
        venue (its latest year) on the first page with an unfiltered index by
        venue; empty when there is no such page."""
        def make() -> dict[str, Target]:
            for docname in sorted(self.specs):
                for spec in self.specs[docname]:
                    if spec == ("index", Query(by="venue")):
                        targets: dict[str, Target] = {}
                        for group in self.placeholder(spec).groups:
                            venue = self.catalog.by_key[group.items[0].key].venue
                            if venue.name:
                                targets.setdefault(venue.name, Target(docname, group.slug, self.title(docname)))
                        return targets
            return {}
        return self._once(("venue-targets",), make)

    def author_targets(self) -> dict[str, Target]:
        """Where the site lists each author's papers (by the normalised name)."""
        def make() -> dict[str, Target]:
            for docname in sorted(self.specs):
                for spec in self.specs[docname]:
                    if spec[0] == "index" and spec[1] == Query(by="author"):
                        return {author_key(group.label): Target(docname, group.slug, self.title(docname))
                                for group in self.placeholder(spec).groups}
            return {}
        return self._once(("author-targets",), make)

    # entries --------------------------------------------------------------------------

    def entry(self, docname: str, key: str) -> EntryView | None:
        paper = self.catalog.by_entry.get((docname, key))
        if paper is None:
            return None
        authors = self.author_targets()
        return self._once(("entry", docname, key), lambda: EntryView(
            paper.key,
            tuple(self.target(entry) for entry in paper.pages if entry.docname != docname),
            self.bibtex(paper),
            tuple((name, authors.get(author_key(name))) for name in paper.authors) if authors else ()))

    def ref(self, entry: Entry | None) -> RefView:
        return RefView(Target(entry.docname, entry.anchor, entry.title) if entry else None)

    # fingerprints -----------------------------------------------------------------------

    def page_models(self, docname: str, keys: Iterable[str], refs: Iterable[Entry | None]) -> list:
        """Every model page ``docname`` shows of other pages: its placeholders,
        its entries' cross-page parts and its references."""
        models: list = [self.placeholder(spec) for spec in self.specs.get(docname, ())]
        models.extend(self.entry(docname, key) for key in keys)
        models.extend(self.ref(entry) for entry in refs)
        return models


def digest(value: object) -> bytes:
    """A short, stable digest of plain data (for "did this change?")."""
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).digest()
