"""The site's papers as one catalogue: entries of the same paper joined,
grouped and filtered for the indexes, and written out as JSON and BibTeX.

Pure Python over :class:`~papershelf.model.Paper` records; the Sphinx side
(:mod:`papershelf.indexes`) decides where the results go.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from .model import (STATUSES, Link, Paper, arxiv_id_of, doi_of, first_arxiv_id, first_doi, normal_title,
                    unique_name)
from .venues import VENUE_KINDS, Venue

JSON_SCHEMA = "https://papershelf.readthedocs.io/schema/papers-1.json"
JSON_VERSION = 1
GROUPINGS = ("year", "venue", "tag", "status", "topic")
# the status a paper has when its entries disagree: the furthest along wins
_STATUS_RANK = {status: rank for rank, status in enumerate(reversed(STATUSES))}


@dataclass
class Record:
    """One paper of the site, however many entries it has.

    Fields come from the first entry (pages in name order, then line order);
    a field that entry leaves empty is taken from the next entry that has it.
    """

    key: str
    entries: list[Paper]
    title: str = ""
    venue: Venue | None = None
    year: int | None = None
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "unread"
    rating: tuple[int, ...] = ()
    summary: str = ""

    @property
    def first(self) -> Paper:
        return self.entries[0]

    @functools.cached_property
    def arxiv_id(self) -> str | None:
        return first_arxiv_id(self.links)

    @functools.cached_property
    def doi(self) -> str | None:
        return first_doi(self.links)

    def pages(self) -> list[Paper]:
        """The first entry on each page the paper is on, in entry order."""
        first: dict[str, Paper] = {}
        for entry in self.entries:
            first.setdefault(entry.docname, entry)
        return list(first.values())

    def docnames(self) -> list[str]:
        return [entry.docname for entry in self.pages()]


@dataclass
class Conflict:
    """Two entries of one paper that disagree on ``field``."""

    field: str
    first: Paper
    second: Paper
    first_value: str
    second_value: str


@dataclass
class Catalog:
    records: list[Record]
    conflicts: list[Conflict] = field(default_factory=list)
    by_entry: dict[tuple[str, str], Record] = field(default_factory=dict)  # (docname, key) -> record
    #: pages with a paper that has entries on other pages too
    shared_pages: set[str] = field(default_factory=set)
    _bibtex: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def bibtex(self, record: Record) -> str:
        """``record``'s BibTeX entry, made once: each page's copy buttons and
        ``papers.bib`` show the same text."""
        entry = self._bibtex.get(record.key)
        if entry is None:
            entry = self._bibtex[record.key] = bibtex_entry(record)
        return entry


def build(entries: Iterable[Paper]) -> Catalog:
    """Join the entries that are one paper: the same key, the same normalised
    title, or the same arXiv id or DOI (unless both entries gave different
    keys by hand: then the author has said they are two papers)."""
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
            parent[max(one, two)] = min(one, two)

    seen: dict[tuple[str, str], int] = {}
    for index, paper in enumerate(entries):
        for kind, value in (("key", paper.key.casefold()), ("title", normal_title(paper.title))):
            if value:
                if (kind, value) in seen:
                    union(seen[kind, value], index)
                else:
                    seen[kind, value] = index
    by_identifier: dict[str, list[int]] = {}
    for index, paper in enumerate(entries):
        for link in paper.links:
            identifier = arxiv_id_of(link.url) or doi_of(link.url)
            if identifier:
                by_identifier.setdefault(identifier.casefold(), []).append(index)
    for indexes in by_identifier.values():
        for index in indexes[1:]:
            one, two = entries[indexes[0]], entries[index]
            if one.explicit_key and two.explicit_key and one.key.casefold() != two.key.casefold():
                continue
            union(indexes[0], index)

    groups: dict[int, list[Paper]] = {}
    for index, paper in enumerate(entries):
        groups.setdefault(find(index), []).append(paper)
    catalog = Catalog(records=[])
    used_keys: set[str] = set()
    for members in groups.values():
        record = _merge(members, catalog.conflicts)
        record.key = unique_name(record.key, used_keys, fold=str.casefold)
        catalog.records.append(record)
        for paper in members:
            catalog.by_entry[paper.docname, paper.key] = record
        pages = record.docnames()
        if len(pages) > 1:
            catalog.shared_pages.update(pages)
    catalog.records.sort(key=lambda record: (record.first.docname, record.first.lineno))
    return catalog


def _merge(members: list[Paper], conflicts: list[Conflict]) -> Record:
    first = members[0]
    record = Record(key=first.key, entries=members, title=first.title)
    links: dict[str, Link] = {}
    tags: dict[str, None] = {}
    for paper in members:
        if record.venue is None and paper.venue.name:
            record.venue = paper.venue
        record.year = record.year or paper.year
        record.authors = record.authors or paper.authors
        record.rating = record.rating or paper.rating
        record.summary = record.summary or paper.summary
        if _STATUS_RANK[paper.status] > _STATUS_RANK[record.status]:
            record.status = paper.status
        for link in paper.links:
            links.setdefault(link.label, link)
        for tag in paper.tags:
            tags.setdefault(tag)
    record.venue = record.venue or first.venue
    record.links = tuple(links.values())
    record.tags = tuple(tags)
    # disagreements worth a warning: venue and year, where both entries say
    for paper in members[1:]:
        for name, mine, theirs in (
            ("venue", first.venue.name, paper.venue.name),
            ("year", str(first.year or ""), str(paper.year or "")),
        ):
            if mine and theirs and mine != theirs:
                conflicts.append(Conflict(name, first, paper, mine, theirs))
    return record


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

    def accepts(self, record: Record) -> bool:
        venue = record.venue
        if self.kinds and (venue.kind if venue and venue.name else "none") not in self.kinds:
            return False
        if self.statuses and record.status not in self.statuses:
            return False
        low, high = self.years
        if (low is not None or high is not None) and record.year is None:
            return False
        if low is not None and record.year < low:
            return False
        if high is not None and record.year > high:
            return False
        if self.tags and not {tag.casefold() for tag in record.tags} & {tag.casefold() for tag in self.tags}:
            return False
        if self.venues and (not venue or venue.name.casefold() not in {v.casefold() for v in self.venues}):
            return False
        return True


@dataclass
class Group:
    label: str
    slug: str
    records: list[Record]


NO_YEAR, NO_VENUE, NO_TAG = "No year", "No venue", "No tags"


def select(catalog: Catalog, query: Query, topic_title: Callable[[str], str]) -> list[Group]:
    """The groups an index shows, in display order, each sorted within."""
    records = [record for record in catalog.records if query.accepts(record)]
    buckets: dict[tuple, tuple[str, list[Record]]] = {}

    def add(sort_key: tuple, label: str, record: Record) -> None:
        buckets.setdefault(sort_key, (label, []))[1].append(record)

    for record in records:
        venue = record.venue
        if query.by == "year":
            add((0, -record.year) if record.year else (1, 0), str(record.year or NO_YEAR), record)
        elif query.by == "venue":
            if venue and venue.name:
                add((0, venue.name.casefold(), -(record.year or 0)),
                    f"{venue.name} {record.year}" if record.year else venue.name, record)
            else:
                add((1, "", 0), NO_VENUE, record)
        elif query.by == "tag":
            for tag in record.tags or ():
                add((0, tag.casefold()), tag, record)
            if not record.tags:
                add((1, ""), NO_TAG, record)
        elif query.by == "status":
            add((STATUSES.index(record.status),), record.status.capitalize(), record)
        elif query.by == "topic":
            for docname in record.docnames():
                add((0, docname), topic_title(docname), record)
        else:  # pragma: no cover - the directive checks ``by``
            raise ValueError(query.by)
    groups = []
    slugs: set[str] = set()
    for sort_key in sorted(buckets):
        label, members = buckets[sort_key]
        members.sort(key=_record_order)
        slug = _unique_slug(label, slugs)
        groups.append(Group(label, slug, members))
    return groups


def _record_order(record: Record) -> tuple:
    return (-(record.year or 0), normal_title(record.title), record.key)


def _unique_slug(label: str, taken: set[str]) -> str:
    return unique_name("group-" + (re.sub(r"[^\w]+", "-", label.casefold()).strip("-") or "x"), taken)


# -- the overview ------------------------------------------------------------

@dataclass
class Overview:
    papers: int
    entries: int
    topics: int
    venues: int
    by_status: dict[str, int]
    by_year_kind: dict[int, dict[str, int]]   # year -> venue kind ("none": no venue) -> count
    no_year: int
    top_venues: list[tuple[str, int]]


def overview(catalog: Catalog, top: int = 10) -> Overview:
    by_year: dict[int, Counter] = {}
    venues: Counter = Counter()
    no_year = 0
    for record in catalog.records:
        kind = record.venue.kind if record.venue and record.venue.name else "none"
        if record.year:
            by_year.setdefault(record.year, Counter())[kind] += 1
        else:
            no_year += 1
        if record.venue and record.venue.name:
            venues[record.venue.name] += 1
    return Overview(
        papers=len(catalog.records),
        entries=sum(len(record.entries) for record in catalog.records),
        topics=len({docname for record in catalog.records for docname in record.docnames()}),
        venues=len(venues),
        by_status={status: sum(1 for r in catalog.records if r.status == status) for status in STATUSES},
        by_year_kind={year: dict(sorted(by_year[year].items())) for year in sorted(by_year)},
        no_year=no_year,
        top_venues=sorted(venues.items(), key=lambda item: (-item[1], item[0].casefold()))[:top],
    )


CHART_KINDS = (*VENUE_KINDS, "none")


def chart_svg(data: Overview) -> str:
    """A stacked bar chart of papers per year by venue kind, as inline SVG
    that needs no script, and its legend as an HTML list; colours come from
    the stylesheet's variables."""
    years = list(data.by_year_kind)
    if not years:
        return ""
    years = list(range(years[0], years[-1] + 1))
    tallest = max(sum(data.by_year_kind.get(year, {}).values()) for year in years)
    bar, gap, height, left, bottom, top = 34, 14, 180, 36, 28, 16
    width = left + len(years) * (bar + gap) + gap
    scale = (height - top) / tallest
    parts = [
        f'<svg class="ps-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + bottom}" '
        f'role="img" aria-labelledby="ps-chart-title">',
        '<title id="ps-chart-title">Papers per year, by venue kind</title>',
    ]
    for step in _ticks(tallest):
        y = height - step * scale
        parts.append(f'<line class="ps-chart-grid" x1="{left}" x2="{width}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="ps-chart-axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{step}</text>')
    for position, year in enumerate(years):
        x = left + gap + position * (bar + gap)
        y = float(height)
        counts = data.by_year_kind.get(year, {})
        for kind in CHART_KINDS:
            count = counts.get(kind, 0)
            if not count:
                continue
            size = count * scale
            y -= size
            parts.append(f'<rect class="ps-chart-bar ps-kind-{kind}" x="{x}" y="{y:.1f}" width="{bar}" '
                         f'height="{size:.1f}"><title>{year}: {count} {_kind_label(kind)}</title></rect>')
        total = sum(counts.values())
        if total:
            parts.append(f'<text class="ps-chart-total" x="{x + bar / 2}" y="{y - 4:.1f}" '
                         f'text-anchor="middle">{total}</text>')
        parts.append(f'<text class="ps-chart-axis" x="{x + bar / 2}" y="{height + 18}" '
                     f'text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    kinds = [kind for kind in CHART_KINDS if any(kind in counts for counts in data.by_year_kind.values())]
    parts.append('<ul class="ps-chart-legend">')
    parts.extend(f'<li><span class="ps-chart-key ps-kind-{kind}"></span>{_kind_label(kind)}</li>'
                 for kind in kinds)
    parts.append("</ul>")
    return "".join(parts)


def _kind_label(kind: str) -> str:
    return {"none": "no venue", "unknown": "other venue"}.get(kind, kind)


def _ticks(tallest: int) -> list[int]:
    step = max(1, round(tallest / 4))
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if nice >= step:
            step = nice
            break
    return list(range(step, tallest + 1, step))


# -- exports -----------------------------------------------------------------

def to_json(catalog: Catalog, locate: Callable[[Paper], str], page_title: Callable[[str], str],
            generator: str) -> str:
    """``papers.json``: the documented, versioned export (see the README)."""
    papers = []
    for record in sorted(catalog.records, key=lambda r: r.key.casefold()):
        venue = record.venue
        papers.append({
            "key": record.key,
            "title": record.title,
            "authors": list(record.authors),
            "venue": {
                "raw": venue.raw.strip() if venue else "",
                "name": venue.name if venue else "",
                "kind": venue.kind if venue and venue.name else "",
                "extras": list(venue.extras) if venue else [],
            },
            "year": record.year,
            "links": {link.label: link.url for link in record.links},
            "arxiv": record.arxiv_id,
            "doi": record.doi,
            "tags": list(record.tags),
            "status": record.status,
            "rating": list(record.rating),
            "summary": record.summary,
            "locations": [{"page": paper.docname, "title": page_title(paper.docname),
                           "url": locate(paper), "line": paper.lineno} for paper in record.entries],
        })
    # one paper per line: readable, friendly to diffs, and fast to write
    # (an indented dump takes the pure-Python encoder)
    head = json.dumps({"$schema": JSON_SCHEMA, "version": JSON_VERSION, "generator": generator,
                       "count": len(papers)}, ensure_ascii=False)
    rows = ",\n".join("  " + json.dumps(paper, ensure_ascii=False) for paper in papers)
    return f'{head[:-1]}, "papers": [\n{rows}\n]}}\n' if papers else f'{head[:-1]}, "papers": []}}\n'


_BIB_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "~": r"\~{}", "^": r"\^{}"}


_BIB_NEEDS_WORK = re.compile(r"[&%#_~^{}]")


def bib_escape(text: str) -> str:
    if not _BIB_NEEDS_WORK.search(text):
        return text
    text = re.sub(r"[&%#_~^]", lambda m: _BIB_SPECIAL[m.group(0)], text)
    # braces must balance inside a BibTeX field; drop the ones that do not
    depth, kept = 0, []
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            if not depth:
                continue
            depth -= 1
        kept.append(char)
    text = "".join(kept)
    return text + "}" * depth


def bib_key(key: str) -> str:
    return re.sub(r"[^\w.\-:]", "-", key)


def bibtex_entry(record: Record) -> str:
    venue = record.venue
    kind = venue.kind if venue and venue.name else ""
    fields: list[tuple[str, str]] = [("title", "{" + bib_escape(record.title) + "}")]
    if record.authors:
        fields.append(("author", " and ".join(bib_escape(a) for a in record.authors)))
    if kind in ("conference", "workshop", "findings"):
        entry_type = "inproceedings"
        fields.append(("booktitle", bib_escape(venue.label)))
    elif kind == "journal":
        entry_type = "article"
        fields.append(("journal", bib_escape(venue.name)))
    else:
        entry_type = "misc"
        if venue and venue.name and kind != "preprint":
            fields.append(("howpublished", bib_escape(venue.raw.strip())))
    if record.year:
        fields.append(("year", str(record.year)))
    arxiv = record.arxiv_id
    if arxiv:
        fields.extend([("eprint", arxiv), ("archiveprefix", "arXiv")])
    if record.doi and not (arxiv and record.doi.lower().startswith("10.48550/")):
        fields.append(("doi", record.doi))
    url = next((link.url for link in record.links if link.label == "paper"), None) or \
        (record.links[0].url if record.links else None)
    if url:
        fields.append(("url", url))
    if venue and venue.extras:
        fields.append(("note", bib_escape(", ".join(venue.extras))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{bib_key(record.key)},\n{body}\n}}\n"


def to_bibtex(catalog: Catalog) -> str:
    records = sorted(catalog.records, key=lambda r: r.key.casefold())
    return "\n".join(catalog.bibtex(record) for record in records)


def digest(value: object) -> bytes:
    """A short, stable digest of plain data (for "did this change?")."""
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=8).digest()


def shown(record: Record) -> tuple:
    """What an index shows of a paper: when this changes, the index does."""
    venue = record.venue
    return (record.key, record.title, record.authors, record.first.docname, record.first.anchor,
            venue.raw if venue else "", venue.name if venue else "", record.year, record.status,
            record.rating, record.tags, tuple(p.docname for p in record.entries))


def parse_years(value: str) -> tuple[int | None, int | None] | None:
    """``2023``, ``2023-2025``, ``2023-`` or ``-2024``; ``None`` when unreadable."""
    match = re.fullmatch(r"\s*(\d{4})?\s*(?:(-|–|\.\.)\s*(\d{4})?)?\s*", value)
    if not match or not (match.group(1) or match.group(3)):
        return None
    low = int(match.group(1)) if match.group(1) else None
    high = int(match.group(3)) if match.group(3) else (low if not match.group(2) else None)
    if low is not None and high is not None and low > high:
        return None
    return low, high


def split_words(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in re.split(r"[,;|]", value) if word.strip())


def unknown_kinds(values: Sequence[str]) -> list[str]:
    return [value for value in values if value not in CHART_KINDS]
