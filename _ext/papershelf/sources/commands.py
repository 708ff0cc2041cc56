"""``python -m papershelf add`` and ``python -m papershelf refresh``.

Exit codes: 0 done; 1 a paper refused (already on the site) or unknown to
its source; 2 bad arguments; 3 a source could not be reached (nothing is
changed then).
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..model import STATUSES, doi_of, normal_title, split_list
from ..pagetext import (EntryText, append_entry, find_duplicate, find_entries, read_page, section_end,
                        set_options, site_entries, site_pages, write_page)
from . import Record, enabled_sources, label
from . import arxiv as arxiv_api
from . import crossref as crossref_api
from . import dblp as dblp_api
from . import openreview as openreview_api
from . import s2 as s2_api
from .cache import Cache
from .ids import PaperId, is_arxiv_doi, openreview_id_of, parse_id
from .lookup import (OPTION_ORDER, Sources, entry_options, join_authors, parse_venue,
                     render_entry, site_root, venue_verdict)

UNREACHABLE = 3


def shown(path: Path) -> Path:
    """A path as the user best reads it: relative to the current folder when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def where(entry: EntryText) -> str:
    return f"{shown(entry.path)}:{entry.line}"


def _fail(command: str, message: str, code: int) -> int:
    print(f"papershelf {command}: {message}", file=sys.stderr)
    return code


def _report_down(command: str, sources: Sources) -> int:
    for message in sources.down_messages():
        print(f"papershelf {command}: {message}", file=sys.stderr)
    print(f"papershelf {command}: nothing was changed", file=sys.stderr)
    return UNREACHABLE


def _sources(command: str, mailto: str) -> Sources | str:
    try:
        names = enabled_sources()
    except ValueError as error:
        return str(error)
    return Sources(Cache(), mailto=mailto, names=names)


# -- add -----------------------------------------------------------------------

_SOURCE_OF_KIND = {"arxiv": "arxiv", "doi": "crossref", "openreview": "openreview"}


def add(args: argparse.Namespace) -> int:
    ids: list[PaperId] = []
    for text in args.ids:
        paper_id = parse_id(text)
        if paper_id is None:
            return _fail("add", f"cannot read {text!r} as an arXiv id, a DOI or an OpenReview link", 2)
        ids.append(paper_id)
    page: Path = args.to
    if not page.is_file():
        return _fail("add", f"{page}: no such page (create it and add it to a toctree first)", 2)
    status = (args.status or "unread").strip().lower()
    if status not in STATUSES:
        return _fail("add", f"--status takes one of {', '.join(STATUSES)}, not {args.status!r}", 2)
    tags = ", ".join(dict.fromkeys(tag for value in args.tags or [] for tag in split_list(value)))
    try:
        text = read_page(page)
        if args.section:
            section_end(text, args.section)
    except (OSError, UnicodeDecodeError) as error:
        return _fail("add", f"{page}: cannot read: {error}", 2)
    except LookupError as error:
        return _fail("add", f"{page}: {error}", 2)

    site = args.site or site_root(page)
    pages = site_pages(site)
    if page.resolve() not in {path.resolve() for path in pages}:
        pages.append(page)
    entries, problems = site_entries(pages)
    for problem in problems:
        print(f"papershelf add: {problem}", file=sys.stderr)

    refused = []
    for paper_id in ids:
        found = find_duplicate(entries, "", arxiv=paper_id.value if paper_id.kind == "arxiv" else "",
                               doi=paper_id.value if paper_id.kind == "doi" else "")
        if found is None and paper_id.kind == "openreview":
            found = next(((entry, f"OpenReview {paper_id.value}") for entry in entries
                          if any(openreview_id_of(url) == paper_id.value for url in entry.urls())), None)
        if found:
            refused.append(f"{where(found[0])}: already there: {found[0].title} ({found[1]})")
    if refused:
        print("\n".join(refused))
        print(f"papershelf add: nothing added; {page} is unchanged", file=sys.stderr)
        return 1

    sources = _sources("add", crossref_api.find_mailto(args.mailto, site))
    if isinstance(sources, str):
        return _fail("add", sources, 2)
    for paper_id in ids:
        needed = _SOURCE_OF_KIND[paper_id.kind]
        if needed not in sources.names:
            return _fail("add", f"PAPERSHELF_SOURCES leaves out {needed}, which {paper_id} needs", 2)
    try:
        records = _fetch_for_add(sources, ids)
    except BaseException:
        sources.close()
        raise
    if sources.down:
        sources.close()
        return _report_down("add", sources)

    missing = [f"{label(_SOURCE_OF_KIND[paper_id.kind])} has no paper {paper_id.value}"
               for paper_id, record in zip(ids, records) if record is None]
    if missing:
        sources.close()
        for message in missing:
            print(f"papershelf add: {message}", file=sys.stderr)
        print(f"papershelf add: nothing added; {page} is unchanged", file=sys.stderr)
        return 1

    taken_keys = {entry.options.get("key", "") for entry in entries} - {""}
    today = datetime.date.today()
    drafts = [(record, entry_options(record, taken_keys, tags=tags, status=status, today=today))
              for record in records if record is not None]
    try:
        _complete_preprints(sources, page, drafts)
    finally:
        sources.close()
    if sources.down:
        return _report_down("add", sources)

    new_entries: list[tuple[Record, str]] = []
    added_here: list[EntryText] = []
    for record, options in drafts:
        doi = next((doi_of(url) for _, value in options for url in re.findall(r"https://doi\.org/\S+?(?=>|$)", value)
                    if doi_of(url)), "") or ""
        found = find_duplicate(entries + added_here, record.title, arxiv=record.arxiv,
                               doi="" if not doi or is_arxiv_doi(doi) else doi)
        if found:
            place = "this command" if found[0] in added_here else where(found[0])
            refused.append(f"{place}: already there: {found[0].title} ({found[1]})")
            continue
        new_entries.append((record, render_entry(record.title, options)))
        added_here.append(find_entries(new_entries[-1][1], Path("(new)"))[0])
    if refused:
        print("\n".join(refused))
        print(f"papershelf add: nothing added; {page} is unchanged", file=sys.stderr)
        return 1

    for _, entry in new_entries:
        text = append_entry(text, entry, args.section)
    try:
        write_page(page, text)
    except OSError as error:
        return _fail("add", f"{page}: cannot write: {error}", 1)
    lines = {entry.title: entry.line for entry in find_entries(text, page)}
    for record, _ in new_entries:
        print(f"{shown(page)}:{lines.get(' '.join(record.title.split()), '?')}: added {record.title} "
              f"(from {label(record.source)})")
    return 0


def _set_option(options: list[tuple[str, str]], name: str, value: str) -> None:
    """Set an option of a new entry, in its place in :data:`OPTION_ORDER`."""
    for position, (other, _) in enumerate(options):
        if other == name:
            options[position] = (name, value)
            return
    rank = OPTION_ORDER.index(name)
    position = next((position for position, (other, _) in enumerate(options)
                     if other in OPTION_ORDER and OPTION_ORDER.index(other) > rank), len(options))
    options.insert(position, (name, value))


def _complete_preprints(sources: Sources, page: Path,
                        drafts: list[tuple[Record, list[tuple[str, str]]]]) -> None:
    """Ask where new arXiv papers were published, as ``refresh`` would, and
    write the venue, its year and a DOI into their options when the sources agree."""
    findings = []
    for record, options in drafts:
        if record.source != "arxiv":
            continue
        entry = EntryText(path=page, line=0, title=record.title, options=dict(options))
        doi = "" if not record.doi or is_arxiv_doi(record.doi) else record.doi
        findings.append((Finding(entry, arxiv=record.arxiv, doi=doi), options))
    if not findings:
        return
    answers = _fetch_for_refresh(sources, [finding for finding, _ in findings])
    if sources.down:
        return
    for finding, options in findings:
        _decide(finding, answers.get(id(finding), []))
        for message in finding.disagreements:
            print(f"papershelf add: {finding.entry.title}: {message}; the venue stays "
                  f"{dict(options).get('venue', 'empty')!r}", file=sys.stderr)
        for change in finding.changes:
            if change.option in ("venue", "year", "links"):
                _set_option(options, change.option, change.new)


def _fetch_for_add(sources: Sources, ids: list[PaperId]) -> list[Record | None]:
    arxiv_ids = [paper_id.value for paper_id in ids if paper_id.kind == "arxiv"]
    arxiv = sources.ask("arxiv", arxiv_api.fetch, arxiv_ids) if arxiv_ids else {}
    records: list[Record | None] = []
    for paper_id in ids:
        if paper_id.kind == "arxiv":
            records.append((arxiv or {}).get(paper_id.value))
        elif paper_id.kind == "doi":
            records.append(sources.ask("crossref", crossref_api.work, paper_id.value, sources.mailto))
        else:
            records.append(sources.ask("openreview", openreview_api.fetch, paper_id.value))
    return records


# -- refresh -------------------------------------------------------------------

@dataclass
class Change:
    option: str
    old: str
    new: str
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"option": self.option, "old": self.old, "new": self.new,
                "sources": [label(source) for source in self.sources]}


@dataclass
class Finding:
    entry: EntryText
    arxiv: str = ""
    doi: str = ""
    changes: list[Change] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"file": str(shown(self.entry.path)), "line": self.entry.line, "title": self.entry.title,
                "key": self.entry.options.get("key", ""), "arxiv": self.arxiv or None,
                "doi": self.doi or None, "changes": [change.as_dict() for change in self.changes],
                "disagreements": self.disagreements, "notes": self.notes}


def _needs_venue(entry: EntryText) -> bool:
    venue = entry.options.get("venue", "").strip()
    if not venue:
        return True
    parsed = parse_venue(venue)
    return parsed.kind == "preprint" or (parsed.kind == "unknown" and not parsed.name)


def _first(records: list[Record], attribute: str) -> tuple[object, str] | None:
    for record in records:
        value = getattr(record, attribute)
        if value:
            return value, record.source
    return None


def refresh(args: argparse.Namespace) -> int:
    from ..importer.files import report_problem

    problem = report_problem(args.report) if args.report else None
    if problem:
        return _fail("refresh", problem, 2)
    site = Path(".")
    if not args.pages and not (site / "papers").is_dir():
        return _fail("refresh", "no papers/ folder here: run it in the site's folder, or name the pages", 2)
    pages: list[Path] = []
    for path in args.pages or [site]:
        if path.is_dir():
            pages.extend(site_pages(path))
        elif path.is_file():
            pages.append(path)
        else:
            return _fail("refresh", f"{path}: no such page or folder", 2)
    entries, problems = site_entries(dict.fromkeys(pages))
    for problem in problems:
        print(f"papershelf refresh: {problem}", file=sys.stderr)

    findings = []
    for entry in entries:
        arxiv = sorted(entry.arxiv_ids)[0] if entry.arxiv_ids else ""
        dois = sorted(doi for doi in entry.dois if not is_arxiv_doi(doi))
        if arxiv or dois:
            findings.append(Finding(entry, arxiv=arxiv, doi=dois[0] if dois else ""))

    sources = _sources("refresh", crossref_api.find_mailto(args.mailto, site))
    if isinstance(sources, str):
        return _fail("refresh", sources, 2)
    try:
        answers = _fetch_for_refresh(sources, findings)
    finally:
        sources.close()
    if not sources.down:
        for finding in findings:
            _decide(finding, answers.get(id(finding), []))

    changed = [finding for finding in findings if finding.changes]
    written = False
    if args.write and not sources.down:
        try:
            _write(changed)
        except (OSError, UnicodeDecodeError, KeyError) as error:
            # KeyError: an entry is no longer where it was (the page changed meanwhile)
            return _fail("refresh", f"cannot write: {error}", 1)
        written = bool(changed)
    if args.report:
        data = {"version": 1, "written": written, "checked": len(findings),
                "unreachable": sources.down_messages(), "requests": sources.requests(),
                "papers": [finding.as_dict() for finding in findings
                           if finding.changes or finding.disagreements or finding.notes]}
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if sources.down:
        return _report_down("refresh", sources)
    _print_findings(findings, args.write)
    return 0


def _fetch_for_refresh(sources: Sources, findings: list[Finding]) -> dict[int, list[Record]]:
    """Each finding's records, asking each source only what it can answer."""
    answers: dict[int, list[Record]] = {id(finding): [] for finding in findings}
    arxiv = sources.ask("arxiv", arxiv_api.fetch, [f.arxiv for f in findings if f.arxiv]) or {}
    s2_ids = {id(f): f"ARXIV:{f.arxiv}" if f.arxiv else f"DOI:{f.doi}" for f in findings}
    s2 = sources.ask("s2", s2_api.fetch, list(s2_ids.values())) or {}
    for finding in findings:
        records = answers[id(finding)]
        for record in (arxiv.get(finding.arxiv), s2.get(s2_ids[id(finding)])):
            if record:
                records.append(record)
        wants_venue = _needs_venue(finding.entry)
        dois = [finding.doi] if finding.doi else []
        dois += [record.doi for record in records if record.doi and not is_arxiv_doi(record.doi)]
        if dois and (wants_venue or "authors" not in finding.entry.options):
            record = sources.ask("crossref", crossref_api.work, dois[0], sources.mailto)
            if record:
                records.append(record)
        if wants_venue:
            title = next((record.title for record in records if record.source == "arxiv"),
                         finding.entry.title)
            dblp = sources.ask("dblp", dblp_api.search, title) or []
            records.extend(dblp)
            # the entry's OpenReview forum, else the one DBLP links to
            links = finding.entry.urls() + [url for record in dblp for url in record.extra.get("ee", "").split()]
            note = next(filter(None, map(openreview_id_of, links)), None)
            if note:
                record = sources.ask("openreview", openreview_api.fetch, note)
                if record:
                    records.append(record)
    return answers


def _decide(finding: Finding, records: list[Record]) -> None:
    entry = finding.entry
    options = entry.options
    if not records:
        finding.notes.append("no source knows this paper")
        return
    changes: list[Change] = []
    # the sources' own titles, to catch a link to the wrong paper
    strangers = {label(record.source) for record in records
                 if record.source in ("arxiv", "s2", "crossref") and record.title
                 and normal_title(record.title) != normal_title(entry.title)}
    if strangers:
        finding.notes.append(f"the title differs at {', '.join(sorted(strangers))}")

    venue_year = None
    if _needs_venue(entry):
        verdict = venue_verdict(records)
        if verdict.disagreement:
            finding.disagreements.append(verdict.disagreement)
        elif verdict.venue and verdict.venue != options.get("venue", ""):
            changes.append(Change("venue", options.get("venue", ""), verdict.venue, verdict.sources))
            venue_year = verdict.year

    authors = _first(records, "authors") if not options.get("authors") else None
    if authors:
        changes.append(Change("authors", "", join_authors(authors[0]), (authors[1],)))
    abstract = _first(records, "abstract") if not options.get("abstract") else None
    if abstract:
        changes.append(Change("abstract", "", str(abstract[0]), (abstract[1],)))

    year = options.get("year", "").strip()
    if venue_year and year and year != str(venue_year):
        # the new venue's year wins over one the old venue implied
        changes.append(Change("year", year, str(venue_year), changes[0].sources))
    elif not year and not venue_year and not parse_venue(options.get("venue", "")).year:
        found = _first(records, "year")
        if found:
            changes.append(Change("year", "", str(found[0]), (found[1],)))

    if not finding.doi:
        dois: dict[str, list[str]] = {}
        for record in records:
            if record.doi and not is_arxiv_doi(record.doi):
                dois.setdefault(record.doi.lower(), []).append(record.source)
        if len(dois) > 1:
            said = "; ".join(f"{', '.join(map(label, found))}: {doi}" for doi, found in dois.items())
            finding.disagreements.append(f"sources disagree on the DOI ({said})")
        elif dois:
            (doi, found), = dois.items()
            doi = next(record.doi for record in records if record.doi.lower() == doi)
            old = options.get("links", "")
            new = f"{old}, DOI <https://doi.org/{doi}>" if old.strip() else f"DOI <https://doi.org/{doi}>"
            changes.append(Change("links", old, new, tuple(dict.fromkeys(found))))
    if finding.disagreements:
        return  # where the sources disagree, nothing of the paper changes
    finding.changes = changes


def _write(findings: list[Finding]) -> None:
    by_page: dict[Path, list[Finding]] = {}
    for finding in findings:
        by_page.setdefault(finding.entry.path, []).append(finding)
    for path, page_findings in by_page.items():
        text = read_page(path)
        # from the bottom up, so that the lines of the entries above stay where they are
        current = {entry.line: entry for entry in find_entries(text, path)}
        for finding in sorted(page_findings, key=lambda f: f.entry.line, reverse=True):
            entry = current[finding.entry.line]
            text = set_options(text, entry, {change.option: change.new for change in finding.changes},
                               OPTION_ORDER)
        write_page(path, text)


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _print_findings(findings: list[Finding], written: bool) -> None:
    changed = disagreeing = 0
    for finding in findings:
        if not (finding.changes or finding.disagreements):
            continue
        print(f"{where(finding.entry)}: {finding.entry.title}")
        for change in finding.changes:
            sources = ", ".join(label(source) for source in change.sources)
            old = f"{_shorten(change.old)!r} -> " if change.old else "+ "
            print(f"    {change.option}: {old}{_shorten(change.new)!r}  [{sources}]")
        for message in finding.disagreements:
            print(f"    {message}; nothing changed")
        changed += bool(finding.changes)
        disagreeing += bool(finding.disagreements)
    verb = "changed" if written else "would change"
    print(f"{len(findings)} papers with an arXiv id or DOI checked: {verb} {changed}, "
          f"{disagreeing} where the sources disagree"
          + ("" if written or not changed else "; --write applies the changes"))


# -- the command line --------------------------------------------------------

def register(commands: argparse._SubParsersAction) -> None:
    """Add ``add`` and ``refresh`` to ``python -m papershelf``."""
    adder = commands.add_parser("add", help="add papers to a page from their arXiv id, DOI or OpenReview link")
    adder.add_argument("ids", nargs="+", metavar="ID",
                       help="an arXiv id (2310.15213, arXiv:2310.15213v2, an arxiv.org link), "
                            "a DOI (bare or as a doi.org link) or an OpenReview forum link")
    adder.add_argument("--to", type=Path, required=True, metavar="PAGE.md", help="the topic page")
    adder.add_argument("--section", metavar="HEADING", help="add at the end of this section")
    adder.add_argument("--tags", nargs="+", metavar="TAG", help="tags (several, or comma-separated)")
    adder.add_argument("--status", help=f"one of {', '.join(STATUSES)} (default: unread)")
    adder.add_argument("--site", type=Path, metavar="DIR",
                       help="where to look for papers already there (default: the site's papers/)")
    adder.add_argument("--mailto", help="e-mail address for Crossref's polite pool "
                       "(default: PAPERSHELF_MAILTO, else papershelf_mailto in conf.py)")
    adder.set_defaults(handler=add)

    refresher = commands.add_parser("refresh", help="fill missing data and find published preprints")
    refresher.add_argument("pages", nargs="*", type=Path, metavar="PAGE",
                           help="pages or folders (default: the site's papers/)")
    refresher.add_argument("--write", action="store_true", help="rewrite the option lines that change")
    refresher.add_argument("--report", type=Path, metavar="R.json", help="also write the findings as JSON")
    refresher.add_argument("--mailto", help="e-mail address for Crossref's polite pool")
    refresher.set_defaults(handler=refresh)
