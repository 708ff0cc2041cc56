"""Where an import writes: its folder and report checked before anything is
written, a manifest of the pages written (so ``--force`` removes exactly
those), and the folder added to the site's table of contents."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .text import markdown

MANIFEST = ".papershelf-import.json"


class TargetError(Exception):
    """A place the import cannot write to: a one-line message for the user."""


def _writable_place(path: Path) -> Path | None:
    """The nearest existing folder ``path`` would be made in, if it can be."""
    for parent in (path, *path.parents):
        if parent.exists():
            return parent if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK) else None
    return None


def report_problem(report: Path) -> str | None:
    """Why a report file cannot be written at ``report``, or ``None``: asked
    before a command changes anything."""
    if report.is_dir():
        return f"--report {report}: that is a folder; give a file name such as {report / 'report.json'}"
    if report.exists() and not os.access(report, os.W_OK):
        return f"--report {report}: the file cannot be written"
    if _writable_place(report.parent) is None:
        return f"--report {report}: cannot write there (no permission, or a file in the way)"
    return None


def check_targets(out: Path, report: Path | None, force: bool) -> None:
    """Refuse, before anything is written, an output folder or report path
    that cannot be written."""
    if out.exists() and not out.is_dir():
        raise TargetError(f"--out {out}: that is a file, not a folder")
    if _writable_place(out) is None:
        raise TargetError(f"--out {out}: cannot write there (no permission, or a file in the way)")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise TargetError(f"{out} is not empty; pass --force to replace the pages an earlier import wrote there")
    if report is None:
        return
    problem = report_problem(report)
    if problem:
        raise TargetError(problem)
    if out.exists() and report.resolve().is_relative_to(out.resolve()) and report.suffix == ".md":
        raise TargetError(f"--report {report}: inside the output folder, a .md report would be read as a page")


def previous_pages(out: Path) -> list[str]:
    """The pages the last import into ``out`` wrote, from its manifest."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    pages = data.get("pages") if isinstance(data, dict) else None
    return [page for page in pages if isinstance(page, str)] if isinstance(pages, list) else []


def write_pages(out: Path, pages: dict[str, str], source: str) -> list[str]:
    """Write ``pages`` under ``out``, remove the pages of the previous import
    that are not written again, and return those removed."""
    root = out.resolve()
    removed = []
    for page in previous_pages(out):
        path = (out / page).resolve()
        # only pages the manifest names, inside the folder
        if page in pages or not path.is_relative_to(root) or path.suffix != ".md" or not path.is_file():
            continue
        path.unlink()
        removed.append(page)
        for parent in path.parents:
            if parent == root or any(parent.iterdir()):
                break
            parent.rmdir()
    for relative, content in pages.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8", newline="\n")
    manifest = {"written_by": "python -m papershelf import", "source": source, "pages": sorted(pages)}
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8",
                                newline="\n")
    return sorted(removed)


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def into_site(out: Path) -> str:
    """Add the imported folder to the toctree of ``papers/index.md`` when it is
    under a ``papers/`` folder that has one; else say which line to add."""
    folder = out.resolve()
    for parent in folder.parents:
        index = parent / "index.md"
        if parent.name == "papers" and index.is_file():
            line = f"{folder.relative_to(parent).as_posix()}/index"
            text = index.read_text(encoding="utf-8")
            lines = text.split("\n")
            for token in markdown().parse(text):
                if token.type == "fence" and token.info.strip() == "{toctree}" and token.map:
                    if line in (entry.strip() for entry in token.content.split("\n")):
                        return f"{line} is already in the toctree of {_shown(index)}"
                    closing = token.map[1] - 1
                    # after the last entry, before the closing fence and any blank lines
                    position = closing
                    while position > token.map[0] + 1 and not lines[position - 1].strip():
                        position -= 1
                    if lines[position - 1].lstrip().startswith(":"):
                        # a toctree with options and no entry yet: a blank line between
                        lines.insert(position, "")
                        position += 1
                    lines.insert(position, line)
                    index.write_text("\n".join(lines), encoding="utf-8", newline="\n")
                    return f"added {line} to the toctree of {_shown(index)}"
            return f"{_shown(index)} has no toctree: add one that lists {line}"
    root = next((parent for parent in folder.parents if (parent / "conf.py").is_file()), None)
    if root is None:
        return f"to publish these pages, list {_shown(folder)}/index in a toctree of your site"
    return (f"to publish these pages, add this line to the toctree of {_shown(root / 'index.md')} "
            f"(or of another page): {folder.relative_to(root).as_posix()}/index")
