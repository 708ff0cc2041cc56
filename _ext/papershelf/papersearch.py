"""The papers' own search index, so that the search page lists papers first.

Written from the site's ``papers.json`` after it is written, as
``_static/papershelf-search.js``: a script that sets
``window.PAPERSHELF_SEARCH``, so that it loads from a copy of the site opened
from disk too (a ``fetch`` of a JSON file would be refused there).  It holds,
per paper, the key, title, badges' words, the URL of the entry, its ``added``
date, the searchable text (title, authors, venue, tags) and the lines of its
summary, notes and abstract, which the search page shows when they match.

Besides the text, an inverted index maps each word to the papers that hold
it.  Words are cut the way the site's Sphinx search cuts its pages: with the
search language Sphinx uses (jieba's ``cut_for_search`` for Chinese), each
word kept lower-cased and stemmed by the language's stemmer, the one whose
JavaScript twin the search page loads.  The page cuts a Chinese query by the
longest words of this index, and also looks for the query word for word in
the text, so ``降低幻觉`` finds the notes that say ``降低幻觉``.

The file is rewritten only when ``papers.json`` or the search language changed,
and then only the rows of the papers whose entries were read again are made
anew: the others, with their words, are kept beside the doctrees with the
papers' other parts (:class:`papershelf.exports.KeptParts`).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .diagnostics import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

INDEX_FILE = "_static/papershelf-search.js"
INDEX_VERSION = 1
GLOBAL = "PAPERSHELF_SEARCH"
#: the fields of each row of ``papers``, in order
FIELDS = ("key", "title", "badges", "url", "added", "meta", "lines")

_LATIN = re.compile(r"[a-zA-Z0-9_]+")
_WORD = re.compile(r"\w", re.UNICODE)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str) and item.strip()] if isinstance(value, list) else []


def paper_row(paper: dict) -> list:
    """One paper as a row of the index (see ``FIELDS``)."""
    venue = paper.get("venue") if isinstance(paper.get("venue"), dict) else {}
    badges = [_text(venue.get("name"))] + _strings(venue.get("extras"))
    if paper.get("year"):
        badges.append(str(paper["year"]))
    badges.append(_text(paper.get("status")))
    locations = [loc for loc in paper.get("locations") or [] if isinstance(loc, dict)]
    url = _text(locations[0].get("url")) if locations else ""
    meta = " · ".join(part for part in (
        ", ".join(_strings(paper.get("authors"))),
        _text(venue.get("raw")) or _text(venue.get("name")),
        ", ".join(_strings(paper.get("tags"))),
        _text(paper.get("key"))) if part)
    lines = []
    for field in ("summary", "notes", "abstract"):
        for line in _text(paper.get(field)).splitlines():
            line = " ".join(line.split())
            if line and line not in lines:
                lines.append(line)
    added = paper.get("added") if isinstance(paper.get("added"), str) else None
    return [_text(paper.get("key")), _text(paper.get("title")), [b for b in badges if b], url, added,
            meta, lines]


def _plain_stemming(language: Any) -> bool:
    """Whether the language's ``stem`` is the snowball stemmer of the lower-cased word."""
    from sphinx.search.en import SearchEnglish

    return type(language).stem is SearchEnglish.stem


class Words:
    """The words of a text as the site's Sphinx search cuts and stems them."""

    def __init__(self, language: Any = None) -> None:
        self.language = language
        #: word -> its index keys; a site repeats its words, and stemming is slow
        self._known: dict[str, tuple[str, ...]] = {}

    def split(self, text: str) -> list[str]:
        if self.language is None:
            return re.findall(r"\w+", text)
        return self.language.split(text)

    def _keys_of(self, word: str) -> tuple[str, ...]:
        lower = word.lower()
        found = {lower}
        if self.language is not None and _LATIN.fullmatch(word):
            # the page stems with the plain snowball stemmer, without
            # Sphinx's exceptions for short acronyms
            stemmer = getattr(self.language, "stemmer", None)
            plain = stemmer.stemWord(lower) if stemmer is not None and hasattr(stemmer, "stemWord") else None
            # English stems with exactly that stemmer: no need to stem twice
            stemmed = plain if plain is not None and _plain_stemming(self.language) else self.language.stem(word)
            if stemmed and self.language.word_filter(stemmed):
                found.add(stemmed)
            if plain is not None:
                found.add(plain)
        # one letter or one character is too common to look up, as in Sphinx's
        # index; a paper's words are kept a word a line
        return tuple(key for key in found if len(key) > 1 and "\n" not in key)

    def keys(self, text: str) -> set[str]:
        known = self._known
        words = set(self.split(text))
        for word in words.difference(known):
            stripped = word.strip()
            known[word] = self._keys_of(stripped) if stripped and _WORD.search(stripped) else ()
        return set().union(*map(known.__getitem__, words))


def search_part(language: str) -> tuple:
    """The name of a paper's row among its kept parts (see :func:`build_index`)."""
    return ("search", INDEX_VERSION, language)


def build_index(papers: Iterable[dict], words: Words, language: str = "",
                parts: Iterable[dict] | None = None, known: dict[bytes, str] | None = None,
                last: Terms | None = None) -> str:
    """The text of ``papershelf-search.js`` for ``papers`` (sorted by key)
    (see :func:`index_bytes`)."""
    return index_bytes(papers, words, language, parts, known, last).decode("utf-8")


def index_bytes(papers: Iterable[dict], words: Words, language: str = "",
                parts: Iterable[dict] | None = None, known: dict[bytes, str] | None = None,
                last: Terms | None = None) -> bytes:
    """``papershelf-search.js`` for ``papers`` (sorted by key), in UTF-8.

    ``parts``, beside ``papers``, are the papers' parts kept from the last
    build (:class:`papershelf.exports.KeptParts`): a paper's row and words
    are taken from there when they are there, and put there when made.
    ``known`` maps the digest of a paper's text to its words (one string, a
    word a line), for the papers whose text did not change though their
    entries were read again: cutting Chinese is slow (about 7 ms a paper).
    With ``last`` (the last build's words, see :class:`Terms`), which is
    updated, only the words of the papers whose words changed are counted
    again."""
    papers = list(papers)
    kept = list(parts) if parts is not None else [{} for _ in papers]
    known = {} if known is None else known
    part = search_part(language)
    rows, numbered = [], []
    order = sorted(range(len(papers)), key=lambda index: _text(papers[index].get("key")).casefold())
    for index in order:
        mine = kept[index]
        made = mine.get(part)
        if made is None:
            row = paper_row(papers[index])
            text = "\n".join([row[1], row[5]] + row[6])
            digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
            keys = known.get(digest)
            if keys is None:
                keys = known[digest] = "\n".join(words.keys(text))
            made = mine[part] = (_script_safe(_compact(row)).encode("utf-8"), keys, digest)
        rows.append(made[0])
        numbered.append(made[1])
    terms = last if last is not None else Terms()
    terms.count(language, [_text(papers[index].get("key")) for index in order], numbered)
    head = _compact({"version": INDEX_VERSION, "language": language, "fields": list(FIELDS)})
    return (f'window.{GLOBAL} = {head[:-1]},"papers":['.encode("utf-8") + b",".join(rows)
            + f'],"terms":{_script_safe(terms.json())}}};\n'.encode("utf-8"))


class Terms:
    """The index's words, each with the numbers of the papers that hold it,
    kept as the JSON text of its member (``"word":[0,5,9]``) from build to
    build.  When the papers and their order are as last time, a rebuild
    changes only the members of the words of the papers whose words
    changed; otherwise every word is counted again."""

    def __init__(self, language: str = "", keys: list[str] | None = None, words: list[str] | None = None,
                 pieces: dict[str, str] | None = None) -> None:
        self.language = language
        self.keys = keys or []        # the papers' keys, by number
        self.words = words or []      # their words, a word a line
        self.pieces = pieces or {}    # word -> '"word":[numbers]'

    def count(self, language: str, keys: list[str], words: list[str]) -> None:
        """Count ``words`` (each paper's, a word a line) of the papers with
        ``keys``, in order, from what was counted last."""
        if self.language == language and self.keys == keys and len(self.words) == len(words):
            pieces = self.pieces
            for number, (before, after) in enumerate(zip(self.words, words)):
                if before == after:
                    continue
                gone, new = set(before.split("\n")), set(after.split("\n"))
                for word in (gone ^ new) - {""}:
                    prefix = encode_string(word) + ":"
                    piece = pieces.get(word)
                    numbers = json.loads(piece[len(prefix):]) if piece else []
                    if word in new:
                        bisect.insort(numbers, number)
                    elif number in numbers:
                        numbers.remove(number)
                    if numbers:
                        pieces[word] = prefix + _numbers(numbers)
                    else:
                        pieces.pop(word, None)
        else:
            counted: defaultdict[str, list[int]] = defaultdict(list)
            for number, text in enumerate(words):
                if text:
                    for word in text.split("\n"):
                        counted[word].append(number)
            self.pieces = {word: f"{encode_string(word)}:{_numbers(numbers)}" for word, numbers in counted.items()}
        self.language, self.keys, self.words = language, keys, words

    def json(self) -> str:
        """The words as one JSON object, sorted."""
        return "{" + ",".join(self.pieces[word] for word in sorted(self.pieces)) + "}"

    def state(self) -> tuple:
        return (self.language, self.keys, self.words, self.pieces)


def _numbers(numbers: list[int]) -> str:
    return f"[{','.join(map(str, numbers))}]"


#: a JSON string, as the encoder below writes it (``ensure_ascii=False``)
encode_string = json.encoder.encode_basestring


#: JSON without spaces, one encoder for every row
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _script_safe(text: str) -> str:
    """JSON that cannot end or break the script it sits in ("</script",
    U+2028 and U+2029 are escaped)."""
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _language(app: Sphinx) -> Any:
    indexer = getattr(app.builder, "indexer", None)
    language = getattr(indexer, "lang", None)
    if language is not None:
        return language
    from sphinx.search import IndexBuilder

    try:
        return IndexBuilder(app.env, app.config.html_search_language or app.config.language or "en",
                            app.config.html_search_options, app.config.html_search_scorer).lang
    except Exception:  # a search language that cannot load: words are not stemmed
        return None


def write_index(app: Sphinx) -> None:
    """Write the paper search index from this build's papers.json text.  It is
    written with the search page, before Sphinx draws that page's script
    tags, so the tag carries Sphinx's checksum of the file in a clean build
    and in an incremental one alike."""
    from .exports import papers_json_digest, papers_json_papers, papers_json_parts

    target = Path(app.outdir, INDEX_FILE)
    if not app.env.domains["paper"].exports_due and target.is_file():
        return   # no page was read: the papers are as last time
    write_index_from(app, None, papers_json_papers(app), papers_json_parts(app), papers_json_digest(app))


def write_index_from(app: Sphinx, raw: bytes | None, papers: list[dict] | None = None,
                     parts: list[dict] | None = None, raw_digest: str | None = None) -> None:
    """Write the index from the text of a papers.json (``raw``, or its
    ``papers`` and SHA-256), unless it is the one the index was last made
    from.  ``parts``: see :func:`build_index`."""
    outdir = Path(app.outdir)
    target = outdir / INDEX_FILE
    language = getattr(_language(app), "lang", "") or ""
    raw_digest = raw_digest or hashlib.sha256(raw or b"").hexdigest()
    digest = hashlib.sha256(f"{raw_digest}|{INDEX_VERSION}|{language}".encode()).hexdigest()
    stamp = f"// papers.json {digest}\n"
    if target.is_file():
        with target.open(encoding="utf-8") as handle:
            if handle.readline() == stamp:
                return
    try:
        if papers is None:
            data = json.loads(raw.decode("utf-8"))
            papers = [p for p in data.get("papers", []) if isinstance(p, dict)]
    except (ValueError, AttributeError) as error:
        warn(f"papers.json cannot be read, so papers are not searchable: {error}", "search",
             str(outdir / "papers.json"))
        return
    kept = app.env.domains["paper"].views().bibtex.kept
    part = search_part(language)
    # the words of the last build's papers, by their text's digest
    known = {made[2]: made[1] for made in (parts.get(part) for parts in kept.kept_parts()) if made}
    state = kept.shared.get("search-terms")
    last = Terms(*state) if isinstance(state, tuple) and len(state) == 4 else Terms()
    text = stamp.encode("utf-8") + index_bytes(papers, Words(_language(app)), language, parts, known, last)
    kept.shared["search-terms"], kept.shared_changed = last.state(), True
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text)


def add_search_script(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if app.builder.format == "html" and pagename == "search":
        write_index(app)
        app.add_js_file(INDEX_FILE.removeprefix("_static/"), loading_method="defer")


def setup_papersearch(app: Sphinx) -> None:
    app.connect("html-page-context", add_search_script)
