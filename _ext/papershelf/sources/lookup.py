"""Asking the sources, and turning their answers into entry options.

:class:`Sources` holds one polite client per source, the cache, and the
sources that could not be reached (a source that fails once is not asked
again in that run).  :func:`entry_options` writes a new entry's options from
a record; :func:`venue_verdict` decides whether a preprint has been published
and where, from what each source says.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..model import derive_key, Link, normalise_url, unique_name
from ..pagetext import list_option, paper_directive
from ..venues import Venue, get_parser
from . import Record, SourceError, enabled_sources, label
from . import crossref as crossref_api
from . import s2 as s2_api
from .cache import Cache
from .http import PoliteClient
from .ids import is_arxiv_doi

T = TypeVar("T")
#: venue kinds that mean the paper has been published
PUBLISHED_KINDS = frozenset({"conference", "journal", "workshop", "findings"})
#: venue extras that mean it has not (yet)
UNPUBLISHED_EXTRAS = frozenset({"Submission", "Rejected", "Withdrawn"})
#: venue extras worth keeping when a preprint is promoted ("ICLR 2024 Oral")
SHOWN_EXTRAS = ("Oral", "Spotlight", "Highlight", "Best Paper", "Outstanding Paper")
#: the option order of a written entry
OPTION_ORDER = ("key", "authors", "venue", "year", "paper", "pdf", "openreview", "links",
                "abstract", "added", "tags", "status")


class Sources:
    """The clients of one command run, its cache, and the sources found down."""

    def __init__(self, cache: Cache, mailto: str = "", names: tuple[str, ...] | None = None):
        self.cache = cache
        self.mailto = mailto
        self.names = enabled_sources() if names is None else names
        self.clients: dict[str, PoliteClient] = {}
        self.down: dict[str, SourceError] = {}

    def client(self, source: str) -> PoliteClient:
        if source not in self.clients:
            headers = {"s2": s2_api.headers(), "crossref": crossref_api.headers(self.mailto)}
            self.clients[source] = PoliteClient(source, headers.get(source))
        return self.clients[source]

    def usable(self, source: str) -> bool:
        return source in self.names and source not in self.down

    def ask(self, source: str, function: Callable[..., T], *args: Any) -> T | None:
        """``function(client, cache, *args)``, or ``None`` when the source is
        left out, down, or fails now (then it is remembered as down)."""
        if not self.usable(source):
            return None
        client = self.client(source)
        try:
            return function(client, self.cache, *args)
        except SourceError as error:
            self.down[source] = error
            return None
        except (TypeError, AttributeError, KeyError, IndexError, ValueError) as error:
            # an answer in a shape the API does not document
            self.down[source] = SourceError(source, client.base, f"an answer it could not read ({error!r})")
            return None
        finally:
            self.cache.save()

    def requests(self) -> dict[str, int]:
        return {source: client.requests for source, client in sorted(self.clients.items())}

    def close(self) -> None:
        self.cache.save()
        for client in self.clients.values():
            client.close()

    def down_messages(self) -> list[str]:
        return [str(error) for _, error in sorted(self.down.items())]


# -- writing entries -----------------------------------------------------------

def join_authors(names: tuple[str, ...] | list[str]) -> str:
    """Authors as the ``authors`` option takes them: commas, or semicolons when a name has a comma."""
    return list_option(name.replace(";", ",") for name in names if name.strip())


def render_entry(title: str, options: list[tuple[str, str]]) -> str:
    """A ``paper`` directive of these options, and no summary yet."""
    return paper_directive(title, options)


def parse_venue(text: str) -> Venue:
    return get_parser().parse(text)


def is_published(venue: Venue) -> bool:
    return venue.kind in PUBLISHED_KINDS and not UNPUBLISHED_EXTRAS & set(venue.extras)


def venue_text(record: Record) -> str:
    """The venue to write for a new entry, as the source gives it."""
    if record.source == "arxiv":
        venue = parse_venue(record.venue) if record.venue else None
        if venue is not None and is_published(venue) and venue.name:
            return venue.label
        return f"arXiv {record.year}" if record.year else ""
    if not record.venue:
        return ""
    venue = parse_venue(record.venue)
    if record.source == "openreview":
        return record.venue
    if venue.kind in PUBLISHED_KINDS and venue.name and venue.kind != "unknown":
        year = venue.year or record.year
        return f"{venue.name} {year}" if year else venue.name
    if venue.year or not record.year:
        return record.venue
    return f"{record.venue} {record.year}"


def entry_options(record: Record, taken_keys: set[str], tags: str = "", status: str = "",
                  today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The options of a new entry from what its source says."""
    links: list[tuple[str, str]] = []
    extra_links: list[str] = []
    if record.arxiv:
        links += [("paper", f"https://arxiv.org/abs/{record.arxiv}"),
                  ("pdf", f"https://arxiv.org/pdf/{record.arxiv}")]
    elif record.openreview:
        links += [("paper", f"https://openreview.net/forum?id={record.openreview}"),
                  ("pdf", f"https://openreview.net/pdf?id={record.openreview}")]
    elif record.doi:
        links.append(("paper", f"https://doi.org/{record.doi}"))
    if record.doi and (record.arxiv or record.openreview) and not is_arxiv_doi(record.doi):
        extra_links.append(f"DOI <https://doi.org/{record.doi}>")
    links = [(name, normalise_url(url, name).value) for name, url in links]
    key = record.arxiv.replace("/", "-") if record.arxiv else derive_key(
        record.title, [Link(name, url) for name, url in links])
    key = unique_name(key, taken_keys)
    options: list[tuple[str, str]] = [("key", key)]
    if record.authors:
        options.append(("authors", join_authors(record.authors)))
    venue = venue_text(record)
    if venue:
        options.append(("venue", venue))
    if record.year:
        options.append(("year", str(record.year)))
    options += links
    if extra_links:
        options.append(("links", ", ".join(extra_links)))
    if record.abstract:
        options.append(("abstract", record.abstract))
    options.append(("added", (today or datetime.date.today()).isoformat()))
    if tags:
        options.append(("tags", tags))
    options.append(("status", status or "unread"))
    return options


# -- deciding a venue --------------------------------------------------------

@dataclass(frozen=True)
class Claim:
    """One source's word on where a paper was published."""

    source: str
    name: str
    kind: str
    year: int | None
    dated: bool
    raw: str
    extras: tuple[str, ...] = ()


def claim_of(record: Record) -> Claim | None:
    """Where a record says the paper was published, or ``None`` (a preprint, nothing known)."""
    if not record.venue:
        return None
    if record.source == "dblp" and record.extra.get("type") == "Informal and Other Publications":
        return None
    venue = parse_venue(record.venue)
    if not is_published(venue) or not venue.name:
        return None
    extras = tuple(extra for extra in venue.extras if extra in SHOWN_EXTRAS)
    if venue.year:
        return Claim(record.source, venue.name, venue.kind, venue.year, True, record.venue, extras)
    return Claim(record.source, venue.name, venue.kind, record.year, record.venue_dated, record.venue, extras)


@dataclass(frozen=True)
class Verdict:
    venue: str = ""
    year: int | None = None
    sources: tuple[str, ...] = ()
    disagreement: str = ""


def venue_verdict(records: list[Record]) -> Verdict:
    """Where the sources say a paper was published, if they agree."""
    claims = [claim for claim in map(claim_of, records) if claim]
    if not claims:
        return Verdict()
    names = {claim.name.casefold() for claim in claims}
    dated = {claim.year for claim in claims if claim.dated and claim.year}
    if len(names) > 1 or len(dated) > 1:
        said = "; ".join(f"{label(claim.source)}: {claim.raw}"
                         + (f" ({claim.year})" if claim.year and str(claim.year) not in claim.raw else "")
                         for claim in claims)
        return Verdict(disagreement=f"sources disagree on the venue ({said})")
    year = next(iter(dated), None) or next((claim.year for claim in claims if claim.year), None)
    name = claims[0].name
    extras = " ".join(dict.fromkeys(extra for claim in claims for extra in claim.extras))
    venue = " ".join(part for part in (name, str(year) if year else "", extras) if part)
    return Verdict(venue=venue, year=year,
                   sources=tuple(dict.fromkeys(claim.source for claim in claims)))


def site_root(page: Path) -> Path:
    """The folder with ``conf.py`` above a page, else the current folder."""
    for folder in page.resolve().parents:
        if (folder / "conf.py").is_file():
            return folder
    return Path.cwd()
