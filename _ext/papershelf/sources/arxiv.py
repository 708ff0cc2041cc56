"""arXiv's API: the Atom feed of ``export.arxiv.org/api/query``, many ids per request.

An entry carries ``<title>``, ``<summary>`` (the abstract), ``<published>``
(the first version), ``<author><name>``, and ``arxiv:doi`` and
``arxiv:journal_ref`` when the authors gave them.  arXiv asks for one request
every 3 seconds on one connection; :mod:`.http` sees to it.
"""

from __future__ import annotations

from defusedxml import ElementTree

from . import Record, SourceError, one_line, record_from_json, record_to_json
from .cache import Cache
from .http import PoliteClient

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
#: ids per request (arXiv returns at most max_results entries)
BATCH = 50


def parse_feed(text: bytes | str, url: str = "") -> dict[str, Record]:
    """The entries of an arXiv Atom feed, by arXiv id (without version)."""
    from ..model import arxiv_id_of

    try:
        root = ElementTree.fromstring(text)
    except Exception as error:  # defusedxml raises several kinds
        raise SourceError("arxiv", url, f"the answer is not an Atom feed ({error})") from None
    records: dict[str, Record] = {}
    for entry in root.iter(f"{ATOM}entry"):
        ident = arxiv_id_of(entry.findtext(f"{ATOM}id", "").strip())
        title = one_line(entry.findtext(f"{ATOM}title"))
        if not ident or not title:
            continue  # arXiv reports a malformed id as an entry titled "Error"
        published = entry.findtext(f"{ATOM}published", "").strip()
        authors = tuple(one_line(author.findtext(f"{ATOM}name"))
                        for author in entry.findall(f"{ATOM}author"))
        records[ident] = Record(
            source="arxiv", title=title, authors=tuple(name for name in authors if name),
            year=int(published[:4]) if published[:4].isdigit() else None,
            abstract=one_line(entry.findtext(f"{ATOM}summary")),
            doi=one_line(entry.findtext(f"{ARXIV}doi")), arxiv=ident,
            venue=one_line(entry.findtext(f"{ARXIV}journal_ref")), venue_dated=False,
            extra={"published": published[:10]},
        )
    return records


def fetch(client: PoliteClient, cache: Cache, ids: list[str]) -> dict[str, Record | None]:
    """The records of these arXiv ids (``None``: arXiv has no such paper)."""
    found, wanted = cache.known("arxiv", ids)
    results: dict[str, Record | None] = {ident: record_from_json(known) for ident, known in found.items()}
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start: start + BATCH]
        params = {"id_list": ",".join(chunk), "max_results": str(len(chunk))}
        response = client.get(client.base, params=params)
        found = parse_feed(response.content, client.base) if response is not None else {}
        for ident in chunk:
            record = found.get(ident)
            results[ident] = record
            cache.put("arxiv", ident, record_to_json(record))
    return results
