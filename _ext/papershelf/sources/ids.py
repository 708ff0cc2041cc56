"""Paper identifiers as people paste them.

``2310.15213``, ``2310.15213v2``, ``arXiv:2310.15213``, ``hep-th/9901001``,
``https://arxiv.org/pdf/2310.15213v1.pdf``, ``10.18653/v1/2023.acl-long.1``,
``doi:10.1000/xyz``, ``https://doi.org/10.1000/xyz``, arXiv's own DOIs
(``10.48550/arXiv.2310.15213``) and ``https://openreview.net/forum?id=...``.
The link rules are :mod:`papershelf.model`'s, so an id means here what it
means in an entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from ..model import arxiv_id_of, check_url, doi_of

_OPENREVIEW_HOST_RE = re.compile(r"^(?:www\.)?openreview\.net$", re.IGNORECASE)
_OPENREVIEW_ID_RE = re.compile(r"^[\w\-]+$")
_ARXIV_ID_RE = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$",
                          re.IGNORECASE)


@dataclass(frozen=True)
class PaperId:
    """An identifier understood: ``kind`` is ``arxiv``, ``doi`` or ``openreview``."""

    kind: str
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


def openreview_id_of(url: str) -> str | None:
    """The note id of an OpenReview forum or PDF link."""
    parts = urlsplit(url.strip())
    if not _OPENREVIEW_HOST_RE.match(parts.hostname or ""):
        return None
    ident = (parse_qs(parts.query).get("id") or [""])[0]
    return ident if _OPENREVIEW_ID_RE.match(ident) else None


def parse_id(text: str) -> PaperId | None:
    """The paper a pasted identifier names, or ``None``."""
    text = text.strip().strip("<>").strip()
    if not text:
        return None
    if _ARXIV_ID_RE.match(text):
        text = "arXiv:" + text
    checked = check_url(text)
    url = checked.value
    if not url:
        return None
    openreview = openreview_id_of(url)
    if openreview:
        return PaperId("openreview", openreview)
    arxiv = arxiv_id_of(url)
    if arxiv:
        return PaperId("arxiv", arxiv)
    doi = doi_of(url)
    if doi:
        return PaperId("doi", doi.rstrip(".,;"))
    return None


def is_arxiv_doi(doi: str) -> bool:
    return doi.lower().startswith("10.48550/arxiv.")
