"""Semantic Scholar's Graph API: ``POST /paper/batch`` with up to 500 ids.

Ids are ``ARXIV:<id>`` or ``DOI:<doi>``; the answer is a JSON list in the
same order, with ``null`` for a paper it does not know.  With
``SEMANTIC_SCHOLAR_API_KEY`` set, the key goes in the ``x-api-key`` header.
Its ``year`` is the first version's, so it names a venue without dating it.
"""

from __future__ import annotations

import os

from . import Record, SourceError, one_line, record_from_json, record_to_json
from .cache import Cache
from .http import PoliteClient

FIELDS = "title,authors,year,venue,publicationVenue,externalIds,abstract,publicationDate,journal"
BATCH = 500


def headers() -> dict[str, str]:
    key = os.environ.get("SEMANTIC_SCHOLAR_API_KEY", "").strip()
    return {"x-api-key": key} if key else {}


def to_record(paper: dict) -> Record | None:
    if not isinstance(paper, dict) or not paper.get("title"):
        return None
    external = paper.get("externalIds") or {}
    venue = one_line(paper.get("venue")) or one_line((paper.get("publicationVenue") or {}).get("name"))
    if not venue:
        venue = one_line((paper.get("journal") or {}).get("name"))
    year = paper.get("year")
    return Record(
        source="s2", title=one_line(paper["title"]),
        authors=tuple(one_line(author.get("name")) for author in paper.get("authors") or []
                      if isinstance(author, dict) and author.get("name")),
        year=year if isinstance(year, int) else None,
        abstract=one_line(paper.get("abstract")),
        doi=one_line(str(external.get("DOI") or "")), arxiv=one_line(str(external.get("ArXiv") or "")),
        venue=venue, venue_dated=False,
    )


def fetch(client: PoliteClient, cache: Cache, ids: list[str]) -> dict[str, Record | None]:
    """Records for ``ARXIV:...`` and ``DOI:...`` ids, through the batch endpoint."""
    found, wanted = cache.known("s2", ids)
    results: dict[str, Record | None] = {ident: record_from_json(known) for ident, known in found.items()}
    url = f"{client.base}/paper/batch"
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start: start + BATCH]
        answer = client.json("POST", url, params={"fields": FIELDS}, json={"ids": chunk})
        if answer is None:
            answer = [None] * len(chunk)
        if not isinstance(answer, list) or len(answer) != len(chunk):
            raise SourceError("s2", url, "the answer is not a list of papers, one per id")
        for ident, paper in zip(chunk, answer):
            record = to_record(paper) if paper else None
            results[ident] = record
            cache.put("s2", ident, record_to_json(record))
    return results
