"""Understanding venue strings as people write them.

``"ICLR 2025 Ratings 8 6 6 5"``, ``"Findings of ACL 2023"``, ``"CVPR2024"``,
``"NIPS2023"``, ``"Arxiv 2025.02"``, ``"ongoing work"``: a reading list holds
venues in every shape.  :func:`VenueParser.parse` turns one into a
:class:`Venue` with a canonical name, a kind, a year and the extras (Oral,
Spotlight, Rejected, reviewer ratings, ...) that the string carried.

No Sphinx import here: this module is pure data and is tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .pickling import fast_pickling

#: The kinds a venue can be, in the order indexes list them.
VENUE_KINDS = ("conference", "journal", "workshop", "findings", "preprint", "unknown")

#: The kind of a paper with no venue at all: the one spelling of "no venue"
#: in Python, papers.json, the HTML's ``data-venue-kind`` and the script.
NO_VENUE = "none"

#: Every kind a filter can ask for: the venue kinds, then "no venue".
KINDS = (*VENUE_KINDS, NO_VENUE)

#: The one table of venue names: alias (any case) -> (canonical name, kind).
#: A site adds to it with ``papershelf_venue_aliases`` in ``conf.py``.
VENUE_ALIASES: dict[str, tuple[str, str]] = {
    # machine learning
    "neurips": ("NeurIPS", "conference"),
    "nips": ("NeurIPS", "conference"),
    "iclr": ("ICLR", "conference"),
    "icml": ("ICML", "conference"),
    "aistats": ("AISTATS", "conference"),
    "uai": ("UAI", "conference"),
    "colt": ("COLT", "conference"),
    "colm": ("COLM", "conference"),
    "aaai": ("AAAI", "conference"),
    "ijcai": ("IJCAI", "conference"),
    "kdd": ("KDD", "conference"),
    "sigkdd": ("KDD", "conference"),
    "www": ("WWW", "conference"),
    "sigir": ("SIGIR", "conference"),
    "corl": ("CoRL", "conference"),
    # language
    "acl": ("ACL", "conference"),
    "emnlp": ("EMNLP", "conference"),
    "naacl": ("NAACL", "conference"),
    "eacl": ("EACL", "conference"),
    "coling": ("COLING", "conference"),
    "lrec": ("LREC", "conference"),
    "lrec-coling": ("LREC-COLING", "conference"),
    "conll": ("CoNLL", "conference"),
    "interspeech": ("Interspeech", "conference"),
    # vision and multimedia
    "cvpr": ("CVPR", "conference"),
    "iccv": ("ICCV", "conference"),
    "eccv": ("ECCV", "conference"),
    "wacv": ("WACV", "conference"),
    "bmvc": ("BMVC", "conference"),
    "accv": ("ACCV", "conference"),
    "mm": ("ACM MM", "conference"),
    "acm mm": ("ACM MM", "conference"),
    "acmmm": ("ACM MM", "conference"),
    "siggraph": ("SIGGRAPH", "conference"),
    "siggraph asia": ("SIGGRAPH Asia", "conference"),
    "icra": ("ICRA", "conference"),
    "iros": ("IROS", "conference"),
    "rss": ("RSS", "conference"),
    # journals
    "tmlr": ("TMLR", "journal"),
    "jmlr": ("JMLR", "journal"),
    "tacl": ("TACL", "journal"),
    "tpami": ("TPAMI", "journal"),
    "pami": ("TPAMI", "journal"),
    "ijcv": ("IJCV", "journal"),
    "tip": ("TIP", "journal"),
    "nature": ("Nature", "journal"),
    "nature machine intelligence": ("Nature Machine Intelligence", "journal"),
    "science": ("Science", "journal"),
    "pnas": ("PNAS", "journal"),
    "cacm": ("CACM", "journal"),
    # full names, as DBLP, Semantic Scholar and Crossref write the proceedings and journals
    "international conference on learning representations": ("ICLR", "conference"),
    "advances in neural information processing systems": ("NeurIPS", "conference"),
    "neural information processing systems": ("NeurIPS", "conference"),
    "conference on neural information processing systems": ("NeurIPS", "conference"),
    "international conference on machine learning": ("ICML", "conference"),
    "international conference on artificial intelligence and statistics": ("AISTATS", "conference"),
    "conference on uncertainty in artificial intelligence": ("UAI", "conference"),
    "conference on learning theory": ("COLT", "conference"),
    "conference on language modeling": ("COLM", "conference"),
    "aaai conference on artificial intelligence": ("AAAI", "conference"),
    "international joint conference on artificial intelligence": ("IJCAI", "conference"),
    "knowledge discovery and data mining": ("KDD", "conference"),
    "the web conference": ("WWW", "conference"),
    "conference on robot learning": ("CoRL", "conference"),
    "annual meeting of the association for computational linguistics": ("ACL", "conference"),
    "conference on empirical methods in natural language processing": ("EMNLP", "conference"),
    "empirical methods in natural language processing": ("EMNLP", "conference"),
    "north american chapter of the association for computational linguistics": ("NAACL", "conference"),
    "naacl-hlt": ("NAACL", "conference"),
    "european chapter of the association for computational linguistics": ("EACL", "conference"),
    "international conference on computational linguistics": ("COLING", "conference"),
    "findings of the association for computational linguistics: acl": ("Findings of ACL", "findings"),
    "findings of the association for computational linguistics: emnlp": ("Findings of EMNLP", "findings"),
    "findings of the association for computational linguistics: naacl": ("Findings of NAACL", "findings"),
    "computer vision and pattern recognition": ("CVPR", "conference"),
    "international conference on computer vision": ("ICCV", "conference"),
    "european conference on computer vision": ("ECCV", "conference"),
    "winter conference on applications of computer vision": ("WACV", "conference"),
    "british machine vision conference": ("BMVC", "conference"),
    "asian conference on computer vision": ("ACCV", "conference"),
    "acm multimedia": ("ACM MM", "conference"),
    "international conference on robotics and automation": ("ICRA", "conference"),
    "intelligent robots and systems": ("IROS", "conference"),
    "robotics: science and systems": ("RSS", "conference"),
    "transactions on machine learning research": ("TMLR", "journal"),
    "trans. mach. learn. res.": ("TMLR", "journal"),
    "journal of machine learning research": ("JMLR", "journal"),
    "j. mach. learn. res.": ("JMLR", "journal"),
    "transactions of the association for computational linguistics": ("TACL", "journal"),
    "trans. assoc. comput. linguistics": ("TACL", "journal"),
    "ieee transactions on pattern analysis and machine intelligence": ("TPAMI", "journal"),
    "ieee trans. pattern anal. mach. intell.": ("TPAMI", "journal"),
    "international journal of computer vision": ("IJCV", "journal"),
    "int. j. comput. vis.": ("IJCV", "journal"),
    "ieee transactions on image processing": ("TIP", "journal"),
    "ieee trans. image process.": ("TIP", "journal"),
    "nat. mac. intell.": ("Nature Machine Intelligence", "journal"),
    "proceedings of the national academy of sciences": ("PNAS", "journal"),
    "communications of the acm": ("CACM", "journal"),
    "commun. acm": ("CACM", "journal"),
    "arxiv.org": ("arXiv", "preprint"),
    "corr": ("arXiv", "preprint"),
    # preprints and unpublished work
    "arxiv": ("arXiv", "preprint"),
    "biorxiv": ("bioRxiv", "preprint"),
    "medrxiv": ("medRxiv", "preprint"),
    "ssrn": ("SSRN", "preprint"),
    "openreview": ("OpenReview", "preprint"),
    "preprint": ("Preprint", "preprint"),
    "ongoing work": ("Ongoing work", "preprint"),
    "work in progress": ("Work in progress", "preprint"),
    "under review": ("Under review", "preprint"),
    "technical report": ("Technical report", "preprint"),
    "tech report": ("Technical report", "preprint"),
    "blog": ("Blog", "preprint"),
}

#: Words that mark a status or a track rather than a venue: pattern -> extra.
_EXTRA_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\boral\b", "Oral"),
    (r"\bspotlight\b", "Spotlight"),
    (r"\bposter\b", "Poster"),
    (r"\bhighlight(?:ed)?\b", "Highlight"),
    (r"\bbest\s+paper(?:\s+award)?\b", "Best Paper"),
    (r"\boutstanding\s+paper(?:\s+award)?\b", "Outstanding Paper"),
    (r"\bsubmission\b|\bsubmitted\b", "Submission"),
    (r"\brejected\b|\breject\b|被拒|拒稿", "Rejected"),
    (r"\bwithdrawn\b", "Withdrawn"),
    (r"\b(?:db|d&b)\s+track\b|\bdatasets?\s+(?:and|&)\s+benchmarks?(?:\s+track)?\b",
     "Datasets and Benchmarks"),
)
_EXTRAS = tuple((re.compile(pattern, re.IGNORECASE), extra) for pattern, extra in _EXTRA_PATTERNS)

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?",
                       re.IGNORECASE)
# A year, alone or glued to a venue name ("CVPR2024"), optionally with a month
# ("2025.02", "2024-12").  Digits on either side mean it is part of something else.
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d\d)(?:[./-](0?[1-9]|1[0-2])(?![\d.]))?(?!\d)")
_RATINGS_RE = re.compile(r"\b(?:ratings?|scores?)\b\s*[:：]?\s*((?:\d+(?:\.\d+)?[\s,/]*)+)",
                         re.IGNORECASE)
_DIGIT_RUN_RE = re.compile(r"(?<![\d.])(\d{2,8})(?![\d.])")
_SEGMENT_SPLIT_RE = re.compile(r"[,;，；|]")
_WORKSHOP_RE = re.compile(r"\bworkshops?\b|\bws\b", re.IGNORECASE)
_FINDINGS_RE = re.compile(r"\bfindings\b", re.IGNORECASE)
_JOURNAL_HINT_RE = re.compile(r"\b(journal|transactions|letters|review)\b", re.IGNORECASE)

#: Earliest year a paper in a list can have, and how far ahead of today a
#: year may be (a camera-ready for next year's conference).
MIN_YEAR = 1900


@fast_pickling
@dataclass(frozen=True, slots=True)
class Venue:
    """A venue string, understood."""

    raw: str
    name: str = ""
    kind: str = NO_VENUE
    year: int | None = None
    month: int | None = None
    extras: tuple[str, ...] = ()
    ratings: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        """What a badge shows: ``"ICLR 2024"``, ``"arXiv 2025"``, ``"NeurIPS"``."""
        if self.name and self.year:
            return f"{self.name} {self.year}"
        return self.name or (str(self.year) if self.year else "")


def parse_ratings(text: str) -> tuple[int, ...]:
    """Reviewer scores from ``"8 6 6 5"``, ``"8,6,6,5"``, ``"8866"`` or ``"10 8 6 6"``.

    A glued run of digits is read a score per digit, except that ``10`` is one
    score (review scales go from 1 to 10).  Anything outside 0..10 gives ``()``.
    """
    tokens = [token for token in re.split(r"[\s,/]+", text.strip()) if token]
    if not tokens or not all(token.isdigit() for token in tokens):
        return ()
    scores: list[int] = []
    if len(tokens) == 1 and len(tokens[0]) > 1 and tokens[0] != "10":
        glued, position = tokens[0], 0
        while position < len(glued):
            width = 2 if glued.startswith("10", position) else 1
            scores.append(int(glued[position: position + width]))
            position += width
    else:
        scores = [int(token) for token in tokens]
    if any(score > 10 for score in scores):
        return ()
    return tuple(scores)


class VenueParser:
    """Parses venue strings against one alias table.

    The table is the built-in :data:`VENUE_ALIASES` plus a site's own entries;
    a site's entry wins over a built-in one with the same alias.
    """

    def __init__(self, extra_aliases: Mapping[str, tuple[str, str]] | None = None):
        self.aliases: dict[str, tuple[str, str]] = dict(VENUE_ALIASES)
        for alias, (name, kind) in (extra_aliases or {}).items():
            self.aliases[_fold(alias)] = (name, kind)
        # Canonical names are aliases of themselves ("Findings of ACL" stays itself).
        for name, kind in list(self.aliases.values()):
            self.aliases.setdefault(_fold(name), (name, kind))
        alternatives = sorted(self.aliases, key=len, reverse=True)
        self._alias_re = re.compile(
            r"(?<![\w-])(" + "|".join(_alias_pattern(alias) for alias in alternatives) + r")(?![\w-])",
            re.IGNORECASE,
        )
        self.parse = lru_cache(maxsize=8192)(self._parse)

    def _parse(self, raw: str) -> Venue:
        text = " ".join(raw.split())
        if not text:
            return Venue(raw=raw)
        segments = [segment.strip() for segment in _SEGMENT_SPLIT_RE.split(text) if segment.strip()]
        parsed = [self._parse_segment(segment) for segment in segments]
        # The venue is the first segment that names a known one and was not a
        # rejection; other known venues become extras ("ICLR 2025: Rejected").
        # Unrecognised segments ("CoCoOp", a remark) stay only in ``raw``.
        named = [venue for venue, recognised in parsed if recognised]
        if not named:
            if len(parsed) == 1:
                return parsed[0][0]
            name = _clean_name(_strip_year(text))
            return Venue(raw=raw, name=name, kind="unknown" if name else NO_VENUE,
                         year=next((v.year for v, _ in parsed if v.year), None))
        primary = next((v for v in named if "Rejected" not in v.extras), named[0])
        extras = list(primary.extras)
        ratings = primary.ratings
        for venue, recognised in parsed:
            if venue is primary:
                continue
            if recognised:
                notes = ", ".join(venue.extras)
                extras.append(f"{venue.label}: {notes}" if notes else venue.label)
            else:
                # "ICLR 2024, Oral": a bare remark belongs to the venue before it
                extras.extend(venue.extras)
            ratings = ratings or venue.ratings
        return Venue(raw=raw, name=primary.name, kind=primary.kind,
                     year=primary.year or next((v.year for v in named if v.year), None),
                     month=primary.month if primary.year else None,
                     extras=tuple(dict.fromkeys(extras)), ratings=ratings)

    def _parse_segment(self, segment: str) -> tuple[Venue, bool]:
        """One comma-separated part: the venue and whether a known name was in it."""
        rest = segment
        ratings: tuple[int, ...] = ()
        match = _RATINGS_RE.search(rest)
        if match:
            ratings = parse_ratings(match.group(1))
            rest = rest[: match.start()] + " " + rest[match.end():]

        year = month = None
        year_match = _YEAR_RE.search(rest)
        if year_match:
            year = int(year_match.group(1))
            if year_match.group(2):
                month = int(year_match.group(2))
            rest = rest[: year_match.start()] + " " + rest[year_match.end():]
        month_match = _MONTH_RE.search(rest)
        if month_match and year:
            month = month or _MONTHS[month_match.group(1).lower()]
            rest = rest[: month_match.start()] + " " + rest[month_match.end():]

        if not ratings and year:
            # "ICLR 2025 886": a bare run of scores after the year
            for run in _DIGIT_RUN_RE.finditer(rest):
                scores = parse_ratings(run.group(1))
                if len(scores) >= 2:
                    ratings = scores
                    rest = rest[: run.start()] + " " + rest[run.end():]
                    break

        name, kind = "", NO_VENUE
        recognised = False
        alias_match = self._alias_re.search(rest)
        if alias_match:
            name, kind = self.aliases[_fold(alias_match.group(1))]
            before, after = rest[: alias_match.start()], rest[alias_match.end():]
            rest = f"{before} {after}"
            recognised = True

        extras: list[str] = []
        for pattern, extra in _EXTRAS:
            if pattern.search(rest):
                extras.append(extra)
                rest = pattern.sub(" ", rest)

        if _FINDINGS_RE.search(rest):
            rest = _FINDINGS_RE.sub(" ", rest)
            rest = re.sub(r"^\s*of\b", " ", rest, flags=re.IGNORECASE)
            if name and not name.startswith("Findings"):
                name = f"Findings of {name}"
            kind = "findings"
            name = name or "Findings"
            recognised = True
        if _WORKSHOP_RE.search(rest):
            kind = "workshop"
            if name and not name.endswith("Workshop"):
                name = f"{name} Workshop"
            name = name or "Workshop"
            recognised = True
            workshop_title = _clean_name(rest)
            rest = ""
            if _clean_name(_WORKSHOP_RE.sub(" ", workshop_title)):
                # "ICL workshop", "Workshop on Adaptive Foundation Models"
                extras.append(workshop_title[:1].upper() + workshop_title[1:])

        leftover = _clean_name(rest)
        if not name and leftover:
            name = leftover
            kind = "journal" if _JOURNAL_HINT_RE.search(leftover) else "unknown"
        return Venue(raw=segment, name=name, kind=kind, year=year, month=month,
                     extras=tuple(extras), ratings=ratings), recognised


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _alias_pattern(alias: str) -> str:
    # "acm mm" also matches "ACM  MM" and "ACM-MM"
    return r"[\s-]*".join(re.escape(word) for word in alias.split())


def _strip_year(text: str) -> str:
    return _YEAR_RE.sub(" ", text)


def _clean_name(text: str) -> str:
    text = re.sub(r"[\s()\[\]{}:：,.;]+", " ", text)
    text = re.sub(r"^\s*(?:on|at|in|the|of)\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def normalise_alias_table(value: object) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Read ``papershelf_venue_aliases`` from ``conf.py``.

    Each entry maps an alias to a canonical name, or to ``(name, kind)``, or to
    ``{"name": ..., "kind": ...}``.  Returns the usable entries and a message
    for each entry that could not be used.
    """
    if not isinstance(value, Mapping):
        return {}, [f"papershelf_venue_aliases must be a dict, not {type(value).__name__}"]
    table: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for alias, entry in value.items():
        if isinstance(entry, str):
            name, kind = entry, "conference"
        elif isinstance(entry, Mapping):
            name, kind = entry.get("name", ""), entry.get("kind", "conference")
        elif isinstance(entry, (tuple, list)) and len(entry) == 2:
            name, kind = entry
        else:
            problems.append(f"venue alias {alias!r}: expected a name or (name, kind), got {entry!r}")
            continue
        if not isinstance(alias, str) or not alias.strip():
            problems.append(f"venue alias {alias!r}: the alias must be a non-empty string")
            continue
        if not isinstance(name, str) or not name.strip():
            problems.append(f"venue alias {alias!r}: the name must be a non-empty string")
            continue
        if kind not in VENUE_KINDS:
            problems.append(f"venue alias {alias!r}: unknown kind {kind!r} "
                            f"(use one of {', '.join(VENUE_KINDS)})")
            continue
        table[alias] = (name.strip(), kind)
    return table, problems


@lru_cache(maxsize=16)
def _parser_for(items: tuple[tuple[str, tuple[str, str]], ...]) -> VenueParser:
    return VenueParser(dict(items))


def get_parser(extra_aliases: Mapping[str, tuple[str, str]] | None = None) -> VenueParser:
    """A shared parser for this alias table (parsers cache their results)."""
    return _parser_for(tuple(sorted((extra_aliases or {}).items())))


def parser_for_setting(value: object) -> VenueParser:
    """The parser for a ``papershelf_venue_aliases`` value; unusable entries are
    left out (they are reported once, when the configuration is read)."""
    table, _ = normalise_alias_table(value)
    return get_parser(table)


def parse_venue(raw: str, extra_aliases: Mapping[str, tuple[str, str]] | None = None) -> Venue:
    """Parse one venue string with the built-in table plus ``extra_aliases``."""
    return get_parser(extra_aliases).parse(raw)
