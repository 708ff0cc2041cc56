"""Test sites for ``make linkcheck`` and local servers that misbehave the way
real hosts do, all on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import copy_root


def site(tmp_path: Path, port: int, pages: dict[str, str], **conf: object) -> Path:
    """A test site whose pages link to the local server (``{base}``)."""
    srcdir = copy_root(tmp_path, "linkcheck")
    write_pages(srcdir, port, pages)
    (srcdir / "index.md.in").unlink()
    with (srcdir / "conf.py").open("a", encoding="utf-8") as handle:
        for name, value in conf.items():
            handle.write(f"{name} = {value!r}\n")
    return srcdir


def write_pages(srcdir: Path, port: int, pages: dict[str, str]) -> None:
    base = f"http://127.0.0.1:{port}"
    names = [name for name in pages if name != "index"]
    index = pages.get("index", "# Links\n")
    if names:
        index += "\n```{toctree}\n" + "\n".join(names) + "\n```\n"
    for name, text in {**pages, "index": index}.items():
        (srcdir / f"{name}.md").write_text(text.replace("{base}", base), encoding="utf-8")


def paper(title: str, **links: str) -> str:
    options = "".join(f":{label}: {url}\n" for label, url in links.items())
    return f"\n```{{paper}} {title}\n{options}```\n"


def run(make_apps, srcdir: Path, builddir: Path | None = None):
    app = make_apps("linkcheck", srcdir=srcdir, builddir=builddir or srcdir / "_build")
    app.build()
    return (app, read_results(Path(app.outdir)),
            json.loads((Path(app.outdir) / "papers-report.json").read_text(encoding="utf-8")))


def read_results(outdir: Path) -> dict[str, dict]:
    """``output.json`` by the last part of each URL (its anchor left out)."""
    results = {}
    for line in (outdir / "output.json").read_text(encoding="utf-8").splitlines():
        result = json.loads(line)
        name = Path(result["uri"].partition("#")[0].partition("?")[0]).name or result["uri"]
        query = result["uri"].partition("?")[2].partition("#")[0]
        results[f"{name}?{query}" if query else name] = result
    return results


def statuses(results) -> dict[str, str]:
    return {name: result["status"] for name, result in results.items()}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FaultServer(ThreadingHTTPServer):
    """Answers by path:

    - ``/ok``, ``/fast/...``: 200 at once;
    - ``/trickle``: a page of ``trickle_length`` bytes sent one byte every
      ``trickle_every`` seconds, never with the anchor, until ``give_up_after``;
    - ``/huge``: a page of ``huge_length`` bytes sent as fast as it is read,
      the anchor ``#early`` in its first kilobyte and no other;
    - ``/hang``: answers only once ``release`` is set;
    - ``/stall``: a page that stops after its first bytes, until ``release``;
    - ``/cut``: a page whose connection closes after its first bytes;
    - ``/always-429``: 429 without Retry-After;
    - ``/challenge``: 403 with a challenge header;
    - ``/redirect/N``: N redirects, then ``/ok``.
    """

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FaultHandler)
        self.log: list[tuple[str, str, float]] = []   # (method, path, arrival time)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.release = threading.Event()
        self.sent: Counter[str] = Counter()   # body bytes written, by path
        self.trickle_every = 0.2
        self.trickle_length = 10_000_000
        self.give_up_after = 600.0
        self.huge_length = 2_000_000_000

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for _, logged, _ in self.log if logged.split("?")[0] == path)

    def stop(self) -> None:
        self.stopping.set()
        self.release.set()
        self.shutdown()
        self.server_close()


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        server = self.server
        with server.lock:
            server.log.append((self.command, self.path, time.monotonic()))
        path = self.path.split("?")[0]
        body = self.command == "GET"
        if path == "/trickle":
            self._headers(200, {"Content-Type": "text/html", "Content-Length": str(server.trickle_length)})
            if body:
                self._trickle(path)
        elif path == "/huge":
            self._headers(200, {"Content-Type": "text/html", "Content-Length": str(server.huge_length)})
            if body:
                self._huge(path)
        elif path in ("/stall", "/cut"):
            self._headers(200, {"Content-Type": "text/html", "Content-Length": "100000"})
            if body:
                self.wfile.write(b"<html><body><p>the start")
                self.wfile.flush()
                if path == "/stall":
                    server.release.wait()
            self.close_connection = True
        elif path == "/hang":
            while not server.release.wait(0.1):
                pass
            self._headers(200, {"Content-Length": "0"})
        elif path == "/always-429":
            self._headers(429, {"Content-Length": "0"})
        elif path == "/challenge":
            self._headers(403, {"cf-mitigated": "challenge", "Content-Length": "0"})
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            self._headers(302, {"Location": f"/redirect/{left - 1}" if left > 1 else "/ok",
                                "Content-Length": "0"})
        elif path == "/ok" or path.startswith("/fast/"):
            self._headers(200, {"Content-Length": "0"})
        else:
            self._headers(404, {"Content-Length": "0"})

    do_HEAD = do_GET

    def _headers(self, code: int, headers: dict[str, str]) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _trickle(self, path: str) -> None:
        server = self.server
        started = time.monotonic()
        try:
            for _ in range(server.trickle_length):
                if server.stopping.is_set() or time.monotonic() - started > server.give_up_after:
                    break
                self.wfile.write(b" ")
                self.wfile.flush()
                with server.lock:
                    server.sent[path] += 1
                time.sleep(server.trickle_every)
        except OSError:
            pass
        self.close_connection = True

    def _huge(self, path: str) -> None:
        server = self.server
        block = (b"<p>" + b"filler " * 9000 + b"</p>\n")
        first = b'<html><body><p id="early">the early anchor</p>\n'
        try:
            self.wfile.write(first)
            written = len(first)
            while written < server.huge_length and not server.stopping.is_set():
                chunk = block[:server.huge_length - written]
                self.wfile.write(chunk)
                written += len(chunk)
                with server.lock:
                    server.sent[path] = written
        except OSError:
            pass
        self.close_connection = True

    def log_message(self, *args) -> None:
        pass


def start_fault_server() -> FaultServer:
    server = FaultServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class NeverAccepting:
    """A host that never accepts a connection, as a firewalled host looks: a
    listening socket whose backlog is full, so that connects time out."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(0)
        self.port = self.listener.getsockname()[1]
        self.fillers: list[socket.socket] = []
        for _ in range(4):
            filler = socket.socket()
            filler.settimeout(0.3)
            try:
                filler.connect(("127.0.0.1", self.port))
            except OSError:
                filler.close()
                break
            self.fillers.append(filler)

    def accepts(self) -> bool:
        """Whether a connection can be made (the test's own premise)."""
        with socket.socket() as probe:
            probe.settimeout(0.5)
            try:
                probe.connect(("127.0.0.1", self.port))
            except OSError:
                return False
            return True

    def close(self) -> None:
        for filler in self.fillers:
            filler.close()
        self.listener.close()
