"""An imported list as topic pages of ``paper`` directives: keys, slugs, and
the MyST text of each page."""

from __future__ import annotations

import re

from .. import model
from ..model import LINK_LABELS, Link
from .structure import Entry, Problem, ReadingList, Topic
from ..pagetext import list_option, paper_directive
from .text import inert


def assign_keys(reading_list: ReadingList) -> None:
    """One key per paper across the whole list: entries with the same title
    share it; each paper gets its arXiv id (or DOI, or title slug) as key, and
    two different titles never share one."""
    clusters: dict[str, list[Entry]] = {}
    for entry in reading_list.entries():
        clusters.setdefault(model.normal_title(entry.title), []).append(entry)
    used: dict[str, Entry] = {}
    for members in clusters.values():
        links = [Link(label, url) for entry in members for label, url in entry.links]
        key = model.derive_key(members[0].title, links)
        if key.casefold() in used:
            other = used[key.casefold()]
            reading_list.problems.append(Problem(
                members[0].line, "duplicate-link",
                f"{members[0].title!r} links to the same paper ({key}) as {other.title!r} "
                f"on line {other.line}; check the link. Its key is taken from its title"))
            key = model.unique_name(model.derive_key(members[0].title, []), set(used), str.casefold)
        used[key.casefold()] = members[0]
        for entry in members:
            entry.key = key
        for entry in members[1:]:
            if entry.venue and members[0].venue and entry.venue != members[0].venue:
                reading_list.problems.append(Problem(
                    entry.line, "differs",
                    f"{entry.title!r} is also on line {members[0].line} with venue "
                    f"{members[0].venue!r}; here {entry.venue!r}"))


def assign_slugs(reading_list: ReadingList) -> None:
    group_slugs: set[str] = set()
    for group in reading_list.groups:
        if group.title:
            group.slug = model.unique_name(model.slugify(group.title) or "group", group_slugs)
        topic_slugs: set[str] = {"index"}
        for topic in group.topics:
            topic.slug = model.unique_name(model.slugify(topic.title) or "topic", topic_slugs)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_entry(entry: Entry) -> str:
    options: list[tuple[str, str]] = [("key", entry.key)]
    if entry.authors:
        options.append(("authors", list_option(entry.authors)))
    if entry.venue:
        options.append(("venue", _one_line(entry.venue)))
    if entry.year:
        options.append(("year", entry.year))
    extras: list[str] = []
    used: set[str] = set()
    for label, url in entry.links:
        if label in LINK_LABELS and label not in used:
            used.add(label)
            options.append((label, url))
        else:
            extras.append(f"{_one_line(label).replace('<', '').replace('>', '')} <{url}>")
    if extras:
        options.append(("links", ", ".join(extras)))
    if entry.tags:
        options.append(("tags", list_option(entry.tags)))
    if entry.abstract:
        options.append(("abstract", _one_line(entry.abstract)))
    if entry.added:
        options.append(("added", entry.added))
    body = [block for block in (entry.summary, *entry.notes) if block.strip()]
    return paper_directive(_one_line(entry.title), options, "\n\n".join(body))


def _heading_text(text: str) -> str:
    return inert(_one_line(text))[0]


def render_topic(topic: Topic) -> str:
    parts = [f"# {_heading_text(topic.title)}\n"]
    count = sum(1 for _ in topic.entries())
    if not count:
        parts.append("No papers on this topic yet.\n")
    for section in topic.sections:
        if section.title:
            parts.append(f"{'#' * section.level} {_heading_text(section.title)}\n")
        for item in section.items:
            parts.append(render_entry(item) if isinstance(item, Entry) else item + "\n")
    return "\n".join(parts)


def _toctree(names: list[str], maxdepth: int) -> str:
    return "```{toctree}\n" + f":maxdepth: {maxdepth}\n\n" + "\n".join(names) + "\n```\n"


def _intro_text(blocks: list[str]) -> str:
    text = "\n\n".join(block for block in blocks if block.strip()).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text + "\n" if text else ""


def render_pages(reading_list: ReadingList) -> dict[str, str]:
    """Every page of the import, by path relative to the output folder."""
    pages: dict[str, str] = {}
    top: list[str] = []
    for group in reading_list.groups:
        if group.title:
            names = [topic.slug for topic in group.topics]
            parts = [f"# {_heading_text(group.title)}\n"]
            if group.intro:
                parts.append(_intro_text(group.intro))
            parts.append(_toctree(names, 1))
            pages[f"{group.slug}/index.md"] = "\n".join(parts)
            top.append(f"{group.slug}/index")
            for topic in group.topics:
                pages[f"{group.slug}/{topic.slug}.md"] = render_topic(topic)
        else:
            for topic in group.topics:
                pages[f"{topic.slug}.md"] = render_topic(topic)
                top.append(topic.slug)
    parts = [f"# {_heading_text(reading_list.title)}\n"]
    if reading_list.intro:
        parts.append(_intro_text(reading_list.intro))
    parts.append(_toctree(top, 2))
    pages["index.md"] = "\n".join(parts)
    return dict(sorted(pages.items()))
