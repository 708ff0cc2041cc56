"""Answers of the sources, kept on disk so that a second run asks nothing it knows.

The cache is a folder (``.papershelf-cache/`` in the current directory, or
``PAPERSHELF_CACHE``) with one JSON file per source, mapping a question (an
arXiv id, a DOI, a title) to the answer and the time it was fetched.  "Not
found" is an answer too.  Answers older than ``PAPERSHELF_CACHE_DAYS`` days
(default 7; 0 asks again every time) are asked again, because a preprint gets
published.  A file that cannot be read is ignored, with a message.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_FOLDER = ".papershelf-cache"
DEFAULT_DAYS = 7.0
_MISSING = object()


def cache_folder() -> Path:
    return Path(os.environ.get("PAPERSHELF_CACHE") or DEFAULT_FOLDER)


def _max_age() -> float:
    value = os.environ.get("PAPERSHELF_CACHE_DAYS", "").strip()
    try:
        days = float(value) if value else DEFAULT_DAYS
    except ValueError:
        days = DEFAULT_DAYS
    return max(0.0, days) * 86400


class Cache:
    """Answers by source and question."""

    MISSING = _MISSING

    def __init__(self, folder: Path | None = None):
        self.folder = folder or cache_folder()
        self.max_age = _max_age()
        self._data: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()

    def _table(self, source: str) -> dict[str, Any]:
        if source not in self._data:
            path = self.folder / f"{source}.json"
            table: dict[str, Any] = {}
            if path.exists():
                try:
                    table = json.loads(path.read_text(encoding="utf-8"))
                    if not isinstance(table, dict):
                        raise ValueError("not a JSON object")
                except (OSError, ValueError) as error:
                    print(f"papershelf: ignoring the cache {path}: {error}", file=sys.stderr)
                    table = {}
            self._data[source] = table
        return self._data[source]

    def get(self, source: str, question: str) -> Any:
        """The answer kept for a question, or :attr:`MISSING`."""
        item = self._table(source).get(question)
        if not isinstance(item, dict) or "at" not in item:
            return _MISSING
        if time.time() - float(item["at"]) > self.max_age:
            return _MISSING
        return item.get("answer")

    def known(self, source: str, questions: list[str]) -> tuple[dict[str, Any], list[str]]:
        """The answers kept for ``questions`` (each asked once, in order), and
        the questions still to ask."""
        found: dict[str, Any] = {}
        wanted: list[str] = []
        for question in dict.fromkeys(questions):
            answer = self.get(source, question)
            if answer is _MISSING:
                wanted.append(question)
            else:
                found[question] = answer
        return found, wanted

    def put(self, source: str, question: str, answer: Any) -> None:
        self._table(source)[question] = {"at": round(time.time()), "answer": answer}
        self._dirty.add(source)

    def save(self) -> None:
        """Write the tables that changed (each atomically)."""
        for source in sorted(self._dirty):
            self.folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(self._data[source], ensure_ascii=False, sort_keys=True, indent=0)
            handle, name = tempfile.mkstemp(dir=self.folder, prefix=f".{source}.", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text + "\n")
            os.replace(name, self.folder / f"{source}.json")
        self._dirty.clear()
