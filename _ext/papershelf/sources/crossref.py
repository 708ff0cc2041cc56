"""Crossref's REST API: ``GET /works/<doi>``, in its polite pool.

The answer is ``{"status": "ok", "message": {...}}`` with ``title`` and
``container-title`` as lists, ``author`` as ``given``/``family`` (or
``name``) objects, ``issued.date-parts`` and an ``abstract`` in JATS XML.
``mailto`` goes in the query and the User-Agent, which puts the requests in
the polite pool: from ``--mailto``, ``PAPERSHELF_MAILTO`` or
``papershelf_mailto`` in ``conf.py``.
"""

from __future__ import annotations

import ast
import html
import os
import re
from pathlib import Path
from urllib.parse import quote

from . import Record, one_line, record_from_json, record_to_json
from .cache import Cache
from .http import PoliteClient

_TAG_RE = re.compile(r"<[^>]*>")
# the inline markup publishers deposit in titles
_TITLE_TAG_RE = re.compile(r"</?(?:i|b|u|em|strong|sub|sup|scp|tt|mml:[a-z]+)(?:\s[^>]*)?>", re.IGNORECASE)
#: types that are not a published paper
PREPRINT_TYPES = frozenset({"posted-content", "preprint"})


def mailto_from_conf(conf: Path) -> str:
    """``papershelf_mailto = "..."`` from a ``conf.py``, read without running it."""
    try:
        tree = ast.parse(conf.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return ""
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "papershelf_mailto"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value.strip()
    return ""


def find_mailto(flag: str | None, site: Path) -> str:
    return (flag or os.environ.get("PAPERSHELF_MAILTO") or mailto_from_conf(site / "conf.py")).strip()


def headers(mailto: str) -> dict[str, str]:
    from .. import __version__

    return {"User-Agent": f"papershelf/{__version__} (mailto:{mailto})"} if mailto else {}


def _name(author: dict) -> str:
    if author.get("name"):
        return one_line(author["name"])
    return one_line(f"{author.get('given', '')} {author.get('family', '')}")


def _year(message: dict) -> int | None:
    for field in ("published-print", "published", "issued", "published-online"):
        parts = (message.get(field) or {}).get("date-parts") or [[]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            return parts[0][0]
    return None


def to_record(message: dict) -> Record | None:
    titles = message.get("title") or []
    if not titles:
        return None
    containers = message.get("container-title") or []
    kind = str(message.get("type") or "")
    abstract = one_line(html.unescape(_TAG_RE.sub(" ", str(message.get("abstract") or ""))))
    abstract = re.sub(r"^Abstract\s+", "", abstract)
    return Record(
        source="crossref", title=one_line(html.unescape(_TITLE_TAG_RE.sub("", str(titles[0])))),
        authors=tuple(name for name in (_name(author) for author in message.get("author") or []
                                        if isinstance(author, dict)) if name),
        year=_year(message), abstract=abstract, doi=str(message.get("DOI") or ""),
        venue="" if kind in PREPRINT_TYPES else one_line(str(containers[0] if containers else "")),
        extra={"type": kind},
    )


def work(client: PoliteClient, cache: Cache, doi: str, mailto: str) -> Record | None:
    question = doi.lower()
    known = cache.get("crossref", question)
    if known is Cache.MISSING:
        params = {"mailto": mailto} if mailto else {}
        answer = client.json("GET", f"{client.base}/works/{quote(doi, safe='/:;()')}", params=params)
        message = answer.get("message") if isinstance(answer, dict) else None
        known = record_to_json(to_record(message) if isinstance(message, dict) else None)
        cache.put("crossref", question, known)
    return record_from_json(known)
