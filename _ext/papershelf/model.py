"""An entry (one ``paper`` directive on one page) and the rules for its fields.

Everything a ``paper`` directive says is checked here, with no Sphinx import:
keys, links, statuses, years, tags, ratings.  Checks return a value and a list
of problems; the directive turns problems into warnings with a location.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .pickling import fast_pickling
from .venues import MIN_YEAR, Venue, parse_ratings

#: Reading statuses, in the order indexes list them.
STATUSES = ("read", "skimmed", "unread")

#: Link options a ``paper`` directive takes, in the order the buttons show.
LINK_LABELS = ("paper", "pdf", "code", "data", "project", "blog", "openreview",
               "slides", "video", "poster")

#: How far ahead of this year a paper's year may be.
YEARS_AHEAD = 1

KEY_RE = re.compile(r"^\w[\w.\-]*$")
_ARXIV_NEW_RE = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")
_ARXIV_OLD_RE = re.compile(r"(?<![\w.])([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.IGNORECASE)
_ARXIV_HOST_RE = re.compile(r"^(?:www\.|export\.)?arxiv\.org$", re.IGNORECASE)
_ARXIV_DOI_RE = re.compile(r"^/?10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_DOI_RE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV_SHORTHAND_RE = re.compile(r"^arxiv:\s*(\S+)$", re.IGNORECASE)
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SLUG_MAX = 60
_UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem"})


@fast_pickling
@dataclass(frozen=True, slots=True)
class Link:
    """One labelled link of a paper, with the arXiv id and the DOI it names
    (read once, when the link is made: they are kept with it in the saved
    environment, so joining the site's papers reads no address again)."""

    label: str
    url: str
    arxiv_id: str | None = field(default=None, init=False, repr=False, compare=False)
    doi: str | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arxiv_id", arxiv_id_of(self.url))
        object.__setattr__(self, "doi", doi_of(self.url))


@fast_pickling
@dataclass(frozen=True, slots=True)
class Entry:
    """One ``paper`` directive on one page: plain, picklable data.  The
    entries of one paper across pages are joined into a
    :class:`~papershelf.catalog.Paper`."""

    key: str
    title: str
    docname: str
    lineno: int
    venue: Venue
    year: int | None = None
    authors: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    status: str = "unread"
    rating: tuple[int, ...] = ()
    summary: str = ""            # the summary paragraph, as plain text
    notes: str = ""              # the notes, as plain text (for search and papers.json)
    abstract: str = ""           # the paper's own abstract, apart from the owner's words
    added: str = ""              # when the owner added it: an ISO date, YYYY-MM-DD
    explicit_key: bool = False   # the key was written with :key:, not derived
    #: a number no other entry has, drawn when the entry is made (by
    #: ``dataclasses.replace`` too) and kept with it in the saved environment:
    #: what is made from an entry can be kept under it from build to build
    stamp: int = field(default=0, init=False, repr=False, compare=False)
    #: the title as entries of one paper are joined by (:func:`normal_title`)
    title_key: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stamp", int.from_bytes(os.urandom(8), "little"))
        object.__setattr__(self, "title_key", normal_title(self.title))

    @property
    def arxiv_id(self) -> str | None:
        return first_arxiv_id(self.links)

    @property
    def anchor(self) -> str:
        """The entry's HTML id (derived from the key: not stored)."""
        return anchor_for(self.key)


@dataclass
class Checked:
    """A value read from an option, and what was wrong with the input."""

    value: object
    problems: list[str] = field(default_factory=list)


# -- keys -------------------------------------------------------------------

def slugify(text: str, max_length: int = _SLUG_MAX) -> str:
    """A lowercase, hyphenated form of ``text`` that keeps letters of any script."""
    text = unicodedata.normalize("NFKC", text).casefold()
    slug = re.sub(r"[^\w]+|_+", "-", text).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > max_length // 2 else max_length].strip("-")
    return slug


@functools.lru_cache(maxsize=1 << 16)
def arxiv_id_of(url: str) -> str | None:
    """The arXiv identifier (without version) of an arxiv.org link, or of a
    ``doi.org`` link to arXiv's own DOI (``10.48550/arXiv.<id>``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path
    if host in ("doi.org", "dx.doi.org"):
        doi = _ARXIV_DOI_RE.match(unquote(path))
        if not doi:
            return None
        path = "/abs/" + doi.group(1)
    elif not _ARXIV_HOST_RE.match(host):
        return None
    match = _ARXIV_NEW_RE.search(path) or _ARXIV_OLD_RE.search(path.split("/", 2)[-1])
    return match.group(1) if match else None


def first_arxiv_id(links: Iterable[Link]) -> str | None:
    """The arXiv id of the first link that has one."""
    return next(filter(None, (link.arxiv_id for link in links)), None)


def first_doi(links: Iterable[Link]) -> str | None:
    """The DOI of the first ``doi.org`` link."""
    return next(filter(None, (link.doi for link in links)), None)


def arxiv_year(links: Iterable[Link]) -> int | None:
    """The year an arXiv id was issued (``2310.15213`` -> 2023), from the
    first arXiv link: what a paper with no venue year is dated by."""
    arxiv_id = first_arxiv_id(links)
    if not arxiv_id:
        return None
    year = int(arxiv_id.split("/")[-1][:2])
    return 1900 + year if "/" in arxiv_id and year >= 91 else 2000 + year


@functools.lru_cache(maxsize=1 << 16)
def doi_of(url: str) -> str | None:
    match = _DOI_RE.match(url.strip())
    return match.group(1) if match and "doi.org" in url.lower() else None


def derive_key(title: str, links: tuple[Link, ...] | list[Link]) -> str:
    """A stable key: the arXiv id of a link, else its DOI, else the title's slug."""
    arxiv_id = first_arxiv_id(links)
    if arxiv_id:
        return arxiv_id.replace("/", "-")
    doi = first_doi(links)
    if doi:
        return "doi-" + slugify(doi, max_length=_SLUG_MAX)
    slug = slugify(title)
    if slug:
        return slug
    digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]
    return f"paper-{digest}"


def unique_name(name: str, taken: set[str], fold: Callable[[str], str] = str,
                blocked: Callable[[str], bool] = lambda name: False) -> str:
    """``name``, or ``name-2``, ``name-3``... when taken (or ``blocked``); the
    result is added to ``taken``.  With ``fold`` (``str.casefold``, say),
    ``taken`` holds folded names and names that fold alike count as the same."""
    unique, number = name, 1
    while fold(unique) in taken or blocked(unique):
        number += 1
        unique = f"{name}-{number}"
    taken.add(fold(unique))
    return unique


def normal_title(title: str) -> str:
    """A title with case, punctuation and spacing ironed out: two entries whose
    titles agree in this form are the same paper."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(_NOT_WORD_RE.sub(" ", text).split())


_NOT_WORD_RE = re.compile(r"[^\w]+|_+")


def check_key(value: str) -> Checked:
    key = value.strip()
    if not KEY_RE.match(key):
        return Checked(None, [f"invalid key {value!r}: use letters, digits, '.', '-' and '_', "
                              "starting with a letter or digit"])
    return Checked(key)


def anchor_for(key: str) -> str:
    """The HTML id of a paper on its page."""
    return f"paper-{key}"


# -- links ------------------------------------------------------------------

def check_url(value: str) -> Checked:
    """An http(s) URL from an option value, or the reason it cannot be a link.

    ``arXiv:2310.15213`` and DOIs (``10.48550/arXiv.2501.07542``) are accepted
    and written out as their https address.  Anything that is not http(s) is
    refused, whatever its spelling: ``javascript:``, ``JaVa\\tScript:``,
    ``data:``, ``file:``, a relative path, a paper title.
    """
    text = value.strip().strip("<>").strip()
    if not text:
        return Checked(None, ["empty link"])
    if text[:8].lower() == "https://" or text[:7].lower() == "http://":
        if text.isascii() and text.isprintable() and " " not in text:
            # an http(s) address without spaces or control characters: only
            # its host and port are left to check (the common case)
            return _checked_http(text)
    arxiv = _ARXIV_SHORTHAND_RE.match(text)
    if arxiv:
        ident = arxiv.group(1)
        if _ARXIV_NEW_RE.fullmatch(ident) or _ARXIV_OLD_RE.fullmatch(ident):
            return Checked(f"https://arxiv.org/abs/{ident}")
        return Checked(None, [f"{text!r} is not a valid arXiv identifier"])
    doi = _DOI_RE.match(text)
    if doi and not text.lower().startswith(("http://", "https://")):
        return Checked(f"https://doi.org/{doi.group(1)}")
    # Browsers drop control characters and blanks inside a scheme, so judge the
    # scheme with them removed: "java\tscript:" is "javascript:".
    compact = re.sub(r"[\x00-\x20\x7f]+", "", text)
    scheme = _SCHEME_RE.match(compact)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        name = scheme.group(1).lower()
        if name not in _UNSAFE_SCHEMES and re.search(r"\s", text):
            # "Attention: all you need" is a title, not a URL with a scheme
            return Checked(None, [f"{_short(text)!r} is not a URL: links must start with http:// or https://"])
        return Checked(None, [f"{_short(text)!r} is not a web link: the {name}: "
                              "scheme is not allowed, only http and https"])
    if not scheme:
        return Checked(None, [f"{_short(text)!r} is not a URL: links must start with http:// or https://"])
    if re.search(r"[\x00-\x20\x7f]", text):
        return Checked(None, [f"{_short(text)!r} is not a URL: it contains spaces or control characters"])
    return _checked_http(text)


def _checked_http(text: str) -> Checked:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as error:
        return Checked(None, [f"{_short(text)!r} is not a valid URL: {error}"])
    if not parts.hostname:
        return Checked(None, [f"{_short(text)!r} has no host name"])
    return Checked(text)


_ARXIV_PATH_RE = re.compile(r"^/(abs|pdf|html)/(.+?)(?:\.pdf)?/?$")
_GITHUB_RESERVED = frozenset({"orgs", "users", "topics", "search", "settings", "marketplace",
                              "explore", "features", "sponsors", "collections", "trending"})


def normalise_url(url: str, label: str = "paper") -> Checked:
    """The canonical form of a paper host's link, or what is wrong with it.

    arXiv: https, the ``abs`` page (the PDF for a ``pdf`` link), the version
    kept, and a valid identifier.  DOIs: ``https://doi.org/<doi>``, and a DOI
    of the right shape.  OpenReview: a paper id.  GitHub: a repository.
    Other links are returned as they are.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if _ARXIV_HOST_RE.match(host):
        match = _ARXIV_PATH_RE.match(parts.path)
        if not match:
            return Checked(url)
        ident = match.group(2)
        new = _ARXIV_NEW_RE.fullmatch(ident)
        if not (new or _ARXIV_OLD_RE.fullmatch(ident)) or (new and not 1 <= int(ident[2:4]) <= 12):
            return Checked(url, [f"{url} has no valid arXiv identifier ({ident!r})"])
        page = "pdf" if label == "pdf" else "abs"
        return Checked(f"https://arxiv.org/{page}/{ident}")
    if host in ("doi.org", "dx.doi.org", "www.doi.org"):
        doi = unquote(parts.path.lstrip("/"))
        if not re.fullmatch(r"10\.\d{4,9}/\S+", doi):
            return Checked(url, [f"{url} does not name a DOI (a DOI looks like 10.1234/abc)"])
        return Checked(f"https://doi.org/{doi}")
    if host in ("openreview.net", "www.openreview.net"):
        query = dict(pair.partition("=")[::2] for pair in parts.query.split("&") if pair)
        if query.get("id") or re.match(r"^/(pdf|attachment)/[\w\-]+\.pdf$", parts.path):
            return Checked(url)
        return Checked(url, [f"{url} names no OpenReview paper: link to forum?id=... or pdf?id=..."])
    if host in ("github.com", "www.github.com"):
        segments = [segment for segment in parts.path.split("/") if segment]
        if len(segments) < 2 or segments[0].lower() in _GITHUB_RESERVED:
            return Checked(url, [f"{url} names no GitHub repository: link to github.com/owner/repository"])
    return Checked(url)


def parse_extra_links(value: str) -> Checked:
    """``Label <https://...>`` items, any number, on one line or several.

    The value is a list of ``(label, written, url)``; ``url`` is ``None`` where
    the written target was refused.
    """
    links: list[tuple[str, str, str | None]] = []
    problems: list[str] = []
    position = 0
    for match in re.finditer(r"([^<>]*?)\s*<([^<>]*)>", value):
        label = " ".join(match.group(1).strip(" \t\n,;").split())
        between = value[position: match.start()].strip(" \t\n,;")
        position = match.end()
        if between:
            problems.append(f"cannot read {_short(between)!r} in links: write each as 'Label <https://...>'")
            links.append(("link", between, None))
        if not label:
            problems.append(f"link <{match.group(2)}> has no label: write 'Label <https://...>'")
            continue
        checked = check_url(match.group(2))
        problems.extend(f"{label}: {problem}" for problem in checked.problems)
        links.append((label, match.group(2), checked.value))
    tail = value[position:].strip(" \t\n,;")
    if tail:
        problems.append(f"cannot read {_short(tail)!r} in links: write each as 'Label <https://...>'")
        links.append(("link", tail, None))
    return Checked(links, problems)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- other fields -----------------------------------------------------------

def check_status(value: str | None, has_notes: bool) -> Checked:
    default = "read" if has_notes else "unread"
    if value is None or not value.strip():
        return Checked(default)
    status = value.strip().lower()
    if status not in STATUSES:
        return Checked(default, [f"unknown status {value.strip()!r}: use one of {', '.join(STATUSES)}"])
    return Checked(status)


def check_year(value: str, today: datetime.date | None = None) -> Checked:
    latest = (today or datetime.date.today()).year + YEARS_AHEAD
    text = value.strip()
    if not re.fullmatch(r"\d{1,6}", text):
        return Checked(None, [f"invalid year {text!r}: write a four-digit year such as 2024"])
    year = int(text)
    if not MIN_YEAR <= year <= latest:
        return Checked(None, [f"impossible year {year}: expected {MIN_YEAR} to {latest}"])
    return Checked(year)


def check_date(value: str, today: datetime.date | None = None) -> Checked:
    """An ISO date (``2026-12-02``) no later than today, for ``:added:``."""
    text = value.strip()
    try:
        date = datetime.date.fromisoformat(text)
    except ValueError:
        return Checked("", [f"invalid date {text!r}: write it as YYYY-MM-DD, such as 2024-05-31"])
    if len(text) != 10:
        return Checked("", [f"invalid date {text!r}: write it as YYYY-MM-DD, such as 2024-05-31"])
    if date > (today or datetime.date.today()) + datetime.timedelta(days=1):
        return Checked("", [f"date {text} is in the future"])
    return Checked(date.isoformat())


def check_venue_year(venue: Venue, today: datetime.date | None = None) -> Checked:
    """The year a venue string implies, unless it is impossible."""
    if venue.year is None:
        return Checked(None)
    return check_year(str(venue.year), today)


def split_list(value: str) -> tuple[str, ...]:
    """Comma-separated items (a semicolon wins when present), stripped, deduplicated."""
    separator = ";" if ";" in value else ","
    items = (" ".join(item.split()) for item in value.split(separator))
    return tuple(dict.fromkeys(item for item in items if item))


def check_rating(value: str) -> Checked:
    scores = parse_ratings(value)
    if not scores:
        return Checked((), [f"invalid rating {value.strip()!r}: write reviewer scores from 0 to 10, "
                            "such as '8 6 6 5'"])
    return Checked(scores)
