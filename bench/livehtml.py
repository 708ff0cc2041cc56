"""The time from saving a topic page to its HTML being rewritten under
``sphinx-autobuild``, as ``make livehtml`` runs it: what a writer waits for.

sphinx-autobuild is started on a built site on a free 127.0.0.1 port; once it
serves, one paper's summary is edited and saved the way an editor saves it,
and the written HTML file is polled until it holds the new text.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

POLL_SECONDS = 0.02
# sphinx-autobuild colours its messages whatever the terminal
ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")


def available() -> bool:
    return importlib.util.find_spec("sphinx_autobuild") is not None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Autobuild:
    """A running ``sphinx-autobuild`` with its output read line by line, so
    that the number of finished builds is known."""

    def __init__(self, srcdir: Path, outdir: Path, doctreedir: Path, port: int) -> None:
        self.port = port
        self.lines: list[str] = []
        self.builds_done = 0
        self._changed = threading.Condition()
        command = [sys.executable, "-m", "sphinx_autobuild", str(srcdir), str(outdir), "-d", str(doctreedir),
                   "--host", "127.0.0.1", "--port", str(port)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1"})
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            line = ANSI_CODES.sub("", raw.decode("utf-8", "replace").rstrip())
            with self._changed:
                self.lines.append(line)
                # printed once after every build, whether it succeeded or not
                if "[sphinx-autobuild] Serving on" in line:
                    self.builds_done += 1
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_builds(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.builds_done < count:
                if self.process.poll() is not None:
                    raise RuntimeError("sphinx-autobuild stopped:\n" + "\n".join(self.lines[-30:]))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"sphinx-autobuild finished {self.builds_done} of {count} builds "
                                       f"in {timeout:.0f} s:\n" + "\n".join(self.lines[-30:]))
                self._changed.wait(min(left, 1.0))

    def wait_serving(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("sphinx-autobuild does not serve:\n" + "\n".join(self.lines[-30:]))
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            # its own session: the sphinx-build it may be running goes too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def measure_livehtml(site: Path, page: str, old: str, edits: int = 3, timeout: float = 900.0) -> dict[str, object]:
    """Seconds from saving ``page`` (a docname of ``site``, whose text holds
    ``old``) to ``_build/html/<page>.html`` holding the new text, ``edits``
    times over one ``sphinx-autobuild`` run; the site is built beforehand."""
    source = site / f"{page}.md"
    html = site / "_build" / "html" / f"{page}.html"
    text = source.read_text(encoding="utf-8")
    if old not in text:
        raise ValueError(f"{old!r} not in {source}")
    server = Autobuild(site, site / "_build" / "html", site / "_build" / ".doctrees", free_port())
    samples = []
    try:
        server.wait_builds(1, timeout)
        server.wait_serving(60)
        for edit in range(1, edits + 1):
            marker = f"Saved again {edit} times"
            changed = text.replace(old, f"{old} {marker}.", 1)
            saved = time.perf_counter()
            source.write_text(changed, encoding="utf-8")
            deadline = time.monotonic() + timeout
            while marker not in _read(html):
                if time.monotonic() > deadline or server.process.poll() is not None:
                    raise TimeoutError(f"{html} never held {marker!r}:\n" + "\n".join(server.lines[-30:]))
                time.sleep(POLL_SECONDS)
            samples.append(time.perf_counter() - saved)
            # the rest of that build (other pages, the search index) ends
            # before the next save, as it would for a writer reading the page
            server.wait_builds(1 + edit, timeout)
    finally:
        server.stop()
    return {"save_to_page_seconds": statistics.median(samples), "samples": samples}


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        # absent, or caught half-written
        return ""
