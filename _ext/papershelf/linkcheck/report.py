"""The report by page and paper: ``papers-report.json`` and ``.txt``.

For each page, each paper with a link that is not working (label, URL,
status, line, what was found), then the totals by status.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .check import UNREACHABLE, UNVERIFIED

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .workers import Result

REPORT_VERSION = 1
#: Statuses a person must act on or know about, in report order.
REPORTED = ("broken", "timeout", UNREACHABLE, UNVERIFIED, "redirected", "unchecked")


@dataclass(frozen=True)
class Location:
    docname: str
    line: int
    label: str
    paper: str      # the paper's title, or "" for a link outside any paper
    key: str


def build_report(results: Iterable[Result], locations: dict[str, list[Location]]) -> dict[str, Any]:
    """Per page, per paper, the links that are not working; totals by status."""
    totals: Counter[str] = Counter()
    pages: dict[str, dict[str, dict[str, Any]]] = {}
    unique = cached = 0
    for result in results:
        unique += 1
        cached += result.cached
        status = str(result.status)
        totals[status] += 1
        if status not in REPORTED or (status == "unchecked" and not result.message):
            continue
        places = locations.get(result.uri) or [Location(result.docname, result.lineno, "", "", "")]
        for place in places:
            paper_key = place.key or f"line {place.line}"
            paper = pages.setdefault(place.docname, {}).setdefault(
                paper_key, {"title": place.paper or "(not in a paper)", "key": place.key, "links": []})
            paper["links"].append({"label": place.label, "url": result.uri, "status": status,
                                   "line": place.line, "info": result.message.strip()})
    ordered = {
        docname: sorted(papers.values(), key=lambda paper: min(link["line"] for link in paper["links"]))
        for docname, papers in sorted(pages.items())
    }
    for papers in ordered.values():
        for paper in papers:
            paper["links"].sort(key=lambda link: (link["line"], link["url"]))
    return {"version": REPORT_VERSION, "totals": dict(sorted(totals.items())), "unique_links": unique,
            "from_cache": cached, "pages": ordered}


def report_lines(report: dict[str, Any], source_of: Callable[[str], str]) -> list[str]:
    """The report as text; ``source_of`` gives a page's file from its name."""
    totals = report["totals"]
    lines = ["", "Papershelf link report"]
    for docname, papers in report["pages"].items():
        lines.append(source_of(docname))
        for paper in papers:
            lines.append(f"  {paper['title']}")
            for link in paper["links"]:
                label = f"{link['label']}: " if link["label"] else ""
                lines.append(f"    line {link['line']}: [{link['status']}] {label}{link['url']}"
                             + (f" - {link['info']}" if link["info"] else ""))
    summary = ", ".join(f"{count} {status}" for status, count in sorted(totals.items())) or "no links"
    lines.append(f"{report['unique_links']} links: {summary} ({report['from_cache']} taken from the cache)")
    checked = sum(count for status, count in totals.items() if status not in ("unchecked", "ignored"))
    if checked and totals.get(UNREACHABLE, 0) == checked:
        lines.append("No host could be reached: this machine may have no internet access. "
                     "Nothing is known about these links; run linkcheck again when online.")
    return lines


def write_report(report: dict[str, Any], outdir: Path, source_of: Callable[[str], str]) -> None:
    (outdir / "papers-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n",
                                                encoding="utf-8")
    (outdir / "papers-report.txt").write_text("\n".join(report_lines(report, source_of)[1:]) + "\n",
                                               encoding="utf-8")
