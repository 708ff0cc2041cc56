"""The results kept between runs, in one JSON file.

- A working link is not checked again for ``days`` (each link's time is a
  little longer or shorter, so that they do not all expire on one day).
- An answer that says nothing about the link (a host that kept answering
  429, or refuses automated checks) is remembered for ``remember`` seconds,
  so that a second run soon after does not wait for it again.
- Everything else is checked every time.

The file is written whole to a temporary file that then replaces it, so a run
killed at any moment leaves either the old file or the new one, never a part.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

CACHE_NAME = "papershelf-cache.json"
CACHE_VERSION = 2
#: Versions whose files can still be read (1: working links only).
READABLE_VERSIONS = (1, 2)
#: A run saves when this many results are new, or this many seconds passed.
SAVE_EVERY_RESULTS = 25
SAVE_EVERY_SECONDS = 2.0


class CacheUnusable(Exception):
    """The cache's path cannot hold a file (a folder, no permission...)."""


class LinkCache:
    def __init__(self, path: Path, days: float, jitter: float, remember: float = 3600.0) -> None:
        self.path, self.days, self.jitter, self.remember = Path(path), days, jitter, remember
        self.entries: dict[str, dict[str, Any]] = {}
        self._unsaved = 0
        self._saved_at = time.monotonic()

    def load(self) -> str | None:
        """Read the file; the problem, if it could not be used. Raises
        :class:`CacheUnusable` when no file can be kept at the path at all."""
        if self.path.exists() and not self.path.is_file():
            raise CacheUnusable(f"{self.path} is not a file")
        self._remove_leftovers()
        if not self.path.exists():
            return None
        try:
            raw = self.path.read_bytes()
        except OSError as error:
            raise CacheUnusable(f"{error.__class__.__name__}: {error}") from error
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("version") not in READABLE_VERSIONS \
                    or not isinstance(data.get("links"), dict):
                raise ValueError("unknown format")
            entries = {uri: entry for uri, entry in data["links"].items()
                       if isinstance(entry, dict) and isinstance(entry.get("expires"), (int, float))}
        except ValueError as error:
            return f"{error.__class__.__name__}: {error}"
        for entry in entries.values():
            entry.setdefault("status", "working")
        self.entries = entries
        return None

    def _remove_leftovers(self) -> None:
        """Temporary files of a run killed while it saved."""
        with suppress(OSError):
            for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with suppress(OSError):
                    if time.time() - leftover.stat().st_mtime > 60:
                        leftover.unlink()

    def fresh(self, uri: str, now: float) -> dict[str, Any] | None:
        """The entry of a link that need not be checked now."""
        entry = self.entries.get(uri)
        if self.days <= 0 or entry is None or entry["expires"] <= now:
            return None
        return entry

    def record(self, uri: str, status: str, now: float, *, info: str = "", remember: bool = False) -> None:
        """Keep a working link for about ``days``, a link that could not be
        judged (``remember``) for ``remember`` seconds; forget anything else."""
        self._unsaved += 1
        if status == "working":
            entry = self.entries.get(uri)
            if entry is not None and entry.get("status") == "working" and entry["expires"] > now:
                return
            # the same spread for a link every time, so runs are repeatable
            spread = int(hashlib.blake2b(uri.encode(), digest_size=4).hexdigest(), 16) / 0xFFFFFFFF
            lifetime = self.days * 86400 * (1 + self.jitter * (2 * spread - 1))
            self.entries[uri] = {"status": "working", "checked": round(now), "expires": round(now + lifetime)}
        elif remember and self.remember > 0:
            self.entries[uri] = {"status": status, "info": info, "checked": round(now),
                                 "expires": round(now + self.remember)}
        else:
            self.entries.pop(uri, None)

    def keep_only(self, uris: set[str]) -> None:
        """Forget the links the site no longer has."""
        gone = [uri for uri in self.entries if uri not in uris]
        for uri in gone:
            del self.entries[uri]
        self._unsaved += len(gone)

    def due(self) -> bool:
        """Whether enough is new, or enough time passed, to save."""
        return self._unsaved >= SAVE_EVERY_RESULTS or \
            (self._unsaved > 0 and time.monotonic() - self._saved_at >= SAVE_EVERY_SECONDS)

    def save(self) -> None:
        """Write the file atomically: a temporary file in the same folder,
        flushed to disk, then moved over the old one."""
        data = {"version": CACHE_VERSION, "links": dict(sorted(self.entries.items()))}
        text = json.dumps(data, indent=1) + "\n"
        # the old file's permissions (a temporary file is only its owner's)
        try:
            mode = self.path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            os.chmod(temporary, mode)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
        self._unsaved = 0
        self._saved_at = time.monotonic()
