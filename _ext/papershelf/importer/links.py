"""Link targets as people write them, made into the links the site shows."""

from __future__ import annotations

import difflib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .. import model
from ..model import LINK_LABELS

# How link labels that people write map to the directive's link options.
LABEL_ALIASES = {
    "arxiv": "paper", "article": "paper", "abs": "paper",
    "github": "code", "repo": "code", "git": "code",
    "homepage": "project", "page": "project", "website": "project", "site": "project",
    "dataset": "data", "benchmark": "data",
    "or": "openreview",
}

# a host name and a path, no scheme: "arxiv.org/abs/2604.25850", "github.com/o/r"
_SCHEMELESS_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?(?:[/?#]\S*)?$",
                            re.IGNORECASE)
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|ref_url|_hsenc|_hsmi)$",
                       re.IGNORECASE)


def _without_tracking(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if not _TRACKING.match(name)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def repair_link(target: str, title: str, kind: str | None = "paper") -> tuple[str | None, str | None]:
    """A usable URL for a written link target, and what was done or wrong.

    Returns ``(url, None)`` for a good link, ``(url, note)`` for a repaired one
    and ``(None, reason)`` for a target that cannot be a link.  ``kind`` is the
    link option it will fill: an arXiv link becomes the abstract page, or the
    PDF for a ``pdf`` link."""
    written = target.strip().strip("<>").strip()
    text = written
    if not text:
        return None, "empty link target"
    notes: list[str] = []
    if re.match(r"^http://(www\.)?arxiv\.org/", text, re.IGNORECASE):
        text = "https://" + text[len("http://"):]
        notes.append(f"http arXiv link {written} now uses https")
    elif text.lower().startswith("www.") or (
            _SCHEMELESS_RE.match(text) and not text.startswith("10.") and "/" in text):
        text = "https://" + text
        notes.append(f"{written} has no scheme: read as {text}")
    checked = model.check_url(text)
    if checked.value is None:
        if model.normal_title(text) == model.normal_title(title):
            return None, "the paper's title is written where its URL should be"
        return None, "; ".join(checked.problems)
    url = str(checked.value)
    if url != text and not notes:
        notes.append(f"{text} written as {url}")
    cleaned = _without_tracking(url)
    canonical = model.normalise_url(cleaned, "pdf" if kind == "pdf" else "paper")
    final = str(canonical.value) if canonical.value and not canonical.problems else cleaned
    if final != url and final != text:
        notes.append(f"{url} made canonical: {final}")
    return final, "; ".join(notes) or None


def link_kind(label: str) -> tuple[str | None, bool]:
    """The link option a written label maps to, and whether it was a guess.
    ``None``: the label names something else (kept as a named link)."""
    name = " ".join(label.split()).casefold()
    if name in LINK_LABELS:
        return name, False
    if name in LABEL_ALIASES:
        return LABEL_ALIASES[name], False
    # a typo ("papaer") is written in lower case; "Codex" or "PICa" is a name
    close = difflib.get_close_matches(name, LINK_LABELS, n=1, cutoff=0.75) if label.islower() else []
    if close:
        return close[0], True
    return None, False
