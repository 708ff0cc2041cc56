"""The import report: counts, the conservation invariant, every problem with
its source line."""

from __future__ import annotations

from .structure import PROBLEM_KINDS, ReadingList

REPORT_VERSION = 2
INVARIANT = "entries seen = papers written + entries reported"

# problems of these kinds are repairs whose intent is clear; the terminal
# summary counts them instead of listing each
ROUTINE = frozenset({"repaired", "tagged"})


class ConservationError(RuntimeError):
    """The importer would lose an entry without a word: nothing is written."""


def check_conservation(reading_list: ReadingList) -> None:
    papers = sum(1 for _ in reading_list.entries())
    reported = sum(1 for problem in reading_list.problems if problem.kind == "skipped")
    if reading_list.entries_seen != papers + reported:
        raise ConservationError(
            f"{reading_list.entries_seen} entries seen but {papers} papers written and {reported} reported; "
            "nothing was written. Please report this list as a bug of the importer")


def report(reading_list: ReadingList, source: str, pages: dict[str, str]) -> dict[str, object]:
    papers = sum(1 for _ in reading_list.entries())
    by_kind: dict[str, int] = {}
    for problem in reading_list.problems:
        by_kind[problem.kind] = by_kind.get(problem.kind, 0) + 1
    skipped = by_kind.get("skipped", 0)
    return {
        "version": REPORT_VERSION,
        "source": source,
        "invariant": INVARIANT,
        "entries": reading_list.entries_seen,
        "papers": papers,
        "skipped": skipped,
        "unique_papers": len({entry.key for entry in reading_list.entries()}),
        "links": sum(len(entry.links) for entry in reading_list.entries()),
        "tags": sorted({tag for entry in reading_list.entries() for tag in entry.tags}),
        "groups": sum(1 for group in reading_list.groups if group.title),
        "topics": sum(1 for _ in reading_list.topics()),
        "empty_topics": [topic.title for topic in reading_list.topics() if not any(topic.entries())],
        "pages": sorted(pages),
        "problem_kinds": {kind: PROBLEM_KINDS[kind] for kind in sorted(by_kind)},
        "problems_by_kind": dict(sorted(by_kind.items())),
        "problems": [problem.as_dict() for problem in reading_list.problems],
    }


def summary_text(data: dict[str, object], verbose: bool = False) -> str:
    kinds = ", ".join(f"{count} {kind}" for kind, count in data["problems_by_kind"].items())  # type: ignore[union-attr]
    lines = [
        f"{data['source']}: {data['entries']} entries -> {data['papers']} papers "
        f"({data['unique_papers']} distinct), {data['skipped']} skipped; "
        f"{data['topics']} topics in {data['groups']} groups, {len(data['pages'])} pages",  # type: ignore[arg-type]
        f"invariant: {INVARIANT}: {data['entries']} = {data['papers']} + {data['skipped']}",
        f"problems: {kinds or 'none'}",
    ]
    routine = 0
    for problem in data["problems"]:  # type: ignore[union-attr]
        if problem["kind"] in ROUTINE and not verbose:
            routine += 1
            continue
        lines.append(f"  line {problem['line']}: [{problem['kind']}] {problem['message']}")
    if routine:
        lines.append(f"  ({routine} routine repairs and tags not listed: see the JSON report or use --verbose)")
    return "\n".join(lines)
