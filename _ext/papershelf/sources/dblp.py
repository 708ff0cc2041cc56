"""DBLP's publication search: ``GET /search/publ/api?q=...&format=json``.

A hit's ``info`` has ``title`` (ending with a full stop), ``venue`` (a short
name such as ``ICLR`` or ``ACL (1)``; a list when there are several),
``year``, ``type``, ``doi`` and ``authors.author``, which is one object for
one author and a list otherwise; homonyms carry a number (``Wei Li 0001``).
arXiv's copies are ``CoRR``, "Informal and Other Publications".
"""

from __future__ import annotations

import re

from ..model import normal_title
from . import Record, one_line, record_from_json, record_to_json
from .cache import Cache
from .http import PoliteClient

_HOMONYM_RE = re.compile(r"\s+\d{4}$")


def _texts(value: object) -> list[str]:
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return _texts(value.get("text", ""))
    text = one_line(str(value or ""))
    return [text] if text else []


def to_record(info: dict) -> Record:
    authors = (info.get("authors") or {}).get("author") if isinstance(info.get("authors"), dict) else None
    year = str(info.get("year") or "")
    return Record(
        source="dblp", title=one_line(str(info.get("title") or "")).rstrip("."),
        authors=tuple(_HOMONYM_RE.sub("", name) for name in _texts(authors)),
        year=int(year) if year.isdigit() else None,
        doi=one_line(str(info.get("doi") or "")),
        venue=", ".join(_texts(info.get("venue"))),
        extra={"type": one_line(str(info.get("type") or "")), "key": str(info.get("key") or ""),
               "ee": " ".join(_texts(info.get("ee")))},
    )


def search(client: PoliteClient, cache: Cache, title: str) -> list[Record]:
    """DBLP's records whose title is this title (case and punctuation aside)."""
    question = normal_title(title)
    known = cache.get("dblp", question)
    if known is Cache.MISSING:
        answer = client.json("GET", client.base, params={"q": title, "format": "json", "h": "10"})
        hits = (((answer or {}).get("result") or {}).get("hits") or {}).get("hit") or []
        if isinstance(hits, dict):
            hits = [hits]
        known = [record_to_json(to_record(hit["info"])) for hit in hits
                 if isinstance(hit, dict) and isinstance(hit.get("info"), dict)]
        cache.put("dblp", question, known)
    records = [record_from_json(item) for item in known or []]
    return [record for record in records if record and normal_title(record.title) == question]
