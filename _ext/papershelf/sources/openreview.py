"""OpenReview's API v2: ``GET /notes?id=<forum id>``.

A note's fields are under ``content``, each as ``{"value": ...}``: ``title``,
``authors``, ``abstract``, ``venue`` ("ICLR 2024 poster", or "Submitted to
ICLR 2024" for a paper not accepted), ``venueid``.  ``pdate`` is the
publication time and ``cdate`` the creation time, in milliseconds.
"""

from __future__ import annotations

import datetime

from . import Record, one_line, record_from_json, record_to_json
from .cache import Cache
from .http import PoliteClient


def _value(content: dict, name: str) -> object:
    item = content.get(name)
    return item.get("value") if isinstance(item, dict) else item


def to_record(note: dict) -> Record | None:
    content = note.get("content") if isinstance(note, dict) else None
    if not isinstance(content, dict):
        return None
    title = one_line(str(_value(content, "title") or ""))
    if not title:
        return None
    authors = _value(content, "authors")
    stamp = note.get("pdate") or note.get("odate") or note.get("cdate")
    year = None
    if isinstance(stamp, (int, float)):
        year = datetime.datetime.fromtimestamp(stamp / 1000, datetime.timezone.utc).year
    return Record(
        source="openreview", title=title,
        authors=tuple(one_line(str(name)) for name in authors if one_line(str(name)))
        if isinstance(authors, list) else (),
        year=year, abstract=one_line(str(_value(content, "abstract") or "")),
        venue=one_line(str(_value(content, "venue") or "")),
        openreview=str(note.get("forum") or note.get("id") or ""),
        extra={"venueid": one_line(str(_value(content, "venueid") or ""))},
    )


def fetch(client: PoliteClient, cache: Cache, note_id: str) -> Record | None:
    known = cache.get("openreview", note_id)
    if known is Cache.MISSING:
        answer = client.json("GET", f"{client.base}/notes", params={"id": note_id})
        notes = (answer or {}).get("notes") if isinstance(answer, dict) else None
        record = to_record(notes[0]) if notes else None
        known = record_to_json(record)
        cache.put("openreview", note_id, known)
    return record_from_json(known)
