"""Paper metadata from its sources: arXiv, Semantic Scholar, DBLP, OpenReview, Crossref.

Network code lives here and nowhere else.  Every client goes through
:class:`~papershelf.sources.http.PoliteClient` (spacing, 429 and 5xx
backoff, one connection per host) and remembers its answers in
:class:`~papershelf.sources.cache.Cache`.  Each endpoint is configurable by an
environment variable (see :data:`ENDPOINTS`), so tests and mirrors can point
the clients elsewhere.  No Sphinx import.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: source name -> (environment variable, public address, label for people)
ENDPOINTS: dict[str, tuple[str, str, str]] = {
    "arxiv": ("PAPERSHELF_ARXIV_API", "https://export.arxiv.org/api/query", "arXiv"),
    "s2": ("PAPERSHELF_S2_API", "https://api.semanticscholar.org/graph/v1", "Semantic Scholar"),
    "dblp": ("PAPERSHELF_DBLP_API", "https://dblp.org/search/publ/api", "DBLP"),
    "openreview": ("PAPERSHELF_OPENREVIEW_API", "https://api2.openreview.net", "OpenReview"),
    "crossref": ("PAPERSHELF_CROSSREF_API", "https://api.crossref.org", "Crossref"),
}
SOURCE_NAMES = tuple(ENDPOINTS)


class SourceError(Exception):
    """A source could not be asked: it is unreachable, or kept failing."""

    def __init__(self, source: str, url: str, reason: str):
        super().__init__(f"could not reach {label(source)} ({url}): {reason}")
        self.source = source
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class Record:
    """What one source says about one paper.  Empty fields: the source does not know."""

    source: str
    title: str = ""
    authors: tuple[str, ...] = ()
    year: int | None = None
    abstract: str = ""
    doi: str = ""
    arxiv: str = ""
    venue: str = ""
    openreview: str = ""
    #: the year is the venue's (DBLP, Crossref) rather than the first version's
    venue_dated: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def label(source: str) -> str:
    return ENDPOINTS[source][2] if source in ENDPOINTS else source


def endpoint(source: str) -> str:
    """The base address of a source: its environment variable, else the public one."""
    variable, default, _ = ENDPOINTS[source]
    return (os.environ.get(variable) or default).rstrip("/")


def enabled_sources() -> tuple[str, ...]:
    """The sources ``PAPERSHELF_SOURCES`` allows (all of them when unset).

    Raises ``ValueError`` for a name that is not a source.
    """
    value = os.environ.get("PAPERSHELF_SOURCES", "").strip()
    if not value:
        return SOURCE_NAMES
    names = tuple(dict.fromkeys(name.strip().lower() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in ENDPOINTS]
    if unknown:
        raise ValueError(f"PAPERSHELF_SOURCES names {', '.join(unknown)}: "
                         f"use a comma-separated subset of {','.join(SOURCE_NAMES)}")
    return names


def one_line(text: str | None) -> str:
    """Text on one line, runs of white space made one space."""
    return " ".join((text or "").split())


def record_to_json(record: Record | None) -> dict | None:
    if record is None:
        return None
    data = dict(record.__dict__)
    data["authors"] = list(record.authors)
    return data


def record_from_json(data: object) -> Record | None:
    if not isinstance(data, dict):
        return None
    fields = {name: data[name] for name in Record.__dataclass_fields__ if name in data}
    fields["authors"] = tuple(fields.get("authors") or ())
    return Record(**fields)
