"""The site's papers as files: ``papers.json`` (with the JSON Schema it
follows, shipped in the package and copied beside it) and ``papers.bib``.

Both are written at ``build-finished`` by HTML builders, only when a page was
read (or a file is missing), and a file whose content did not change is left
alone, so a no-op rebuild touches nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .bibtex import bibtex_entry as write_bibtex
from .catalog import Catalog, Paper
from .pickling import read_kept, write_kept

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

JSON_VERSION = 1
SCHEMA_NAME = "papers.schema.json"
SCHEMA_PATH = Path(__file__).parent / SCHEMA_NAME
EXPORTS = ("papers.json", "papers.bib", SCHEMA_NAME)


def paper_json(paper: Paper, locate: Callable[[str, str], str], page_title: Callable[[str], str]) -> dict:
    venue = paper.venue
    return {
        "key": paper.key,
        "title": paper.title,
        "authors": list(paper.authors),
        "venue": {
            "raw": venue.raw.strip(),
            "name": venue.name,
            "kind": paper.venue_kind,
            "extras": list(venue.extras),
        },
        "year": paper.year,
        "links": {link.label: link.url for link in paper.links},
        "arxiv": paper.arxiv_id,
        "doi": paper.doi,
        "tags": list(paper.tags),
        "status": paper.status,
        "rating": list(paper.rating),
        "added": paper.added or None,
        "summary": paper.summary,
        "abstract": paper.abstract,
        "notes": paper.notes,
        "locations": [{"page": entry.docname, "title": page_title(entry.docname),
                       "url": locate(entry.docname, entry.anchor), "line": entry.lineno,
                       "summary": entry.summary}
                      for entry in paper.entries],
    }


def papers_data(catalog: Catalog, locate: Callable[[str, str], str], page_title: Callable[[str], str]) -> list[dict]:
    """The papers of papers.json, in its order (by key)."""
    return [paper_json(paper, locate, page_title) for paper in sorted(catalog.papers, key=lambda p: p.key.casefold())]


def to_json(catalog: Catalog | list[dict], locate: Callable[[str, str], str] | None = None,
            page_title: Callable[[str], str] | None = None, schema: str = SCHEMA_NAME) -> str:
    """``papers.json``: the documented, versioned export (see the README),
    from the catalogue or from :func:`papers_data` made already."""
    papers = catalog if isinstance(catalog, list) else papers_data(catalog, locate, page_title)
    return json_bytes([paper_line(paper).encode("utf-8") for paper in papers], schema).decode("utf-8")


def paper_line(paper: dict) -> str:
    """One paper's line of papers.json."""
    return _encode(paper)


#: one encoder for every line (``json.dumps`` with options makes one a call)
_encode = json.JSONEncoder(ensure_ascii=False).encode


def json_bytes(lines: list[bytes], schema: str = SCHEMA_NAME) -> bytes:
    """papers.json, in UTF-8, from its papers' lines (:func:`paper_line`) in UTF-8, in order."""
    # one paper per line: readable, friendly to diffs, and fast to write
    # (an indented dump takes the pure-Python encoder)
    head = json.dumps({"$schema": schema, "version": JSON_VERSION, "generator": f"papershelf {__version__}",
                       "count": len(lines)}, ensure_ascii=False)[:-1].encode("utf-8")
    if not lines:
        return head + b', "papers": []}\n'
    return head + b', "papers": [\n  ' + b",\n  ".join(lines) + b"\n]}\n"


# -- kept from build to build ---------------------------------------------------------

class KeptParts:
    """Each paper's parts of the exports (its BibTeX entry, its papers.json
    line, its row of the paper search index), by :attr:`Paper.memo`, from
    the last build and for the next one: a rebuild after one edit makes the
    parts of the papers on the page it read again, not of every paper."""

    #: changes whenever the code that makes the parts may have: any module
    #: of the package (the catalogue joins papers, venues name them, ...)
    STAMP = hashlib.blake2b(b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py")))
                            + __version__.encode(), digest_size=8).hexdigest()

    def __init__(self, kept: dict[tuple, dict] | None = None, settings: tuple = (),
                 shared: dict[str, object] | None = None) -> None:
        self._kept = kept or {}
        #: what the parts depend on besides the papers (see :func:`export_settings`)
        self.settings = settings
        #: this build's papers' parts, for the next build
        self.made: dict[tuple, dict] = {}
        self.changed = False
        self._size = self._count(self._kept)
        #: what is kept of the whole site rather than of a paper (the paper
        #: search's words, see :mod:`papershelf.papersearch`); whoever changes
        #: a value sets :attr:`shared_changed`
        self.shared: dict[str, object] = shared or {}
        self.shared_changed = False

    @staticmethod
    def _count(kept: dict[tuple, dict]) -> int:
        return sum(map(len, kept.values()))

    def parts(self, memo: tuple) -> dict:
        """The parts kept for ``memo``: a dict the caller adds a missing part to."""
        parts = self.made.get(memo)
        if parts is None:
            parts = self._kept.get(memo)
            if parts is None:
                parts, self.changed = {}, True
            self.made[memo] = parts
        return parts

    def kept_parts(self) -> Iterator[dict]:
        """The last build's papers' parts."""
        return iter(self._kept.values())

    @classmethod
    def load(cls, path: Path, settings: tuple) -> KeptParts:
        kept = read_kept(path, (cls.STAMP, settings)) or {}
        papers, shared = kept.get("papers"), kept.get("shared")
        return cls(papers if isinstance(papers, dict) else None, settings,
                   shared if isinstance(shared, dict) else None)

    def save(self, path: Path) -> None:
        """This build's papers' parts (only), when they are not the ones kept:
        a paper missing, one fewer, or a part added to a kept paper's parts."""
        if self.changed or self.shared_changed or len(self.made) != len(self._kept) or \
                self._count(self.made) != self._size:
            write_kept(path, (self.STAMP, self.settings), {"papers": self.made, "shared": self.shared})


# -- BibTeX ------------------------------------------------------------------------

def bibtex_entry(paper: Paper) -> str:
    """``paper``'s BibTeX entry, as papers.bib and the Copy BibTeX button give
    it; written by :mod:`papershelf.bibtex`, which a strict BibTeX parser
    reads back as the paper's own words."""
    return write_bibtex(*bibtex_inputs(paper))


BibInputs = tuple[str, str, tuple[tuple[str, str], ...], tuple[str, ...]]


def bibtex_inputs(paper: Paper) -> BibInputs:
    """What ``paper``'s BibTeX entry is written from: its type, key, fields
    and authors."""
    venue = paper.venue
    kind = venue.kind if venue.name else ""
    fields: list[tuple[str, str]] = [("title", paper.title)]
    if kind in ("conference", "workshop", "findings"):
        entry_type = "inproceedings"
        fields.append(("booktitle", venue.label))
    elif kind == "journal":
        entry_type = "article"
        fields.append(("journal", venue.name))
    else:
        entry_type = "misc"
        if venue.name and kind != "preprint":
            fields.append(("howpublished", venue.raw.strip()))
    if paper.year:
        fields.append(("year", str(paper.year)))
    arxiv = paper.arxiv_id
    if arxiv:
        fields.extend([("eprint", arxiv), ("archiveprefix", "arXiv")])
    if paper.doi and not (arxiv and paper.doi.lower().startswith("10.48550/")):
        fields.append(("doi", paper.doi))
    url = next((link.url for link in paper.links if link.label == "paper"), None) or \
        (paper.links[0].url if paper.links else None)
    if url:
        fields.append(("url", url))
    if venue.extras:
        fields.append(("note", ", ".join(venue.extras)))
    if paper.abstract:
        fields.append(("abstract", paper.abstract))
    return entry_type, paper.key, tuple(fields), tuple(paper.authors)


class BibTeX:
    """Each paper's entry made once per build: the copy buttons of every
    page and papers.bib show the same text.  Entries written by the last
    build are taken as they are (see :class:`KeptParts`): a rebuild after
    one edit writes the entries of the page read again, not one per paper."""

    def __init__(self, kept: KeptParts | None = None) -> None:
        self._made: dict[str, str] = {}   # key -> entry; one catalogue's keys are unique
        self.kept = kept if kept is not None else KeptParts()

    def __call__(self, paper: Paper) -> str:
        entry = self._made.get(paper.key)
        if entry is None:
            parts = self.kept.parts(paper.memo)
            entry = parts.get("bib")
            if entry is None:
                entry = parts["bib"] = write_bibtex(*bibtex_inputs(paper))
            self._made[paper.key] = entry
        return entry

    def file(self, catalog: Catalog) -> str:
        return "\n".join(self(paper) for paper in sorted(catalog.papers, key=lambda p: p.key.casefold()))


# -- writing --------------------------------------------------------------------------

def export_stamp(app: Sphinx) -> tuple:
    """What the exports depend on besides the papers."""
    return export_settings(app.builder.name, app.config)


def export_settings(builder: str, config: Config) -> tuple:
    """Every setting the exports' text depends on besides the papers: the
    addresses (base URL, page and link suffixes) and how search words are
    cut (the search language and its options, a Chinese dictionary say).
    A change to one writes the exports again and drops what was kept."""
    return (__version__, builder, config.html_baseurl, config.html_file_suffix, config.html_link_suffix,
            config.html_search_language or config.language or "", dict(config.html_search_options or {}))


def write_exports(app: Sphinx, exception: Exception | None) -> None:
    """``papers.json``, its schema and ``papers.bib`` at the site root."""
    if exception is not None or app.builder.format != "html":
        return
    domain = app.env.domains["paper"]
    if not domain.exports_due and all(Path(app.outdir, name).is_file() for name in EXPORTS):
        return
    views = domain.views()
    contents = {
        "papers.json": papers_json_bytes(app),
        "papers.bib": views.bibtex.file(views.catalog).encode("utf-8"),
        SCHEMA_NAME: SCHEMA_PATH.read_bytes(),
    }
    for name, content in contents.items():
        write_if_changed(Path(app.outdir, name), content)
    # the file holds this build's papers.json text: what is made from it takes the data
    views.exports["written"] = True
    views.bibtex.kept.save(kept_path(app.env))


def kept_path(env: BuildEnvironment) -> Path:
    """Where :class:`KeptParts` are kept, beside the doctrees."""
    return Path(env.doctreedir, "papershelf-kept.pickle")


def papers_json_bytes(app: Sphinx) -> bytes:
    """papers.json for this build, in UTF-8, made once (the paper search
    index, written with the search page, reads it before the file is written).
    A paper's line is made again only when its entries or pages changed
    (see :class:`KeptParts`); lines are kept as UTF-8, which the next build
    loads and writes as they are."""
    views = app.env.domains["paper"].views()
    made = views.exports.get("papers.json")
    if made is None:
        base = (app.config.html_baseurl or "").rstrip("/")
        pages: dict[str, str] = {}

        def locate(docname: str, anchor: str) -> str:
            page = pages.get(docname)
            if page is None:
                page = pages[docname] = app.builder.get_target_uri(docname)
            return f"{base}/{page}#{anchor}" if base else f"{page}#{anchor}"

        kept = views.bibtex.kept
        papers, parts, lines = [], [], []
        for paper in sorted(views.catalog.papers, key=lambda p: p.key.casefold()):
            data = paper_json(paper, locate, views.title)
            mine = kept.parts(paper.memo)
            # the line shows the titles of the paper's pages, which other pages give
            titles = "\x1f".join(location["title"] for location in data["locations"])
            made = mine.get("json")
            if made is None or made[0] != titles:
                made = mine["json"] = (titles, paper_line(data).encode("utf-8"))
            line = made[1]
            papers.append(data)
            parts.append(mine)
            lines.append(line)
        views.exports["papers"], views.exports["parts"] = papers, parts
        made = views.exports["papers.json"] = json_bytes(lines, f"{base}/{SCHEMA_NAME}" if base else SCHEMA_NAME)
    return made


def papers_json_papers(app: Sphinx) -> list[dict]:
    """The papers of this build's papers.json, as data (not read back from text)."""
    papers_json_bytes(app)
    return app.env.domains["paper"].views().exports["papers"]


def papers_json_parts(app: Sphinx) -> list[dict]:
    """Beside :func:`papers_json_papers`, each paper's kept parts, which the
    paper search index keeps its rows in."""
    papers_json_bytes(app)
    return app.env.domains["paper"].views().exports["parts"]


def papers_json_digest(app: Sphinx) -> str:
    """The SHA-256 of this build's papers.json, made once (the paper search
    index and the feeds are stamped with it)."""
    exports = app.env.domains["paper"].views().exports
    digest = exports.get("digest")
    if digest is None:
        digest = exports["digest"] = hashlib.sha256(papers_json_bytes(app)).hexdigest()
    return digest


def written_papers_json(app: Sphinx, exception: Exception | None) -> Path | None:
    """papers.json of a finished HTML build, for what is made from it (feeds,
    the paper search), or ``None``."""
    if exception is not None or app.builder.format != "html":
        return None
    path = Path(app.outdir, "papers.json")
    return path if path.is_file() else None


def made_papers(app: Sphinx) -> tuple[list[dict], str] | None:
    """The papers of papers.json as data and the file's digest, when this
    build wrote the file (``None``: read the file)."""
    views = app.env.domains["paper"].made_views()
    if views is None or not views.exports.get("written"):
        return None
    return views.exports["papers"], papers_json_digest(app)


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` unless the file holds it already; whether it wrote."""
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True
