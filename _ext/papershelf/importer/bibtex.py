"""A ``.bib`` file (a Zotero, Google Scholar or DBLP export) read with
bibtexparser into the same :class:`ReadingList` as a Markdown list: one topic,
or one per first keyword or group."""

from __future__ import annotations

import logging
import re

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.model import DuplicateBlockKeyBlock, Entry as BibEntry, ParsingFailedBlock

from .. import model
from .links import repair_link
from .structure import Entry, Group, ReadingList, Section, SourceError, Topic
from .text import inert, plain, repair_mojibake

_NOTE_FIELDS = ("note", "annotation", "annote", "comment", "review")
_ADDED_FIELDS = ("dateadded", "date-added", "added-at", "timestamp", "creationdate")
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR_RE = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_KEYWORD_SEPARATORS_RE = re.compile(r"\s*[;,]\s*")
_ARXIV_ID_RE = re.compile(r"^(?:arxiv:)?\s*(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)$",
                          re.IGNORECASE)


#: fields that hold addresses and identifiers, not LaTeX text
_VERBATIM = frozenset({"url", "doi", "eprint", "archiveprefix", "file"})


def _name(parts: middlewares.NameParts | str) -> str:
    """``Smith, Jr., Ann`` -> ``Ann Smith, Jr.``: the name as it is read.
    Names are split before their LaTeX is decoded, so ``{Tom and Jerry}``
    stays one name; each part is decoded here (``M{\\"u}ller`` is Müller)."""
    if isinstance(parts, str):
        return " ".join(_decoded(parts).split())
    name = " ".join(_decoded(part) for part in [*parts.first, *parts.von, *parts.last])
    if parts.jr:
        name += ", " + " ".join(_decoded(part) for part in parts.jr)
    return " ".join(name.replace("{", "").replace("}", "").split())


def _decoded(latex: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return LatexNodes2Text(math_mode="verbatim").latex_to_text(latex)
    except Exception:   # LaTeX the decoder cannot read: the text as written
        return latex


def _text(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    # braces that protect capitals ({BERT}) are not part of the text
    text = re.sub(r"(?<!\\)[{}]", "", text)
    return " ".join(text.split())


class BibtexReader:
    def __init__(self, text: str, title: str, split_by: str | None = None) -> None:
        self.text = text
        self.split_by = split_by
        self.result = ReadingList(title=title)

    def read(self) -> ReadingList:
        # the parser logs each failed block; the report says it, with its line
        log = logging.getLogger("bibtexparser")
        level, log.level = log.level, logging.CRITICAL + 1
        try:
            library = bibtexparser.parse_string(
                self.text,
                append_middleware=[middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
        except Exception as error:   # the parser's own failure, not the file's: say so, write nothing
            raise SourceError(f"the BibTeX parser failed on this file ({type(error).__name__}: {error})") \
                from error
        finally:
            log.level = level
        topics: dict[str, Topic] = {}
        group = Group("", 0)
        self.result.groups.append(group)
        blocks = sorted(library.blocks, key=lambda block: block.start_line or 0)
        for block in blocks:
            line = (block.start_line or 0) + 1
            if isinstance(block, ParsingFailedBlock):
                raw = (block.raw or "").lstrip()
                if not raw.startswith("@") or re.match(r"@\s*(comment|string|preamble)\b", raw, re.IGNORECASE):
                    continue
                self.result.seen.append(line)
                if isinstance(block, DuplicateBlockKeyBlock):
                    reason = f"entry {block.key!r} has the key of an earlier entry: left out"
                else:
                    error = getattr(block.error, "abort_reason", "") or str(block.error or "") or "malformed entry"
                    reason = f"malformed entry {raw.split(',', 1)[0][:40]!r} left out: {error}"
                self.result.problem(line, "skipped", reason)
                continue
            if not isinstance(block, BibEntry):
                continue
            self.result.seen.append(line)
            entry = self.entry(block, line)
            if entry is None:
                continue
            name = self.page_of(block)
            topic = topics.get(name.casefold())
            if topic is None:
                topic = topics[name.casefold()] = Topic(name, line, sections=[Section(1, "")])
                group.topics.append(topic)
            topic.sections[0].items.append(entry)
        if not group.topics:
            group.topics.append(Topic(self.result.title, 1, sections=[Section(1, "")]))
        return self.result

    def field(self, block: BibEntry, *names: str) -> str:
        fields = {key.casefold(): value for key, value in block.fields_dict.items()}
        for name in names:
            if name in fields:
                value = fields[name].value
                if isinstance(value, list):
                    continue
                # LaTeX decoded field by field (a field the decoder cannot
                # read stays as written); addresses are not LaTeX
                text = _text(value if name in _VERBATIM else _decoded(value))
                fixed = repair_mojibake(text)
                if fixed != text:
                    self.result.problem((block.start_line or 0) + 1, "text-repaired",
                                        f"{block.key}: {name}: mis-decoded text repaired: {text[:60]!r} "
                                        f"now reads {fixed[:60]!r}")
                if fixed:
                    return fixed
        return ""

    def page_of(self, block: BibEntry) -> str:
        if self.split_by == "keywords":
            keywords = self.keywords(block)
            return keywords[0] if keywords else "Other"
        if self.split_by == "groups":
            groups = [part for part in _KEYWORD_SEPARATORS_RE.split(self.field(block, "groups")) if part]
            return groups[0] if groups else "Other"
        return self.result.title

    def keywords(self, block: BibEntry) -> list[str]:
        return list(dict.fromkeys(part for part in _KEYWORD_SEPARATORS_RE.split(self.field(block, "keywords"))
                                  if part))

    def entry(self, block: BibEntry, line: int) -> Entry | None:
        title = plain(self.field(block, "title"))
        if not title:
            self.result.problem(line, "skipped", f"entry {block.key!r} has no title: left out")
            return None
        entry = Entry(line=line, title=title)
        authors = block.fields_dict.get("author") or block.fields_dict.get("editor")
        if authors is not None and isinstance(authors.value, list):
            # "and others" is BibTeX's "et al.", not an author
            entry.authors = [name for name in (_name(parts) for parts in authors.value)
                             if name and name.casefold() != "others"]
        entry.venue = self.field(block, "booktitle", "journal", "journaltitle", "eventtitle", "school",
                                 "institution", "publisher")
        year = _YEAR_RE.search(self.field(block, "year", "date"))
        entry.year = year.group(1) if year else ""
        self.links(block, entry, line)
        entry.tags = self.keywords(block)
        # an option value is shown as plain text by the directive
        entry.abstract = self.field(block, "abstract")
        added = _ISO_DATE_RE.search(self.field(block, *_ADDED_FIELDS))
        entry.added = added.group(0) if added else ""
        notes = []
        found: set[str] = set()
        for name in _NOTE_FIELDS:
            text = self.field(block, name)
            if text:
                note, kinds = inert(text)
                found.update(kinds)
                notes.append(note)
        if notes:
            entry.summary, entry.notes = notes[0], notes[1:]
        if found:
            self.result.problem(line, "made-inert", f"{block.key}: kept as text: {', '.join(sorted(found))}")
        return entry

    def links(self, block: BibEntry, entry: Entry, line: int) -> None:
        wanted: list[tuple[str, str, str]] = []      # (label, target, field)
        prefix = self.field(block, "archiveprefix", "eprinttype").casefold()
        eprint = self.field(block, "eprint")
        if eprint and (prefix == "arxiv" or _ARXIV_ID_RE.match(eprint)):
            match = _ARXIV_ID_RE.match(eprint)
            wanted.append(("paper", f"https://arxiv.org/abs/{match.group(1)}" if match else eprint, "eprint"))
        doi = self.field(block, "doi")
        if doi:
            wanted.append(("paper", doi if doi.lower().startswith("http") else f"https://doi.org/{doi}", "doi"))
        for name in ("url", "pdf", "code", "github"):
            target = self.field(block, name)
            if target:
                label = "code" if "github.com" in target.lower() or name in ("code", "github") else \
                    "pdf" if name == "pdf" or target.lower().endswith(".pdf") else "paper"
                wanted.append((label, target, name))
        seen: set[str] = set()
        for label, target, name in wanted:
            url, note = repair_link(target, entry.title, label)
            if url is None:
                self.result.problem(line, "link-dropped", f"{block.key}: {name} left out: {note} ({target[:60]!r})")
                continue
            if note:
                self.result.problem(line, "repaired", f"{block.key}: {note}")
            # the same paper twice (an eprint and a url to its arXiv page) is one link
            same = model.arxiv_id_of(url) or url
            if same in seen:
                continue
            seen.add(same)
            used = {kind for kind, _ in entry.links}
            if label == "paper" and "paper" in used:
                label = "doi" if name == "doi" else "link" if model.doi_of(url) is None else "doi"
            entry.links.append((label, url))
