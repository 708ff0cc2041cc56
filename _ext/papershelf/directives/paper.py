"""The ``paper`` directive.

Read phase only: it checks what the entry says, records the paper for this
document in the domain and returns builder-neutral nodes.  It never looks at
other documents' papers.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.parsing import nested_parse_to_nodes

from .. import model, plaintext
from ..config import settings
from ..diagnostics import warn
from ..model import LINK_LABELS, Entry, Link
from ..options import read_options
from ..inert import make_inert, make_math_inert
from ..nodes import badges_node, paper_abstract, paper_badges, paper_entry, paper_notes, paper_title
from ..venues import Venue, get_parser
from ..views import entry_badges, entry_data

if TYPE_CHECKING:
    from ..domain import PaperDomain

_FOUR_DIGITS_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")

#: Every option of the directive, in the order the README documents them.
OPTION_NAMES = ("key", "authors", "venue", "year", *LINK_LABELS, "links", "tags",
                "status", "rating", "abstract", "added")


class PaperDirective(SphinxDirective):
    """A paper: title as argument, options, a summary paragraph and notes."""

    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True
    has_content = True
    # No options for MyST to read: one line it cannot read would cost the entry
    # every option.  The directive reads its option block itself (options.py),
    # line by line, and says what it did with every line not read as written.
    option_spec: ClassVar[dict] = {}

    def run(self) -> list[nodes.Node]:
        domain: PaperDomain = self.env.domains["paper"]
        docname = self.env.docname
        self._read_option_block()

        title = " ".join(self.arguments[0].split()) if self.arguments else ""
        if not title:
            self._warn("paper has no title: write it after the directive name, "
                       "as in ```{paper} Attention Is All You Need", "title")
            title = "Untitled paper"

        body = self._parse_body(docname)
        summary: nodes.paragraph | None = None
        if body and isinstance(body[0], nodes.paragraph):
            summary = body.pop(0)

        links = self._links()
        kept_links = tuple(Link(label, url) for label, _, url in links if url)
        venue = self._venue()
        key = self._key(title, kept_links)
        entry = Entry(
            key=key,
            title=title,
            docname=docname,
            lineno=self.lineno,
            venue=venue,
            year=self._year(venue) or model.arxiv_year(kept_links),
            authors=model.split_list(self.options.get("authors", "")),
            links=kept_links,
            tags=model.split_list(self.options.get("tags", "")),
            status=self._checked(model.check_status(self.options.get("status"),
                                                    bool(summary or body)), "status", "status"),
            rating=self._rating(venue),
            summary=" ".join(summary.astext().split()) if summary is not None else "",
            notes=" ".join(" ".join(node.astext().split()) for node in body),
            abstract=" ".join(self.options.get("abstract", "").split()),
            added=self._checked(model.check_date(self.options["added"]), "option", "added")
            if "added" in self.options else "",
            explicit_key="key" in self.options,
        )
        document = self.state.document
        registered = domain.note_entry(entry, key, reserved_ids=document.ids)
        if registered.key != key:
            first = next((other for other in domain.entries[docname].values()
                          if other.key.casefold() == key.casefold()), None)
            if first is not None and model.normal_title(first.title) == model.normal_title(title):
                # the same paper listed twice on a page (under two years, say):
                # one paper, two places
                return [self._render(registered, links, summary, body)]
            where = (f"already used on line {first.lineno} of this page" if first else
                     f"the anchor {model.anchor_for(key)!r} is already taken on this page")
            self._warn(f"duplicate paper key {key!r}: {where}; this entry is kept as "
                       f"{registered.key!r}", "duplicate", "key")
        return [self._render(registered, links, summary, body)]

    # -- the body -----------------------------------------------------------------

    def _parse_body(self, docname: str) -> list[nodes.Node]:
        """The summary and notes as nodes, made inert.  Plain paragraphs and
        lists at the top are made directly (:mod:`..plaintext`); MyST parses
        the rest."""
        if not self.content:
            return []
        plain: list[nodes.Element] = []
        start = 0
        trusted = settings(self.config).trust_html
        lines = range(self.lineno, self.lineno + self.block_text.count("\n") + 1)
        myst_config = plaintext.myst_config(self.env) if self._myst else None
        if myst_config is not None and plaintext.allowed(myst_config):
            math = plaintext.math_allowed(myst_config)
            blocks, start = plaintext.leading_blocks(self.content, math)
            first_line = self.lineno + self.content_offset + 1
            plain = [plaintext.block_node(block, first_line + block[0], self.state.document, math)
                     for block in blocks]
            if math and not trusted:
                # plain text holds nothing else that could run: its math is checked as MyST's is
                make_math_inert(plain, docname, lines)
        if start == len(self.content):
            return plain
        reads_before = None if trusted else self._files_read()
        rest, offset = self.content[start:] if start else self.content, self.content_offset + start
        if self._myst and rest[0].strip():
            # a blank line first: markdown-it takes a "---" on the first
            # line it parses for front matter, even inside a list item
            # ("- ---"), and MyST drops front matter
            rest = StringList([""], items=[rest.info(0)]) + rest
            offset -= 1
        parsed = nested_parse_to_nodes(self.state, rest, offset=offset, allow_section_headings=False)
        if trusted:
            return plain + parsed
        read = sorted(self._files_read() - reads_before)
        if read:
            # a directive of the notes read a file (csv-table :file:,
            # literalinclude :diff:, ...): the notes are shown as written
            warn(f"the notes read {', '.join(map(repr, read))}, another file of this machine: they are "
                 "shown as written, not run", "html", (docname, lines.start))
            text = "\n".join(self.content)
            return [nodes.literal_block(text, text)]
        return plain + make_inert(parsed, self.state.document, docname, lines, self._inside_site)

    # -- what the notes may read ------------------------------------------------

    def _files_read(self) -> set[str]:
        """The files this page's parse has read so far, as Sphinx and docutils
        record them for rebuilds."""
        record = getattr(self.state.document.settings, "record_dependencies", None)
        recorded = set(getattr(record, "list", ()) or ())
        return recorded | {str(path) for path in self.env.dependencies.get(self.env.docname, ())}

    def _inside_site(self, uri: str) -> bool:
        """Whether a relative image or download address stays inside the site's
        source folder (an owner's figure) rather than pointing elsewhere."""
        try:
            _, path = self.env.relfn2path(uri, self.env.docname)
            Path(path).resolve().relative_to(Path(self.env.srcdir).resolve())
        except (ValueError, OSError):
            return False
        return True

    # -- reading options ----------------------------------------------------

    def _read_option_block(self) -> None:
        """Options and body from the directive's own source lines."""
        self._myst = myst = type(self.state).__module__.startswith("myst_parser")
        lines, first_lineno = self._source_lines() if myst else self._rst_source_lines()
        block = read_options(lines, first_lineno, OPTION_NAMES)
        for problem in block.problems:
            warn(problem.message, "option", (self.env.docname, problem.lineno))
        self.options = dict(block.options)
        self._option_lines = block.option_lines
        source = self.content.source(0) if self.content else self.get_source_info()[0]
        self.content = StringList(block.body, items=[(source, block.body_lineno - 1 + offset)
                                                     for offset in range(len(block.body))])
        # MyST counts a directive's content lines from the directive's own
        # line; docutils from the top of the file
        self.content_offset = block.body_lineno - (self.lineno + 1 if myst else 1)

    def _source_lines(self) -> tuple[list[str], int]:
        """The lines between the opening and the closing fence, exactly as
        written (MyST's own split breaks lines at form feeds and the like),
        and the line number of the first."""
        lines = self.block_text.split("\n")[1:]
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and re.fullmatch(r"\s*(`{3,}|~{3,}|:{3,})\s*", lines[-1]):
            lines.pop()
        return lines, self.lineno + 1

    def _rst_source_lines(self) -> tuple[list[str], int]:
        """The same for ``.. paper::`` in reStructuredText: docutils reads
        every line up to the first blank one as the title when a directive
        takes no options, so the title is taken back to where the option
        lines start, and the indented block is dedented."""
        first, *rest = self.block_text.split("\n")
        rest = textwrap.dedent("\n".join(rest)).split("\n")
        title = [first.partition("::")[2].strip()]
        while rest and rest[0].strip() and not rest[0].lstrip().startswith(":"):
            title.append(rest.pop(0).strip())
        self.arguments = [" ".join(" ".join(title).split())] if any(title) else []
        while rest and not rest[-1].strip():
            rest.pop()
        return rest, self.lineno + len(title)

    def _links(self) -> list[tuple[str, str, str | None]]:
        """Every link option in display order, as ``(label, written, url)``;
        ``url`` is ``None`` where the written target was refused."""
        links = []
        for label in LINK_LABELS:
            if label in self.options:
                written = self.options[label]
                links.append((label, written, self._checked(model.check_url(written), "link", label)))
        if "links" in self.options:
            links.extend(self._checked(model.parse_extra_links(self.options["links"]), "link", "links"))
        # paper hosts' links in their canonical form, checked without the network
        return [(label, written, url and self._checked(
                    model.normalise_url(url, label), "link", label if label in LINK_LABELS else "links"))
                for label, written, url in links]

    def _venue(self) -> Venue:
        raw = self.options.get("venue", "")
        venue = get_parser(settings(self.config).alias_table).parse(raw)
        impossible = None
        if venue.year is not None and model.check_venue_year(venue).problems:
            impossible = str(venue.year)
            venue = dataclasses.replace(venue, year=None, month=None)
        elif venue.year is None and not venue.ratings:
            # a four-digit number that is neither a year nor reviewer scores
            number = _FOUR_DIGITS_RE.search(raw)
            impossible = number.group(0) if number else None
        if impossible:
            self._warn(f"impossible year {impossible} in venue {raw.strip()!r}", "year", "venue")
        if venue.name and venue.kind == "unknown":
            self._warn(f"unknown venue {venue.name!r} in {raw.strip()!r}: it is shown as written; "
                       "add it to papershelf_venue_aliases in conf.py to give it a kind",
                       "venue", "venue")
        return venue

    def _year(self, venue: Venue) -> int | None:
        if "year" not in self.options:
            return venue.year
        year = self._checked(model.check_year(self.options["year"]), "year", "year")
        if year is None:
            return venue.year
        if venue.year and venue.year != year:
            self._warn(f"year {year} differs from the venue's year {venue.year} "
                       f"({venue.raw.strip()!r}); using {year}", "year", "year")
        return year

    def _rating(self, venue: Venue) -> tuple[int, ...]:
        if "rating" not in self.options:
            return venue.ratings
        return self._checked(model.check_rating(self.options["rating"]), "rating", "rating") \
            or venue.ratings

    def _key(self, title: str, links: tuple[Link, ...]) -> str:
        if "key" in self.options:
            key = self._checked(model.check_key(self.options["key"]), "key", "key")
            if key:
                return key
        return model.derive_key(title, links)

    # -- output ---------------------------------------------------------------

    def _render(self, paper: Entry, links: list[tuple[str, str, str | None]], summary: nodes.paragraph | None,
                notes: list[nodes.Node]) -> paper_entry:
        entry = paper_entry()
        entry["ids"].append(paper.anchor)
        entry["data"] = dict(entry_data(paper))
        entry["docname"] = paper.docname
        self.set_source_info(entry)
        self.state.document.ids[paper.anchor] = entry

        title = paper_title("", paper.title)
        title["refid"] = paper.anchor
        entry += title
        if paper.authors:
            authors = nodes.paragraph(classes=["ps-authors"])
            entry += _spaced(authors, [nodes.inline(name, name, classes=["ps-author"]) for name in paper.authors],
                             ", ")
        badges = nodes.paragraph(classes=["ps-badges"])
        badges += badges_node(entry_badges(paper))
        entry += badges

        buttons = [self._link_node(*link) for link in links]
        if buttons:
            entry += _spaced(nodes.paragraph(classes=["ps-links"]), buttons)
        if summary is not None:
            summary["classes"].append("ps-summary")
            entry += summary
        if paper.abstract:
            abstract = paper_abstract()
            abstract += nodes.paragraph(paper.abstract, paper.abstract)
            entry += abstract
        if notes:
            details = paper_notes()
            details.extend(notes)
            entry += details
        return entry

    def _link_node(self, label: str, written: str, url: str | None) -> nodes.Node:
        line = self._option_line(label if label in LINK_LABELS else "links")
        if not url:
            # a refused link shows what was written, never as a link
            refused = nodes.inline("", "", classes=["ps-link", "ps-link-refused"])
            refused += nodes.Text(f"{label}: ")
            refused += nodes.inline(written, written.strip(), classes=["ps-refused-target"])
            return refused
        reference = nodes.reference("", label, refuri=url, internal=False,
                                    classes=["ps-link", _link_class(label)])
        reference.source, _ = self.get_source_info()
        reference.line = line
        return reference

    # -- warnings -------------------------------------------------------------

    def _checked(self, checked: model.Checked, subtype: str, option: str | None = None):
        for problem in checked.problems:
            self._warn(problem, subtype, option)
        return checked.value

    def _warn(self, message: str, subtype: str, option: str | None = None) -> None:
        warn(message, subtype, (self.env.docname, self._option_line(option)))

    def _option_line(self, option: str | None) -> int:
        """The source line of ``:option:``."""
        return self._option_lines.get(option, self.lineno) if option else self.lineno


@functools.lru_cache(maxsize=256)
def _link_class(label: str) -> str:
    return f"ps-link-{model.slugify(label)}"


def _spaced(parent: nodes.Element, children: list[nodes.Node], separator: str = " ") -> nodes.Element:
    """Children separated by spaces, so text builders do not run them together."""
    for index, child in enumerate(children):
        if index:
            parent += nodes.Text(separator)
        parent += child
    return parent


class YearSections(SphinxTransform):
    """Entries under a year heading (``## 2024``): the year badge, which the
    heading already says, is left out, and an entry whose year is another one
    gets a ``papershelf.year`` warning.  A transform, once the page's sections
    exist, so that it reads the same in MyST and reStructuredText."""

    default_priority = 880

    def apply(self, **kwargs) -> None:
        if "paper" not in self.env.domains or not self.env.domains["paper"].entries.get(self.env.docname):
            return
        for entry in self.document.findall(paper_entry):
            year = entry.get("data", {}).get("year")
            heading = _year_heading(entry)
            if heading is None or not year:
                continue
            if int(year) != heading:
                warn(f"the paper's year is {year} but it is under the heading {heading}: move it, "
                     "or correct its :year: or :venue:", "year", entry)
                continue
            for badges in entry.findall(paper_badges):
                badges["badges"] = [badge for badge in badges["badges"] if "ps-year" not in badge[1].split()]
                text = " ".join(badge[0] for badge in badges["badges"])
                badges.clear()
                badges += nodes.Text(text)


def _year_heading(node: nodes.Node) -> int | None:
    """The year of the section ``node`` is in, when its title is a year."""
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    if node is None or not node.children or not isinstance(node[0], nodes.title):
        return None
    title = node[0].astext().strip()
    return int(title) if re.fullmatch(r"(19|20)\d\d", title) else None
